"""What the events app holds about a person, for their data download and erasure
(portal.accounts.personal_data): their registrations (with party size, waitlist and check-in)
and their private calendar feeds.

Erasure cancels their places at events still to come, handing each freed seat to the
waitlist as a cancellation by the person would; past registrations and check-ins stay as the
event's attendance record, anonymised with the account, each with a fresh check-in token so
a printed code stops naming anyone. Calendar feeds are deleted: their token is a credential,
and the old URL answers 404 at once. The download says that a feed exists but leaves its token
out, since a file copied around must not carry a working credential.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.personal_data import eraser, exporter, when

from .models import CalendarFeed, Event, Registration, new_token
from .services import announce
from .services.registrations import promote_waitlist


@exporter("event_registrations")
def export(user) -> list[dict]:
    registrations = Registration.objects.filter(user=user).select_related(
        "organization", "event", "unit"
    )
    return [
        {
            "organisation": registration.organization.name,
            "event": registration.event.title,
            "place": registration.event.place,
            "starts_at": when(registration.event.starts_at),
            "unit": registration.unit.number if registration.unit else None,
            "party_size": registration.party_size,
            "status": registration.status,
            "registered_at": when(registration.created_at),
            "cancelled_at": when(registration.cancelled_at),
            "checked_in_at": when(registration.checked_in_at),
        }
        for registration in registrations.order_by("created_at", "pk")
    ]


@exporter("calendar_feeds")
def export_feeds(user) -> list[dict]:
    return [
        {"organisation": feed.organization.name, "created_at": when(feed.created_at),
         "token": _("Not included: the link is a password. Revoke it to stop it working.")}
        for feed in CalendarFeed.objects.filter(user=user).select_related("organization")
    ]


def _cancel_upcoming(user, now) -> None:
    upcoming = Registration.objects.filter(
        user=user, status__in=Registration.ACTIVE, event__starts_at__gt=now,
        checked_in_at__isnull=True,  # checked in early: they came, it is attendance
    ).order_by("event_id")
    for registration in upcoming:
        # The event's lock, as every seat change takes it (events.services.registrations).
        event = Event.objects.select_for_update().select_related("organization").get(
            pk=registration.event_id
        )
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        Registration.objects.filter(pk=registration.pk).update(
            status=Registration.Status.CANCELLED, cancelled_at=now
        )
        promoted = promote_waitlist(event) if was_confirmed else []
        announce.updated(event, promoted)


@eraser("events")
def erase(user) -> None:
    _cancel_upcoming(user, timezone.now())
    for registration in Registration.objects.filter(user=user).only("pk"):
        Registration.objects.filter(pk=registration.pk).update(checkin_token=new_token())
    CalendarFeed.objects.filter(user=user).delete()
