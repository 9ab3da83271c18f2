from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import forms, services


class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


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
        messages.success(self.request, _("Your password has been set. You can sign in now."))
        return super().form_valid(form)


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
        messages.success(request, _("Your preferences have been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def set_language(request):
    """The language switch: remembered on the account for signed-in people, else in a cookie."""
    services.user_set_language(user=request.user, language=request.POST.get("language", ""))
    return django_set_language(request)


def invitation_accept(request, token):
    try:
        invitation = services.invitation_get(token)
    except services.InvitationError as error:
        return render(request, "accounts/invitation_invalid.html", {"error": error}, status=410)
    form = forms.InvitationAcceptForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password2"])
        except services.InvitationError as error:
            return render(request, "accounts/invitation_invalid.html", {"error": error}, status=410)
        login(request, user, backend="portal.accounts.backends.PhoneOrEmailBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("org-home", org_slug=invitation.organization.slug)
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )
