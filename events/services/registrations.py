"""Owners' registrations: register (confirmed or on the waitlist), cancel, and the waitlist's
promotion when seats free up.

Seats are counted and handed out only while the event's row is locked with
``SELECT … FOR UPDATE``: two owners registering for the last seat at the same moment queue on
that lock, and the second one sees the first one's seat taken. The partial unique constraint
(one active registration per person and event) stops a double registration that slips past
the check, e.g. from two tabs.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communications.services import notify_batch
from portal.tenancy.access import Access

from ..models import Event, Registration
from . import announce
from .errors import EventConflict, EventError
from .rules import actor_id, audience_units, covers

Status = Registration.Status


def lock_event(access: Access, event: Event) -> Event:
    if event.organization_id != access.organization.pk:
        raise PermissionDenied
    return Event.objects.select_for_update().select_related("organization").get(pk=event.pk)


def seats_taken(event: Event) -> int:
    taken = Registration.objects.filter(
        organization_id=event.organization_id, event=event, status=Status.CONFIRMED
    ).aggregate(people=Sum("party_size"))["people"]
    return taken or 0


def promote_waitlist(event: Event) -> list[int]:
    """Confirm waitlisted parties in the order they registered, each whole party that fits
    the seats left (a large party does not hold back smaller ones behind it). The caller
    holds the event's lock. Returns the promoted people, who are told."""
    if not event.is_published:
        return []
    free = event.capacity - seats_taken(event)
    if free <= 0:
        return []
    promoted = []
    waiting = Registration.objects.filter(
        organization_id=event.organization_id, event=event, status=Status.WAITLISTED
    ).order_by("created_at", "pk")
    for registration in waiting:
        if registration.party_size <= free:
            free -= registration.party_size
            promoted.append(registration)
        if free <= 0:
            break
    if not promoted:
        return []
    Registration.objects.filter(pk__in=[r.pk for r in promoted]).update(status=Status.CONFIRMED)
    users = [r.user_id for r in promoted]
    with notify_batch():
        announce.tell(event, users, "event.promoted")
    return users


def _check_may_register(access: Access, event: Event, party_size: int, now) -> list:
    if not event.is_published:
        raise EventError(_("This event is not open for registration."), code="not_open")
    if event.starts_at <= now:
        raise EventError(_("This event has already started."), code="started")
    if event.registration_opens_at and now < event.registration_opens_at:
        raise EventError(_("Registration has not opened yet."), code="not_yet_open")
    if event.registration_closes_at and now >= event.registration_closes_at:
        raise EventError(_("Registration for this event has closed."), code="closed")
    if party_size < 1 or party_size > event.max_party_size:
        raise EventError({"party_size": ngettext(
            "At most %(count)d person per registration.",
            "At most %(count)d people per registration.", event.max_party_size,
        ) % {"count": event.max_party_size}}, code="party_size")
    units = audience_units(access, event)
    if not units:
        raise EventError(_("This event is for residents of another property or building."),
                         code="audience")
    return units


def registration_create(
    *, access: Access, event: Event, party_size: int = 1, waitlist: bool = True,
) -> Registration:
    """Register the caller (and ``party_size - 1`` household members). Confirmed while seats
    last, else on the waitlist, or EventConflict when ``waitlist`` is False."""
    user_id = actor_id(access)
    with transaction.atomic():
        event = lock_event(access, event)
        now = timezone.now()
        units = _check_may_register(access, event, party_size, now)
        already = Registration.objects.filter(
            organization_id=event.organization_id, event=event, user_id=user_id,
            status__in=Registration.ACTIVE,
        ).exists()
        if already:
            raise EventError(_("You are already registered for this event."), code="twice")
        fits = seats_taken(event) + party_size <= event.capacity
        if not fits and not waitlist:
            raise EventConflict(_("Sorry, this event is full."), code="full")
        registration = Registration(
            organization_id=event.organization_id, event=event, user_id=user_id,
            unit=units[0], party_size=party_size,
            status=Status.CONFIRMED if fits else Status.WAITLISTED,
        )
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as error:
            raise EventError(_("You are already registered for this event."),
                             code="twice") from error
        announce.updated(event, [user_id])
    return registration


def registration_cancel(*, access: Access, registration: Registration) -> Registration:
    """The owner cancels their own registration (staff may cancel one for them); a freed
    seat goes to the waitlist at once."""
    user_id = actor_id(access)
    with transaction.atomic():
        event = lock_event(access, registration.event)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.user_id != user_id and not covers(access, event):
            raise PermissionDenied
        if registration.status == Status.CANCELLED:
            raise EventConflict(_("This registration is already cancelled."), code="cancelled")
        if event.starts_at <= timezone.now():
            raise EventError(_("This event has already started."), code="started")
        was_confirmed = registration.status == Status.CONFIRMED
        registration.status = Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        promoted = promote_waitlist(event) if was_confirmed else []
        announce.updated(event, [registration.user_id, *promoted])
    return registration


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None unless waitlisted."""
    if registration.status != Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        organization_id=registration.organization_id, event_id=registration.event_id,
        status=Status.WAITLISTED, created_at__lte=registration.created_at,
    ).exclude(created_at=registration.created_at, pk__gt=registration.pk).count()
    return ahead
