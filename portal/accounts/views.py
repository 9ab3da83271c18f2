from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from portal.realtime import close_user_sockets_on_commit

from . import forms, services

BACKEND = "portal.accounts.backends.PhoneOrEmailBackend"


class LoginView(auth_views.LoginView):
    """``next`` is followed only within this site (Django's url_has_allowed_host_and_scheme)."""

    form_class = forms.LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.login_failures_clear(
            username=form.cleaned_data["username"],
            ip_address=getattr(self.request, "axes_ip_address", None),
        )
        return response


class LogoutView(auth_views.LogoutView):
    """Signs out (POST only) and closes the person's open live-update sockets."""

    def post(self, request, *args, **kwargs):
        user_id = request.user.pk if request.user.is_authenticated else None
        response = super().post(request, *args, **kwargs)
        if user_id is not None:
            close_user_sockets_on_commit(user_id)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Other sessions end with the old password; their sockets must end with them.
        close_user_sockets_on_commit(form.user.pk)
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.PasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        # Whoever can read the person's messages may try again at once, as the lockout page
        # promises; and no socket of a session signed in with the old password stays open.
        services.login_failures_clear(username=user.login_identifier)
        close_user_sockets_on_commit(user.pk)
        messages.success(self.request, _("Your password has been set. You can sign in now."))
        return response


def _remember_language_cookie(response, language: str):
    # The account decides while signed in; the cookie keeps the choice after signing out,
    # and goes away when the person chooses to follow the browser.
    if not language:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language,
            max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@login_required
def profile(request):
    form = forms.PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_preferences(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            language=form.cleaned_data["language"],
            large_text=form.cleaned_data["large_text"],
        )
        language = form.cleaned_data["language"]
        # The next page speaks the new language; so does the confirmation shown on it.
        with translation.override(language or translation.get_language()):
            messages.success(request, _("Your preferences have been saved."))
        return _remember_language_cookie(redirect("accounts:profile"), language)
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def set_language(request):
    """The language switch: remembered on the account for signed-in people, and in a cookie.

    Django's view validates the language and follows ``next`` only within this site.
    """
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=request.POST.get("language", ""))
    return django_set_language(request)


def _invitation_invalid(request, error):
    return render(request, "accounts/invitation_invalid.html", {"error": error}, status=410)


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request, token):
    try:
        invitation = services.invitation_get(token)
    except services.InvitationError as error:
        return _invitation_invalid(request, error)
    organization = invitation.organization
    if invitation.user.has_usable_password():
        return _invitation_for_existing_account(request, token, invitation)
    form = forms.InvitationAcceptForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password2"])
        except services.InvitationError as error:
            return _invitation_invalid(request, error)
        login(request, user, backend=BACKEND)
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("org-home", org_slug=organization.slug)
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


def _invitation_for_existing_account(request, token, invitation):
    """Someone who already has a password signs in (as themselves) instead of choosing one."""
    if request.user.is_authenticated and request.user.pk == invitation.user_id:
        try:
            services.invitation_accept_signed_in(token=token, user=request.user)
        except services.InvitationError as error:
            return _invitation_invalid(request, error)
        messages.success(
            request,
            _("Welcome to %(organization)s.") % {"organization": invitation.organization.name},
        )
        return redirect("org-home", org_slug=invitation.organization.slug)
    login_url = reverse("accounts:login") + "?" + urlencode({"next": request.path})
    return render(
        request,
        "accounts/invitation_existing_account.html",
        {"invitation": invitation, "login_url": login_url},
    )
