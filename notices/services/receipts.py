"""What recipients do with a notice (read, acknowledge) and what staff record for them (paper
delivery, reminders). Each write is a conditional UPDATE: the first time counts, repeats change
nothing."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from communications import live
from communications.services import notify, notify_batch
from portal.tenancy.access import Access

from ..models import Notice, NoticeReceipt
from ..models.notice import Status
from .errors import NoticeError
from .publishing import notice_url
from .rules import actor_id, require_manager, require_staff

# A manual reminder skips people reminded this recently (a double click reminds once).
REMIND_AGAIN_AFTER = dt.timedelta(hours=12)
DUE_LIMIT = 200


def notice_mark_read(*, access: Access, notice: Notice) -> bool:
    """The first view by a recipient sets ``read_at``; True when this was it."""
    me = actor_id(access)
    if me is None:
        return False
    updated = NoticeReceipt.objects.filter(
        organization_id=notice.organization_id, notice=notice, user_id=me, read_at__isnull=True,
    ).update(read_at=timezone.now())
    return bool(updated)


@transaction.atomic
def notice_acknowledge(*, access: Access, notice: Notice) -> NoticeReceipt:
    """The recipient confirms they have read and understood the notice."""
    me = actor_id(access)
    receipt = NoticeReceipt.objects.select_for_update().filter(
        organization_id=notice.organization_id, notice=notice, user_id=me).first()
    if receipt is None:
        raise NoticeError(_("This notice was not sent to you."), code="not_recipient")
    if not notice.ack_required:
        raise NoticeError(_("This notice does not ask for an acknowledgement."),
                          code="no_ack")
    if notice.status != Status.PUBLISHED:
        raise NoticeError(_("This notice is no longer current."), code="status")
    if receipt.acknowledged_at is None:
        now = timezone.now()
        receipt.acknowledged_at = now
        receipt.read_at = receipt.read_at or now
        receipt.save(update_fields=["acknowledged_at", "read_at"])
        live.send_to_org_staff_on_commit(
            notice.organization_id,
            {"type": "notice.acknowledged", "org": notice.organization.slug,
             "notice": notice.pk},
        )
    return receipt


@transaction.atomic
def notice_record_paper(
    *, access: Access, notice: Notice, receipt_ids, undo: bool = False
) -> int:
    """Staff delivered the notice on paper to these recipients (door to door)."""
    require_staff(access)
    receipts = NoticeReceipt.objects.filter(
        organization_id=notice.organization_id, notice=notice, pk__in=list(receipt_ids))
    if not access.sees_all_properties:
        receipts = receipts.filter(unit__property_id__in=access.scoped_property_ids)
    if undo:
        return receipts.update(paper_delivered_at=None, paper_delivered_by=None)
    return receipts.filter(paper_delivered_at__isnull=True).update(
        paper_delivered_at=timezone.now(), paper_delivered_by_id=actor_id(access))


def _remind(notice: Notice, now: dt.datetime, actor: int | None,
            skip_recent: bool) -> int:
    pending = NoticeReceipt.objects.filter(
        organization_id=notice.organization_id, notice=notice, acknowledged_at__isnull=True)
    if skip_recent:
        pending = pending.filter(
            Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - REMIND_AGAIN_AFTER))
    user_ids = list(pending.values_list("user_id", flat=True))
    if not user_ids:
        return 0
    NoticeReceipt.objects.filter(
        organization_id=notice.organization_id, notice=notice, user_id__in=user_ids
    ).update(reminded_at=now)
    with notify_batch():
        notify(
            organization=notice.organization, recipients=user_ids, kind="notice.reminder",
            context={"title": notice.title, "deadline": notice.ack_deadline},
            url=notice_url(notice), actor_id=actor, urgent=notice.is_emergency,
            object_type="notices.notice", object_key=notice.pk,
        )
    return len(user_ids)


@transaction.atomic
def notice_remind(*, access: Access, notice: Notice) -> int:
    """Remind everyone who has not acknowledged yet (the manager's button)."""
    require_manager(access)
    notice = Notice.objects.select_for_update().select_related("organization").get(
        pk=notice.pk, organization_id=notice.organization_id)
    if notice.status != Status.PUBLISHED or not notice.ack_required:
        raise NoticeError(_("Only a published notice that asks for an acknowledgement can "
                            "be reminded of."), code="status")
    return _remind(notice, timezone.now(), actor_id(access), skip_recent=True)


def remind_due(*, now: dt.datetime | None = None) -> int:
    """The beat job: the one automatic reminder of each notice, when its ``remind_at`` comes.
    Claimed by clearing ``remind_at`` conditionally, so a second run reminds nobody."""
    now = now or timezone.now()
    with scopes_disabled():
        due = list(Notice.objects.filter(remind_at__lte=now).values_list("pk", "remind_at")
                   [:DUE_LIMIT])
    reminded = 0
    for notice_id, remind_at in due:
        with scopes_disabled(), transaction.atomic():
            if not Notice.objects.filter(pk=notice_id, remind_at=remind_at).update(
                    remind_at=None):
                continue
            notice = Notice.objects.select_related("organization").get(pk=notice_id)
            if notice.status != Status.PUBLISHED or not notice.ack_required:
                continue
            if notice.ack_deadline is not None and notice.ack_deadline <= now:
                continue
            reminded += _remind(notice, now, None, skip_recent=False)
    return reminded
