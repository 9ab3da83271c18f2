"""The bodies of the periodic ticket jobs: SLA escalation, owner reminders, auto-close.

Each reads only the rows whose moment has come (through a partial index), claims them with
SELECT … FOR UPDATE SKIP LOCKED where the database has it (two workers split the work instead
of repeating it), and records what it did so that a second run changes nothing. Queries are
per batch, never per ticket outside the batch: the cost follows the due tickets, not the table.
"""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from communications.services import notify_batch

from ..models import SlaEscalation, Status, Ticket, TimelineEntry
from ..notify import (
    NOTIFY_RANK,
    escalations_notify,
    managers_covering,
    managers_of,
    owners_of_many,
    ticket_event,
)
from ..sla.timers import ASSIGNEE, MANAGER, TEAM_LEAD, DueLevel
from .rules import auto_close_after, owner_reminder_after
from .timers import SLA_FIELDS, apply_sla, work_calendars

BATCH_SIZE = 200
MAX_BATCHES = 100
# Tickets per SLA transaction: each person gets one escalation message per round. Their rows
# stay locked until it commits (about a second for 2,000 tickets).
ROUND_SIZE = 5_000


def _claim(tickets: QuerySet, batch_size: int) -> list[Ticket]:
    if connection.features.has_select_for_update_skip_locked:
        tickets = tickets.select_for_update(skip_locked=True, of=("self",))
    return list(tickets[:batch_size])


def _in_batches(work, batch_size: int) -> int:
    """Run ``work(batch_size)`` in its own transaction until it handles a short batch."""
    total = 0
    with scopes_disabled():  # the jobs serve every organisation; each query names its rows
        for _batch in range(MAX_BATCHES):
            with transaction.atomic():
                handled = work(batch_size)
            total += handled
            if handled < batch_size:
                break
    return total


@dataclass
class SlaRun:
    tickets: int = 0
    fired: int = 0
    breaches: int = 0


def _escalation_recipients(ticket: Ticket, notify: str, managers) -> set[int]:
    # Nobody is left out when a rung of the ladder is empty: an unassigned ticket goes to the
    # team lead, a team without a lead to the managers covering the property.
    if notify == ASSIGNEE and ticket.assignee_id is not None:
        return {ticket.assignee_id}
    if notify in (ASSIGNEE, TEAM_LEAD) and ticket.team_id and ticket.team.lead_id:
        return {ticket.team.lead_id}
    if notify in (ASSIGNEE, TEAM_LEAD, MANAGER):
        return managers_of(ticket, managers)
    return set()


def _save_sla_fields(tickets: list[Ticket]) -> None:
    """Write the SLA fields of many tickets in one statement.

    Django's bulk_update builds a CASE WHEN per field and ticket (12,000 expressions for
    2,000 tickets: half of the job's CPU), so PostgreSQL gets one UPDATE … FROM unnest() of
    typed arrays instead; other databases keep bulk_update.
    """
    if connection.vendor != "postgresql":
        Ticket.objects.bulk_update(tickets, SLA_FIELDS)
        return
    table = Ticket._meta.db_table
    columns = [Ticket._meta.get_field(name).column for name in SLA_FIELDS]
    assignments = ", ".join(f'"{column}" = v."{column}"' for column in columns)
    arrays = ", ".join(["%s::bigint[]"] + ["%s::timestamptz[]"] * len(columns))
    names = ", ".join(["id"] + [f'"{column}"' for column in columns])
    # Names come from the model's metadata (all SLA fields are timestamps); values are bound.
    sql = (
        f'UPDATE "{table}" AS t SET {assignments} '  # noqa: S608  # nosec B608
        f"FROM unnest({arrays}) AS v({names}) WHERE t.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [[ticket.pk for ticket in tickets]]
            + [[getattr(ticket, name) for ticket in tickets] for name in SLA_FIELDS],
        )


def _top_level(levels: list[DueLevel]) -> DueLevel | None:
    """The level to tell people about when a ticket reached several at once (a backlog after
    an outage, a ticket nobody touched): the highest rung of the ladder, then the latest."""
    told = [level for level in levels if level.notify]
    if not told:
        return None
    return max(told, key=lambda level: (NOTIFY_RANK.get(level.notify, 0), level.percent,
                                        level.reached_at))


def _fire(
    tickets: list[Ticket], now: dt.datetime, run_id: uuid.UUID, run: SlaRun,
    escalated: list[tuple[Ticket, DueLevel, set[int]]],
) -> None:
    """Record the levels these tickets reached (once, under the unique constraint), their
    breaches and timeline entries; add to ``escalated`` whom to tell, at the highest level."""
    ids = [ticket.pk for ticket in tickets]
    organization_ids = {ticket.organization_id for ticket in tickets}
    calendars = work_calendars(
        ticket.policy.calendar_id for ticket in tickets if ticket.policy_id is not None
    )
    fired: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for ticket_id, timer, percent in SlaEscalation.objects.filter(
        organization_id__in=organization_ids, ticket_id__in=ids
    ).values_list("ticket_id", "timer", "percent"):
        fired[ticket_id].add((timer, percent))

    reached: dict[int, list[DueLevel]] = {}
    rows = []
    for ticket in tickets:
        calendar = calendars.get(ticket.policy.calendar_id) if ticket.policy_id else None
        due, next_at = apply_sla(ticket, calendar, fired[ticket.pk], now)
        ticket.next_sla_check_at = next_at
        reached[ticket.pk] = due
        rows += [
            SlaEscalation(
                organization_id=ticket.organization_id, ticket=ticket, timer=level.timer,
                percent=level.percent, notify=level.notify, reached_at=level.reached_at,
                fired_at=now, run_id=run_id,
            )
            for level in due
        ]
    # ON CONFLICT DO NOTHING, then read back what this run inserted: a level another run
    # already fired is neither recorded nor told twice.
    SlaEscalation.objects.bulk_create(rows, ignore_conflicts=True)
    mine = set(
        SlaEscalation.objects.filter(
            organization_id__in=organization_ids, ticket_id__in=ids, run_id=run_id
        ).values_list("ticket_id", "timer", "percent")
    )
    entries, tell = [], []
    for ticket in tickets:
        levels = [
            level for level in reached[ticket.pk]
            if (ticket.pk, level.timer, level.percent) in mine
        ]
        for level in levels:
            run.fired += 1
            if level.is_breach:
                field = f"{level.timer}_breached_at"
                if getattr(ticket, field) is None:
                    setattr(ticket, field, level.reached_at)
                    run.breaches += 1
            entries.append(
                TimelineEntry(
                    organization_id=ticket.organization_id, ticket=ticket,
                    kind=TimelineEntry.Kind.ESCALATION, is_public=False, created_at=now,
                    data={
                        "timer": level.timer, "percent": level.percent, "notify": level.notify,
                        "reached_at": level.reached_at.isoformat(),
                    },
                )
            )
        top = _top_level(levels)
        if top is not None:
            tell.append((ticket, top))
    TimelineEntry.objects.bulk_create(entries)
    _save_sla_fields(tickets)
    if tell:
        managers = managers_covering(organization_ids)
        escalated += [
            (ticket, level, _escalation_recipients(ticket, level.notify, managers))
            for ticket, level in tell
        ]
    run.tickets += len(tickets)


def sla_process_due(
    *, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE,
    round_size: int = ROUND_SIZE,
) -> SlaRun:
    """Fire every escalation level reached by ``now``, once; record breaches as they happen.

    Touches only tickets whose ``next_sla_check_at`` has passed, and moves that to the next
    level's moment, or to NULL when nothing more can happen. A ticket that reached several
    levels is told about the highest; each person hears once per round of up to
    ``round_size`` tickets (one round per run unless there is a backlog): the levels, the
    notifications and the outbox rows of a round commit together, so a crash or a second
    worker cannot lose or repeat any of them.
    """
    now = now or timezone.now()
    run, run_id = SlaRun(), uuid.uuid4()
    with scopes_disabled():  # the job serves every organisation; each query names its rows
        due = (
            Ticket.objects.filter(next_sla_check_at__lte=now)
            .select_related("organization", "policy", "team")
            .order_by("next_sla_check_at")
        )
        for _round in range(MAX_BATCHES):
            handled, more = 0, True
            with transaction.atomic():
                escalated: list[tuple[Ticket, DueLevel, set[int]]] = []
                while more and handled < round_size:
                    # A claimed ticket's next check moves past ``now`` inside this transaction,
                    # so the next claim finds the ones after it.
                    size = min(batch_size, round_size - handled)
                    tickets = _claim(due, size)
                    if tickets:
                        _fire(tickets, now, run_id, run, escalated)
                    handled += len(tickets)
                    more = len(tickets) == size
                with notify_batch():  # every notification of the round in the same few queries
                    escalations_notify(escalated)
            if not more:
                break
    return run


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
        tickets = _claim(
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

    return _in_batches(work, batch_size)


def remind_waiting_owners(
    *, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Remind owners once per wait when a ticket has waited on them too long."""
    now = now or timezone.now()
    cutoff = now - owner_reminder_after()

    def work(size: int) -> int:
        tickets = _claim(
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

    return _in_batches(work, batch_size)
