"""The SLA escalation job: every level reached fires once, breaches are recorded as they
happen, the highest level is told, each person hears once per round (DESIGN, SLA).

Reads only the tickets whose ``next_sla_check_at`` has passed (a partial index), claims them
(``claims.claim``) and records each level under a unique constraint, so that a second run or a
second worker changes nothing. Statements are per batch, never per ticket: the cost follows
the due tickets, not the table.
"""

import datetime as dt
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import MISSING, dataclass, fields

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from communications.services import notify_batch
from portal.tenancy.models import Organization

from ..memory import forget as forget_ticket_lists
from ..models import SlaEscalation, SlaPolicy, Team, Ticket, TimelineEntry
from ..notify import (
    NOTIFY_RANK,
    ManagerScopes,
    escalations_notify,
    managers_covering,
    managers_of,
)
from ..sla import WorkCalendar
from ..sla.timeline import to_micros
from ..sla.timers import (
    ASSIGNEE,
    FIRST_RESPONSE,
    MANAGER,
    RESOLUTION,
    TEAM_LEAD,
    DueLevel,
    Level,
)
from .claims import MAX_BATCHES, claim_rows
from .timers import SLA_FIELDS, apply_sla

# Tickets per SLA claim: each batch costs a few statements whatever its size.
SLA_BATCH_SIZE = 500
# Tickets per SLA transaction: each person gets one escalation message per round. Their rows
# stay locked until it commits (about half a second for 2,000 tickets).
ROUND_SIZE = 5_000


@dataclass(slots=True, eq=False)
class JobTicket:
    """A claimed ticket as the SLA job and its notifications read it.

    The fields without a default are the ticket's id and the columns the job reads
    (``JOB_FIELDS``), in that order: a row of the claim. The others (the description, and
    timestamps the job overwrites) stay in the database; the SLA fields apply_sla() assigns
    before reading them, and the organisation and team come from the run's cache. Plain
    attributes rather than a Ticket: model instances for 2,000 claimed tickets cost more CPU
    than reading their rows.
    """

    pk: int
    organization_id: int
    number: int
    property_id: int
    unit_id: int | None
    title: str
    priority: str
    status: str
    requester_id: int
    filed_by_id: int | None
    assignee_id: int | None
    team_id: int | None
    policy_id: int | None
    first_response_target_minutes: int | None
    resolution_target_minutes: int | None
    resolution_due_at: dt.datetime | None
    paused_business_time: dt.timedelta
    first_response_breached_at: dt.datetime | None
    resolution_breached_at: dt.datetime | None
    first_responded_at: dt.datetime | None
    created_at: dt.datetime
    # Assigned by apply_sla() (the rest of SLA_FIELDS) and by _RunCache.attach().
    first_response_due_at: dt.datetime | None = None
    next_due_at: dt.datetime | None = None
    next_sla_check_at: dt.datetime | None = None
    organization: Organization | None = None
    team: Team | None = None


# The ticket columns the SLA job and its notifications read.
JOB_FIELDS = tuple(
    field.name for field in fields(JobTicket) if field.default is MISSING and field.name != "pk"
)


@dataclass
class SlaRun:
    tickets: int = 0
    fired: int = 0
    breaches: int = 0


class _RunCache:
    """What every batch of one run shares, read once per run rather than once per batch or
    per ticket: organisations, policies with their parsed ladders, calendars (whose laid-out
    periods then serve every ticket), teams and the managers covering each organisation."""

    def __init__(self):
        self.organizations: dict[int, Organization] = {}
        self.policies: dict[int, SlaPolicy] = {}
        self.ladders: dict[int, tuple[Level, ...]] = {}
        self.calendars: dict[int, WorkCalendar] = {}
        self.teams: dict[int, Team] = {}
        self.managers: ManagerScopes = {}
        self._managers_read: set[int] = set()

    def attach(self, tickets: list[JobTicket]) -> None:
        """Read the tickets' organisations, policies and teams the run has not seen yet (a
        query per kind) rather than a copy of each joined into every row; give each ticket
        its organisation and team."""
        for queryset, cache, field in (
            (Organization.objects.all(), self.organizations, "organization"),
            # A policy comes with its calendar and the calendar's exceptions.
            (SlaPolicy.objects.select_related("calendar").prefetch_related(
                "calendar__exceptions"), self.policies, "policy"),
            (Team.objects.all(), self.teams, "team"),
        ):
            ids = {getattr(ticket, f"{field}_id") for ticket in tickets} - {None} - set(cache)
            if ids:
                cache.update(queryset.in_bulk(ids))
        for ticket in tickets:
            ticket.organization = self.organizations[ticket.organization_id]
            if ticket.team_id is not None:
                ticket.team = self.teams[ticket.team_id]
        for policy_id, policy in self.policies.items():
            if policy_id not in self.ladders:
                self.ladders[policy_id] = policy.ladder
                if policy.calendar_id not in self.calendars:
                    self.calendars[policy.calendar_id] = policy.calendar.work_calendar()

    def managers_of(self, organization_ids: set[int]) -> ManagerScopes:
        missing = organization_ids - self._managers_read
        if missing:
            self.managers.update(managers_covering(missing))
            self._managers_read |= missing
        return self.managers


def _escalation_recipients(ticket: JobTicket, notify: str, managers) -> set[int]:
    # Nobody is left out when a rung of the ladder is empty: an unassigned ticket goes to the
    # team lead, a team without a lead to the managers covering the property.
    if notify == ASSIGNEE and ticket.assignee_id is not None:
        return {ticket.assignee_id}
    if notify in (ASSIGNEE, TEAM_LEAD) and ticket.team_id and ticket.team.lead_id:
        return {ticket.team.lead_id}
    if notify in (ASSIGNEE, TEAM_LEAD, MANAGER):
        return managers_of(ticket, managers)
    return set()


def _ints(values: Iterable[int | None]) -> str:
    """Integers (None as N) as one comma-separated text parameter, which the SQL splits with
    ``string_to_array(…, ',', 'N')``: psycopg quotes a list parameter element by element in
    Python, which for thousands of timestamps cost more than the rest of the statement."""
    values = list(values)
    if None not in values:
        return ",".join(map(str, values))
    return ",".join("N" if value is None else str(value) for value in values)


def _micros(moments: Iterable[dt.datetime | None]) -> str:
    """Moments as microseconds since the epoch, for ``_ints``; the SQL turns them back with
    ``_FROM_MICROS`` (exact, unlike a float of seconds)."""
    return _ints(None if moment is None else to_micros(moment) for moment in moments)


def _from_micros(column: str) -> str:
    return f"(timestamptz 'epoch' + {column} * interval '1 microsecond')"


def _save_sla_fields(tickets: list[JobTicket]) -> None:
    """Write the SLA fields of many tickets in one statement.

    Django's bulk_update builds a CASE WHEN per field and ticket (12,000 expressions for
    2,000 tickets: half of the job's CPU), so PostgreSQL gets one UPDATE … FROM unnest() of
    typed arrays instead; other databases keep bulk_update.
    """
    # Breaches and due times show in the lists (tickets.memory).
    forget_ticket_lists({ticket.organization_id for ticket in tickets})
    if connection.vendor != "postgresql":
        Ticket.objects.bulk_update([
            Ticket(pk=ticket.pk, **{name: getattr(ticket, name) for name in SLA_FIELDS})
            for ticket in tickets
        ], SLA_FIELDS)
        return
    table = Ticket._meta.db_table
    columns = [Ticket._meta.get_field(name).column for name in SLA_FIELDS]
    assignments = ", ".join(f'"{column}" = {_from_micros(f"v.{column}")}' for column in columns)
    arrays = ", ".join(["string_to_array(%s, ',', 'N')::bigint[]"] * (len(columns) + 1))
    names = ", ".join(["id", *columns])
    # Names come from the model's metadata (all SLA fields are timestamps); values are bound.
    sql = (
        f'UPDATE "{table}" AS t SET {assignments} '  # noqa: S608  # nosec B608
        f"FROM unnest({arrays}) AS v({names}) WHERE t.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [_ints(ticket.pk for ticket in tickets)]
            + [_micros(getattr(ticket, name) for ticket in tickets) for name in SLA_FIELDS],
        )


Reached = list[tuple[JobTicket, DueLevel]]
Fired = set[tuple[int, str, int]]

# One round trip records the levels and their timeline entries: the levels go in with
# ON CONFLICT DO NOTHING, and only those this statement inserted (RETURNING) are listed in an
# entry and told, so a level another worker or an earlier run fired is neither recorded nor
# told twice. Each ticket gets one entry per run, listing the levels it fired in the order they
# were reached (rows arrive as parallel arrays, unnest, in the order given): a ticket that
# caught up over four levels costs one timeline row, not four, nor their foreign-key checks at
# COMMIT. Timers and whom to notify travel as their index in TIMER_NAMES and NOTIFY_NAMES; a
# level's "reached_at" is the moment's isoformat().
TIMER_NAMES = (FIRST_RESPONSE, RESOLUTION)
NOTIFY_NAMES = ("", ASSIGNEE, TEAM_LEAD, MANAGER)
_RECORD_SQL = """
WITH v AS (
    SELECT org, ticket, percent, n, (%(timers)s::text[])[timer] AS timer,
           (%(notifies)s::text[])[notify] AS notify, {reached} AS reached,
           to_char({reached} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
           || CASE WHEN reached %% 1000000 = 0 THEN ''
                   ELSE '.' || lpad((reached %% 1000000)::text, 6, '0') END
           || '+00:00' AS reached_text
    FROM unnest({arrays}) WITH ORDINALITY AS v(org, ticket, timer, percent, notify, reached, n)
), fired AS (
    INSERT INTO {escalations} (organization_id, ticket_id, timer, percent, notify, reached_at,
                               fired_at, run_id)
    SELECT org, ticket, timer, percent, notify, reached, %(now)s, %(run_id)s::uuid
    FROM v ORDER BY n
    ON CONFLICT DO NOTHING
    RETURNING ticket_id, timer, percent
), entries AS (
    INSERT INTO {timeline} (organization_id, ticket_id, kind, actor_id, from_status, to_status,
                            body, is_public, data, created_at)
    SELECT v.org, v.ticket, %(kind)s, NULL, '', '', '', false,
           jsonb_build_object('levels', jsonb_agg(
               jsonb_build_object('timer', v.timer, 'percent', v.percent,
                                  'notify', v.notify, 'reached_at', v.reached_text)
               ORDER BY v.n)),
           %(now)s
    FROM v JOIN fired ON fired.ticket_id = v.ticket AND fired.timer = v.timer
                     AND fired.percent = v.percent
    GROUP BY v.org, v.ticket
    ORDER BY min(v.n)
)
SELECT ticket_id, timer, percent FROM fired
"""


def _level_data(level: DueLevel) -> dict:
    return {
        "timer": level.timer, "percent": level.percent, "notify": level.notify,
        "reached_at": level.reached_at.isoformat(),
    }


def _record_levels(reached: Reached, now: dt.datetime, run_id: uuid.UUID) -> Fired:
    """Insert the reached levels and, for each ticket with levels this run fired, one timeline
    entry listing them; returns (ticket id, timer, percent) of the levels this run fired."""
    if not reached:
        return set()
    if connection.vendor == "postgresql":
        columns = ("org", "ticket", "timer", "percent", "notify", "reached")
        sql = _RECORD_SQL.format(
            escalations=SlaEscalation._meta.db_table, timeline=TimelineEntry._meta.db_table,
            reached=_from_micros("reached"),
            arrays=", ".join(
                f"string_to_array(%({name})s, ',', 'N')::bigint[]" for name in columns
            ),
        )
        # Indexes in SQL arrays count from 1.
        timers = {name: index for index, name in enumerate(TIMER_NAMES, 1)}
        notifies = {name: index for index, name in enumerate(NOTIFY_NAMES, 1)}
        with connection.cursor() as cursor:
            cursor.execute(sql, {
                "org": _ints(ticket.organization_id for ticket, _level in reached),
                "ticket": _ints(ticket.pk for ticket, _level in reached),
                "timer": _ints(timers[level.timer] for _ticket, level in reached),
                "percent": _ints(level.percent for _ticket, level in reached),
                "notify": _ints(notifies[level.notify] for _ticket, level in reached),
                "reached": _micros(level.reached_at for _ticket, level in reached),
                "timers": list(TIMER_NAMES), "notifies": list(NOTIFY_NAMES),
                "now": now, "run_id": str(run_id), "kind": TimelineEntry.Kind.ESCALATION,
            })
            return {tuple(row) for row in cursor.fetchall()}
    SlaEscalation.objects.bulk_create([
        SlaEscalation(
            organization_id=ticket.organization_id, ticket_id=ticket.pk, timer=level.timer,
            percent=level.percent, notify=level.notify, reached_at=level.reached_at,
            fired_at=now, run_id=run_id,
        )
        for ticket, level in reached
    ], ignore_conflicts=True)
    mine = set(
        SlaEscalation.objects.filter(
            organization_id__in={ticket.organization_id for ticket, _level in reached},
            ticket_id__in={ticket.pk for ticket, _level in reached}, run_id=run_id,
        ).values_list("ticket_id", "timer", "percent")
    )
    entries: dict[int, TimelineEntry] = {}  # by ticket, listing its levels in the order given
    for ticket, level in reached:
        if (ticket.pk, level.timer, level.percent) not in mine:
            continue
        if ticket.pk not in entries:
            entries[ticket.pk] = TimelineEntry(
                organization_id=ticket.organization_id, ticket_id=ticket.pk,
                kind=TimelineEntry.Kind.ESCALATION, is_public=False, created_at=now,
                data={"levels": []},
            )
        entries[ticket.pk].data["levels"].append(_level_data(level))
    TimelineEntry.objects.bulk_create(entries.values())
    return mine


def _fired_levels(
    organization_ids: set[int], ticket_ids: list[int]
) -> dict[int, set[tuple[str, int]]]:
    """The levels already fired of each ticket (timer, percent)."""
    fired: dict[int, set[tuple[str, int]]] = defaultdict(set)
    if connection.vendor == "postgresql":
        # One array parameter rather than a placeholder per ticket, which psycopg would
        # parse and quote one by one.
        sql = (
            f"SELECT ticket_id, timer, percent FROM {SlaEscalation._meta.db_table} "  # noqa: S608  # nosec B608
            "WHERE organization_id = ANY(%s) "
            "AND ticket_id = ANY(string_to_array(%s, ',')::bigint[])"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [sorted(organization_ids), _ints(ticket_ids)])
            rows = cursor.fetchall()
    else:
        rows = SlaEscalation.objects.filter(
            organization_id__in=organization_ids, ticket_id__in=ticket_ids
        ).values_list("ticket_id", "timer", "percent")
    for ticket_id, timer, percent in rows:
        fired[ticket_id].add((timer, percent))
    return fired


def _top_level(levels: list[DueLevel]) -> DueLevel | None:
    """The level to tell people about when a ticket reached several at once (a backlog after
    an outage, a ticket nobody touched): the highest rung of the ladder, then the latest."""
    told = [level for level in levels if level.notify]
    if not told:
        return None
    return max(told, key=lambda level: (NOTIFY_RANK.get(level.notify, 0), level.percent,
                                        level.reached_at))


def _fire(
    tickets: list[JobTicket], now: dt.datetime, run_id: uuid.UUID, run: SlaRun,
    cache: _RunCache, escalated: list[tuple[JobTicket, DueLevel, set[int]]],
) -> None:
    """Record the levels these tickets reached (once, under the unique constraint), their
    breaches and a timeline entry per ticket listing them; add to ``escalated`` whom to tell,
    at the highest level."""
    cache.attach(tickets)
    organization_ids = {ticket.organization_id for ticket in tickets}
    fired = _fired_levels(organization_ids, [ticket.pk for ticket in tickets])
    reached: Reached = []
    for ticket in tickets:
        policy = cache.policies.get(ticket.policy_id)
        calendar = cache.calendars[policy.calendar_id] if policy is not None else None
        due, next_at = apply_sla(
            ticket, calendar, fired[ticket.pk], now, ladder=cache.ladders.get(ticket.policy_id)
        )
        ticket.next_sla_check_at = next_at
        reached += [(ticket, level) for level in due]
    mine = _record_levels(reached, now, run_id)

    told: dict[int, list[DueLevel]] = defaultdict(list)
    for ticket, level in reached:
        if (ticket.pk, level.timer, level.percent) not in mine:
            continue
        run.fired += 1
        told[ticket.pk].append(level)
        if level.is_breach:
            field = f"{level.timer}_breached_at"
            if getattr(ticket, field) is None:
                setattr(ticket, field, level.reached_at)
                run.breaches += 1
    _save_sla_fields(tickets)
    tell = [
        (ticket, top) for ticket in tickets
        if (top := _top_level(told.get(ticket.pk, []))) is not None
    ]
    if tell:
        managers = cache.managers_of(organization_ids)
        escalated += [
            (ticket, level, _escalation_recipients(ticket, level.notify, managers))
            for ticket, level in tell
        ]
    run.tickets += len(tickets)


def sla_process_due(
    *, now: dt.datetime | None = None, batch_size: int = SLA_BATCH_SIZE,
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
    run, run_id, cache = SlaRun(), uuid.uuid4(), _RunCache()
    with scopes_disabled():  # the job serves every organisation; each query names its rows
        due = Ticket.objects.filter(next_sla_check_at__lte=now).order_by("next_sla_check_at")
        for _round in range(MAX_BATCHES):
            handled, more = 0, True
            with transaction.atomic():
                escalated: list[tuple[JobTicket, DueLevel, set[int]]] = []
                while more and handled < round_size:
                    # A claimed ticket's next check moves past ``now`` inside this transaction,
                    # so the next claim finds the ones after it.
                    size = min(batch_size, round_size - handled)
                    tickets = [
                        JobTicket(*row) for row in claim_rows(due, ("pk", *JOB_FIELDS), size)
                    ]
                    if tickets:
                        _fire(tickets, now, run_id, run, cache, escalated)
                    handled += len(tickets)
                    more = len(tickets) == size
                with notify_batch():  # every notification of the round in the same few queries
                    escalations_notify(escalated)
            if not more:
                break
    return run


def sla_helpers_wanted(*, now: dt.datetime | None = None, batch_size: int | None = None) -> int:
    """How many more worker processes the due tickets are worth, beyond the one asking.

    A backlog of 2,000 due tickets (7,600 levels) is about 0.5 s of work in one process,
    more than half of it waiting on the database; two processes (the worker's concurrency)
    share it, each claiming other tickets, which shortens it when the machine has a core to
    spare. One batch or less is not worth a second process. The count stops at what the
    processes could take, so it costs the same on any backlog.
    """
    processes = max(1, settings.TICKETS_SLA_PROCESSES)
    if processes == 1:
        return 0
    batch_size = batch_size or SLA_BATCH_SIZE
    with scopes_disabled():
        due = Ticket.objects.filter(next_sla_check_at__lte=now or timezone.now())[
            :batch_size * processes
        ].count()
    return max(0, min(processes, math.ceil(due / batch_size)) - 1)

