"""Thin Celery tasks; each one is safe to run twice (DESIGN §8)."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from portal.sms import send_sms

from . import services
from .models import Invitation

RETRY_BASE_SECONDS = 30


def _claim(invitation_id: int, sent_field: str) -> bool:
    # Mark the channel sent before sending, with a conditional UPDATE: of two deliveries of
    # one task (a redelivery after a lost ack, two workers) only one wins the row.
    with scopes_disabled():
        return (
            Invitation.objects.filter(pk=invitation_id, **{f"{sent_field}__isnull": True})
            .update(**{sent_field: timezone.now()})
            == 1
        )


def _release(invitation_id: int, sent_field: str) -> None:
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation_id).update(**{sent_field: None})


def _send_email(invitation: Invitation, context: dict) -> None:
    subject = render_to_string("accounts/email/invitation_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[invitation.user.email],
    )
    message.attach_alternative(
        render_to_string("accounts/email/invitation.html", context), "text/html"
    )
    message.send()


def _send_sms(invitation: Invitation, context: dict) -> None:
    send_sms(invitation.user.phone, render_to_string("accounts/sms/invitation.txt", context))


@shared_task(bind=True, max_retries=5)
def send_invitation(self, invitation_id: int, token: str):
    """Email and/or text the link, in the recipient's language; each channel is sent once."""
    with scopes_disabled():
        invitation = (
            Invitation.objects.select_related("user", "organization")
            .filter(pk=invitation_id, used_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
    if invitation is None:
        return
    user, organization = invitation.user, invitation.organization
    context = {
        "user": user,
        "organization": organization,
        "url": services.invitation_url(token),
        "expires_at": invitation.expires_at,
    }
    channels = [
        ("sent_by_email_at", _send_email, bool(user.email)),
        ("sent_by_sms_at", _send_sms, bool(user.phone)),
    ]
    language = user.language or organization.language_code
    with translation.override(language), timezone.override(organization.time_zone):
        for sent_field, send, reachable in channels:
            if not reachable or not _claim(invitation.pk, sent_field):
                continue
            try:
                send(invitation, context)
            except OSError as exc:  # SMTP and HTTP failures; the next attempt sends again
                _release(invitation.pk, sent_field)
                raise self.retry(
                    exc=exc, countdown=RETRY_BASE_SECONDS * 2**self.request.retries
                ) from exc


@shared_task
def purge_expired_invitations():
    return services.purge_expired_invitations()
