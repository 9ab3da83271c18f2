"""Properties, buildings, units and assets: what an organisation manages."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..memory import forget_people
from ..models import Asset, Building, Organization, Property, Unit


def _same_organization(organization_id: int, **objects) -> None:
    # Forms offer only the organisation's own rows; this keeps a tampered id from linking
    # another organisation's building even if a caller forgets to scope its choices.
    for field, obj in objects.items():
        if obj is not None and obj.organization_id != organization_id:
            raise ValidationError({field: _("Select a valid choice.")})


def _check_property_name(organization_id: int, name: str, exclude_pk=None) -> None:
    clash = Property.objects.filter(organization_id=organization_id, name__iexact=name.strip())
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": _("A property with this name already exists.")})


@transaction.atomic
def property_create(*, organization: Organization, name: str, address: str = "") -> Property:
    _check_property_name(organization.pk, name)
    return Property.objects.create(
        organization=organization, name=name.strip(), address=address.strip()
    )


@transaction.atomic
def property_update(*, property: Property, name: str, address: str = "") -> Property:
    _check_property_name(property.organization_id, name, exclude_pk=property.pk)
    property.name = name.strip()
    property.address = address.strip()
    property.save(update_fields=["name", "address"])
    return property


def _check_building_name(property: Property, name: str, exclude_pk=None) -> None:
    clash = Building.objects.filter(
        organization_id=property.organization_id, property=property, name__iexact=name.strip()
    )
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"name": _("This property already has a building with this name.")}
        )


@transaction.atomic
def building_create(*, property: Property, name: str) -> Building:
    _check_building_name(property, name)
    return Building.objects.create(
        organization_id=property.organization_id, property=property, name=name.strip()
    )


@transaction.atomic
def building_update(*, building: Building, name: str) -> Building:
    _check_building_name(building.property, name, exclude_pk=building.pk)
    building.name = name.strip()
    building.save(update_fields=["name"])
    return building


def _check_unit(building: Building, number: str, area: Decimal | None, exclude_pk=None):
    if area is not None and area <= 0:
        raise ValidationError({"area": _("The area must be a positive number.")})
    clash = Unit.objects.filter(
        organization_id=building.organization_id, building=building,
        number__iexact=number.strip(),
    )
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"number": _("This building already has a unit with this number.")})


@transaction.atomic
def unit_create(
    *, organization: Organization, building: Building, number: str, floor: int | None = None,
    area: Decimal | None = None,
) -> Unit:
    _same_organization(organization.pk, building=building)
    _check_unit(building, number, area)
    return Unit.objects.create(
        organization=organization, property_id=building.property_id, building=building,
        number=number.strip(), floor=floor, area=area,
    )


@transaction.atomic
def unit_update(
    *, unit: Unit, building: Building, number: str, floor: int | None, area: Decimal | None
) -> Unit:
    _same_organization(unit.organization_id, building=building)
    _check_unit(building, number, area, exclude_pk=unit.pk)
    unit.building = building
    unit.property_id = building.property_id  # the denormalised scope key follows the building
    unit.number = number.strip()
    unit.floor = floor
    unit.area = area
    unit.save(update_fields=["building", "property", "number", "floor", "area"])
    # Its residents' access carries the unit's property (what they may file about).
    forget_people(*unit.residencies.values_list("user_id", flat=True))
    return unit


def _check_asset(organization_id: int, property: Property, building: Building | None):
    _same_organization(organization_id, property=property, building=building)
    if building is not None and building.property_id != property.pk:
        raise ValidationError(
            {"building": _("This building belongs to another property.")}
        )


@transaction.atomic
def asset_create(
    *, organization: Organization, property: Property, building: Building | None, name: str,
    kind: str, code: str = "",
) -> Asset:
    _check_asset(organization.pk, property, building)
    return Asset.objects.create(
        organization=organization, property=property, building=building, name=name.strip(),
        kind=kind, code=code.strip(),
    )


@transaction.atomic
def asset_update(
    *, asset: Asset, property: Property, building: Building | None, name: str, kind: str,
    code: str = "",
) -> Asset:
    _check_asset(asset.organization_id, property, building)
    asset.property = property
    asset.building = building
    asset.name = name.strip()
    asset.kind = kind
    asset.code = code.strip()
    asset.save(update_fields=["property", "building", "name", "kind", "code"])
    return asset
