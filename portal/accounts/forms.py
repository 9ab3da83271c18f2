from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from . import services
from .backends import login_key
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

    def clean_username(self):
        # authenticate() hands this value to django-axes, which counts failures per value:
        # one key per account, whatever spelling of the phone number or case of the email.
        return login_key(self.cleaned_data["username"])


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Reset by email, or by SMS for owners who have only a phone number."""

    email = forms.CharField(
        label=_("Phone number or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def save(self, *args, **kwargs):
        services.password_reset_request(identifier=self.cleaned_data["email"])


class SetPasswordForm(auth_forms.SetPasswordForm):
    pass


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language", "large_text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Same as my browser")), *settings.LANGUAGES]


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
    accept_privacy_notice = forms.BooleanField(
        label=_("I have read the privacy notice and agree to it."),
        error_messages={"required": _("Please read and accept the privacy notice.")},
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
