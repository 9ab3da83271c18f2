"""The optional daily digest email: each morning (08:00 in the person's time zone) the unread
notifications of the last day, for people who asked for it.

The job reads only subscriptions whose ``next_at`` has passed, claims (person, local day)
under a unique constraint with one INSERT … ON CONFLICT DO NOTHING and reads back its own
claims by run id, so a job run twice, or two workers, send each digest once. Queries per run
are constant whatever the number of people; the emails go out after the claim commits.
"""

import datetime as dt
import logging
import uuid
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from .models import DigestSent, DigestSubscription, Notification
from .selectors import member_organizations

logger = logging.getLogger("courtyard.notifications")

MORNING = dt.time(8, 0)
LOOKBACK = dt.timedelta(days=1)
BATCH = 500
SHOWN = 20  # notifications listed in one email; the rest are counted


def next_morning(now: dt.datetime, time_zone: str) -> dt.datetime:
    """The first MORNING in ``time_zone`` strictly after ``now``."""
    zone = ZoneInfo(time_zone)
    local = timezone.localtime(now, zone)
    candidate = dt.datetime.combine(local.date(), MORNING, tzinfo=zone)
    if candidate <= local:
        candidate = dt.datetime.combine(local.date() + dt.timedelta(days=1), MORNING, tzinfo=zone)
    return candidate


def home_time_zone(user) -> str:
    """The time zone of the person's first organisation (by name), else the site's."""
    organizations = member_organizations(user=user)
    return organizations[0].time_zone if organizations else settings.TIME_ZONE


def digest_subscribe(*, user, enabled: bool, now: dt.datetime | None = None) -> None:
    """Turn the daily digest on or off (call inside the caller's transaction)."""
    if not enabled:
        DigestSubscription.objects.filter(user=user).delete()
        return
    if DigestSubscription.objects.filter(user=user).exists():
        return
    time_zone = home_time_zone(user)
    DigestSubscription.objects.create(
        user=user, time_zone=time_zone, next_at=next_morning(now or timezone.now(), time_zone)
    )


def _email(user, subscription: DigestSubscription, items: list[Notification]):
    first = items[0].organization
    language = user.language or first.language_code or settings.LANGUAGE_CODE
    context = {
        "recipient": user, "notifications": items[:SHOWN], "count": len(items),
        "more": max(len(items) - SHOWN, 0), "site_url": settings.SITE_URL,
        "list_url": settings.SITE_URL + "/notifications/?show=unread",
        "preferences_url": settings.SITE_URL + "/notifications/preferences/",
    }
    with translation.override(language), timezone.override(subscription.time_zone):
        subject = render_to_string("communications/email/digest_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("communications/email/digest.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("communications/email/digest.html", context), "text/html"
        )
    return message


def digest_send_due(*, now: dt.datetime | None = None, batch_size: int = BATCH) -> int:
    """Send the digests that have come due; returns how many emails went out."""
    now = now or timezone.now()
    run = uuid.uuid4()
    with transaction.atomic(), scopes_disabled():
        due = list(
            DigestSubscription.objects.select_for_update(skip_locked=True)
            .filter(next_at__lte=now).select_related("user").order_by("next_at")[:batch_size]
        )
        if not due:
            return 0
        DigestSent.objects.bulk_create(
            [
                DigestSent(user_id=s.user_id, day=timezone.localtime(
                    now, ZoneInfo(s.time_zone)).date(), run=run, created_at=now)
                for s in due
            ],
            ignore_conflicts=True,
        )
        claimed = {row.user_id: row for row in DigestSent.objects.filter(run=run)}
        for subscription in due:
            subscription.next_at = next_morning(now, subscription.time_zone)
        DigestSubscription.objects.bulk_update(due, ["next_at"])
        unread: dict[int, list[Notification]] = defaultdict(list)
        for notification in (
            Notification.objects.filter(
                recipient_id__in=claimed, read_at__isnull=True, created_at__gte=now - LOOKBACK,
                created_at__lte=now,
            ).select_related("organization").order_by("recipient_id", "-created_at", "-id")
        ):
            unread[notification.recipient_id].append(notification)
        for user_id, row in claimed.items():
            row.notifications = len(unread.get(user_id, ()))
        DigestSent.objects.bulk_update(claimed.values(), ["notifications"])
        emails = [
            _email(s.user, s, unread[s.user_id])
            for s in due
            if s.user_id in claimed and unread.get(s.user_id) and s.user.email
            and s.user.is_active
        ]
    sent = 0
    for message in emails:  # after commit: a claimed day is never sent twice
        try:
            message.send()
            sent += 1
        except Exception:  # best effort: a digest summarises what the site already shows
            logger.exception("Daily digest to %s failed", message.to)
    return sent
