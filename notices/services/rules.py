"""Who may do what with notices (the services ask; pages and the API only add the 404 wall)."""

from django.core.exceptions import PermissionDenied

from portal.tenancy.access import Access


def require_manager(access: Access) -> None:
    if not access.is_manager:
        raise PermissionDenied


def require_staff(access: Access) -> None:
    if not access.is_staff:
        raise PermissionDenied


def actor_id(access: Access) -> int | None:
    if access.membership is not None:
        return access.membership.user_id
    if access.residencies:
        return access.residencies[0].user_id
    return None
