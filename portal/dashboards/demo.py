"""Seed step 600: what the dashboards read and the tickets demo does not write — follow-up
calls (回访) for the low ratings, and the recurring marks of repeated problems.

Both derive from the demo tickets alone (ids, ratings, times), so a second run writes nothing:
follow-ups are matched on their ticket, and the marks are a set-based UPDATE of the rows that
lack them.
"""

import datetime as dt
from collections import defaultdict

from portal.demo import DemoContext, seed_step
from tickets.models import FOLLOW_UP_MAX_RATING, FOLLOW_UP_WITHIN, FollowUp, Ticket
from tickets.services import hotspot_threshold

OUTCOMES = (
    "已回访业主，说明维修延误原因并致歉，业主表示理解。",
    "已回访，安排维修主管上门复查，问题已解决。",
    "电话未接通，已发短信说明，次日再次回访业主满意。",
)
# Follow-ups of ratings older than this are recorded as called; newer ones stay open.
CALLED_AFTER = dt.timedelta(days=5)
BATCH = 500  # ids per UPDATE (SQLite's limit on query parameters)


@seed_step(order=600)
def dashboards(ctx: DemoContext) -> None:
    for seed in ctx.orgs.values():
        org = seed.organization
        _follow_ups(ctx, org)
        _recurring(org)


def _follow_ups(ctx: DemoContext, org) -> None:
    rng = ctx.rng(f"dashboards-{org.slug}")
    low = list(
        Ticket.objects.filter(organization=org, rating__lte=FOLLOW_UP_MAX_RATING,
                              rated_at__isnull=False)
        .order_by("number").values_list("pk", "rated_at", "assignee_id")
    )
    if not low:
        return
    latest = max(rated_at for _pk, rated_at, _assignee in low)
    planned = []
    for pk, rated_at, assignee_id in low:
        outcome = rng.choice(OUTCOMES)
        called = latest - rated_at > CALLED_AFTER
        planned.append(FollowUp(
            organization=org, ticket_id=pk, due=rated_at + FOLLOW_UP_WITHIN,
            status=FollowUp.Status.DONE if called else FollowUp.Status.OPEN,
            outcome=outcome if called else "",
            done_at=rated_at + dt.timedelta(days=1) if called else None,
            done_by_id=assignee_id if called else None, created_at=rated_at,
        ))
    ctx.ensure(FollowUp.objects.filter(organization=org), planned, key=("ticket_id",))


def _recurring(org) -> None:
    """The rule of tickets.services.hotspots over the whole history, in one pass: a ticket is
    recurring when its location had the threshold's number of tickets within the window
    ending with it."""
    minimum, days = hotspot_threshold()
    window = dt.timedelta(days=days)
    by_location = defaultdict(list)
    for pk, asset_id, unit_id, property_id, created_at in (
        Ticket.objects.filter(organization=org, merged_into__isnull=True)
        .order_by("created_at").values_list("pk", "asset_id", "unit_id", "property_id",
                                            "created_at")
    ):
        key = ("asset", asset_id) if asset_id else ("unit", unit_id) if unit_id else (
            "property", property_id)
        by_location[key].append((created_at, pk))
    recurring = set()
    for tickets in by_location.values():
        # A sliding window over the location's tickets in time order: linear, however many.
        first = added = 0
        for last, (created_at, _pk) in enumerate(tickets):
            while created_at - tickets[first][0] >= window:
                first += 1
            if last - first + 1 >= minimum:
                recurring.update(pk for _at, pk in tickets[max(first, added):last + 1])
                added = last + 1
    marked = set(Ticket.objects.filter(organization=org, is_recurring=True)
                 .values_list("pk", flat=True))
    missing = sorted(recurring - marked)
    for start in range(0, len(missing), BATCH):
        Ticket.objects.filter(pk__in=missing[start:start + BATCH]).update(is_recurring=True)
