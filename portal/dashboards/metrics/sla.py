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

Complete past days come from the daily rollups (portal.dashboards.rollup) when they cover
them, the rest (today at least) from the tickets, in the same queries. Counts are the same
either way (as of the last rebuild of each day). Percentiles are exact when no rolled-up day
is in the period; otherwise they come from the merged duration histogram, within
``rollup.buckets.PRECISION`` (2.44 %) of the exact value; ``percentiles`` in the result says
which.
"""

import datetime as dt

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import TruncDate

from tickets.models import OPEN_STATUSES

from ..models import TicketDayDurations, TicketDayStats
from ..rollup import buckets
from ..rollup.buckets import Bucket
from ..rollup.read import as_date, live_q, names, rolled_days, rollup_q
from .base import PercentileCont, Seconds, Selection, is_postgresql, percentile, share

AGE_BUCKETS = (("0-1", 0, 1), ("1-3", 1, 3), ("3-7", 3, 7), ("7+", 7, None))
BREACHED = Q(first_response_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False)
FIRST_RESPONSE_DONE = Q(first_responded_at__isnull=False) | Q(
    first_response_breached_at__isnull=False
)


def _exact_times(selection, tickets) -> dict:
    """Exact median and p90 of both durations from the tickets (one query)."""
    created, resolved = selection.between("created_at"), selection.between("resolved_at")
    rows = tickets.filter(created | resolved)
    if is_postgresql():
        has_response = created & Q(first_responded_at__isnull=False)
        found = rows.aggregate(**{
            f"{prefix}_{name}": PercentileCont(Seconds(end, "created_at"), fraction=fraction,
                                               filter=condition)
            for prefix, end, condition in (("first_response", "first_responded_at",
                                            has_response),
                                           ("resolution", "resolved_at", resolved))
            for name, fraction in (("p50", 0.5), ("p90", 0.9))
        })
        return {prefix: {"p50": found[f"{prefix}_p50"], "p90": found[f"{prefix}_p90"]}
                for prefix in ("first_response", "resolution")}
    # SQLite has no percentile_cont: the same interpolation over the durations, in Python.
    period = selection.period
    first_response, resolution = [], []
    for begin, responded, finished in rows.values_list("created_at", "first_responded_at",
                                                       "resolved_at"):
        if responded is not None and period.start_at <= begin < period.end_at:
            first_response.append((responded - begin).total_seconds())
        if finished is not None and period.start_at <= finished < period.end_at:
            resolution.append((finished - begin).total_seconds())
    return {prefix: {"p50": percentile(values, 0.5), "p90": percentile(values, 0.9)}
            for prefix, values in (("first_response", first_response),
                                   ("resolution", resolution))}


def _histogram_times(selection, tickets, days) -> dict:
    """Median and p90 from the rollups' duration histogram merged with today's live
    durations, bucketed the same way (one query)."""
    live_created = tickets.filter(live_q(selection, days, "created_at"),
                                  first_responded_at__isnull=False)
    live_resolved = tickets.filter(live_q(selection, days, "resolved_at"))
    parts = [
        TicketDayDurations.objects.filter(rollup_q(selection, days))
        .values("measure", "bucket").annotate(n=Sum("tickets")).order_by(),
        live_created.annotate(measure=Value(TicketDayDurations.FIRST_RESPONSE),
                              bucket=Bucket("first_responded_at", "created_at"))
        .values("measure", "bucket").annotate(n=Count("pk")).order_by(),
        live_resolved.annotate(measure=Value(TicketDayDurations.RESOLUTION),
                               bucket=Bucket("resolved_at", "created_at"))
        .values("measure", "bucket").annotate(n=Count("pk")).order_by(),
    ]
    histograms = {TicketDayDurations.FIRST_RESPONSE: {}, TicketDayDurations.RESOLUTION: {}}
    for row in parts[0].union(*parts[1:], all=True):
        found = histograms[int(row["measure"])]
        found[int(row["bucket"])] = found.get(int(row["bucket"]), 0) + int(row["n"])
    return {prefix: {"p50": buckets.percentile(histograms[measure], 0.5),
                     "p90": buckets.percentile(histograms[measure], 0.9)}
            for prefix, measure in (("first_response", TicketDayDurations.FIRST_RESPONSE),
                                    ("resolution", TicketDayDurations.RESOLUTION))}


def _by_day(selection, tickets, days) -> dict:
    """Per local day: submitted (with first-response and breach counts) and resolved, from
    the rollups and the live rows (one query)."""
    tz = selection.period.tz
    sums = ("opened", "first_response_done", "first_response_breached", "breached",
            "resolved", "resolution_breached")
    rolled = (TicketDayStats.objects.filter(rollup_q(selection, days)).values("day")
              .annotate(opened=Sum("opened"), first_response_done=Sum("first_response_measured"),
                        first_response_breached=Sum("first_response_breached"),
                        breached=Sum("breached"), resolved=Sum("resolved"),
                        resolution_breached=Sum("resolution_breached")).order_by())
    created = (tickets.filter(live_q(selection, days, "created_at"))
               .annotate(day=TruncDate("created_at", tzinfo=tz)).values("day")
               .annotate(opened=Count("pk"),
                         first_response_done=Count("pk", filter=FIRST_RESPONSE_DONE),
                         first_response_breached=Count(
                             "pk", filter=Q(first_response_breached_at__isnull=False)),
                         breached=Count("pk", filter=BREACHED), resolved=Value(0),
                         resolution_breached=Value(0)).order_by())
    resolved = (tickets.filter(live_q(selection, days, "resolved_at"))
                .annotate(day=TruncDate("resolved_at", tzinfo=tz)).values("day")
                .annotate(opened=Value(0), first_response_done=Value(0),
                          first_response_breached=Value(0), breached=Value(0),
                          resolved=Count("pk"),
                          resolution_breached=Count(
                              "pk", filter=Q(resolution_breached_at__isnull=False)))
                .order_by())
    found = {}
    for row in rolled.union(created, resolved, all=True):
        day = found.setdefault(as_date(row["day"]), dict.fromkeys(sums, 0))
        for name in sums:
            day[name] += int(row[name] or 0)
    return found


def _breach_groups(selection, tickets, days) -> list[dict]:
    """Breached tickets submitted in the period, by (category, team, assignee) (one query)."""
    keys = ("category_id", "team_id", "assignee_id")
    rolled = (TicketDayStats.objects.filter(rollup_q(selection, days), breached__gt=0)
              .values(*keys)
              .annotate(breached=Sum("breached"),
                        first_response=Sum("first_response_breached"),
                        resolution=Sum("resolution_breached_opened")).order_by())
    live = (tickets.filter(live_q(selection, days, "created_at")).filter(BREACHED)
            .values(*keys)
            .annotate(breached=Count("pk"),
                      first_response=Count("pk",
                                           filter=Q(first_response_breached_at__isnull=False)),
                      resolution=Count("pk", filter=Q(resolution_breached_at__isnull=False)))
            .order_by())
    return list(rolled.union(live, all=True))


def _week(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def sla(selection: Selection) -> dict:
    period, now = selection.period, selection.now
    tickets = selection.tickets()
    # 1: which days the rollups answer for
    days = rolled_days(selection)
    # 2: per day, submitted and resolved
    by_day = _by_day(selection, tickets, days)
    totals = {name: sum(day[name] for day in by_day.values())
              for name in ("opened", "first_response_done", "first_response_breached",
                           "breached", "resolved", "resolution_breached")}
    # 3: median and p90 (exact without rolled-up days, else from the histogram)
    times = (_exact_times(selection, tickets) if days is None
             else _histogram_times(selection, tickets, days))
    # 4: the backlog now
    ages = {}
    for name, low, high in AGE_BUCKETS:
        condition = Q(created_at__lte=now - dt.timedelta(days=low))
        if high is not None:
            condition &= Q(created_at__gt=now - dt.timedelta(days=high))
        ages[name] = Count("pk", filter=condition)
    backlog = tickets.filter(status__in=OPEN_STATUSES).aggregate(total=Count("pk"), **ages)
    # 5: breaches by category, team and assignee in one grouped read (ids only: few groups;
    # the names come after), summed per dimension here.
    groups = {"category": {}, "team": {}, "staff": {}}
    for row in _breach_groups(selection, tickets, days):
        for group, key in (("category", "category_id"), ("team", "team_id"),
                           ("staff", "assignee_id")):
            found = groups[group].setdefault(row[key], {
                "id": row[key], "name": "", "breached": 0, "first_response": 0,
                "resolution": 0,
            })
            for count in ("breached", "first_response", "resolution"):
                found[count] += int(row[count] or 0)
    # 6: the names of the few categories, teams and people found (one UNION)
    labels = names({group: set(found) for group, found in groups.items()})
    for group, found in groups.items():
        for pk, row in found.items():
            row["name"] = labels.get((group, pk), "")

    def ranked(group: str) -> list[dict]:
        return sorted(groups[group].values(),
                      key=lambda row: (-row["breached"], row["id"] is None, row["name"]))

    # The weekly trend, from the days.
    weeks = {monday: {"week": monday.isoformat(), "opened": 0, "breached": 0, "resolved": 0}
             for monday in period.weeks()}
    for day, counts in by_day.items():
        week = weeks.get(_week(day))
        if week is not None:
            for name in ("opened", "breached", "resolved"):
                week[name] += counts[name]

    first_response_done = totals["first_response_done"]
    resolution_done = totals["resolved"]
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "opened": totals["opened"],
        "resolved": totals["resolved"],
        "backlog": backlog["total"],
        "breached": totals["breached"],
        "first_response": {
            "measured": first_response_done,
            "breached": totals["first_response_breached"],
            "compliance": share(first_response_done - totals["first_response_breached"],
                                first_response_done),
            "median_seconds": times["first_response"]["p50"],
            "p90_seconds": times["first_response"]["p90"],
        },
        "resolution": {
            "measured": resolution_done,
            "breached": totals["resolution_breached"],
            "compliance": share(resolution_done - totals["resolution_breached"],
                                resolution_done),
            "median_seconds": times["resolution"]["p50"],
            "p90_seconds": times["resolution"]["p90"],
        },
        "time_basis": "wall",
        "percentiles": {
            "method": "exact" if days is None else "histogram",
            "max_relative_error": 0 if days is None else round(buckets.PRECISION, 4),
        },
        "rolled_up": None if days is None else {"start": days[0].isoformat(),
                                                "end": days[1].isoformat()},
        "ageing": [{"bucket": name, "count": backlog[name]} for name, _low, _high in AGE_BUCKETS],
        "breaches_by_category": ranked("category"),
        "breaches_by_team": ranked("team"),
        "breaches_by_staff": ranked("staff"),
        "weekly": list(weeks.values()),
    }
