"""Seed step 200: every demo organisation's service desk (default categories and SLA policies,
teams from the staff's job titles, FAQ, canned responses), and about 2,000 tickets for sunrise
over the last 90 days (:mod:`.lives`), a few of them with photos (:mod:`.photos`).

Teams, FAQ entries and canned responses are matched on their names; the tickets are written
only when the organisation has none yet, so a second run adds nothing.
"""

from collections import defaultdict

from portal.demo import DemoContext, OrgSeed, seed_step

from ..models import CannedResponse, Category, FaqEntry, Team, TeamMember
from ..services import categories_ensure_defaults, sla_ensure_defaults
from . import texts
from .lives import seed_tickets
from .photos import seed_photos

TICKETS_FOR = {"sunrise": 2000}


@seed_step(order=200)
def tickets(ctx: DemoContext) -> None:
    for slug, seed in ctx.orgs.items():
        org = seed.organization
        categories_ensure_defaults(organization=org)
        sla_ensure_defaults(organization=org)
        teams = _teams(ctx, seed)
        categories = _default_teams(ctx, seed, teams)
        _faq(ctx, seed, categories)
        _canned(ctx, seed)
        if slug in TICKETS_FOR:
            seed_tickets(ctx, seed, teams=teams, count=TICKETS_FOR[slug])
            seed_photos(ctx, seed)


def _team_key(title: str) -> str | None:
    return next((key for key in texts.TEAMS if title.startswith(key)), None)


def _teams(ctx: DemoContext, seed: OrgSeed) -> dict[str, Team]:
    """Teams by key ("维修组" …), each with the staff whose job title names it; the lead is the
    one titled 组长 or 主管, else the first."""
    org = seed.organization
    members = defaultdict(list)
    for membership in seed.memberships:
        key = _team_key(membership.title)
        if key is not None:
            members[key].append(membership)
    leads = {}
    for key, people in members.items():
        marked = [m for m in people if any(mark in m.title for mark in texts.LEAD_MARKS)]
        leads[key] = (marked or people)[0].user_id
    saved = ctx.ensure(
        Team.objects.filter(organization=org),
        [Team(organization=org, name=texts.TEAMS[key], lead_id=leads[key]) for key in members],
        key=("name",),
    )
    teams = {key: saved[(texts.TEAMS[key],)] for key in members}
    ctx.ensure(
        TeamMember.objects.filter(organization=org),
        [
            TeamMember(organization=org, team=teams[key], user_id=membership.user_id)
            for key, people in members.items()
            for membership in people
        ],
        key=("team_id", "user_id"),
    )
    return teams


def _default_teams(ctx: DemoContext, seed: OrgSeed, teams: dict[str, Team]) -> dict:
    """Categories by kind, each routed to its team unless the organisation chose one."""
    categories = {c.kind: c for c in Category.objects.filter(organization=seed.organization)}
    changed = []
    for kind, category in categories.items():
        team = teams.get(texts.DEFAULT_TEAMS.get(kind, ""))
        if team is not None and category.default_team_id is None:
            category.default_team = team
            changed.append(category)
    if changed:
        Category.objects.bulk_update(changed, ["default_team"])
        ctx.updated[Category._meta.label] += len(changed)
    return categories


def _faq(ctx: DemoContext, seed: OrgSeed, categories: dict) -> None:
    org = seed.organization
    ctx.ensure(
        FaqEntry.objects.filter(organization=org),
        [
            FaqEntry(
                organization=org, question=question, answer=answer, keywords=keywords,
                category=categories.get(kind), sort_order=order * 10,
            )
            for order, (question, answer, keywords, kind) in enumerate(texts.FAQ)
        ],
        key=("question",),
    )


def _canned(ctx: DemoContext, seed: OrgSeed) -> None:
    org = seed.organization
    ctx.ensure(
        CannedResponse.objects.filter(organization=org),
        [CannedResponse(organization=org, title=title, body=body) for title, body in texts.CANNED],
        key=("title",),
    )
