"""Who may do what with an event; the views hide what the services would refuse anyway."""

from django.core.exceptions import PermissionDenied

from portal.tenancy.access import Access

from ..models import Event


def covers(access: Access, event: Event) -> bool:
    """Staff whose scope includes the event's audience (org-wide events: every staff member)."""
    if not access.is_staff or access.organization.pk != event.organization_id:
        return False
    return event.property_id is None or access.covers_property(event.property_id)


def may_manage(access: Access, event: Event | None = None, property_id: int | None = None) -> bool:
    """Managers create and change events; an org-wide one needs every property in scope."""
    if not access.is_manager:
        return False
    prop = event.property_id if event is not None else property_id
    return access.sees_all_properties if prop is None else access.covers_property(prop)


def audience_units(access: Access, event: Event) -> list:
    """The caller's units inside the event's audience (verified residencies only)."""
    if access.organization.pk != event.organization_id:
        return []
    units = []
    for residency in access.residencies:
        unit = residency.unit
        if event.building_id is not None and unit.building_id != event.building_id:
            continue
        if event.property_id is not None and unit.property_id != event.property_id:
            continue
        units.append(unit)
    return units


def require_manager(access: Access, event: Event | None = None, property_id=None) -> None:
    if not may_manage(access, event, property_id):
        raise PermissionDenied


def require_staff(access: Access, event: Event) -> None:
    if not covers(access, event):
        raise PermissionDenied


def actor_id(access: Access) -> int | None:
    if access.membership is not None:
        return access.membership.user_id
    return access.residencies[0].user_id if access.residencies else None
