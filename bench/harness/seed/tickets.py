"""Tickets over two years with their timelines, written with COPY.

Per organisation: closed or cancelled tickets spread over two years, open tickets over the
last ten days, and among them the ``due`` ones: new, untouched, their SLA check passed an
hour ago at most (the SLA job's work; marked by DUE_TEXT so a run can put them back). Open
tickets that are not due have their next check hours ahead, so the job sees only the due
ones. Every ticket gets ``timeline_per_ticket`` entries (submitted, accepted, a reply, the
last change). The row logic follows bench/bench_tickets.py.
"""

from datetime import timedelta

from tickets.models import Status, Ticket, TicketCounter, TimelineEntry

from .copy import bulk_load, copy_rows, reset_sequence
from .places import _split

NAME = "tickets"
DUE_TEXT = "Benchmark ticket, due for the SLA job."
TITLES = [
    "厨房水龙头漏水", "卫生间下水道堵塞", "楼上装修噪音太大", "电梯运行有异响", "小区路灯不亮",
    "门禁卡刷不开", "Water leaking under the sink", "物业费怎么缴", "地下车库积水",
]
PRIORITIES = ["urgent"] * 4 + ["high"] * 14 + ["normal"] * 67 + ["low"] * 15
OPEN = [Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.IN_PROGRESS,
        Status.WAITING_ON_OWNER]
COLUMNS = [
    "id", "organization_id", "number", "property_id", "unit_id", "category_id", "title",
    "description", "priority", "channel", "status", "requester_id", "assignee_id", "team_id",
    "policy_id", "first_response_target_minutes", "resolution_target_minutes",
    "first_response_due_at", "resolution_due_at", "next_due_at", "paused_at",
    "first_response_breached_at", "resolution_breached_at", "next_sla_check_at",
    "first_responded_at", "accepted_at", "resolved_at", "closed_at", "cancelled_at", "rating",
    "rated_at", "created_at",
]
TIMELINE = ["organization_id", "ticket_id", "kind", "actor_id", "from_status", "to_status",
            "body", "is_public", "created_at"]


def _created(rng, now, kind):
    if kind == "closed":
        return now - timedelta(days=rng.uniform(3, 730))
    if kind == "due":
        return now - timedelta(hours=rng.uniform(6, 96))
    return now - timedelta(hours=rng.uniform(0.1, 240))


def _ticket(rng, now, org_units, staff, categories, policy, kind, created):
    """One ticket as a dict of COLUMNS (no id, number) and what its timeline needs."""
    unit_id, org_id, property_id, requester_id = rng.choice(org_units)
    category_id, team_id = rng.choice(categories)
    priority = rng.choice(PRIORITIES)
    first_target, resolution_target = policy.targets(priority)
    # Business minutes as wall time: about 1.6 times longer with nights and weekends.
    first_due = created + timedelta(minutes=first_target * 1.6)
    resolution_due = created + timedelta(minutes=resolution_target * 1.6)
    row = dict.fromkeys(COLUMNS)
    row.update(
        organization_id=org_id, property_id=property_id, unit_id=unit_id,
        category_id=category_id, title=rng.choice(TITLES),
        description=DUE_TEXT if kind == "due" else "基准测试工单。", priority=priority,
        channel="web", requester_id=requester_id, team_id=team_id, policy_id=policy.pk,
        first_response_target_minutes=first_target,
        resolution_target_minutes=resolution_target, first_response_due_at=first_due,
        resolution_due_at=resolution_due, created_at=created,
    )
    assignee = rng.choice(staff[property_id])
    if kind == "closed":
        responded = created + timedelta(minutes=rng.uniform(5, 300))
        resolved = responded + timedelta(hours=rng.uniform(1, 72))
        cancelled = rng.random() < 0.08
        rated = not cancelled and rng.random() < 0.6
        row.update(
            status=Status.CANCELLED if cancelled else Status.CLOSED, assignee_id=assignee,
            first_responded_at=responded, accepted_at=responded,
            resolved_at=None if cancelled else resolved,
            closed_at=None if cancelled else resolved + timedelta(days=2),
            cancelled_at=responded if cancelled else None,
            rating=rng.randint(1, 5) if rated else None,
            rated_at=resolved + timedelta(days=1) if rated else None,
            first_response_breached_at=first_due if responded > first_due else None,
            resolution_breached_at=resolution_due if resolved > resolution_due else None,
        )
        return row, responded, (cancelled and requester_id) or assignee
    if kind == "due":  # new and untouched: every level of both timers up to now is due
        row.update(status=Status.NEW, next_due_at=first_due,
                   next_sla_check_at=now - timedelta(minutes=rng.uniform(0, 60)))
        return row, None, requester_id
    status = rng.choice(OPEN)
    responded = None if status == Status.NEW else created + timedelta(minutes=rng.uniform(5, 90))
    waiting = status == Status.WAITING_ON_OWNER
    row.update(
        status=status, assignee_id=None if rng.random() < 0.3 else assignee,
        first_responded_at=responded, accepted_at=responded,
        paused_at=created + timedelta(hours=2) if waiting else None,
        next_due_at=None if waiting else (first_due if responded is None else resolution_due),
        resolution_breached_at=resolution_due if not waiting and resolution_due < now else None,
        next_sla_check_at=None if waiting else now + timedelta(hours=rng.uniform(2, 72)),
    )
    return row, responded, assignee


def _timeline(ticket_id, row, responded, last_actor, now):
    """Four entries: submitted, then staff's or the owner's follow-ups (all plausible)."""
    org, created, status = row["organization_id"], row["created_at"], row["status"]
    owner, staff = row["requester_id"], row["assignee_id"] or last_actor
    yield (org, ticket_id, "created", owner, "", Status.NEW, "", True, created)
    if responded is None:  # still new: the owner added details
        for minutes in (20, 40, 60):
            at = min(created + timedelta(minutes=minutes), now)
            yield (org, ticket_id, "comment", owner, "", "", "补充：照片见附件。", True, at)
        return
    yield (org, ticket_id, "status", staff, Status.NEW, Status.ACCEPTED, "", True, responded)
    yield (org, ticket_id, "comment", staff, "", "", "已安排师傅上门。", True,
           responded + timedelta(minutes=5))
    end = row["closed_at"] or row["cancelled_at"] or row["paused_at"]
    if end is None:
        yield (org, ticket_id, "internal_note", staff, "", "", "等配件。", False,
               responded + timedelta(minutes=30))
    else:
        yield (org, ticket_id, "status", last_actor, Status.ACCEPTED, status, "", True, end)


def seed(ctx) -> dict:
    counts, rng, now, world = ctx.counts, ctx.rng("tickets"), ctx.now, ctx.world
    owner_of_unit = world["owner_of_unit"]
    by_org = {}
    for unit_id, org_id, property_id, _building in world["units"]:
        by_org.setdefault(org_id, []).append((unit_id, org_id, property_id,
                                              owner_of_unit[unit_id]))
    orgs = [org_id for org_id, _slug in world["orgs"]]
    shares = zip(orgs, _split(counts.tickets, len(orgs)), _split(counts.open_tickets, len(orgs)),
                 _split(counts.due_tickets, len(orgs)), strict=True)
    timeline = []  # (ticket id, row, responded, last actor): the second pass's input
    counters = {}

    def ticket_rows():
        ticket_id = 0
        for org_id, total, open_count, due in shares:
            kinds = ["due"] * due + ["open"] * (open_count - due) + ["closed"] * (
                total - open_count)
            # Numbered in submission order, as the counter would have numbered them.
            planned = sorted(((_created(rng, now, kind), kind) for kind in kinds),
                             key=lambda p: p[0])
            for number, (created, kind) in enumerate(planned, start=1):
                ticket_id += 1
                row, responded, last_actor = _ticket(
                    rng, now, by_org[org_id], world["staff_of_property"],
                    world["categories"][org_id], world["policies"][org_id], kind, created)
                row.update(id=ticket_id, number=number)
                timeline.append((ticket_id, row, responded, last_actor))
                yield tuple(row[column] for column in COLUMNS)
            counters[org_id] = len(planned)

    def timeline_rows():
        for ticket_id, row, responded, last_actor in timeline:
            yield from _timeline(ticket_id, row, responded, last_actor, now)

    with bulk_load(Ticket, TimelineEntry):
        tickets = copy_rows(Ticket, COLUMNS, ticket_rows(), now=now)
        entries = copy_rows(TimelineEntry, TIMELINE, timeline_rows(), now=now)
    timeline.clear()
    reset_sequence(Ticket)
    TicketCounter.objects.bulk_create(
        TicketCounter(organization_id=org_id, last_number=last)
        for org_id, last in counters.items()
    )
    return {"tickets": tickets, "timeline_entries": entries}
