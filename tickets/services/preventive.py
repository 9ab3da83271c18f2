"""Preventive maintenance from a hotspot: a manager files a staff ticket on the failing asset
(or a unit / common area) before the next breakdown is reported."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from portal.tenancy.access import Access
from portal.tenancy.models import Asset, Property, Unit

from ..models import Category, Channel, Priority, Ticket
from .errors import TicketError
from .rules import actor_id
from .submit import _create, _location


@transaction.atomic
def ticket_file_preventive(
    *, access: Access, category: Category, title: str, description: str = "",
    asset: Asset | None = None, unit: Unit | None = None, property: Property | None = None,
    priority: str = Priority.NORMAL,
) -> Ticket:
    """A ticket the manager files for the desk itself (requester and filer: the manager),
    channel "other", on a location within the manager's scope."""
    if not access.is_manager:
        raise PermissionDenied
    if asset is None and unit is None and property is None:
        raise TicketError({"asset": _("Choose equipment, a unit or a property.")}, code="location")
    if property is None and unit is None and asset is not None:
        property = asset.property if asset.organization_id == access.organization.pk else None
    me = actor_id(access)
    property_id = _location(
        organization_id=access.organization.pk, unit=unit, property=property, asset=asset,
        unit_ok=lambda u: access.covers_property(u.property_id),
        property_ok=access.covers_property,
    )
    return _create(
        access=access, requester_id=me, filed_by_id=me, channel=Channel.OTHER,
        category=category, title=title, description=description, priority=priority,
        property_id=property_id, unit=unit, asset=asset, preferred_visit_time="",
        preferred_visit_at=None,
    )
