"""Who a notice is for: the chosen properties, buildings and units (or everyone), resolved to
the people with an active, verified residency there (owners, household members, renters)."""

from django.db.models import Min, Q
from django.utils.translation import gettext as _

from portal.tenancy.models import Building, Organization, Property, Residency, Unit

from ..models import Notice, NoticeAudience
from .errors import NoticeError


def audience_rows(
    *, organization: Organization, property_ids=None, building_ids=None, unit_ids=None,
) -> list[NoticeAudience]:
    """Unsaved audience rows for the ids, each checked to belong to the organisation; an id
    from elsewhere is refused like one that does not exist."""
    property_ids = {int(pk) for pk in property_ids or ()}
    building_ids = {int(pk) for pk in building_ids or ()}
    unit_ids = {int(pk) for pk in unit_ids or ()}
    rows = []
    properties = set(
        Property.objects.filter(organization=organization, pk__in=property_ids)
        .values_list("pk", flat=True)
    ) if property_ids else set()
    buildings = dict(
        Building.objects.filter(organization=organization, pk__in=building_ids)
        .values_list("pk", "property_id")
    ) if building_ids else {}
    units = {
        pk: (prop, building)
        for pk, prop, building in Unit.objects.filter(organization=organization, pk__in=unit_ids)
        .values_list("pk", "property_id", "building_id")
    } if unit_ids else {}
    if properties != property_ids or set(buildings) != building_ids or set(units) != unit_ids:
        raise NoticeError({"audience": _("Choose properties, buildings and units of this "
                                         "organisation.")})
    for pk in sorted(properties):
        rows.append(NoticeAudience(organization=organization, property_id=pk))
    for pk, prop in sorted(buildings.items()):
        rows.append(NoticeAudience(organization=organization, property_id=prop, building_id=pk))
    for pk, (prop, building) in sorted(units.items()):
        rows.append(NoticeAudience(organization=organization, property_id=prop,
                                   building_id=building, unit_id=pk))
    return rows


def _residents_filter(rows) -> Q:
    condition = Q(pk__in=[])
    property_ids = [r.property_id for r in rows if r.building_id is None and r.unit_id is None]
    building_ids = [r.building_id for r in rows if r.building_id and r.unit_id is None]
    unit_ids = [r.unit_id for r in rows if r.unit_id]
    if property_ids:
        condition |= Q(unit__property_id__in=property_ids)
    if building_ids:
        condition |= Q(unit__building_id__in=building_ids)
    if unit_ids:
        condition |= Q(unit_id__in=unit_ids)
    return condition


def audience_resolve(*, notice: Notice, rows=None) -> dict[int, int]:
    """user id -> the (first) unit through which they are in the notice's audience. Two
    queries at most, whatever the audience's size."""
    residents = Residency.objects.filter(
        organization_id=notice.organization_id, is_active=True, verified_at__isnull=False,
        user__is_active=True,
    )
    if not notice.whole_organization:
        if rows is None:
            rows = list(NoticeAudience.objects.filter(
                organization_id=notice.organization_id, notice=notice))
        residents = residents.filter(_residents_filter(rows))
    return dict(
        residents.order_by().values("user_id").annotate(unit=Min("unit_id"))
        .values_list("user_id", "unit")
    )
