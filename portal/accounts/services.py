"""Every write about people: invitations, accepting them, passwords, preferences."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from portal.sms import send_sms
from portal.tenancy.memory import forget_people

from .backends import find_user
from .models import Invitation
from .phones import looks_like_email

# One reset message per account and minute: the form answers the same either way, and an
# SMS costs money, so a script must not be able to make us text a number in a loop.
PASSWORD_RESET_THROTTLE_SECONDS = 60


class InvitationError(Exception):
    """Raised with a translated message when a link cannot be used."""


def invitation_create(*, organization, user, created_by=None, send: bool = True) -> Invitation:
    """A fresh link for ``user``; earlier unused links of the same person stay valid until they
    expire, so a resend never breaks a link someone is about to click."""
    token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        organization=organization,
        user=user,
        token_hash=token_hash,
        created_by=created_by,
        expires_at=timezone.now() + settings.INVITATION_TTL,
    )
    if send:
        from .tasks import send_invitation

        # The token exists only here and in the message itself; the broker carries it briefly.
        # robust: with the broker down the invitation still exists, unsent (sent_by_*_at
        # empty), and an admin sends a new link; the request that made it does not fail.
        transaction.on_commit(
            lambda: send_invitation.delay(invitation.pk, token), robust=True
        )
    invitation.token = token  # for the caller (tests, the admin's "copy link" button)
    return invitation


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:invitation-accept", args=[token])


def invitation_get(token: str) -> Invitation:
    """The usable invitation behind ``token``, or InvitationError saying why not."""
    with scopes_disabled():  # the token itself is the credential; it names its organisation
        invitation = (
            Invitation.objects.select_related("user", "organization")
            .filter(token_hash=Invitation.hash_token(token))
            .first()
        )
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."))
    if invitation.used_at is not None:
        raise InvitationError(_("This invitation link has already been used. Sign in instead."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("This invitation link has expired. Ask your property manager for a new one.")
        )
    if not invitation.organization.is_active:
        raise InvitationError(_("This invitation link is not valid."))
    return invitation


def _invitation_claim(invitation: Invitation) -> None:
    # A conditional UPDATE, not a read-then-write: of two tabs (or two people) submitting one
    # link at once, the second waits for the first row lock and then matches no row.
    now = timezone.now()
    with scopes_disabled():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
    if claimed != 1:
        raise InvitationError(_("This invitation link has already been used. Sign in instead."))


@transaction.atomic
def invitation_accept(*, token: str, password: str):
    """A new account: set its password and activate it. A link works exactly once."""
    invitation = invitation_get(token)
    user = invitation.user
    if user.has_usable_password():
        # Someone who already signs in elsewhere keeps their password: otherwise whoever holds
        # a link (the organisation that made it, say) could take over the account.
        raise InvitationError(_("You already have an account. Sign in to continue."))
    _invitation_claim(invitation)
    user.set_password(password)
    user.is_active = True
    user.privacy_notice_version = settings.PRIVACY_NOTICE_VERSION
    user.privacy_notice_accepted_at = timezone.now()
    user.save(
        update_fields=[
            "password", "is_active", "privacy_notice_version", "privacy_notice_accepted_at",
        ]
    )
    return user


@transaction.atomic
def invitation_accept_signed_in(*, token: str, user) -> Invitation:
    """An existing account opens its own link while signed in: mark the link used."""
    invitation = invitation_get(token)
    if invitation.user_id != user.pk:
        raise InvitationError(
            _("This invitation is for another account. Sign out and open the link again.")
        )
    _invitation_claim(invitation)
    return invitation


def purge_expired_invitations(*, older_than=None) -> int:
    """Delete links that can never be used again, keeping recent ones for the admin's list."""
    cutoff = timezone.now() - (older_than or settings.INVITATION_TTL)
    with scopes_disabled():
        deleted, _counts = Invitation.objects.filter(expires_at__lt=cutoff).delete()
    return deleted


def password_reset_request(*, identifier: str) -> bool:
    """Send a reset link by the channel the person typed (email or phone), in their language.

    Answers nothing about whether the account exists (the caller shows one page either way);
    returns whether a message went out, for tests.
    """
    user = find_user(identifier)
    if user is None or not user.is_active or not user.has_usable_password():
        return False
    if not cache.add(
        f"accounts:password-reset:{user.pk}", 1, timeout=PASSWORD_RESET_THROTTLE_SECONDS
    ):
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = settings.SITE_URL + reverse(
        "accounts:password-reset-confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)},
    )
    context = {"user": user, "url": url}
    by_sms = user.phone and not (user.email and looks_like_email(identifier))
    with translation.override(user.language or translation.get_language()):
        if by_sms:
            send_sms(user.phone, render_to_string("accounts/sms/password_reset.txt", context))
        else:
            subject = render_to_string("accounts/email/password_reset_subject.txt", context)
            message = EmailMultiAlternatives(
                subject=" ".join(subject.split()),
                body=render_to_string("accounts/email/password_reset.txt", context),
                to=[user.email],
            )
            message.attach_alternative(
                render_to_string("accounts/email/password_reset.html", context), "text/html"
            )
            message.send()
    return True


def login_failures_clear(*, username: str, ip_address: str | None = None) -> None:
    """Forget failed sign-ins counted under ``username`` (a ``backends.login_key``).

    django-axes clears on success only under ``get_username()``, the email, so a phone-only
    owner's count would otherwise survive a successful sign-in.
    """
    from axes.utils import reset

    reset(ip=ip_address, username=username)


def user_update_preferences(*, user, full_name: str, language: str, large_text: bool):
    user.full_name = full_name
    user.language = language
    user.large_text = large_text
    user.save(update_fields=["full_name", "language", "large_text"])
    return user


def user_set_language(*, user, language: str) -> None:
    """Remember the language switch on the account, so it follows the person to any device."""
    if language not in dict(settings.LANGUAGES):
        return
    get_user_model().objects.filter(pk=user.pk).update(language=language)
    user.language = language
    forget_people(user.pk)  # remembered with their API tokens; an update sends no signal
