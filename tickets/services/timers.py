"""The bridge between ticket rows and the pure SLA engine: due times, pauses, next check."""

import datetime as dt
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from django.db.models import Q

from ..models import (
    OPEN_STATUSES,
    RESOLUTION_RUNNING_STATUSES,
    BusinessCalendar,
    Category,
    SlaEscalation,
    SlaPolicy,
    Ticket,
)
from ..sla import WorkCalendar, business_time_between
from ..sla.timers import (
    FIRST_RESPONSE,
    RESOLUTION,
    DueLevel,
    Level,
    Timer,
    pending_levels,
    split_due,
)
from .sla_config import remembered_calendar

if TYPE_CHECKING:
    from .sla_job import JobTicket

# The ticket fields apply_sla() may change, for save(update_fields=…) and bulk_update().
SLA_FIELDS = [
    "first_response_due_at", "resolution_due_at", "next_due_at", "next_sla_check_at",
    "first_response_breached_at", "resolution_breached_at",
]


def work_calendars(calendar_ids: Iterable[int]) -> dict[int, WorkCalendar]:
    calendars = BusinessCalendar.objects.filter(pk__in=set(calendar_ids)).prefetch_related(
        "exceptions"
    )
    return {calendar.pk: calendar.work_calendar() for calendar in calendars}


def calendar_of(ticket: Ticket) -> WorkCalendar | None:
    return remembered_calendar(ticket.organization_id, ticket.policy_id)


def fired_levels(ticket: Ticket) -> set[tuple[str, int]]:
    return set(
        SlaEscalation.objects.filter(
            organization_id=ticket.organization_id, ticket=ticket
        ).values_list("timer", "percent")
    )


def policy_for(*, organization_id: int, category: Category, priority: str) -> SlaPolicy | None:
    """The most specific active policy for the category and priority (see SlaPolicy)."""
    candidates = SlaPolicy.objects.filter(
        Q(category=category) | Q(category__isnull=True),
        Q(priority=priority) | Q(priority=""),
        organization_id=organization_id, is_active=True,
    ).select_related("calendar")

    def specificity(policy):
        return (policy.category_id is not None, policy.priority != "", policy.is_default)

    return max(candidates, key=specificity, default=None)


def set_policy(ticket: Ticket, policy: SlaPolicy | None) -> None:
    ticket.policy = policy
    if policy is None:
        ticket.first_response_target_minutes = ticket.resolution_target_minutes = None
    else:
        first_response, resolution = policy.targets(ticket.priority)
        ticket.first_response_target_minutes = first_response
        ticket.resolution_target_minutes = resolution


def timers_of(ticket: "Ticket | JobTicket") -> list[Timer]:
    if ticket.first_response_target_minutes is None or ticket.resolution_target_minutes is None:
        return []
    return [
        Timer(
            FIRST_RESPONSE, ticket.created_at,
            dt.timedelta(minutes=ticket.first_response_target_minutes),
            running=ticket.first_responded_at is None and ticket.status in OPEN_STATUSES,
        ),
        Timer(
            RESOLUTION, ticket.created_at,
            dt.timedelta(minutes=ticket.resolution_target_minutes),
            paused=ticket.paused_business_time,
            running=ticket.status in RESOLUTION_RUNNING_STATUSES,
        ),
    ]


def apply_sla(
    ticket: "Ticket | JobTicket", calendar: WorkCalendar | None, fired: Collection[tuple[str, int]],
    now: dt.datetime, *, ladder: Iterable[Level] | None = None,
) -> tuple[list[DueLevel], dt.datetime | None]:
    """Recompute the ticket's due times and next check.

    ``ladder`` is the policy's parsed ladder, for callers that handle many tickets of one
    policy (the SLA job, whose tickets are plain rows, JobTicket); by default it is parsed
    from the ticket's policy.

    Returns (levels reached by ``now`` and not fired, when the next later level is reached).
    A stopped resolution timer keeps its last due time (the record of what was promised);
    ``next_due_at`` only follows running timers. Levels already reached are left for the SLA
    job, which fires them within a minute: ``next_sla_check_at`` then lies in the past.
    """
    timers = timers_of(ticket) if calendar is not None else []
    if not timers:
        ticket.first_response_due_at = ticket.resolution_due_at = None
        ticket.next_due_at = ticket.next_sla_check_at = None
        return [], None
    first_response, resolution = timers
    ticket.first_response_due_at = first_response.due_at(calendar)
    if resolution.running or ticket.resolution_due_at is None:
        ticket.resolution_due_at = resolution.due_at(calendar)
    running_due = [
        due for timer, due in (
            (first_response, ticket.first_response_due_at),
            (resolution, ticket.resolution_due_at),
        ) if timer.running
    ]
    ticket.next_due_at = min(running_due, default=None)
    if ladder is None:
        ladder = ticket.policy.ladder
    due, next_at = split_due(pending_levels(calendar, timers, ladder, fired), now)
    ticket.next_sla_check_at = min((level.reached_at for level in due), default=next_at)
    return due, next_at


def stop_resolution_clock(
    ticket: Ticket, calendar: WorkCalendar | None, since: dt.datetime, now: dt.datetime
) -> None:
    """Add the business time between ``since`` and ``now`` to the time the timer stood still."""
    if calendar is not None:
        ticket.paused_business_time += business_time_between(calendar, since, now)


def record_first_response(ticket: Ticket, now: dt.datetime) -> bool:
    """Mark the first response (once); record a breach the job had no time to see."""
    if ticket.first_responded_at is not None:
        return False
    ticket.first_responded_at = now
    due = ticket.first_response_due_at
    if due is not None and now > due and ticket.first_response_breached_at is None:
        ticket.first_response_breached_at = due
    return True


def record_resolution(ticket: Ticket, calendar: WorkCalendar | None, now: dt.datetime) -> None:
    """Mark the resolution; record a breach against the due time with every pause counted."""
    timers = timers_of(ticket) if calendar is not None else []
    if timers:
        ticket.resolution_due_at = timers[1].due_at(calendar)
    ticket.resolved_at = now
    due = ticket.resolution_due_at
    if due is not None and now > due and ticket.resolution_breached_at is None:
        ticket.resolution_breached_at = due
