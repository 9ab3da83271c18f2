"""The disclosure register (公示): items with a due schedule, immutable publications (a
correction is a new version), ledgers, overdue alerts to managers, and owners' questions that
open tickets."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from communications.services import notify, notify_batch
from portal.tenancy.access import Access
from portal.tenancy.models import Membership, Property

from ..markdown import is_unsafe
from ..models import (
    DisclosureAlert,
    DisclosureAttachment,
    DisclosureInquiry,
    DisclosureItem,
    DisclosurePublication,
)
from ..models.disclosure import Kind, Schedule
from .editing import UNSAFE_TEXT
from .errors import NoticeError
from .files import StoredFiles, ledger_files_check
from .rules import actor_id, require_manager

DUE_LIMIT = 500


def next_due(day: dt.date, schedule: str) -> dt.date:
    """The same day one period later (the last day of a shorter month where needed)."""
    months = {Schedule.MONTHLY: 1, Schedule.QUARTERLY: 3, Schedule.YEARLY: 12}[schedule]
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def disclosure_item_save(
    *, access: Access, item: DisclosureItem | None = None, kind: str, title: str,
    description: str = "", schedule: str = Schedule.QUARTERLY, next_due_on: dt.date,
    property_id: int | None = None, is_active: bool = True,
) -> DisclosureItem:
    require_manager(access)
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choose a kind.")
    if schedule not in Schedule.values:
        errors["schedule"] = _("Choose how often it is due.")
    if not title.strip():
        errors["title"] = _("Give the item a title.")
    if property_id is not None and not Property.objects.filter(
            organization=access.organization, pk=property_id).exists():
        errors["property"] = _("Choose a property of this organisation.")
    if errors:
        raise NoticeError(errors)
    with transaction.atomic():
        if item is None:
            item = DisclosureItem(organization=access.organization)
        else:
            item = DisclosureItem.objects.select_for_update().get(
                pk=item.pk, organization=access.organization)
        item.kind, item.title, item.description = kind, title.strip(), description
        item.schedule, item.next_due_on, item.property_id = schedule, next_due_on, property_id
        item.is_active = is_active
        item.save()
    return item


def disclosure_publish(
    *, access: Access, item: DisclosureItem, period: str, body: str, uploads=(),
    corrects: DisclosurePublication | None = None, change_note: str = "",
) -> DisclosurePublication:
    """Publish a disclosure of ``item`` for ``period`` (with its ledgers), or a correction of
    an earlier publication: a new version that must say what changed. What is published is
    never edited; this is the only way to change what owners read."""
    require_manager(access)
    errors = {}
    period = period.strip()
    if corrects is not None:
        period = corrects.period
        if corrects.item_id != item.pk:
            errors["corrects"] = _("A correction must be of the same item.")
        if not change_note.strip():
            errors["change_note"] = _("Say what the correction changes.")
    if not period:
        errors["period"] = _("Name the period, e.g. 2026 Q3.")
    if not body.strip():
        errors["body"] = _("Write what is disclosed.")
    elif is_unsafe(body):
        errors["body"] = str(UNSAFE_TEXT)
    if errors:
        raise NoticeError(errors)
    checked = ledger_files_check(uploads)
    now = timezone.now()
    with StoredFiles() as stored, transaction.atomic():
        item = DisclosureItem.objects.select_for_update().get(
            pk=item.pk, organization=access.organization)
        latest = DisclosurePublication.objects.filter(item=item, period=period).aggregate(
            n=Max("version"))["n"]
        if latest and corrects is None:
            raise NoticeError({"period": _(
                "This period is already published. To change it, publish a correction.")})
        publication = DisclosurePublication.objects.create(
            organization=access.organization, item=item, period=period,
            version=(latest or 0) + 1, body=body, corrects=corrects,
            change_note=change_note.strip(), published_at=now,
            published_by_id=actor_id(access),
        )
        for entry in checked:
            stored.save(DisclosureAttachment(organization=access.organization,
                                             publication=publication), entry)
        if corrects is None:
            # A new period's publication moves the due day on by one period.
            today = timezone.localdate()
            due = item.next_due_on
            while due <= today:
                due = next_due(due, item.schedule)
            item.next_due_on = due
            item.save(update_fields=["next_due_on"])
    return publication


def disclosure_publication_change(**_kwargs):
    """Published disclosures are immutable: always refused (publish a correction instead)."""
    raise NoticeError(_("A published disclosure cannot be changed; publish a correction that "
                        "says what changed."), code="immutable")


def disclosure_alert_overdue(*, today: dt.date | None = None) -> int:
    """The beat job: tell each organisation's managers once per due day that an item is
    overdue. The alert row's unique constraint makes a second run tell nobody."""
    today = today or timezone.localdate()
    sent = 0
    with scopes_disabled():
        items = list(
            DisclosureItem.objects.filter(is_active=True, next_due_on__lt=today)
            .select_related("organization").order_by("organization_id", "pk")[:DUE_LIMIT]
        )
        if not items:
            return 0
        managers: dict[int, list[int]] = {}
        for org_id, user_id in Membership.objects.filter(
            organization_id__in={i.organization_id for i in items}, is_active=True,
            role__in=[Membership.Role.ADMIN, Membership.Role.MANAGER],
        ).values_list("organization_id", "user_id"):
            managers.setdefault(org_id, []).append(user_id)
        for item in items:
            try:
                with transaction.atomic():
                    DisclosureAlert.objects.create(organization_id=item.organization_id,
                                                   item=item, due_on=item.next_due_on)
                    with notify_batch():
                        notify(
                            organization=item.organization,
                            recipients=managers.get(item.organization_id, []),
                            kind="disclosure.overdue",
                            context={"title": item.title, "due_on": item.next_due_on.isoformat()},
                            url=reverse("notices:disclosure-manage",
                                        args=[item.organization.slug]),
                            audience="staff", object_type="notices.disclosureitem",
                            object_key=item.pk,
                        )
                sent += 1
            except IntegrityError:
                continue  # already alerted for this due day
    return sent


def disclosure_inquire(
    *, access: Access, publication: DisclosurePublication, category, title: str,
    description: str, unit=None,
) -> DisclosureInquiry:
    """An owner objects to or asks about a publication: a ticket (with its own SLA) linked to
    it. ``category`` is a tickets Category; the ticket is about ``unit`` or, without one, the
    owner's property."""
    from tickets.services import ticket_submit

    if not access.residencies:
        raise NoticeError(_("Only residents can ask about a disclosure."), code="resident")
    if not title.strip():
        raise NoticeError({"title": _("Say what your question or objection is about.")})
    with transaction.atomic():
        prop = None
        if unit is None:
            item_property = publication.item.property_id
            own = {r.unit.property_id: r.unit.property for r in access.residencies}
            prop = own.get(item_property) if item_property else next(iter(own.values()))
            if prop is None:
                prop = next(iter(own.values()))
        text = _("About the disclosure “%(item)s” (%(period)s, version %(version)d):") % {
            "item": publication.item.title, "period": publication.period,
            "version": publication.version}
        ticket = ticket_submit(
            access=access, category=category, title=title.strip(),
            description=f"{text}\n\n{description.strip()}", unit=unit, property=prop,
        )
        return DisclosureInquiry.objects.create(
            organization=access.organization, publication=publication, ticket=ticket,
            created_by_id=actor_id(access),
        )
