"""The bodies of the periodic ticket jobs: owner reminders and auto-close here, SLA
escalation in ``sla_job``.

Each reads only the rows whose moment has come (through a partial index), claims them
(``claims``) and records what it did so that a second run changes nothing. Queries are per
batch, never per ticket: the cost follows the due tickets, not the table.
"""

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from communications.services import notify_batch

from ..models import Status, Ticket, TimelineEntry
from ..notify import owners_of_many, ticket_event
from .claims import claim, in_batches
from .rules import auto_close_after, owner_reminder_after

BATCH_SIZE = 200


def _tell_owners(tickets: Iterable[Ticket], kind: str, extra: dict[int, set[int]]) -> None:
    tickets = list(tickets)
    owners = owners_of_many(tickets)
    with notify_batch():
        for ticket in tickets:
            ticket_event(
                ticket=ticket, kind=kind, actor_id=None,
                recipients=owners[ticket.pk] | extra.get(ticket.pk, set()),
            )


def auto_close_resolved(*, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Close tickets resolved longer ago than the confirmation window; returns how many."""
    now = now or timezone.now()
    cutoff = now - auto_close_after()

    def work(size: int) -> int:
        tickets = claim(
            Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lte=cutoff)
            .select_related("organization").order_by("resolved_at"),
            size,
        )
        ids = [ticket.pk for ticket in tickets]
        Ticket.objects.filter(pk__in=ids, status=Status.RESOLVED).update(
            status=Status.CLOSED, closed_at=now, next_due_at=None, next_sla_check_at=None,
            updated_at=now,
        )
        TimelineEntry.objects.bulk_create(
            TimelineEntry(
                organization_id=ticket.organization_id, ticket=ticket,
                kind=TimelineEntry.Kind.STATUS, from_status=Status.RESOLVED,
                to_status=Status.CLOSED, created_at=now, data={"automatic": True},
            )
            for ticket in tickets
        )
        for ticket in tickets:
            ticket.status, ticket.closed_at = Status.CLOSED, now
        _tell_owners(
            tickets, TimelineEntry.Kind.STATUS,
            {ticket.pk: {ticket.assignee_id} for ticket in tickets},
        )
        return len(tickets)

    return in_batches(work, batch_size)


def remind_waiting_owners(
    *, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Remind owners once per wait when a ticket has waited on them too long."""
    now = now or timezone.now()
    cutoff = now - owner_reminder_after()

    def work(size: int) -> int:
        tickets = claim(
            Ticket.objects.filter(
                status=Status.WAITING_ON_OWNER, owner_reminded_at__isnull=True,
                paused_at__lte=cutoff,
            ).select_related("organization").order_by("paused_at"),
            size,
        )
        ids = [ticket.pk for ticket in tickets]
        Ticket.objects.filter(pk__in=ids, owner_reminded_at__isnull=True).update(
            owner_reminded_at=now
        )
        TimelineEntry.objects.bulk_create(
            TimelineEntry(
                organization_id=ticket.organization_id, ticket=ticket,
                kind=TimelineEntry.Kind.REMINDER, created_at=now,
                data={"waiting_since": ticket.paused_at.isoformat()},
            )
            for ticket in tickets
        )
        _tell_owners(tickets, TimelineEntry.Kind.REMINDER, {})
        return len(tickets)

    return in_batches(work, batch_size)
