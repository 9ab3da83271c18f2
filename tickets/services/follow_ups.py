"""Follow-up calls (回访) after a low rating (issue #6): opened by the rating, closed by the
manager who records what the owner said."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communications.preferences import STAFF
from communications.services import notify
from portal.tenancy.access import Access

from ..models import FOLLOW_UP_MAX_RATING, FOLLOW_UP_WITHIN, FollowUp, Ticket
from ..notify import managers_covering, managers_of
from .errors import TicketError
from .rules import actor_id

FOLLOW_UP_KIND = "ticket.follow_up"


def follow_up_url(slug: str) -> str:
    return f"/o/{slug}/manage/tickets/follow-ups/"


def follow_up_open_if_low(*, ticket: Ticket, rating: int, at) -> FollowUp | None:
    """Inside the rating's transaction: a rating of 2 or less opens one follow-up call and
    tells the managers covering the ticket's property (after commit, through notify)."""
    if rating > FOLLOW_UP_MAX_RATING:
        return None
    follow_up = FollowUp.objects.create(
        organization_id=ticket.organization_id, ticket=ticket, due=at + FOLLOW_UP_WITHIN,
    )
    managers = managers_of(ticket, managers_covering([ticket.organization_id]))
    if managers:
        organization = ticket.organization
        notify(
            organization=organization, recipients=managers, kind=FOLLOW_UP_KIND,
            context={
                "number": ticket.number, "title": ticket.title, "rating": rating,
                "comment": ticket.rating_comment[:280], "organization": organization.name,
            },
            url=follow_up_url(organization.slug), actor_id=None, audience=STAFF,
            object_type="tickets.followup", object_key=follow_up.pk,
        )
    return follow_up


def follow_up_list_for(*, access: Access):
    """The follow-ups of the properties the caller covers (managers only)."""
    if not access.is_manager:
        raise PermissionDenied
    follow_ups = FollowUp.objects.filter(organization=access.organization)
    if not access.sees_all_properties:
        follow_ups = follow_ups.filter(ticket__property_id__in=access.scoped_property_ids)
    return follow_ups


@transaction.atomic
def follow_up_record(*, access: Access, follow_up: FollowUp, outcome: str) -> FollowUp:
    """The manager called the owner: record what came of it and close the task."""
    locked = (
        follow_up_list_for(access=access).select_for_update(of=("self",))
        .select_related("ticket").filter(pk=follow_up.pk).first()
    )
    if locked is None:
        raise PermissionDenied
    outcome = outcome.strip()
    if not outcome:
        raise TicketError({"outcome": _("Write down what the owner said.")}, code="outcome")
    if locked.status == FollowUp.Status.DONE:
        raise TicketError(_("This call has already been recorded."), code="already_done")
    locked.status = FollowUp.Status.DONE
    locked.outcome = outcome
    locked.done_by_id = actor_id(access)
    locked.done_at = timezone.now()
    locked.save(update_fields=["status", "outcome", "done_by", "done_at"])
    return locked
