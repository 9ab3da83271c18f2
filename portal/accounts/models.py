import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from portal.tenancy.models import Organization


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, phone, password, **extra):
        if not email and not phone:
            raise ValueError("A user needs an email address or a phone number.")
        user = self.model(
            email=self.normalize_email(email).lower() if email else None,
            phone=phone or None,
            **extra,
        )
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, phone=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, phone, password, **extra)

    def create_superuser(self, email, password, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, extra.pop("phone", None), password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with a phone number or an email address, whichever they have."""

    email = models.EmailField(_("email address"), null=True, blank=True, unique=True)
    phone = models.CharField(_("phone number"), max_length=20, null=True, blank=True, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True,
        help_text=_("Leave empty to follow your browser."),
    )
    large_text = models.BooleanField(
        _("large text"), default=False, help_text=_("Bigger letters and buttons on every page.")
    )
    is_staff = models.BooleanField(
        _("platform operator"), default=False,
        help_text=_("May use the Django admin across organisations."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Set when the person had their data erased (portal.accounts.personal_data): the row stays
    # so that the organisation's records keep pointing somewhere, but it names nobody.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)
    # Which privacy notice the person accepted, and when (settings.PRIVACY_NOTICE_VERSION).
    privacy_notice_version = models.CharField(
        _("privacy notice accepted"), max_length=20, blank=True, editable=False
    )
    privacy_notice_accepted_at = models.DateTimeField(
        _("privacy notice accepted at"), null=True, blank=True, editable=False
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                # Someone must be able to sign in; only an erased account names nobody.
                condition=models.Q(email__isnull=False) | models.Q(phone__isnull=False)
                | models.Q(erased_at__isnull=False),
                name="user_has_email_or_phone",
            ),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        if self.erased_at:
            return gettext("Deleted account #%(id)s") % {"id": self.pk}
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name

    @property
    def login_identifier(self) -> str:
        return self.email or self.phone


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use, expiring link with which a person sets a password and joins.

    Only the hash of the token is stored: a leaked database does not yield working links.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    sent_by_email_at = models.DateTimeField(null=True, blank=True)
    sent_by_sms_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["organization", "user"])]

    def __str__(self):
        return f"{self.user} → {self.organization_id}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, _hash_token(token)

    @staticmethod
    def hash_token(token: str) -> str:
        return _hash_token(token)

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
