"""Round robin: a team that works its tickets in turn gets each new one on a member's desk.

The team row holds where the turn stands (``last_assigned_user``); it is read and moved under
a lock on that row, so tickets submitted at the same moment go to different members.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.tenancy.access import Access
from portal.tenancy.models import Membership

from ..models import Team, Ticket, TimelineEntry
from ..notify import ticket_event
from .configuration import _require_manager, _same_organization
from .history import record


def _eligible(team: Team, property_id: int):
    """Active members with an active staff membership covering the property, by user id.
    One filter() call, so every condition applies to the same membership row."""
    return (
        User.objects.filter(
            Q(memberships__all_properties=True)
            | Q(memberships__role=Membership.Role.ADMIN)
            | Q(memberships__properties=property_id),
            ticket_team_memberships__team=team, is_active=True,
            memberships__organization_id=team.organization_id, memberships__is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def pick_next_member(team: Team, *, property_id: int) -> User | None:
    """The member after the last one assigned (by user id, wrapping round) who may work on
    ``property_id``, recorded as the last assigned; None for a manual or inactive team or when
    nobody qualifies. The team row stays locked until the caller's transaction ends."""
    teams = Team.objects.filter(
        pk=team.pk, organization_id=team.organization_id, is_active=True,
        assignment=Team.Assignment.ROUND_ROBIN,
    )
    if connection.features.has_select_for_update:
        teams = teams.select_for_update(of=("self",))
    locked = teams.first()
    if locked is None:
        return None
    members = list(_eligible(locked, property_id))
    if not members:
        return None
    last = locked.last_assigned_user_id or 0
    chosen = next((user for user in members if user.pk > last), members[0])
    locked.last_assigned_user = chosen
    locked.save(update_fields=["last_assigned_user"])
    return chosen


def round_robin_pick(ticket: Ticket) -> User | None:
    """For a ticket being created: give it to its team's next member when the team works
    round robin (sets ``ticket.assignee``; the caller saves). Returns that member or None."""
    if ticket.team_id is None or ticket.assignee_id is not None:
        return None
    member = pick_next_member(
        Team(pk=ticket.team_id, organization_id=ticket.organization_id),
        property_id=ticket.property_id,
    )
    if member is not None:
        ticket.assignee = member
    return member


def round_robin_announce(ticket: Ticket, *, member: User) -> None:
    """The timeline entry and notification of an automatic assignment, as for any assignment
    but with no actor (the rotation did it); only the new assignee is told, as the owners
    already hear of the new ticket."""
    team = Team.objects.filter(pk=ticket.team_id).only("name").first()
    entry = record(
        ticket, TimelineEntry.Kind.ASSIGNMENT, actor_id=None, at=timezone.now(),
        data={
            "assignee": member.pk, "assignee_name": member.full_name,
            "team": ticket.team_id, "team_name": team.name if team is not None else "",
            "automatic": "round_robin",
        },
    )
    ticket_event(
        ticket=ticket, kind=TimelineEntry.Kind.ASSIGNMENT, actor_id=None,
        recipients={member.pk}, entry=entry,
        organization_slug=ticket.organization.slug,
    )


@transaction.atomic
def team_assignment_set(*, access: Access, team: Team, assignment: str) -> Team:
    """Managers choose how a team's new tickets are assigned (the team form's extra field)."""
    _require_manager(access)
    _same_organization(access, team=team)
    if assignment not in Team.Assignment.values:
        raise ValidationError({"assignment": _("Choose how new tickets are assigned.")})
    if team.assignment != assignment:
        team.assignment = assignment
        team.save(update_fields=["assignment"])
    return team
