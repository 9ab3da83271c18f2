"""Reads of the organisation admin pages, each a constant number of queries.

Getters answer 404 for anything outside the caller's organisation or scope, the same answer
as for an id that does not exist (DESIGN §4.3).
"""

import re
from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal.accounts.models import Invitation

from .access import Access
from .models import Asset, Building, Membership, Organization, Property, Residency, Unit


def _count(model, field: str) -> Coalesce:
    # A correlated count per row: joining buildings and units in one GROUP BY would multiply
    # the rows of a large property before counting them.
    counts = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def property_list(*, organization: Organization) -> QuerySet[Property]:
    return Property.objects.filter(organization=organization).annotate(
        building_count=_count(Building, "property"), unit_count=_count(Unit, "property")
    )


def building_list(*, property: Property) -> QuerySet[Building]:
    return Building.objects.filter(
        organization_id=property.organization_id, property=property
    ).annotate(unit_count=_count(Unit, "building"))


def property_get(*, organization: Organization, pk: int) -> Property:
    return get_object_or_404(Property, organization=organization, pk=pk)


def building_get(*, organization: Organization, pk: int) -> Building:
    return get_object_or_404(
        Building.objects.select_related("property"), organization=organization, pk=pk
    )


def unit_get(*, organization: Organization, pk: int) -> Unit:
    return get_object_or_404(
        Unit.objects.select_related("building__property"), organization=organization, pk=pk
    )


def asset_get(*, organization: Organization, pk: int) -> Asset:
    return get_object_or_404(Asset, organization=organization, pk=pk)


def buildings_for_choice(*, organization: Organization, access: Access | None = None):
    buildings = Building.objects.filter(organization=organization).select_related("property")
    if access is not None and not access.sees_all_properties:
        buildings = buildings.filter(property_id__in=access.scoped_property_ids)
    return buildings.order_by("property__name", "name")


def unit_list(
    *, organization: Organization, property: Property | None = None,
    building: Building | None = None,
) -> QuerySet[Unit]:
    units = Unit.objects.filter(organization=organization).select_related("property", "building")
    if property is not None:
        units = units.filter(property=property)
    if building is not None:
        units = units.filter(building=building)
    residents = Count("residencies", filter=Q(residencies__is_active=True))
    # Floor before number, so that "1-901" comes before "1-1001" as on the building's doors.
    return units.annotate(resident_count=residents).order_by(
        "property__name", "building__name", F("floor").asc(nulls_last=True), "number"
    )


def asset_list(*, organization: Organization, property: Property | None = None):
    assets = Asset.objects.filter(organization=organization).select_related(
        "property", "building"
    )
    if property is not None:
        assets = assets.filter(property=property)
    return assets.order_by("property__name", "name")


# --- People ------------------------------------------------------------------------------


class AccountState:
    ACTIVE = "active"  # has set a password and may sign in
    INVITED = "invited"  # an unused link is waiting
    EXPIRED = "expired"  # every link expired or was used without finishing
    NOT_INVITED = "not_invited"
    DISABLED = "disabled"  # the account was switched off by a platform operator


def _with_invitations(queryset: QuerySet, organization: Organization) -> QuerySet:
    invitations = Invitation.objects.filter(organization=organization, user=OuterRef("user_id"))
    return queryset.annotate(
        invitation_pending=Exists(
            invitations.filter(used_at__isnull=True, expires_at__gt=timezone.now())
        ),
        invitation_sent=Exists(invitations),
    )


def account_state(user, invitation_pending: bool, invitation_sent: bool) -> str:
    if user.has_usable_password():
        return AccountState.ACTIVE if user.is_active else AccountState.DISABLED
    if invitation_pending:
        return AccountState.INVITED
    return AccountState.EXPIRED if invitation_sent else AccountState.NOT_INVITED


def with_account_states(rows):
    """Sets ``account_state`` on each membership or residency of an evaluated page."""
    for row in rows:
        row.account_state = account_state(row.user, row.invitation_pending, row.invitation_sent)
    return rows


def staff_list(*, organization: Organization) -> QuerySet[Membership]:
    memberships = (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .prefetch_related("properties")
        .order_by("-is_active", "user__full_name")
    )
    return _with_invitations(memberships, organization)


def membership_get(*, organization: Organization, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user").prefetch_related("properties"),
        organization=organization, pk=pk,
    )


class ResidencyState:
    VERIFIED = "verified"
    UNVERIFIED = "unverified"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class ResidentFilter:
    property: Property | None = None
    building: Building | None = None
    state: str = ""  # one of ResidencyState, or "" for every active residency
    search: str = ""


def _in_scope(queryset: QuerySet, access: Access, unit_path: str = "unit__") -> QuerySet:
    if access.sees_all_properties:
        return queryset
    return queryset.filter(**{f"{unit_path}property_id__in": access.scoped_property_ids})


def resident_list(*, access: Access, filters: ResidentFilter) -> QuerySet[Residency]:
    residencies = _in_scope(
        Residency.objects.filter(organization=access.organization), access
    ).select_related("user", "unit__building", "unit__property", "verified_by")
    if filters.property is not None:
        residencies = residencies.filter(unit__property=filters.property)
    if filters.building is not None:
        residencies = residencies.filter(unit__building=filters.building)
    if filters.state == ResidencyState.INACTIVE:
        residencies = residencies.filter(is_active=False)
    else:
        residencies = residencies.filter(is_active=True)
    if filters.state == ResidencyState.VERIFIED:
        residencies = residencies.filter(verified_at__isnull=False)
    elif filters.state == ResidencyState.UNVERIFIED:
        residencies = residencies.filter(verified_at__isnull=True)
    if search := filters.search.strip():
        matches = (
            Q(user__full_name__icontains=search)
            | Q(user__email__icontains=search)
            | Q(unit__number__iexact=search)
        )
        digits = re.sub(r"\D", "", search)
        if len(digits) >= 3:  # "138 0013 8000" finds +8613800138000
            matches |= Q(user__phone__contains=digits)
        residencies = residencies.filter(matches)
    residencies = residencies.order_by(
        "unit__property__name", "unit__building__name", F("unit__floor").asc(nulls_last=True),
        "unit__number", "user__full_name",
    )
    return _with_invitations(residencies, access.organization)


def residency_get(*, access: Access, pk: int) -> Residency:
    """A residency in the staff member's scope, or 404."""
    residency = (
        _in_scope(Residency.objects.filter(organization=access.organization, pk=pk), access)
        .select_related("user", "unit__building__property")
        .first()
    )
    if residency is None:
        raise Http404
    return residency
