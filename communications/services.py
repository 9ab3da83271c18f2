"""Every write of the notification centre. ``notify`` is the public interface for apps
(DESIGN §3): tell people something, in-app and by their chosen channels."""

import contextlib
import contextvars
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.tenancy.models import Organization

from . import live, recipients
from .bulk import OutboxRow, write_notifications
from .digest import digest_subscribe
from .models import Notification, NotificationPreference, QuietHours, Topic
from .preferences import RESIDENT, Recipient, channels_for, topic_of
from .rendering import render


@dataclass
class _Request:
    organization: Organization
    recipient_ids: set[int]
    kind: str
    context: dict
    url: str
    actor_id: int | None
    urgent: bool
    emergency: bool
    audience: str
    object_type: str
    object_key: str


@dataclass
class Batch:
    """notify() calls collected by :func:`notify_batch`; ``memo`` lets callers share lookups
    (a job's tickets of one organisation need its staff list once)."""

    requests: list[_Request] = field(default_factory=list)
    memo: dict = field(default_factory=dict)


_current_batch: contextvars.ContextVar[Batch | None] = contextvars.ContextVar(
    "notify_batch", default=None
)


def current_batch() -> Batch | None:
    return _current_batch.get()


@contextlib.contextmanager
def notify_batch() -> Iterator[Batch]:
    """Collect every notify() inside and write them together on exit, so that a job telling
    many people about many objects makes the same few queries as one call. Use inside the
    job's transaction; nested batches join the outer one."""
    if _current_batch.get() is not None:
        yield _current_batch.get()
        return
    batch = Batch()
    token = _current_batch.set(batch)
    try:
        yield batch
    finally:
        _current_batch.reset(token)
    _write(batch.requests)


def notify(
    *, organization: Organization, recipients: Iterable[int], kind: str, context: dict,
    url: str = "", actor_id: int | None = None, urgent: bool = False, emergency: bool = False,
    audience: str = RESIDENT, object_type: str = "", object_key: str | int = "",
) -> None:
    """Tell ``recipients`` (user ids) that ``kind`` happened; never the actor themselves.

    Renders ``communications/notifications/<kind>.txt`` with ``context`` in each recipient's
    language, writes the notifications and their email/SMS outbox rows in bulk (the number of
    queries does not grow with the recipients), and after commit pushes
    ``notification.created`` to their sockets and hands the outbox to one Celery task.
    ``audience`` ("resident" or "staff") chooses the default channels; ``urgent`` adds text
    messages for those who allow them; ``emergency`` uses every channel regardless.
    Call inside the caller's transaction: nothing leaves unless it commits.
    """
    ids = set(recipients) - {actor_id, None}
    if not ids:
        return
    request = _Request(
        organization, ids, kind, context, url, actor_id, urgent, emergency, audience,
        object_type, str(object_key),
    )
    batch = _current_batch.get()
    if batch is not None:
        batch.requests.append(request)
    else:
        _write([request])


def _language(user_language: str, organization: Organization) -> str:
    return user_language or organization.language_code or settings.LANGUAGE_CODE


def _quiet_until(
    start: dt.time | None, end: dt.time | None, now: dt.datetime, tz: str
) -> dt.datetime | None:
    """The end of the recipient's quiet hours (``start``–``end``) when ``now`` falls inside
    them."""
    if start is None or end is None or start == end:
        return None
    local = timezone.localtime(now, ZoneInfo(tz))
    clock = local.time()
    if start < end:
        inside = start <= clock < end
    else:  # across midnight, e.g. 22:00–07:00
        inside = clock >= start or clock < end
    if not inside:
        return None
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if until <= local:
        until += dt.timedelta(days=1)
    return until


def _write(requests: list[_Request]) -> None:
    """Notifications and outbox rows for every request: the same few queries whatever the
    number of requests and recipients (communications.bulk: COPY on PostgreSQL).

    People are read as plain values (communications.recipients) and rows built as tuples: at
    20,000 recipients a model instance per person, notification and outbox row cost seconds."""
    if not requests:
        return
    now = timezone.now()
    people = recipients.people(set().union(*(r.recipient_ids for r in requests)))
    rows = recipients.preferences(
        people, {r.organization.pk for r in requests}, {r.kind for r in requests}
    )

    notifications: list[tuple] = []
    outbox: list[OutboxRow] = []
    told: dict[str, set[int]] = defaultdict(set)  # organisation slug -> recipients
    due: dict[int, list[int]] = defaultdict(list)  # organisation -> rows with mail due now
    quiet: dict[tuple, dt.datetime | None] = {}
    for request in requests:
        organization = request.organization
        topic = topic_of(request.kind)
        urgent = request.urgent or request.emergency
        texts: dict[str, tuple[str, str]] = {}
        for person_id in sorted(request.recipient_ids & people.keys()):
            email, phone, user_language, quiet_start, quiet_end, _any = people[person_id]
            language = _language(user_language, organization)
            if language not in texts:
                texts[language] = render(request.kind, request.context, language)
            title, body = texts[language]
            index = len(notifications)
            notifications.append((
                organization.pk, person_id, request.actor_id, request.kind, title, body,
                request.url, request.object_type, request.object_key, urgent, now,
            ))
            told[organization.slug].add(person_id)
            channels = channels_for(
                recipient=Recipient(person_id, email, phone),
                row=rows.get((person_id, organization.pk, topic)),
                kind=request.kind, audience=request.audience, urgent=request.urgent,
                emergency=request.emergency,
            )
            if not channels:
                continue
            held = None
            if not urgent and quiet_start is not None:
                key = (quiet_start, quiet_end, organization.time_zone)
                if key not in quiet:
                    quiet[key] = _quiet_until(quiet_start, quiet_end, now, key[2])
                held = quiet[key]
            for channel in sorted(channels):
                outbox.append((index, organization.pk, channel, held or now, now))
            if held is None:
                due[organization.pk].append(index)
    if not notifications:
        return
    ids = write_notifications(notifications, outbox)

    for slug, user_ids in told.items():
        live.send_to_users_on_commit(
            sorted(user_ids),
            {"type": "notification.created", "org": slug, "at": now.isoformat()},
        )

    # One task per organisation and batch, after commit; it finds its rows by the range of
    # notification ids (another batch's rows in the range are claimed safely too).
    for organization_id, indexes in due.items():
        first, last = min(ids[i] for i in indexes), max(ids[i] for i in indexes)
        transaction.on_commit(
            lambda o=organization_id, a=first, b=last: _enqueue(o, a, b), robust=True
        )


def _enqueue(organization_id: int, first_id: int, last_id: int) -> None:
    from .tasks import send_deliveries

    send_deliveries.delay(organization_id, first_id, last_id)


# --- Reading -------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's notifications read; another person's answers DoesNotExist."""
    with scopes_disabled():  # one's own notifications span organisations
        notification = Notification.objects.select_related("organization").get(
            pk=notification_id, recipient=user
        )
        if notification.read_at is None:
            notification.read_at = timezone.now()
            Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
                read_at=notification.read_at
            )
    live.send_to_user_on_commit(user.pk, {"type": "notification.read"})
    return notification


@transaction.atomic
def notification_mark_all_read(*, user, organization: Organization | None = None) -> int:
    with scopes_disabled():
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
        if organization is not None:
            unread = unread.filter(organization=organization)
        count = unread.update(read_at=timezone.now())
    if count:
        # The person's other tabs update their bell.
        live.send_to_user_on_commit(user.pk, {"type": "notification.read"})
    return count


# --- Preferences ---------------------------------------------------------------------------


@transaction.atomic
def preferences_save(
    *, user, choices: dict[str, tuple[bool, bool]], organization: Organization | None = None,
    quiet_start: dt.time | None = None, quiet_end: dt.time | None = None,
    daily_digest: bool | None = None,
) -> None:
    """Store (email, sms) per topic, for one organisation or (``organization=None``)
    everywhere. The quiet hours (both or neither) and the daily digest belong to the person,
    so they are saved with the general settings only."""
    existing = {
        row.topic: row
        for row in NotificationPreference.objects.filter(user=user, organization=organization)
    }
    for topic in Topic.values:
        if topic not in choices:
            continue
        email, sms = choices[topic]
        row = existing.get(topic) or NotificationPreference(
            user=user, organization=organization, topic=topic
        )
        row.email, row.sms = bool(email), bool(sms)
        row.save()
    if organization is not None:
        return
    if quiet_start is not None and quiet_end is not None and quiet_start != quiet_end:
        QuietHours.objects.update_or_create(
            user=user, defaults={"start": quiet_start, "end": quiet_end}
        )
    else:
        QuietHours.objects.filter(user=user).delete()
    if daily_digest is not None:
        digest_subscribe(user=user, enabled=daily_digest)


@transaction.atomic
def preferences_follow_general(*, user, organization: Organization) -> int:
    """Drop the organisation's own rows: its messages follow the general settings again."""
    deleted, _counts = NotificationPreference.objects.filter(
        user=user, organization=organization
    ).delete()
    return deleted
