"""Data for the votes sections of the home pages: a constant number of queries each."""

from django import template

from ..models import Ballot, Vote
from ..selectors import participation_by_vote
from ..services.rules import owned_unit_ids, resident_votes, staff_votes

register = template.Library()
LIMIT = 5


@register.simple_tag(takes_context=True)
def owner_open_votes(context):
    """Open votes of my properties where a unit I own has no ballot yet (two queries)."""
    access = context.get("access")
    if access is None or not access.residencies:
        return []
    votes = list(resident_votes(access).filter(status=Vote.Status.OPEN).order_by("closes_at"))
    if not votes:
        return []
    owned = {v.pk: owned_unit_ids(access, v.property_id) for v in votes}
    unit_ids = {u for units in owned.values() for u in units}
    done = set(
        Ballot.objects.filter(vote__in=votes, unit_id__in=unit_ids).values_list(
            "vote_id", "unit_id"
        )
    )
    return [v for v in votes if any((v.pk, u) not in done for u in owned[v.pk])][:LIMIT]


@register.simple_tag(takes_context=True)
def staff_running_votes(context):
    """Open votes in my properties with their participation (three queries)."""
    access = context.get("access")
    if access is None or not access.is_staff:
        return []
    votes = list(
        staff_votes(access).filter(status=Vote.Status.OPEN).select_related("property")
        .order_by("closes_at")[:LIMIT]
    )
    if not votes:
        return []
    counts = participation_by_vote(votes)
    return [{"vote": v, "ballots": counts[v.pk][0], "eligible": counts[v.pk][1]} for v in votes]
