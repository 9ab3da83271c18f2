"""满意度: the owners' ratings of their tickets and the follow-up calls after low ones.

* ratings counted are those given in the period (``rated_at``), 1 to 5 stars: the average
  (two decimals), the distribution, and per category, team and assignee the count, average
  and number of low ratings (2 or less);
* follow-ups: open ones now (and how many are overdue), and those recorded in the period;
* surveys: ``surveys.metrics.latest_satisfaction`` when that module exists.

Ratings of complete past days come from the daily rollups (stars counted per day, category,
team and assignee) when they cover them, the rest from the tickets, in one query; the
averages are the sums of stars over the counts, as AVG computes them.
"""

from django.db.models import Count, Q, Sum

from tickets.models import FOLLOW_UP_MAX_RATING, FollowUp

from ..models import TicketDayStats
from ..rollup.read import live_q, names, rolled_days, rollup_q
from .base import Selection, optional_metric

STARS = (1, 2, 3, 4, 5)
OPEN_FOLLOW_UPS_LISTED = 20


def _average(total, count) -> float | None:
    return None if not count else round(total / count, 2)


def _ratings(selection) -> list[dict]:
    """Ratings given in the period by (category, team, assignee) and stars: the rollups'
    days and the live rows in one UNION."""
    days = rolled_days(selection)  # 1
    keys = ("category_id", "team_id", "assignee_id")
    stars = {f"stars_{n}": n for n in STARS}
    any_rating = Q()
    for n in STARS:
        any_rating |= Q(**{f"rated_{n}__gt": 0})
    rolled = (TicketDayStats.objects.filter(rollup_q(selection, days), any_rating).values(*keys)
              .annotate(**{name: Sum(f"rated_{n}") for name, n in stars.items()}).order_by())
    live = (selection.tickets()
            .filter(live_q(selection, days, "rated_at"), rating__isnull=False).values(*keys)
            .annotate(**{name: Count("pk", filter=Q(rating=n)) for name, n in stars.items()})
            .order_by())
    return list(rolled.union(live, all=True))  # 2


def _by(groups: dict, labels: dict, group: str) -> list[dict]:
    rows = []
    for pk, counts in groups.items():
        rated = sum(counts.values())
        if not rated:
            continue
        rows.append({
            "id": pk, "name": labels.get((group, pk), ""), "rated": rated,
            "average": _average(sum(n * c for n, c in counts.items()), rated),
            "low": sum(c for n, c in counts.items() if n <= FOLLOW_UP_MAX_RATING),
        })
    # By name, the unnamed (no team, nobody) last.
    return sorted(rows, key=lambda row: (row["name"] == "", row["name"], row["id"] or 0))


def satisfaction(selection: Selection, *, include_other_apps: bool = True) -> dict:
    # 1, 2: coverage, then the ratings by (category, team, assignee) and stars
    totals = dict.fromkeys(STARS, 0)
    groups = {"category": {}, "team": {}, "staff": {}}
    for row in _ratings(selection):
        for group, key in (("category", "category_id"), ("team", "team_id"),
                           ("staff", "assignee_id")):
            counts = groups[group].setdefault(row[key], dict.fromkeys(STARS, 0))
            for n in STARS:
                counts[n] += int(row[f"stars_{n}"] or 0)
        for n in STARS:
            totals[n] += int(row[f"stars_{n}"] or 0)
    # 3: the names (one UNION)
    labels = names({group: set(found) for group, found in groups.items()})
    rated = sum(totals.values())
    # 4, 5: follow-ups
    follow_ups = FollowUp.objects.filter(selection.ticket_q("ticket__"))
    counts = follow_ups.aggregate(
        open=Count("pk", filter=Q(status=FollowUp.Status.OPEN)),
        overdue=Count("pk", filter=Q(status=FollowUp.Status.OPEN, due__lt=selection.now)),
        done=Count("pk", filter=Q(status=FollowUp.Status.DONE)
                   & Q(done_at__gte=selection.period.start_at,
                       done_at__lt=selection.period.end_at)),
    )
    listed = [
        {"id": f.pk, "ticket": f.ticket.number, "title": f.ticket.title,
         "rating": f.ticket.rating, "due": f.due.isoformat()}
        for f in follow_ups.filter(status=FollowUp.Status.OPEN)
        .select_related("ticket").order_by("due", "pk")[:OPEN_FOLLOW_UPS_LISTED]
    ]
    surveys = None if not include_other_apps else optional_metric(
        "surveys.metrics", "latest_satisfaction", organization=selection.organization,
        property_ids=None if selection.property_ids is None else sorted(selection.property_ids),
    )
    return {
        "period": {"start": selection.period.start.isoformat(),
                   "end": selection.period.end.isoformat()},
        "rated": rated,
        "average": _average(sum(n * c for n, c in totals.items()), rated),
        "low": sum(c for n, c in totals.items() if n <= FOLLOW_UP_MAX_RATING),
        "distribution": [{"stars": n, "count": totals[n]} for n in STARS],
        "by_category": _by(groups["category"], labels, "category"),
        "by_team": _by(groups["team"], labels, "team"),
        "by_staff": _by(groups["staff"], labels, "staff"),
        "follow_ups": {**counts, "listed": listed},
        "surveys": surveys,
    }
