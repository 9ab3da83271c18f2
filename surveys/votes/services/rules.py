"""Who may touch which vote, and the reads every service and view shares."""

from django.http import Http404

from portal.tenancy.access import Access
from portal.tenancy.models import Residency

from ..models import Vote


def staff_votes(access: Access):
    """Votes of the properties a staff member covers."""
    if not access.is_staff:
        return Vote.objects.none()
    return Vote.objects.filter(
        organization=access.organization, property__in=access.properties()
    )


def resident_property_ids(access: Access) -> set[int]:
    return {r.unit.property_id for r in access.residencies}


def resident_votes(access: Access):
    """Votes shown to residents: announced or later, in the properties they live in."""
    return Vote.objects.filter(
        organization=access.organization, property_id__in=resident_property_ids(access)
    ).exclude(status=Vote.Status.DRAFT)


def owned_unit_ids(access: Access, property_id: int) -> list[int]:
    """Units of the property where the caller is a verified owner (not household, not renter)."""
    return sorted(
        r.unit_id for r in access.residencies
        if r.relation == Residency.Relation.OWNER and r.unit.property_id == property_id
    )


def get_staff_vote(access: Access, pk: int) -> Vote:
    vote = staff_votes(access).select_related("property").filter(pk=pk).first()
    if vote is None:
        raise Http404
    return vote


def get_resident_vote(access: Access, pk: int) -> Vote:
    vote = resident_votes(access).select_related("property").filter(pk=pk).first()
    if vote is None:
        raise Http404
    return vote


def require_manager(access: Access, vote_property_id: int) -> None:
    if not (access.is_manager and access.covers_property(vote_property_id)):
        raise Http404


def require_staff(access: Access, vote_property_id: int) -> None:
    if not (access.is_staff and access.covers_property(vote_property_id)):
        raise Http404
