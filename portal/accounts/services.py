"""Every write about people: invitations, accepting them, profile changes."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from .models import Invitation


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
        transaction.on_commit(lambda: send_invitation.delay(invitation.pk, token))
    invitation.token = token  # for the caller (tests, the admin's "copy link" button)
    return invitation


def invitation_url(token: str) -> str:
    from django.urls import reverse

    return settings.SITE_URL + reverse("accounts:invitation-accept", args=[token])


def invitation_get(token: str) -> Invitation:
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
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str):
    """Set the password and activate the account; a link works once, even when two tabs race."""
    invitation = invitation_get(token)
    now = timezone.now()
    with scopes_disabled():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
    if claimed != 1:
        raise InvitationError(_("This invitation link has already been used. Sign in instead."))
    user = invitation.user
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    return user


def user_update_preferences(*, user, full_name: str, language: str, large_text: bool):
    user.full_name = full_name
    user.language = language
    user.large_text = large_text
    user.save(update_fields=["full_name", "language", "large_text"])
    return user


def user_set_language(*, user, language: str) -> None:
    if user.is_authenticated and language in dict(settings.LANGUAGES):
        get_user_model().objects.filter(pk=user.pk).update(language=language)
        user.language = language


def purge_expired_invitations(*, older_than=None) -> int:
    """Delete links that can never be used again, keeping recent ones for the admin's list."""
    cutoff = timezone.now() - (older_than or settings.INVITATION_TTL)
    with scopes_disabled():
        deleted, _counts = Invitation.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
