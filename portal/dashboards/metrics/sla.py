"""Service levels (DESIGN §5), from the breach times stored on the tickets.

Definitions (a ticket merged into another is not counted):

* opened: submitted in the period; resolved: ``resolved_at`` in the period;
* backlog: open now (new, accepted, in progress, waiting on owner), aged from submission to
  now in buckets 0–1, 1–3, 3–7 and over 7 days (the backlog is a snapshot, not a range);
* first-response compliance: of the tickets submitted in the period whose first-response timer
  has ended (answered, or breached while waiting), the share without a breach;
* resolution compliance: of the tickets resolved in the period, the share resolved without a
  resolution breach;
* times are wall-clock (submission → first response, submission → resolved): median and 90th
  percentile (``percentile_cont``). Business time is not stored per ticket, only the due
  times, so the dashboards show wall time;
* breaches: tickets submitted in the period with either timer breached, by category, team and
  assignee; weekly trend by local week (Monday first).
"""

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek

from portal.accounts.models import User
from tickets.models import OPEN_STATUSES, Category, Team

from .base import PercentileCont, Seconds, Selection, is_postgresql, percentile, share

AGE_BUCKETS = (("0-1", 0, 1), ("1-3", 1, 3), ("3-7", 3, 7), ("7+", 7, None))
BREACHED = Q(first_response_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False)
FIRST_RESPONSE_DONE = Q(first_responded_at__isnull=False) | Q(
    first_response_breached_at__isnull=False
)


def _time_aggregates(end: str, start: str, prefix: str) -> dict:
    """On PostgreSQL: median and p90 of ``end - start`` (seconds) as aggregates to add to the
    query that counts the same rows. Elsewhere nothing: see :func:`_times_in_python`."""
    if not is_postgresql():
        return {}
    has_end = Q(**{f"{end}__isnull": False})
    return {
        f"{prefix}_p50": PercentileCont(Seconds(end, start), fraction=0.5, filter=has_end),
        f"{prefix}_p90": PercentileCont(Seconds(end, start), fraction=0.9, filter=has_end),
    }


def _times(found: dict, rows, end: str, start: str, prefix: str) -> dict:
    if is_postgresql():
        return {"p50": found[f"{prefix}_p50"], "p90": found[f"{prefix}_p90"]}
    # SQLite has no percentile_cont: the same interpolation over the durations, in Python.
    seconds = [
        (finish - begin).total_seconds()
        for finish, begin in rows.filter(**{f"{end}__isnull": False}).values_list(end, start)
    ]
    return {"p50": percentile(seconds, 0.5), "p90": percentile(seconds, 0.9)}


def _week(value, tz) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(tz)
        return value.date()
    return value


def sla(selection: Selection) -> dict:
    period, tz, now = selection.period, selection.period.tz, selection.now
    tickets = selection.tickets()
    created = tickets.filter(selection.between("created_at"))
    resolved = tickets.filter(selection.between("resolved_at"))

    # 1 (SQLite: +1 for the times)
    opened = created.aggregate(
        opened=Count("pk"),
        first_response_done=Count("pk", filter=FIRST_RESPONSE_DONE),
        first_response_breached=Count("pk", filter=Q(first_response_breached_at__isnull=False)),
        breached=Count("pk", filter=BREACHED),
        **_time_aggregates("first_responded_at", "created_at", "first_response"),
    )
    first_response_times = _times(opened, created, "first_responded_at", "created_at",
                                  "first_response")
    # 2 (SQLite: +1)
    closed = resolved.aggregate(
        resolved=Count("pk"),
        resolution_breached=Count("pk", filter=Q(resolution_breached_at__isnull=False)),
        **_time_aggregates("resolved_at", "created_at", "resolution"),
    )
    resolution_times = _times(closed, resolved, "resolved_at", "created_at", "resolution")
    # 3: the backlog now
    ages = {}
    for name, low, high in AGE_BUCKETS:
        condition = Q(created_at__lte=now - dt.timedelta(days=low))
        if high is not None:
            condition &= Q(created_at__gt=now - dt.timedelta(days=high))
        ages[name] = Count("pk", filter=condition)
    backlog = tickets.filter(status__in=OPEN_STATUSES).aggregate(total=Count("pk"), **ages)
    # 4: breaches by category, team and assignee in one grouped scan (ids only: few groups,
    # hashed in memory; the names come after), summed per dimension here.
    groups = {"category": {}, "team": {}, "staff": {}}
    for row in (
        created.filter(BREACHED).values("category_id", "team_id", "assignee_id")
        .annotate(
            breached=Count("pk"),
            first_response=Count("pk", filter=Q(first_response_breached_at__isnull=False)),
            resolution=Count("pk", filter=Q(resolution_breached_at__isnull=False)),
        )
        .order_by()
    ):
        for group, key in (("category", "category_id"), ("team", "team_id"),
                           ("staff", "assignee_id")):
            found = groups[group].setdefault(row[key], {
                "id": row[key], "name": "", "breached": 0, "first_response": 0,
                "resolution": 0,
            })
            for count in ("breached", "first_response", "resolution"):
                found[count] += row[count]
    # 5, 6, 7: the names of the few categories, teams and people found
    for group, model, field in (("category", Category, "name"), ("team", Team, "name"),
                                ("staff", User, "full_name")):
        ids = [pk for pk in groups[group] if pk is not None]
        if ids:
            for pk, name in model._base_manager.filter(pk__in=ids).values_list("pk", field):
                groups[group][pk]["name"] = name

    def ranked(group: str) -> list[dict]:
        return sorted(groups[group].values(),
                      key=lambda row: (-row["breached"], row["id"] is None, row["name"]))

    by_category, by_team, by_staff = ranked("category"), ranked("team"), ranked("staff")
    # 8, 9: the weekly trend
    weeks = {monday: {"week": monday.isoformat(), "opened": 0, "breached": 0, "resolved": 0}
             for monday in period.weeks()}
    for row in (created.annotate(week=TruncWeek("created_at", tzinfo=tz)).values("week")
                .annotate(opened=Count("pk"), breached=Count("pk", filter=BREACHED))
                .order_by()):
        week = weeks.get(_week(row["week"], tz))
        if week is not None:
            week["opened"], week["breached"] = row["opened"], row["breached"]
    for row in (resolved.annotate(week=TruncWeek("resolved_at", tzinfo=tz)).values("week")
                .annotate(resolved=Count("pk")).order_by("week")):
        week = weeks.get(_week(row["week"], tz))
        if week is not None:
            week["resolved"] = row["resolved"]

    resolution_done = closed["resolved"]
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "opened": opened["opened"],
        "resolved": closed["resolved"],
        "backlog": backlog["total"],
        "breached": opened["breached"],
        "first_response": {
            "measured": opened["first_response_done"],
            "breached": opened["first_response_breached"],
            "compliance": share(
                opened["first_response_done"] - opened["first_response_breached"],
                opened["first_response_done"],
            ),
            "median_seconds": first_response_times["p50"],
            "p90_seconds": first_response_times["p90"],
        },
        "resolution": {
            "measured": resolution_done,
            "breached": closed["resolution_breached"],
            "compliance": share(resolution_done - closed["resolution_breached"],
                                resolution_done),
            "median_seconds": resolution_times["p50"],
            "p90_seconds": resolution_times["p90"],
        },
        "time_basis": "wall",
        "ageing": [{"bucket": name, "count": backlog[name]} for name, _low, _high in AGE_BUCKETS],
        "breaches_by_category": by_category,
        "breaches_by_team": by_team,
        "breaches_by_staff": by_staff,
        "weekly": list(weeks.values()),
    }
