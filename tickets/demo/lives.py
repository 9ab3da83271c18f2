"""About 2,000 demo tickets over the last 90 days, each with a life that fits its state.

Each ticket is planned as the services would have left it: a number from the organisation's
counter, the SLA policy and targets of its category and priority, due times from the SLA
engine, every escalation level the job would have fired by now (the SlaEscalation row, the
internal timeline entry of the run that fired it, the breach moment), pauses while waiting on
the owner counted in business time, and the next SLA check of open tickets. Written with bulk
inserts: calling the services 2,000 times would take minutes, and their clock is "now", not
the past.
"""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from portal.demo import DemoContext, OrgSeed
from portal.tenancy.models import Membership

from ..models import (
    OPEN_STATUSES,
    Category,
    Channel,
    Priority,
    SlaEscalation,
    Status,
    Team,
    Ticket,
    TicketCounter,
    TimelineEntry,
)
from ..services.timers import apply_sla, policy_for, set_policy, work_calendars
from ..sla import business_time_between
from ..sla.timers import BREACH_PERCENT, FIRST_RESPONSE, RESOLUTION, Timer, pending_levels
from . import texts

Kind = TimelineEntry.Kind
DAYS = 90
OFFICE_START, OFFICE_END = 8, 20  # staff act between these local hours
AUTO_CLOSE = dt.timedelta(days=7)
OWNER_REMINDER = dt.timedelta(hours=24)

# The fixed demo owner's own requests: (state, hours ago), so that owner@ sees every step,
# including one waiting on them.
OWNER_STORY = [
    (Status.WAITING_ON_OWNER, 30), (Status.IN_PROGRESS, 20), (Status.NEW, 2),
    (Status.ACCEPTED, 5), (Status.RESOLVED, 50), (Status.CLOSED, 240), (Status.CLOSED, 900),
    (Status.CANCELLED, 400), (Status.CLOSED, 1500),
]
# State by age of the ticket, as weights.
STATES_BY_AGE = [
    (24, {Status.NEW: 40, Status.ACCEPTED: 25, Status.IN_PROGRESS: 22,
          Status.WAITING_ON_OWNER: 5, Status.RESOLVED: 4, Status.CANCELLED: 4}),
    (72, {Status.NEW: 8, Status.ACCEPTED: 12, Status.IN_PROGRESS: 30,
          Status.WAITING_ON_OWNER: 14, Status.RESOLVED: 24, Status.CLOSED: 7,
          Status.CANCELLED: 5}),
    (240, {Status.NEW: 1, Status.ACCEPTED: 2, Status.IN_PROGRESS: 10,
           Status.WAITING_ON_OWNER: 8, Status.RESOLVED: 22, Status.CLOSED: 50,
           Status.CANCELLED: 7}),
    (None, {Status.IN_PROGRESS: 2, Status.WAITING_ON_OWNER: 2, Status.CLOSED: 88,
            Status.CANCELLED: 8}),
]
KINDS = {"repair": 55, "complaint": 15, "inquiry": 17, "suggestion": 7, "praise": 6}
PRIORITIES = {Priority.URGENT: 4, Priority.HIGH: 14, Priority.NORMAL: 67, Priority.LOW: 15}
CHANNELS = {Channel.WEB: 75, Channel.PHONE: 15, Channel.WALK_IN: 8, Channel.OTHER: 2}
RATINGS = {5: 46, 4: 28, 3: 12, 2: 8, 1: 6}


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Desk:
    """What the plan draws from, read once."""

    seed: OrgSeed
    now: dt.datetime
    categories: dict[str, Category]
    residents: dict[int, list[int]]  # unit id → verified residents, the owner first
    units_by_property: dict[int, list]
    assets_by_property: dict[int, list]
    handlers: dict[int, list[Membership]]  # team id → members
    scopes: dict[int, set[int] | None]  # membership id → property ids, None for all
    service_desk: list[Membership]
    everyone: list[Membership]
    policies: dict = field(default_factory=dict)
    calendars: dict = field(default_factory=dict)

    def covers(self, membership: Membership, property_id: int) -> bool:
        scope = self.scopes[membership.pk]
        return scope is None or property_id in scope

    def staff_for(self, rng, team_id: int | None, property_id: int) -> int:
        """A member of the team (else the service desk, else anyone) covering the property."""
        for people in (self.handlers.get(team_id, []), self.service_desk, self.everyone):
            covering = [m for m in people if self.covers(m, property_id)]
            if covering:
                return rng.choice(covering).user_id
        raise ValueError("no staff member covers this property")

    def policy(self, category: Category, priority: str):
        key = (category.pk, priority)
        if key not in self.policies:
            self.policies[key] = policy_for(
                organization_id=category.organization_id, category=category, priority=priority
            )
        return self.policies[key]


def _desk(ctx: DemoContext, seed: OrgSeed, teams: dict[str, Team]) -> Desk:
    org = seed.organization
    residents = defaultdict(list)
    for residency in sorted(seed.residencies, key=lambda r: (r.relation != "owner", r.pk)):
        if residency.verified_at is not None and residency.is_active:
            residents[residency.unit_id].append(residency.user_id)
    units_by_property, assets_by_property = defaultdict(list), defaultdict(list)
    for unit in seed.units:
        if residents.get(unit.pk):
            units_by_property[unit.property_id].append(unit)
    for asset in seed.assets:
        assets_by_property[asset.property_id].append(asset)
    through = Membership.properties.through.objects.filter(membership__organization=org)
    scoped = defaultdict(set)
    for membership_id, property_id in through.values_list("membership_id", "property_id"):
        scoped[membership_id].add(property_id)
    scopes = {
        m.pk: None if (m.all_properties or m.is_admin) else scoped[m.pk]
        for m in seed.memberships
    }
    by_key = defaultdict(list)
    for membership in seed.memberships:
        key = next((k for k in texts.TEAMS if membership.title.startswith(k)), None)
        by_key[key].append(membership)
    return Desk(
        seed=seed, now=ctx.now,
        categories={c.kind: c for c in Category.objects.filter(organization=org)},
        residents=residents, units_by_property=units_by_property,
        assets_by_property=assets_by_property, scopes=scopes,
        handlers={team.pk: by_key[key] for key, team in teams.items()},
        service_desk=by_key["客服组"], everyone=[m for m in seed.memberships if m.is_active],
    )


# --- One ticket's life ---------------------------------------------------------------------


@dataclass
class Life:
    ticket: Ticket
    target: str
    entries: list[TimelineEntry] = field(default_factory=list)
    escalations: list[SlaEscalation] = field(default_factory=list)


class Planner:
    def __init__(self, desk: Desk, rng: random.Random):
        self.desk, self.rng, self.now = desk, rng, desk.now
        self.tz = ZoneInfo(desk.seed.organization.time_zone)

    # Moments ------------------------------------------------------------------------------

    def created_at(self, hours_ago: float | None = None) -> dt.datetime:
        rng = self.rng
        if hours_ago is None:
            # A third in the last ten days, so that the queue has a realistic open load.
            recent = rng.random() < 0.3
            hours_ago = rng.uniform(0.2, 240 if recent else DAYS * 24)
        moment = (self.now - dt.timedelta(hours=hours_ago)).astimezone(self.tz)
        if not 7 <= moment.hour < 22:  # owners write by day and in the evening
            moment = moment.replace(hour=rng.randint(8, 21), minute=rng.randint(0, 59))
            if moment >= self.now:
                moment -= dt.timedelta(days=1)
        return moment

    def after(self, moment: dt.datetime, low_minutes: float, high_minutes: float,
              office: bool = True) -> dt.datetime:
        """A later moment, within office hours for staff, never in the future."""
        candidate = moment + dt.timedelta(minutes=self.rng.uniform(low_minutes, high_minutes))
        local = candidate.astimezone(self.tz)
        if office and not OFFICE_START <= local.hour < OFFICE_END:
            next_day = local if local.hour >= OFFICE_START else local - dt.timedelta(days=1)
            candidate = (next_day + dt.timedelta(days=1)).replace(
                hour=OFFICE_START, minute=self.rng.randint(0, 59)
            )
        if candidate >= self.now:
            candidate = moment + (self.now - moment) * self.rng.uniform(0.3, 0.9)
        return candidate

    # Plan ---------------------------------------------------------------------------------

    def state_for(self, created: dt.datetime) -> str:
        age = (self.now - created).total_seconds() / 3600
        for limit, weights in STATES_BY_AGE:
            if limit is None or age < limit:
                return _pick(self.rng, weights)
        raise AssertionError("unreachable")

    def place(self, unit=None):
        """(property id, unit, asset, requester id, category kind, title, text, priority)."""
        rng, desk = self.rng, self.desk
        draw = rng.random()
        if unit is not None or draw < 0.7:
            if unit is None:
                prop = rng.choice(list(desk.units_by_property))
                unit = rng.choice(desk.units_by_property[prop])
            people = desk.residents[unit.pk]
            requester = people[0] if len(people) == 1 or rng.random() < 0.8 else rng.choice(people)
            kind = _pick(rng, KINDS)
            title, text = rng.choice(texts.UNIT_REQUESTS[kind])
            return unit.property_id, unit, None, requester, kind, title, text, _pick(
                rng, PRIORITIES
            )
        prop = rng.choice(list(desk.units_by_property))
        neighbour = rng.choice(desk.units_by_property[prop])
        requester = desk.residents[neighbour.pk][0]
        assets = [a for a in desk.assets_by_property[prop] if a.kind in texts.ASSET_REQUESTS]
        if draw < 0.85 and assets:
            asset = rng.choice(assets)
            title, text, priority = rng.choice(texts.ASSET_REQUESTS[asset.kind])
            return (prop, None, asset, requester, "repair", title.format(asset=asset.name),
                    text.format(asset=asset.name), priority)
        title, text, kind = rng.choice(texts.COMMON_AREA_REQUESTS)
        return prop, None, None, requester, kind, title, text, _pick(rng, PRIORITIES)

    def plan(self, *, unit=None, requester=None, target=None, hours_ago=None) -> Life:
        rng, desk = self.rng, self.desk
        prop, unit, asset, drawn_requester, kind, title, text, priority = self.place(unit)
        requester = requester or drawn_requester
        category = desk.categories[kind]
        created = self.created_at(hours_ago)
        channel = _pick(rng, CHANNELS)
        # Phone calls and visits are taken by the service desk.
        filed_by = None if channel == Channel.WEB else desk.staff_for(rng, None, prop)
        ticket = Ticket(
            organization=desk.seed.organization, property_id=prop, unit=unit, asset=asset,
            category=category, title=title, description=text, priority=priority,
            channel=channel, status=Status.NEW, requester_id=requester, filed_by_id=filed_by,
            team_id=category.default_team_id, created_at=created,
        )
        set_policy(ticket, desk.policy(category, priority))
        life = Life(ticket, target or self.state_for(created))
        self.record(life, Kind.CREATED, created, filed_by or requester, to_status=Status.NEW,
                    data={"channel": channel, "proxy": filed_by is not None})
        self.live(life)
        self.sla(life)
        return life

    def record(self, life: Life, kind: str, at: dt.datetime, actor: int | None, *,
               body: str = "", public: bool = True, from_status: str = "",
               to_status: str = "", data: dict | None = None) -> None:
        life.entries.append(TimelineEntry(
            organization=self.desk.seed.organization, ticket=life.ticket, kind=kind,
            actor_id=actor, body=body, is_public=public, from_status=from_status,
            to_status=to_status, data=data or {}, created_at=at,
        ))

    def move(self, life: Life, to: str, at: dt.datetime, actor: int | None, body: str = "",
             data: dict | None = None) -> None:
        before = life.ticket.status
        life.ticket.status = to
        self.record(life, Kind.STATUS, at, actor, body=body, from_status=before, to_status=to,
                    data=data)

    def live(self, life: Life) -> None:
        """Walk the ticket from "new" to its target state, as staff and owner would have."""
        rng, t, target = self.rng, life.ticket, life.target
        owner, moment = t.requester_id, t.created_at
        if target == Status.NEW:
            return
        if target == Status.CANCELLED and rng.random() < 0.7:
            t.cancelled_at = self.after(moment, 5, 600, office=False)
            self.move(life, Status.CANCELLED, t.cancelled_at, owner, rng.choice(
                texts.CANCEL_REASONS))
            return
        # 受理: the first response; one in ten waits far too long (a breach).
        slow = rng.random() < 0.1
        moment = self.after(moment, 60 * 8, 60 * 30) if slow else self.after(moment, 5, 240)
        staff = self.desk.staff_for(rng, t.team_id, t.property_id)
        t.assignee_id, t.accepted_at, t.first_responded_at = staff, moment, moment
        self.move(life, Status.ACCEPTED, moment, staff)
        if rng.random() < 0.6:
            moment = self.after(moment, 1, 15)
            self.record(life, Kind.COMMENT, moment, staff, body=rng.choice(texts.ACCEPT_REPLIES))
        if target == Status.ACCEPTED:
            return
        if target == Status.CANCELLED:
            t.cancelled_at = self.after(moment, 10, 600, office=False)
            self.move(life, Status.CANCELLED, t.cancelled_at, owner,
                      rng.choice(texts.CANCEL_REASONS))
            return
        moment = self.after(moment, 10, 60 * 20)
        self.move(life, Status.IN_PROGRESS, moment, staff)
        if rng.random() < 0.2:
            moment = self.after(moment, 5, 120)
            self.record(life, Kind.INTERNAL_NOTE, moment, staff,
                        body=rng.choice(texts.INTERNAL_NOTES), public=False)
        if target == Status.WAITING_ON_OWNER or rng.random() < 0.15:
            moment = self.after(moment, 30, 60 * 24)
            t.paused_at = moment
            self.move(life, Status.WAITING_ON_OWNER, moment, staff, rng.choice(texts.WAIT_REASONS))
            if target == Status.WAITING_ON_OWNER:
                if self.now - moment > OWNER_REMINDER:
                    t.owner_reminded_at = moment + OWNER_REMINDER
                    self.record(life, Kind.REMINDER, t.owner_reminded_at, None,
                                data={"waiting_since": moment.isoformat()})
                return
            # The owner's answer resumes the ticket and its resolution timer.
            answered = self.after(moment, 60, 60 * 48, office=False)
            calendar = self.desk.calendars.get(t.policy.calendar_id)
            if calendar is not None:
                t.paused_business_time += business_time_between(calendar, moment, answered)
            t.paused_at = None
            self.record(life, Kind.COMMENT, answered, owner, body=rng.choice(texts.OWNER_ANSWERS))
            self.move(life, Status.IN_PROGRESS, answered, owner)
            moment = answered
        if target == Status.IN_PROGRESS:
            return
        hours = {"inquiry": 6, "praise": 4, "suggestion": 48}.get(t.category.kind, 30)
        slow = rng.random() < 0.12
        moment = self.after(moment, 20, 60 * hours * (4 if slow else 1))
        t.resolved_at = moment
        self.move(life, Status.RESOLVED, moment, t.assignee_id,
                  rng.choice(texts.RESOLVE_NOTES[t.category.kind]))
        closes = target == Status.CLOSED or self.now - moment > AUTO_CLOSE
        rated = rng.random() < (0.7 if closes else 0.3)
        if rated:
            self.rate(life, self.after(moment, 10, 60 * 24, office=False))
        if not closes:
            return
        confirm = moment + dt.timedelta(minutes=rng.uniform(10, 60 * 72))
        if rng.random() < 0.55 and confirm < min(self.now, moment + AUTO_CLOSE):
            t.closed_at = confirm
            self.move(life, Status.CLOSED, confirm, owner)
        elif moment + AUTO_CLOSE <= self.now:
            t.closed_at = moment + AUTO_CLOSE
            self.move(life, Status.CLOSED, t.closed_at, None, data={"automatic": True})
        else:
            t.closed_at = self.after(moment, 10, 60 * 24, office=False)
            self.move(life, Status.CLOSED, t.closed_at, owner)

    def rate(self, life: Life, at: dt.datetime) -> None:
        t = life.ticket
        t.rating = _pick(self.rng, RATINGS)
        t.rating_comment = self.rng.choice(texts.RATING_COMMENTS[t.rating])
        t.rated_at = at
        self.record(life, Kind.RATING, at, t.requester_id, body=t.rating_comment,
                    data={"rating": t.rating})

    def sla(self, life: Life) -> None:
        """Due times, escalations fired by now, breaches and the next check (DESIGN §5)."""
        t, now = life.ticket, self.now
        if t.policy is None:
            return
        calendar = self.desk.calendars[t.policy.calendar_id]
        stops = {
            FIRST_RESPONSE: t.first_responded_at or t.cancelled_at or now,
            RESOLUTION: t.resolved_at or t.cancelled_at or t.paused_at or now,
        }
        timers = [
            Timer(FIRST_RESPONSE, t.created_at,
                  dt.timedelta(minutes=t.first_response_target_minutes)),
            Timer(RESOLUTION, t.created_at, dt.timedelta(minutes=t.resolution_target_minutes),
                  paused=t.paused_business_time),
        ]
        fired = set()
        # One entry per job run, listing the levels it fired. The job runs every minute, so a
        # level fires in a run of its own shortly after it is reached; those reached in the
        # last minute share the run at ``now``.
        runs: dict[dt.datetime, list[dict]] = {}
        for level in pending_levels(calendar, timers, t.policy.ladder, set()):
            if level.percent == BREACH_PERCENT:
                setattr(t, f"{level.timer}_due_at", level.reached_at)
            if level.reached_at > stops[level.timer]:
                continue
            fired.add((level.timer, level.percent))
            if level.is_breach:
                setattr(t, f"{level.timer}_breached_at", level.reached_at)
            at = min(level.reached_at + dt.timedelta(seconds=self.rng.randint(5, 59)), now)
            life.escalations.append(SlaEscalation(
                organization=t.organization, ticket=t, timer=level.timer, percent=level.percent,
                notify=level.notify, reached_at=level.reached_at, fired_at=at,
            ))
            runs.setdefault(at, []).append({
                "timer": level.timer, "percent": level.percent, "notify": level.notify,
                "reached_at": level.reached_at.isoformat(),
            })
        for at, levels in runs.items():
            self.record(life, Kind.ESCALATION, at, None, public=False, data={"levels": levels})
        if t.status in OPEN_STATUSES:
            _due, next_at = apply_sla(t, calendar, fired, now)
            t.next_sla_check_at = next_at
        else:
            t.next_due_at = t.next_sla_check_at = None
        life.entries.sort(key=lambda entry: entry.created_at)


# --- The step ------------------------------------------------------------------------------


def seed_tickets(ctx: DemoContext, seed: OrgSeed, *, teams: dict[str, Team], count: int) -> None:
    org = seed.organization
    if Ticket.objects.filter(organization=org).exists():
        return  # seeded before (or in use): a second run adds nothing
    desk = _desk(ctx, seed, teams)
    for kind in desk.categories.values():
        for priority in Priority.values:
            desk.policy(kind, priority)
    desk.calendars = work_calendars(p.calendar_id for p in desk.policies.values() if p)
    planner = Planner(desk, ctx.rng("tickets"))

    lives = []
    owner, household = seed.people.get("owner"), seed.people.get("household")
    home = next((r.unit for r in seed.residencies if owner and r.user_id == owner.pk), None)
    if home is not None:
        for index, (state, hours_ago) in enumerate(OWNER_STORY):
            requester = household.pk if household and index % 4 == 3 else owner.pk
            lives.append(planner.plan(unit=home, requester=requester, target=state,
                                      hours_ago=hours_ago))
    while len(lives) < count:
        lives.append(planner.plan())

    lives.sort(key=lambda life: life.ticket.created_at)
    for number, life in enumerate(lives, start=1):
        life.ticket.number = number
    tickets = [life.ticket for life in lives]
    Ticket.objects.bulk_create(tickets, batch_size=500)
    entries = [entry for life in lives for entry in life.entries]
    TimelineEntry.objects.bulk_create(entries, batch_size=1000)
    escalations = [row for life in lives for row in life.escalations]
    SlaEscalation.objects.bulk_create(escalations, batch_size=1000)
    counter, _created = TicketCounter.objects.get_or_create(organization=org)
    counter.last_number = max(counter.last_number, len(tickets))
    counter.save(update_fields=["last_number"])
    for model, rows in ((Ticket, tickets), (TimelineEntry, entries),
                        (SlaEscalation, escalations)):
        ctx.created[model._meta.label] += len(rows)
