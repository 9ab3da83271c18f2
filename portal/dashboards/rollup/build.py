# ruff: noqa: S608 - the SQL interpolates table names from model metadata and constants only;
# every value (the batch) goes as a parameter.
"""Rebuilding the rollups for a set of (organisation, local day): set-based and idempotent.

In one transaction: the days go to a work table (RollupDay, with the instants each local day
spans in its organisation's time zone), then six statements whatever the number of
organisations and days: delete the days' statistics and durations, INSERT … SELECT …
GROUP BY from the tickets for each table (the statistics' three families, submitted /
resolved / rated, in one UNION ALL), and once more for each from the rows just written with
the buildings summed. Running it twice writes the same rows; the coverage rows are locked
first, so two runs at once wait for each other instead of interleaving.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.tenancy.models import Organization, Unit
from tickets.models import Ticket

from ..models import (
    ALL_BUILDINGS,
    BY_BUILDING,
    RollupCoverage,
    RollupDay,
    TicketDayDurations,
    TicketDayStats,
)
from .buckets import bucket_sql, seconds_sql

DIMENSIONS = "organization_id, day, property_id, building_id, category_id, team_id, assignee_id"
SUMMED = "organization_id, day, property_id, category_id, team_id, assignee_id"
STATS = ("opened", "first_response_measured", "first_response_breached", "breached",
         "resolution_breached_opened", "resolved", "resolution_breached",
         "rated_1", "rated_2", "rated_3", "rated_4", "rated_5")


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _within(day_field: str, ranges: int, orgs: int) -> str:
    """The batch's organisations and instant ranges again, as constants: the join condition
    alone (a range against another table's columns) hides them from the planner, which then
    scans every ticket; with them it reads the ticket_created / ticket_resolved /
    ticket_rated indexes (organization_id, <day field>) over the days rebuilt only."""
    one = f"(t.{day_field} >= %s AND t.{day_field} < %s)"
    org_list = ", ".join(["%s"] * orgs)
    return f" AND t.organization_id IN ({org_list}) AND ({' OR '.join([one] * ranges)})"


def _family(day_field: str, values: dict[str, str], extra_where: str = "", *,
            ranges: int, orgs: int) -> str:
    """One family's rows: every ticket whose ``day_field`` falls in a day of the batch."""
    columns = ", ".join(f"{values.get(name, '0')} AS {name}" for name in STATS)
    return (
        f"SELECT t.organization_id, p.day, t.property_id, u.building_id, t.category_id, "  # nosec B608
        f"t.team_id, t.assignee_id, {columns} "
        f"FROM {RollupDay._meta.db_table} p "
        f"JOIN {Ticket._meta.db_table} t ON t.organization_id = p.organization_id "
        f"AND t.{day_field} >= p.start_at AND t.{day_field} < p.end_at "
        f"LEFT JOIN {Unit._meta.db_table} u ON u.id = t.unit_id "
        f"WHERE p.batch = %s AND t.merged_into_id IS NULL{extra_where}"
        f"{_within(day_field, ranges, orgs)}"
    )


def _stats_sql(ranges: int, orgs: int) -> str:
    fr_breached = "t.first_response_breached_at IS NOT NULL"
    res_breached = "t.resolution_breached_at IS NOT NULL"
    created = _family("created_at", {
        "opened": "1",
        "first_response_measured": _flag(f"(t.first_responded_at IS NOT NULL OR {fr_breached})"),
        "first_response_breached": _flag(fr_breached),
        "breached": _flag(f"({fr_breached} OR {res_breached})"),
        "resolution_breached_opened": _flag(res_breached),
    }, ranges=ranges, orgs=orgs)
    resolved = _family("resolved_at", {"resolved": "1",
                                       "resolution_breached": _flag(res_breached)},
                       ranges=ranges, orgs=orgs)
    rated = _family("rated_at", {f"rated_{n}": _flag(f"t.rating = {n}") for n in range(1, 6)},
                    " AND t.rating IS NOT NULL", ranges=ranges, orgs=orgs)
    sums = ", ".join(f"SUM({name})" for name in STATS)
    return (
        f"INSERT INTO {TicketDayStats._meta.db_table} ({DIMENSIONS}, level, "  # nosec B608
        f"{', '.join(STATS)}) SELECT {DIMENSIONS}, {BY_BUILDING}, {sums} "
        f"FROM ({created} UNION ALL {resolved} UNION ALL {rated}) x "
        f"GROUP BY {DIMENSIONS}"
    )


def _durations_sql(ranges: int, orgs: int) -> str:
    def part(measure: int, end: str, day_field: str) -> str:
        bucket = bucket_sql(seconds_sql(f"t.{end}", "t.created_at"))
        return (
            f"SELECT t.organization_id, p.day, t.property_id, u.building_id, t.category_id, "  # nosec B608
            f"t.team_id, t.assignee_id, {measure} AS measure, {bucket} AS bucket "
            f"FROM {RollupDay._meta.db_table} p "
            f"JOIN {Ticket._meta.db_table} t ON t.organization_id = p.organization_id "
            f"AND t.{day_field} >= p.start_at AND t.{day_field} < p.end_at "
            f"LEFT JOIN {Unit._meta.db_table} u ON u.id = t.unit_id "
            f"WHERE p.batch = %s AND t.merged_into_id IS NULL AND t.{end} IS NOT NULL"
            f"{_within(day_field, ranges, orgs)}"
        )

    first = part(TicketDayDurations.FIRST_RESPONSE, "first_responded_at", "created_at")
    resolution = part(TicketDayDurations.RESOLUTION, "resolved_at", "resolved_at")
    return (
        f"INSERT INTO {TicketDayDurations._meta.db_table} ({DIMENSIONS}, level, measure, "  # nosec B608
        f"bucket, tickets) SELECT {DIMENSIONS}, {BY_BUILDING}, measure, bucket, COUNT(*) "
        f"FROM ({first} UNION ALL {resolution}) x GROUP BY {DIMENSIONS}, measure, bucket"
    )


def _all_buildings_sql(table: str, sums: tuple[str, ...], keys: tuple[str, ...] = ()) -> str:
    """The batch's rows again with the buildings summed (level ALL_BUILDINGS), from the rows
    just written: no second pass over the tickets."""
    columns = ", ".join(keys)
    extra = f", {columns}" if keys else ""
    totals = ", ".join(f"SUM({name})" for name in sums)
    return (
        f"INSERT INTO {table} ({SUMMED}, building_id, level{extra}, {', '.join(sums)}) "  # nosec B608
        f"SELECT {SUMMED}, NULL, {ALL_BUILDINGS}{extra}, {totals} FROM {table} s "
        f"WHERE s.level = {BY_BUILDING} AND EXISTS (SELECT 1 FROM "
        f"{RollupDay._meta.db_table} p WHERE p.batch = %s "
        f"AND p.organization_id = s.organization_id AND p.day = s.day) "
        f"GROUP BY {SUMMED}{extra}"
    )


def _delete_sql(table: str) -> str:
    return (
        f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM {RollupDay._meta.db_table} p "  # nosec B608
        f"WHERE p.batch = %s AND p.organization_id = {table}.organization_id "
        f"AND p.day = {table}.day)"
    )


def _merged(spans: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple]:
    """Instant ranges merged where they touch (consecutive days make one range)."""
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def day_bounds(day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


@scopes_disabled()
def rebuild(days: dict[int, Iterable[dt.date]], *, coverage: dict | None = None) -> int:
    """Rebuild ``days`` ({organization id: local days}) and, when given, set ``coverage``
    ({organization id: (first_day, last_day)}) in the same transaction. Returns the number of
    days rebuilt."""
    days = {org: sorted(set(found)) for org, found in days.items() if found}
    coverage = coverage or {}
    orgs = sorted(set(days) | set(coverage))
    if not orgs:
        return 0
    zones = dict(Organization.objects.filter(pk__in=orgs).values_list("pk", "time_zone"))
    batch = uuid.uuid4().hex
    with transaction.atomic():
        for org in orgs:
            RollupCoverage.objects.get_or_create(organization_id=org)
        # Serialise concurrent rebuilds of the same organisations (PostgreSQL; SQLite
        # serialises writers anyway).
        list(RollupCoverage.objects.select_for_update().filter(organization_id__in=orgs)
             .order_by("organization_id").values_list("pk", flat=True))
        work = []
        for org, found in days.items():
            tz = ZoneInfo(zones[org])
            for day in found:
                start, end = day_bounds(day, tz)
                work.append(RollupDay(organization_id=org, batch=batch, day=day,
                                      start_at=start, end_at=end))
        RollupDay.objects.bulk_create(work, batch_size=1000)
        ranges = _merged([(row.start_at, row.end_at) for row in work])
        day_orgs = sorted(days)
        # As the backend stores them (SQLite: UTC text), so that comparing works.
        moments = [connection.ops.adapt_datetimefield_value(moment)
                   for span in ranges for moment in span]
        within = [batch, *day_orgs, *moments]
        shape = {"ranges": len(ranges), "orgs": len(day_orgs)}
        with connection.cursor() as cursor:
            for table in (TicketDayStats._meta.db_table, TicketDayDurations._meta.db_table):
                cursor.execute(_delete_sql(table), [batch])
            if work:
                cursor.execute(_stats_sql(**shape), within * 3)
                cursor.execute(_durations_sql(**shape), within * 2)
                cursor.execute(_all_buildings_sql(TicketDayStats._meta.db_table, STATS),
                               [batch])
                cursor.execute(_all_buildings_sql(TicketDayDurations._meta.db_table,
                                                  ("tickets",), ("measure", "bucket")),
                               [batch])
        RollupDay.objects.filter(batch=batch).delete()
        now = timezone.now()
        for org, (first, last) in coverage.items():
            RollupCoverage.objects.filter(organization_id=org).update(
                first_day=first, last_day=last, built_at=now)
        touched = set(days) - set(coverage)
        if touched:
            RollupCoverage.objects.filter(organization_id__in=sorted(touched)).update(
                built_at=now)
    return len(work)
