"""Publishing: now or at a scheduled time, exactly once, with one receipt per recipient written
in bulk and the notifications fanned out in one batch.

A notice is claimed for publication by a conditional UPDATE (status draft/scheduled ->
published) whose row count says who won: the beat job run twice, or two workers at once, or a
manager pressing "publish now" while the job runs, publish it once (healthchecks' sendalerts).
"""

import datetime as dt

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from communications import live
from communications.bulk import copy_rows
from communications.preferences import RESIDENT
from communications.recipients import outside_channels
from communications.services import notify, notify_batch
from portal.tenancy.access import Access

from ..models import Notice, NoticeAudience, NoticeReceipt
from ..models.notice import Category, Status
from .audience import audience_resolve
from .editing import lock
from .errors import NoticeError
from .rules import actor_id, require_manager

BATCH = 2000
LIVE_USER_LIMIT = 1000
DUE_LIMIT = 200


def notice_url(notice: Notice) -> str:
    return reverse("notices:detail", args=[notice.organization.slug, notice.pk])


def _remind_at(notice: Notice, now: dt.datetime) -> dt.datetime | None:
    """When to remind people who have not acknowledged: a day before the deadline, or half-way
    there when it is closer; three days on without a deadline."""
    if not notice.ack_required:
        return None
    if notice.ack_deadline is None:
        return now + dt.timedelta(days=3)
    halfway = now + (notice.ack_deadline - now) / 2
    return max(halfway, notice.ack_deadline - dt.timedelta(days=1))


def _channels(user_ids, organization_id: int, emergency: bool, urgent: bool) -> dict[int, str]:
    """user id -> the channels the notification goes out on ("web,email" …), for the proof of
    delivery; the same rules and reads communications applies (two queries, the ids sent as
    one array: 20,000 owners in an IN list cost PostgreSQL seconds)."""
    outside = outside_channels(
        user_ids=user_ids, organization_id=organization_id, kind="notice.published",
        audience=RESIDENT, urgent=urgent, emergency=emergency,
    )
    return {pk: ",".join(["web", *sorted(channels)]) for pk, channels in outside.items()}


def _write_receipts(notice: Notice, new: dict[int, int], channels: dict[int, str],
                    now: dt.datetime) -> None:
    """One row per new recipient. On PostgreSQL with COPY: building 20,000 model instances
    for bulk_create costs more than the database's work. The notice row is locked by the
    caller, so nobody else writes this notice's receipts meanwhile."""
    rows = [(notice.organization_id, notice.pk, user, unit, now, channels.get(user, "web"))
            for user, unit in new.items()]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy_rows(cursor, NoticeReceipt._meta.db_table,
                      ("organization_id", "notice_id", "user_id", "unit_id", "delivered_at",
                       "channel"), rows)
        return
    NoticeReceipt.objects.bulk_create(
        [NoticeReceipt(organization_id=o, notice_id=n, user_id=u, unit_id=un, delivered_at=d,
                       channel=c) for o, n, u, un, d, c in rows],
        batch_size=BATCH, ignore_conflicts=True,
    )


def _excerpt(notice: Notice) -> str:
    return Truncator(" ".join(notice.body.split())).chars(140)


def _fan_out(notice: Notice, recipients: dict[int, int], now: dt.datetime,
             actor: int | None) -> list[int]:
    """Receipts (bulk, skipping people who already have one) and notifications for
    ``recipients``; returns who was new."""
    if not recipients:
        return []
    existing = set(NoticeReceipt.objects.filter(
        organization_id=notice.organization_id, notice=notice).values_list("user_id", flat=True))
    new = {user: unit for user, unit in recipients.items() if user not in existing}
    if not new:
        return []
    urgent = notice.category == Category.OUTAGE
    channels = _channels(list(new), notice.organization_id, notice.is_emergency, urgent)
    _write_receipts(notice, new, channels, now)
    with notify_batch():
        notify(
            organization=notice.organization, recipients=list(new), kind="notice.published",
            context={"title": notice.title, "excerpt": _excerpt(notice),
                     "emergency": notice.is_emergency, "ack_required": notice.ack_required,
                     "category": notice.get_category_display()},
            url=notice_url(notice), actor_id=actor, urgent=urgent,
            emergency=notice.is_emergency, audience=RESIDENT, object_type="notices.notice",
            object_key=notice.pk,
        )
    if len(new) <= LIVE_USER_LIMIT:
        message = {"type": "notice.published", "org": notice.organization.slug,
                   "notice": notice.pk}
        live.send_to_users_on_commit(sorted(new), message)
    # Beyond that, notify() has already pushed "notification.created" to every recipient's
    # sockets, which the feed also listens to: a second push per person would double the
    # after-commit work of a 20,000-owner notice for nothing.
    return sorted(new)


def _publish_claimed(notice_id: int, now: dt.datetime, actor: int | None) -> Notice:
    notice = Notice.objects.select_related("organization").get(pk=notice_id)
    notice.remind_at = _remind_at(notice, now)
    Notice.objects.filter(pk=notice.pk).update(remind_at=notice.remind_at)
    _fan_out(notice, audience_resolve(notice=notice), now, actor)
    live.send_to_org_staff_on_commit(
        notice.organization_id,
        {"type": "notice.published", "org": notice.organization.slug, "notice": notice.pk},
    )
    return notice


def _claim(notice_id: int, now: dt.datetime, statuses) -> bool:
    return bool(
        Notice.objects.filter(pk=notice_id, status__in=statuses).update(
            status=Status.PUBLISHED, published_at=now, publish_at=None, updated_at=now)
    )


def notice_publish(
    *, access: Access, notice: Notice, publish_at: dt.datetime | None = None
) -> Notice:
    """Publish a draft (or a scheduled notice) now, or schedule it for ``publish_at``."""
    require_manager(access)
    now = timezone.now()
    with transaction.atomic():
        notice = lock(notice)
        if notice.status not in (Status.DRAFT, Status.SCHEDULED):
            raise NoticeError(_("Only a draft or a scheduled notice can be published."),
                              code="status")
        has_audience = notice.whole_organization or NoticeAudience.objects.filter(
            organization_id=notice.organization_id, notice=notice).exists()
        if not has_audience:
            raise NoticeError({"audience": _("Choose who the notice is for before "
                                             "publishing it.")})
        if publish_at is not None:
            if publish_at <= now:
                raise NoticeError({"publish_at": _("Choose a time in the future, or publish "
                                                   "now.")})
            notice.status, notice.publish_at, notice.updated_at = (
                Status.SCHEDULED, publish_at, now)
            notice.save(update_fields=["status", "publish_at", "updated_at"])
            return notice
        if notice.ack_required and notice.ack_deadline and notice.ack_deadline <= now:
            raise NoticeError({"ack_deadline": _("The acknowledgement deadline has passed; "
                                                 "move it before publishing.")})
        _claim(notice.pk, now, [Status.DRAFT, Status.SCHEDULED])
        return _publish_claimed(notice.pk, now, actor_id(access))


def notice_unschedule(*, access: Access, notice: Notice) -> Notice:
    """A scheduled notice back to draft (nothing was sent)."""
    require_manager(access)
    with transaction.atomic():
        updated = Notice.objects.filter(pk=notice.pk, organization_id=notice.organization_id,
                                        status=Status.SCHEDULED).update(
            status=Status.DRAFT, publish_at=None, updated_at=timezone.now())
        if not updated:
            raise NoticeError(_("This notice is not scheduled."), code="status")
    notice.refresh_from_db()
    return notice


def add_receipts(*, notice: Notice, rows, now: dt.datetime, actor: int | None) -> list[int]:
    """Receipts and notifications for people a published notice's (new) audience adds."""
    notice = Notice.objects.select_related("organization").get(pk=notice.pk)
    return _fan_out(notice, audience_resolve(notice=notice, rows=rows), now, actor)


def publish_due(*, now: dt.datetime | None = None) -> int:
    """The beat job: publish every scheduled notice whose time has come, each exactly once.
    Reads only due rows (partial index on publish_at where scheduled); one transaction per
    notice so that one failure does not hold back the others."""
    now = now or timezone.now()
    with scopes_disabled():
        due = list(
            Notice.objects.filter(status=Status.SCHEDULED, publish_at__lte=now)
            .order_by("publish_at").values_list("pk", flat=True)[:DUE_LIMIT]
        )
    published = 0
    for notice_id in due:
        with scopes_disabled(), transaction.atomic():
            if not _claim(notice_id, now, [Status.SCHEDULED]):
                continue  # another run got there first
            _publish_claimed(notice_id, now, None)
            published += 1
    return published
