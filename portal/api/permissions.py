"""Role checks for API views under ``/api/v1/orgs/<org_slug>/``.

A caller without the required role gets 404, never 403 (DESIGN §4.3), so these checks raise
``NotFound`` instead of answering False. Class-based views get the check from
:class:`portal.api.base.OrgScopedMixin`; the permission class below is for function views
(``@api_view``) and for ``@action(permission_classes=…)`` on a viewset action.
"""

from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from portal.tenancy.access import ROLE_RANK, Access, get_access


def require_org_role(request, minimum: str) -> Access:
    """The caller's :class:`Access` to ``request.organization``; NotFound below ``minimum``.

    ``minimum`` is one of "resident", "staff", "manager", "admin". A URL without an
    organisation also answers 404: the check cannot pass by accident outside a tenant.
    """
    if minimum not in ROLE_RANK:
        raise ValueError(f"Unknown role {minimum!r}; use one of {sorted(ROLE_RANK)}.")
    if getattr(request, "organization", None) is None:
        raise NotFound
    access = get_access(request)
    if not access.has_role(minimum):
        raise NotFound
    return access


class OrgRole(BasePermission):
    """``permission_classes = [IsAuthenticated, OrgRole.at_least("manager")]``.

    Anonymous callers are left to ``IsAuthenticated`` (401/403); everyone signed in but below
    the role gets 404.
    """

    minimum = "resident"

    @classmethod
    def at_least(cls, minimum: str) -> type["OrgRole"]:
        if minimum not in ROLE_RANK:
            raise ValueError(f"Unknown role {minimum!r}; use one of {sorted(ROLE_RANK)}.")
        return type(f"OrgRoleAtLeast{minimum.title()}", (cls,), {"minimum": minimum})

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        require_org_role(request, self.minimum)
        return True
