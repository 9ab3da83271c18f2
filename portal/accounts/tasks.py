from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from portal.sms import send_sms

from . import services
from .models import Invitation


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def send_invitation(self, invitation_id: int, token: str):
    """Email and/or SMS the link, in the recipient's language; each channel is sent once."""
    with scopes_disabled():
        invitation = (
            Invitation.objects.select_related("user", "organization")
            .filter(pk=invitation_id, used_at__isnull=True)
            .first()
        )
    if invitation is None:
        return
    user = invitation.user
    context = {
        "user": user,
        "organization": invitation.organization,
        "url": services.invitation_url(token),
        "expires_at": invitation.expires_at,
    }
    language = user.language or invitation.organization.language_code
    try:
        with translation.override(language), scopes_disabled():
            if user.email and invitation.sent_by_email_at is None:
                subject = render_to_string("accounts/email/invitation_subject.txt", context)
                message = EmailMultiAlternatives(
                    subject=" ".join(subject.split()),
                    body=render_to_string("accounts/email/invitation.txt", context),
                    to=[user.email],
                )
                message.attach_alternative(
                    render_to_string("accounts/email/invitation.html", context), "text/html"
                )
                message.send()
                Invitation.objects.filter(pk=invitation.pk).update(
                    sent_by_email_at=timezone.now()
                )
            if user.phone and invitation.sent_by_sms_at is None:
                send_sms(user.phone, render_to_string("accounts/sms/invitation.txt", context))
                Invitation.objects.filter(pk=invitation.pk).update(sent_by_sms_at=timezone.now())
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def purge_expired_invitations():
    return services.purge_expired_invitations()
