"""Changes beside the lifecycle: who handles a ticket, its priority and category, its rating."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.tenancy.access import Access
from portal.tenancy.models import Membership

from ..models import Category, Priority, Status, Team, Ticket, TimelineEntry
from ..notify import handlers_of, owners_of, ticket_event
from .errors import TicketError
from .follow_ups import follow_up_open_if_low
from .history import lock, record
from .rules import OWNER, actor_id, require_handler, require_roles
from .sla_config import remembered_calendar, remembered_policy_for
from .timers import apply_sla, fired_levels, set_policy


def _covers(membership: Membership | None, property_id: int) -> bool:
    if membership is None:
        return False
    if membership.all_properties or membership.is_admin:
        return True
    return any(prop.pk == property_id for prop in membership.properties.all())


@transaction.atomic
def ticket_assign(
    *, access: Access, ticket: Ticket, assignee=None, team: Team | None = None
) -> Ticket:
    """Give the ticket to a person (staff covering its property) and/or a team. A new team
    without a person hands the ticket to the whole team."""
    ticket = lock(ticket)
    require_handler(access, ticket)
    if assignee is None and team is None:
        raise TicketError({"assignee": _("Choose a person or a team.")}, code="assignee")
    if team is not None and (team.organization_id != ticket.organization_id or not team.is_active):
        raise TicketError({"team": _("Choose one of the active teams.")}, code="team")
    if assignee is not None:
        membership = (
            Membership.objects.filter(
                organization_id=ticket.organization_id, user=assignee, is_active=True
            ).prefetch_related("properties").first()
        )
        if not _covers(membership, ticket.property_id):
            raise TicketError(
                {"assignee": _("This person does not work on this ticket's property.")},
                code="assignee",
            )
    team_id = team.pk if team is not None else ticket.team_id
    if assignee is not None:
        assignee_id = assignee.pk
    elif team_id != ticket.team_id:
        assignee_id = None
    else:
        assignee_id = ticket.assignee_id
    if (assignee_id, team_id) == (ticket.assignee_id, ticket.team_id):
        return ticket
    previous_assignee_id = ticket.assignee_id
    ticket.assignee_id, ticket.team_id = assignee_id, team_id
    ticket.save(update_fields=["assignee", "team", "updated_at"])
    me = actor_id(access)
    entry = record(
        ticket, TimelineEntry.Kind.ASSIGNMENT, actor_id=me, at=timezone.now(),
        data={
            "assignee": assignee_id,
            "assignee_name": assignee.full_name if assignee is not None else "",
            "team": team_id,
            "team_name": team.name if team is not None else "",
        },
    )
    ticket_event(
        ticket=ticket, kind=TimelineEntry.Kind.ASSIGNMENT, actor_id=me,
        recipients=owners_of(ticket) | handlers_of(ticket) | {previous_assignee_id},
        entry=entry,
    )
    return ticket


def _repolicy(ticket: Ticket) -> None:
    """Choose the policy again after a priority or category change and recompute due times;
    the time already spent waiting on the owner still counts as paused."""
    policy = remembered_policy_for(
        organization_id=ticket.organization_id, category=ticket.category,
        priority=ticket.priority,
    ) or ticket.policy
    set_policy(ticket, policy)
    calendar = remembered_calendar(ticket.organization_id, policy.pk if policy else None)
    apply_sla(ticket, calendar, fired_levels(ticket), timezone.now())


@transaction.atomic
def ticket_change_priority(
    *, access: Access, ticket: Ticket, priority: str, reason: str = ""
) -> Ticket:
    ticket = lock(ticket)
    require_handler(access, ticket)
    if priority not in Priority.values:
        raise TicketError({"priority": _("Choose a priority.")}, code="priority")
    if not ticket.is_open:
        raise TicketError(_("A finished ticket keeps its priority."), code="finished")
    if priority == ticket.priority:
        return ticket
    before = ticket.priority
    ticket.priority = priority
    _repolicy(ticket)
    ticket.save()
    me = actor_id(access)
    entry = record(
        ticket, TimelineEntry.Kind.PRIORITY, actor_id=me, at=timezone.now(), body=reason.strip(),
        data={"from": before, "to": priority},
    )
    ticket_event(
        ticket=ticket, kind=TimelineEntry.Kind.PRIORITY, actor_id=me,
        recipients=owners_of(ticket) | handlers_of(ticket), entry=entry,
    )
    return ticket


@transaction.atomic
def ticket_change_category(
    *, access: Access, ticket: Ticket, category: Category, reason: str = ""
) -> Ticket:
    """Recategorise; an unassigned ticket follows the new category's default team."""
    ticket = lock(ticket)
    require_handler(access, ticket)
    if category.organization_id != ticket.organization_id or not category.is_active:
        raise TicketError({"category": _("Choose one of the categories offered.")}, code="category")
    if not ticket.is_open:
        raise TicketError(_("A finished ticket keeps its category."), code="finished")
    if category.pk == ticket.category_id:
        return ticket
    before = ticket.category
    ticket.category = category
    if ticket.assignee_id is None and category.default_team_id is not None:
        ticket.team_id = category.default_team_id
    _repolicy(ticket)
    ticket.save()
    me = actor_id(access)
    entry = record(
        ticket, TimelineEntry.Kind.CATEGORY, actor_id=me, at=timezone.now(), body=reason.strip(),
        data={"from": before.pk, "from_name": before.name, "to": category.pk,
              "to_name": category.name},
    )
    ticket_event(
        ticket=ticket, kind=TimelineEntry.Kind.CATEGORY, actor_id=me,
        recipients=owners_of(ticket) | handlers_of(ticket), entry=entry,
    )
    return ticket


@transaction.atomic
def ticket_rate(*, access: Access, ticket: Ticket, rating: int, comment: str = "") -> Ticket:
    """满意度: the requester or a household member rates a resolved or closed ticket, once."""
    ticket = lock(ticket)
    if OWNER not in require_roles(access, ticket):
        raise TicketError(_("Only the owner can rate this ticket."), code="owner_only")
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise TicketError(
            _("You can rate a ticket once it has been resolved."), code="not_resolved"
        )
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise TicketError({"rating": _("Choose from 1 to 5 stars.")}, code="rating")
    if ticket.rated_at is not None:
        raise TicketError(_("This ticket has already been rated."), code="already_rated")
    now = timezone.now()
    ticket.rating, ticket.rating_comment, ticket.rated_at = rating, comment.strip(), now
    ticket.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    me = actor_id(access)
    entry = record(
        ticket, TimelineEntry.Kind.RATING, actor_id=me, at=now, body=ticket.rating_comment,
        data={"rating": rating},
    )
    ticket_event(
        ticket=ticket, kind=TimelineEntry.Kind.RATING, actor_id=me,
        recipients=handlers_of(ticket), entry=entry,
    )
    # 回访: a low rating opens a follow-up call in this same transaction.
    follow_up_open_if_low(ticket=ticket, rating=rating, at=now)
    return ticket
