"""满意度: the owners' ratings of their tickets and the follow-up calls after low ones.

* ratings counted are those given in the period (``rated_at``), 1 to 5 stars: the average
  (two decimals), the distribution, and per category, team and assignee the count, average
  and number of low ratings (2 or less);
* follow-ups: open ones now (and how many are overdue), and those recorded in the period;
* surveys: ``surveys.metrics.latest_satisfaction`` when that module exists.
"""

from django.db.models import Avg, Count, Q

from tickets.models import FOLLOW_UP_MAX_RATING, FollowUp

from .base import Selection, optional_metric

STARS = (1, 2, 3, 4, 5)
LOW = Q(rating__lte=FOLLOW_UP_MAX_RATING)
OPEN_FOLLOW_UPS_LISTED = 20


def _average(value) -> float | None:
    return None if value is None else round(float(value), 2)


def _by(rows, key: str, label: str) -> list[dict]:
    found = (
        rows.values(key, label)
        .annotate(rated=Count("pk"), average=Avg("rating"), low=Count("pk", filter=LOW))
        .order_by(label)
    )
    return [
        {"id": row[key], "name": row[label] or "", "rated": row["rated"],
         "average": _average(row["average"]), "low": row["low"]}
        for row in found
    ]


def satisfaction(selection: Selection, *, include_other_apps: bool = True) -> dict:
    rated = selection.tickets().filter(selection.between("rated_at"), rating__isnull=False)
    # 1
    totals = rated.aggregate(
        rated=Count("pk"), average=Avg("rating"), low=Count("pk", filter=LOW),
        **{f"stars_{n}": Count("pk", filter=Q(rating=n)) for n in STARS},
    )
    # 2, 3, 4
    by_category = _by(rated, "category_id", "category__name")
    by_team = _by(rated, "team_id", "team__name")
    by_staff = _by(rated, "assignee_id", "assignee__full_name")
    # 5, 6: follow-ups
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
        "rated": totals["rated"],
        "average": _average(totals["average"]),
        "low": totals["low"],
        "distribution": [{"stars": n, "count": totals[f"stars_{n}"]} for n in STARS],
        "by_category": by_category,
        "by_team": by_team,
        "by_staff": by_staff,
        "follow_ups": {**counts, "listed": listed},
        "surveys": surveys,
    }
