"""The reminder job (beat, every minute): each confirmed registration gets each reminder once.

Set-based: it reads only events whose ``next_reminder_at`` has come (a partial index serves
exactly that query), locks them with ``SKIP LOCKED`` so that two workers share the work
instead of doubling it, writes one Reminder row per registration and offset under a unique
constraint, and tells only the people it wrote a row for. A second run finds nothing due.
"""

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from communications.services import notify_batch

from ..models import Event, Registration, Reminder
from . import announce
from .schedule import due_offset, next_reminder_at

BATCH = 100


def reminders_send_due(*, now=None, batch_size: int = BATCH) -> int:
    """Send what is due; returns the number of reminders sent."""
    now = now or timezone.now()
    sent = 0
    with scopes_disabled(), transaction.atomic(), notify_batch():  # a job spans organisations
        events = list(
            Event.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("organization")
            .filter(next_reminder_at__lte=now)
            .order_by("next_reminder_at")[:batch_size]
        )
        for event in events:
            offset = due_offset(event, now) if event.is_published else None
            if offset is not None:
                sent += _remind(event, offset)
            event.next_reminder_at = next_reminder_at(event, now)
        Event.objects.bulk_update(events, ["next_reminder_at"])
    return sent


def _remind(event: Event, offset: int) -> int:
    registrations = list(
        Registration.objects.filter(
            organization_id=event.organization_id, event=event,
            status=Registration.Status.CONFIRMED,
        ).exclude(
            pk__in=Reminder.objects.filter(
                organization_id=event.organization_id, registration__event=event,
                offset_minutes=offset,
            ).values("registration_id")
        ).values_list("pk", "user_id")
    )
    if not registrations:
        return 0
    Reminder.objects.bulk_create([
        Reminder(organization_id=event.organization_id, registration_id=pk, offset_minutes=offset)
        for pk, _user in registrations
    ])
    announce.tell(event, [user for _pk, user in registrations], "event.reminder")
    return len(registrations)
