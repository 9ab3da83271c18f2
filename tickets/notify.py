"""Where ticket events leave the tickets app: one call per event, from the services.

Today an event becomes a live message to each recipient's browser after commit (DESIGN §6);
the timeline entry the service wrote is the durable record. When communications gains its
notification centre (in-app, email, SMS, preferences), :func:`ticket_event` is the single
place to hand the event over to it: everything a channel needs is in the arguments.
"""

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from communications.live import send_to_user_on_commit
from portal.tenancy.models import Membership, Residency

from .models import Team, Ticket, TimelineEntry

LIVE_TYPES = {
    TimelineEntry.Kind.CREATED: "ticket.created",
    TimelineEntry.Kind.COMMENT: "ticket.comment",
    TimelineEntry.Kind.INTERNAL_NOTE: "ticket.comment",
}


def ticket_event(
    *, ticket: Ticket, kind: str, actor_id: int | None, recipients: Iterable[int],
    entry: TimelineEntry | None = None, organization_slug: str | None = None,
) -> None:
    """Tell ``recipients`` (user ids) that ``kind`` happened to ``ticket``; never the actor.

    ``kind`` is a TimelineEntry kind; ``entry`` the entry recording it, when there is one.
    Call inside the service's transaction: nothing is sent unless it commits.
    """
    slug = organization_slug or ticket.organization.slug
    at = entry.created_at if entry is not None else timezone.now()
    message = {
        "type": LIVE_TYPES.get(kind, "ticket.updated"),
        "org": slug,
        "ticket": ticket.number,
        "status": ticket.status,
        "at": at.isoformat() if at else None,
    }
    for user_id in sorted(set(recipients) - {actor_id, None}):
        send_to_user_on_commit(user_id, message)


def owners_of(ticket: Ticket) -> set[int]:
    """The requester and everyone verified in the ticket's unit."""
    return owners_of_many([ticket])[ticket.pk]


def owners_of_many(tickets: Iterable[Ticket]) -> dict[int, set[int]]:
    tickets = list(tickets)
    found = {ticket.pk: {ticket.requester_id} for ticket in tickets}
    unit_ids = {ticket.unit_id for ticket in tickets if ticket.unit_id is not None}
    if unit_ids:
        residents: dict[int, set[int]] = {}
        for unit_id, user_id in Residency.objects.filter(
            unit_id__in=unit_ids, is_active=True, verified_at__isnull=False
        ).values_list("unit_id", "user_id"):
            residents.setdefault(unit_id, set()).add(user_id)
        for ticket in tickets:
            found[ticket.pk] |= residents.get(ticket.unit_id, set())
    return found


def handlers_of(ticket: Ticket) -> set[int]:
    """The assignee; without one, the team (lead and members)."""
    if ticket.assignee_id is not None:
        return {ticket.assignee_id}
    if ticket.team_id is not None:
        return team_people(ticket.team_id)
    return set()


def team_people(team_id: int) -> set[int]:
    team = Team.objects.filter(pk=team_id).prefetch_related("memberships").first()
    if team is None:
        return set()
    people = {member.user_id for member in team.memberships.all()}
    if team.lead_id is not None:
        people.add(team.lead_id)
    return people


ManagerScopes = dict[int, list[tuple[int, set[int] | None]]]


def managers_covering(organization_ids: Iterable[int]) -> ManagerScopes:
    """Per organisation: (manager's user id, property ids in scope, or None for all)."""
    found: ManagerScopes = {}
    memberships = Membership.objects.filter(
        Q(role=Membership.Role.MANAGER) | Q(role=Membership.Role.ADMIN),
        organization_id__in=set(organization_ids), is_active=True,
    ).prefetch_related("properties")
    for membership in memberships:
        covers_all = membership.all_properties or membership.is_admin
        scope = None if covers_all else {prop.pk for prop in membership.properties.all()}
        found.setdefault(membership.organization_id, []).append((membership.user_id, scope))
    return found


def managers_of(ticket: Ticket, managers: ManagerScopes) -> set[int]:
    return {
        user_id
        for user_id, scope in managers.get(ticket.organization_id, [])
        if scope is None or ticket.property_id in scope
    }
