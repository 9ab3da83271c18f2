"""The Django admin is for platform operators only (DESIGN §1); it crosses organisations."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.realtime import close_user_sockets_on_commit

from . import services
from .models import Invitation, User
from .phones import normalize_phone


class _ContactFieldsMixin:
    """Email in lower case and phone in E.164, as the sign-in form looks them up."""

    def clean_email(self):
        email = self.cleaned_data.get("email")
        return email.strip().lower() if email else None

    def clean_phone(self):
        phone = self.cleaned_data.get("phone")
        return normalize_phone(phone) if phone else None

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone") and not self.has_error("email"):
            raise ValidationError(
                {"email": _("Enter an email address or a phone number (or both).")}
            )
        return cleaned


class UserCreationForm(_ContactFieldsMixin, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "phone", "full_name")


class UserChangeForm(_ContactFieldsMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "phone", "password")}),
        (_("Personal info"), {"fields": ("full_name", "language", "large_text")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email", "phone", "full_name", "usable_password", "password1", "password2",
                ),
            },
        ),
    )
    list_display = ("full_name", "email", "phone", "is_active", "is_staff", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "language", "large_text")
    search_fields = ("full_name", "email", "phone")
    ordering = ("full_name", "pk")
    readonly_fields = ("last_login", "date_joined")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # A deactivated account keeps no open socket (DESIGN §10); inside the admin's
            # transaction, so it closes only if the change is saved.
            close_user_sockets_on_commit(obj.pk)


class InvitationState(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("open")), ("used", _("used")), ("expired", _("expired"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "open":
            return queryset.filter(used_at__isnull=True, expires_at__gt=now)
        if self.value() == "used":
            return queryset.filter(used_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(used_at__isnull=True, expires_at__lte=now)
        return queryset


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ()


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Links are made by services (they hold the only copy of a token); here they are read."""

    form = InvitationForm
    list_display = (
        "user", "organization", "created_at", "expires_at", "used_at",
        "sent_by_email_at", "sent_by_sms_at",
    )
    list_filter = (InvitationState, "organization")
    list_select_related = ("user", "organization")
    search_fields = ("user__full_name", "user__email", "user__phone", "organization__name")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    readonly_fields = (
        "organization", "user", "token_hash", "created_by", "created_at", "expires_at",
        "used_at", "sent_by_email_at", "sent_by_sms_at",
    )
    actions = ["send_new_link"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send a new invitation link to these people"))
    def send_new_link(self, request, queryset):
        sent = 0
        for invitation in queryset.select_related("user", "organization"):
            if invitation.used_at is not None:
                continue
            services.invitation_create(
                organization=invitation.organization, user=invitation.user,
                created_by=request.user,
            )
            sent += 1
        messages.success(
            request,
            ngettext("%(count)d new link is on its way.", "%(count)d new links are on their way.",
                     sent) % {"count": sent},
        )
