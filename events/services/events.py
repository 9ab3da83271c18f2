"""Managers' writes on events: create, edit, publish, cancel. Each is one transaction; a
change of time or place, or a cancellation, is told to everyone registered."""

import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.tenancy.access import Access
from portal.tenancy.models import Building, Property

from ..models import Event, Registration, Reminder
from . import announce
from .errors import EventConflict, EventError
from .feedback import feedback_due_at
from .registrations import promote_waitlist
from .rules import actor_id, require_manager
from .schedule import next_reminder_at

FIELDS = (
    "title", "description", "property", "building", "starts_at", "ends_at", "place",
    "capacity", "max_party_size", "registration_opens_at", "registration_closes_at",
    "price_text", "reminder_offsets",
)
CHANGES_TOLD = ("starts_at", "ends_at", "place")
MAX_REMINDER_MINUTES = 30 * 24 * 60


def _check(fields: dict) -> None:
    errors = {}
    starts, ends = fields.get("starts_at"), fields.get("ends_at")
    if starts and ends and ends <= starts:
        errors["ends_at"] = _("The event must end after it starts.")
    opens, closes = fields.get("registration_opens_at"), fields.get("registration_closes_at")
    if opens and closes and closes <= opens:
        errors["registration_closes_at"] = _("Registration must close after it opens.")
    if closes and ends and closes > ends:
        errors["registration_closes_at"] = _("Registration must close before the event ends.")
    if fields.get("capacity") is not None and fields["capacity"] < 1:
        errors["capacity"] = _("At least one person must be able to come.")
    if fields.get("max_party_size") is not None and fields["max_party_size"] < 1:
        errors["max_party_size"] = _("A party has at least one person.")
    if any(not 0 < int(m) <= MAX_REMINDER_MINUTES for m in fields.get("reminder_offsets") or []):
        errors["reminder_offsets"] = _("Reminders must be between 1 minute and 30 days before.")
    if errors:
        raise EventError(errors)


def _audience(access: Access, fields: dict) -> None:
    """The building decides its property; both must be the caller's organisation's."""
    building, prop = fields.get("building"), fields.get("property")
    org = access.organization
    if building is not None:
        if not isinstance(building, Building) or building.organization_id != org.pk:
            raise EventError({"building": _("Choose a building of your organisation.")})
        if prop is not None and prop.pk != building.property_id:
            raise EventError({"building": _("This building is not in the chosen property.")})
        fields["property"] = building.property
    elif prop is not None and (not isinstance(prop, Property) or prop.organization_id != org.pk):
        raise EventError({"property": _("Choose a property of your organisation.")})


def _cover(upload) -> tuple[ContentFile, str] | None:
    if upload is None:
        return None
    from tickets.services.attachments import attachment_prepare
    from tickets.services.errors import TicketError

    try:
        prepared = attachment_prepare(upload=upload)
    except TicketError as error:
        messages = [m for errors in error.message_dict.values() for m in errors]
        raise EventError({"cover": messages}) from error
    name = f"{secrets.token_hex(12)}{prepared.extension}"
    return ContentFile(prepared.content, name=name), prepared.content_type


def _save_cover(event: Event, cover) -> None:
    if cover is not None:
        content, content_type = cover
        event.cover.save(content.name, content, save=False)
        event.cover_type = content_type


def event_create(*, access: Access, cover=None, **fields) -> Event:
    fields = {name: value for name, value in fields.items() if name in FIELDS}
    _audience(access, fields)
    require_manager(access, property_id=getattr(fields.get("property"), "pk", None))
    _check(fields)
    prepared = _cover(cover)  # decoded before the transaction: large photos take a while
    with transaction.atomic():
        event = Event(organization=access.organization, created_by_id=actor_id(access), **fields)
        _save_cover(event, prepared)
        event.save()
    return event


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("organization").get(pk=event.pk)


def event_update(*, access: Access, event: Event, cover=None, **fields) -> Event:
    require_manager(access, event)
    fields = {name: value for name, value in fields.items() if name in FIELDS}
    if "building" in fields or "property" in fields:
        fields.setdefault("property", event.property)
        fields.setdefault("building", None)
        _audience(access, fields)
        require_manager(access, property_id=getattr(fields["property"], "pk", None))
    prepared = _cover(cover)
    with transaction.atomic():
        event = _lock(event)
        if event.is_cancelled:
            raise EventConflict(_("This event is cancelled and can no longer be changed."),
                                code="cancelled")
        merged = {name: getattr(event, name) for name in FIELDS} | fields
        _check(merged)
        changed = [n for n in CHANGES_TOLD if n in fields and fields[n] != getattr(event, n)]
        new_offsets = "reminder_offsets" in fields and (
            list(fields["reminder_offsets"] or []) != list(event.reminder_offsets or [])
        )
        for name, value in fields.items():
            setattr(event, name, value)
        _save_cover(event, prepared)
        now = timezone.now()
        if "starts_at" in changed or new_offsets:
            # The time moved: reminders are due again for the new time.
            Reminder.objects.filter(organization=event.organization,
                                    registration__event=event).delete()
        event.next_reminder_at = next_reminder_at(event, now)
        event.feedback_due_at = feedback_due_at(event)  # follows a moved end
        event.save()
        promoted = promote_waitlist(event)
        people = _registered(event)
        if changed and event.is_published:
            announce.tell(event, people, "event.changed", actor_id=actor_id(access))
        announce.updated(event, set(people) | set(promoted))
    return event


def _registered(event: Event) -> list[int]:
    return list(
        Registration.objects.filter(
            organization=event.organization, event=event, status__in=Registration.ACTIVE
        ).values_list("user_id", flat=True)
    )


def event_publish(*, access: Access, event: Event) -> Event:
    require_manager(access, event)
    with transaction.atomic():
        event = _lock(event)
        if event.status != Event.Status.DRAFT:
            raise EventConflict(_("Only a draft can be published."), code="not_draft")
        if event.starts_at <= timezone.now():
            raise EventError({"starts_at": _("This event has already started.")})
        event.status = Event.Status.PUBLISHED
        event.next_reminder_at = next_reminder_at(event, timezone.now())
        event.save(update_fields=["status", "next_reminder_at", "updated_at"])
        announce.updated(event)
    return event


def event_cancel(*, access: Access, event: Event) -> Event:
    require_manager(access, event)
    with transaction.atomic():
        event = _lock(event)
        if event.is_cancelled:
            raise EventConflict(_("This event is already cancelled."), code="cancelled")
        was_published = event.is_published
        event.status = Event.Status.CANCELLED
        event.next_reminder_at = None
        event.feedback_due_at = None  # no feedback on an event that did not take place
        event.save(update_fields=["status", "next_reminder_at", "feedback_due_at",
                                  "updated_at"])
        people = _registered(event)
        if was_published:
            announce.tell(event, people, "event.cancelled", actor_id=actor_id(access))
        announce.updated(event, people)
    return event
