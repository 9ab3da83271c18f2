from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from portal.sms import send_sms

from .backends import find_user
from .models import User


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.CharField(
        label=_("Phone number or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The phone number or email and password do not match. "
            "Note that the password is case-sensitive."
        ),
        "inactive": _("This account is not active yet. Use the invitation link you received."),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Reset by email, or by SMS for owners who have only a phone number."""

    email = forms.CharField(label=_("Phone number or email"), max_length=254)

    def get_users(self, identifier):
        user = find_user(identifier)
        if user is not None and user.is_active and user.has_usable_password():
            yield user

    def save(self, domain_override=None, request=None, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            token = default_token_generator.make_token(user)
            url = settings.SITE_URL + reverse(
                "accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token}
            )
            context = {"user": user, "url": url}
            if user.email:
                self.send_mail(
                    "accounts/email/password_reset_subject.txt",
                    "accounts/email/password_reset.txt",
                    context,
                    None,
                    user.email,
                    html_email_template_name="accounts/email/password_reset.html",
                )
            elif user.phone:
                send_sms(user.phone, render_to_string("accounts/sms/password_reset.txt", context))


class SetPasswordForm(auth_forms.SetPasswordForm):
    pass


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language", "large_text"]


class InvitationAcceptForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords do not match."), code="mismatch")
        if second:
            password_validation.validate_password(second, self.user)
        return second
