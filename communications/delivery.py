"""Sending the outbox: email and text messages for notifications (DESIGN §8).

A batch is claimed with one conditional UPDATE (status queued → sending, stamped with a claim
id) and read back by that id: of two workers, or one task delivered twice, each row goes to
exactly one. A failure puts the row back in the queue with back-off until MAX_ATTEMPTS, then
marks it failed; the periodic job picks up what has come due (retries, quiet hours) and rows
whose worker died mid-send.
"""

import datetime as dt
import logging
import random
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from portal.sms import send_sms

from .models import Delivery

logger = logging.getLogger("courtyard.notifications")

MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 60
# A row "sending" for longer than this lost its worker (crash, deploy): it is sent again.
STALE_CLAIM = dt.timedelta(minutes=15)
BATCH = 200


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes, with jitter so that failures do not retry in lockstep."""
    seconds = RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # noqa: S311


def _claim(queryset, now: dt.datetime) -> list[Delivery]:
    claim = uuid.uuid4()
    ids = list(queryset.values_list("pk", flat=True)[:BATCH])
    if not ids:
        return []
    # The condition is repeated in the UPDATE: only rows still waiting are taken.
    Delivery.objects.filter(
        Q(status=Delivery.Status.QUEUED) | Q(status=Delivery.Status.SENDING,
                                             claimed_at__lt=now - STALE_CLAIM),
        pk__in=ids,
    ).update(status=Delivery.Status.SENDING, claim=claim, claimed_at=now)
    return list(
        Delivery.objects.filter(claim=claim, status=Delivery.Status.SENDING)
        .select_related("notification__recipient", "notification__organization")
        .order_by("pk")
    )


def _due(now: dt.datetime):
    return Delivery.objects.filter(
        Q(status=Delivery.Status.QUEUED, not_before__lte=now)
        | Q(status=Delivery.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
    )


def _absolute(url: str) -> str:
    if url.startswith("/"):
        return settings.SITE_URL + url
    return url


def _send_email(delivery: Delivery) -> None:
    notification = delivery.notification
    context = {
        "notification": notification,
        "recipient": notification.recipient,
        "organization": notification.organization,
        "url": _absolute(notification.url) if notification.url else "",
        "preferences_url": settings.SITE_URL + "/notifications/preferences/",
    }
    message = EmailMultiAlternatives(
        subject=" ".join(
            render_to_string("communications/email/notification_subject.txt", context).split()
        ),
        body=render_to_string("communications/email/notification.txt", context),
        to=[notification.recipient.email],
    )
    message.attach_alternative(
        render_to_string("communications/email/notification.html", context), "text/html"
    )
    message.send()


def _send_sms(delivery: Delivery) -> None:
    notification = delivery.notification
    context = {
        "notification": notification,
        "organization": notification.organization,
        "url": _absolute(notification.url) if notification.url else "",
    }
    send_sms(
        notification.recipient.phone,
        render_to_string("communications/sms/notification.txt", context).strip(),
        # The same on every claim of this row, so a gateway that already accepted it before
        # a worker died does not text again; created_at guards against pks reused after a
        # database restore.
        idempotency_key=f"courtyard-delivery-{delivery.pk}-{delivery.created_at:%Y%m%d%H%M%S%f}",
    )


SENDERS = {Delivery.Channel.EMAIL: _send_email, Delivery.Channel.SMS: _send_sms}


def _send_one(delivery: Delivery, now: dt.datetime) -> bool:
    notification = delivery.notification
    recipient, organization = notification.recipient, notification.organization
    language = recipient.language or organization.language_code
    attempts = delivery.attempts + 1
    try:
        if not recipient.is_active:
            raise LookupError("recipient is no longer active")
        with translation.override(language), timezone.override(organization.time_zone):
            SENDERS[delivery.channel](delivery)
    except LookupError as exc:  # nothing to retry: give up at once
        Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(
            status=Delivery.Status.FAILED, attempts=attempts, last_error=str(exc)[:2000]
        )
        return False
    except Exception as exc:  # SMTP, HTTP gateway, template: recorded, retried with back-off
        logger.warning("Delivery %s failed (attempt %s): %s", delivery.pk, attempts, exc)
        failed = attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(
            status=Delivery.Status.FAILED if failed else Delivery.Status.QUEUED,
            attempts=attempts, last_error=f"{type(exc).__name__}: {exc}"[:2000],
            not_before=now + backoff(attempts), claim=None,
        )
        return False
    Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(
        status=Delivery.Status.SENT, attempts=attempts, sent_at=timezone.now(), last_error=""
    )
    return True


def send_batch(*, organization_id: int, first_notification_id: int,
               last_notification_id: int, on_full_batch: Callable[[], None] | None = None) -> int:
    """Send the due deliveries of one ``notify`` call, ``BATCH`` at most; returns how many
    went out. When it claimed a full batch there may be more: ``on_full_batch`` is called
    before sending, so that the next batch is claimed by another worker process meanwhile
    instead of waiting for the once-a-minute sweep (a notice to 20,000 people)."""
    now = timezone.now()
    with scopes_disabled():  # a worker, outside any request; the filter names the rows
        claimed = _claim(
            Delivery.objects.filter(
                organization_id=organization_id,
                notification_id__gte=first_notification_id,
                notification_id__lte=last_notification_id,
                status=Delivery.Status.QUEUED, not_before__lte=now,
            ).order_by("pk"),
            now,
        )
        if len(claimed) == BATCH and on_full_batch is not None:
            on_full_batch()
        return sum(_send_one(delivery, now) for delivery in claimed)


def send_due(*, now: dt.datetime | None = None) -> int:
    """The periodic job: everything that has come due (retries, quiet hours, lost workers)."""
    now = now or timezone.now()
    sent = 0
    with scopes_disabled():
        for _batch in range(50):
            claimed = _claim(_due(now).order_by("not_before"), now)
            if not claimed:
                break
            sent += sum(_send_one(delivery, now) for delivery in claimed)
    return sent
