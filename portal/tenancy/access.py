"""Who may do what inside one organisation.

Every page under ``/o/<org_slug>/`` and every API view under ``/api/v1/orgs/<org_slug>/``
asks :func:`get_access` and answers 404 (never 403) when the caller has no place there
(DESIGN §4.3): the existence of another organisation's data does not leak.
"""

from dataclasses import dataclass, field, replace

from django.http import Http404
from django_scopes import scopes_disabled

from . import memory
from .models import Membership, Organization, Property, Residency

ROLE_RANK = {"resident": 0, "staff": 1, "manager": 2, "admin": 3}


@dataclass(frozen=True)
class Access:
    organization: Organization
    membership: Membership | None = None
    residencies: tuple[Residency, ...] = ()
    scoped_property_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def role(self) -> str | None:
        if self.membership is not None:
            return self.membership.role
        if self.residencies:
            return "resident"
        return None

    @property
    def is_member(self) -> bool:
        return self.role is not None

    @property
    def is_staff(self) -> bool:
        return self.membership is not None

    @property
    def is_manager(self) -> bool:
        return self.membership is not None and self.membership.is_manager

    @property
    def is_admin(self) -> bool:
        return self.membership is not None and self.membership.is_admin

    @property
    def sees_all_properties(self) -> bool:
        return self.membership is not None and (
            self.membership.all_properties or self.membership.is_admin
        )

    @property
    def unit_ids(self) -> frozenset[int]:
        return frozenset(r.unit_id for r in self.residencies)

    def has_role(self, minimum: str) -> bool:
        return self.role is not None and ROLE_RANK[self.role] >= ROLE_RANK[minimum]

    def properties(self):
        """The properties a staff member covers (all of them for admins and all-scope staff)."""
        qs = Property.objects.filter(organization=self.organization)
        if self.sees_all_properties:
            return qs
        return qs.filter(pk__in=self.scoped_property_ids)

    def covers_property(self, property_id: int) -> bool:
        return self.sees_all_properties or property_id in self.scoped_property_ids


def compute_access(user, organization: Organization) -> Access:
    if not user.is_authenticated or not user.is_active:
        return Access(organization=organization)
    with scopes_disabled():  # the filters below name the organisation explicitly
        membership = next(iter(
            Membership.objects.filter(organization=organization, user=user, is_active=True)[:1]
        ), None)
        # Ids straight from the link table: no Property rows and no prefetch machinery, which
        # were a tenth of the staff queue API's CPU (issue #9).
        scoped = frozenset(
            Membership.properties.through.objects.filter(membership=membership)
            .values_list("property_id", flat=True)
        ) if membership is not None else frozenset()
        residencies = tuple(
            Residency.objects.filter(
                organization=organization, user=user, is_active=True, verified_at__isnull=False
            ).select_related("unit__building", "unit__property")
        )
    return Access(organization, membership, residencies, scoped)


def get_access(request) -> Access:
    """The caller's access to ``request.organization``, computed once per user and request,
    and remembered between requests until it changes (:mod:`.memory`).

    Keyed on the user because DRF authenticates inside the view, after middleware ran.
    """
    organization = getattr(request, "organization", None)
    if organization is None:
        raise Http404
    user = request.user
    cached = getattr(request, "_tenancy_access", None)
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    if user.is_authenticated and user.is_active:
        # The organisations' generation as the middleware read it: one round trip less, and
        # what is computed from this access (tickets.memory) is remembered under the
        # generations it was read by, not later ones. Its organisation is this request's.
        access, request._generations = memory.reads.get_stamped(
            ("access", user.pk, organization.pk),
            (memory.ORGANIZATIONS, memory.person(user.pk)),
            lambda: compute_access(user, organization),
            known=getattr(request, "_generations", None),
        )
        access = replace(access, organization=organization)
    else:
        access = Access(organization=organization)
    request._tenancy_access = (user.pk, access)
    return access


def require_access(request, minimum: str = "resident") -> Access:
    access = get_access(request)
    if not access.has_role(minimum):
        raise Http404
    return access


def organizations_of(user) -> list[tuple[Organization, str]]:
    """Every active organisation the user belongs to, with their role there, for the switcher."""
    if not user.is_authenticated:
        return []
    with scopes_disabled():  # a person's own memberships span organisations by design
        roles: dict[int, str] = {}
        for org_id, role in Membership.objects.filter(
            user=user, is_active=True, organization__is_active=True
        ).values_list("organization_id", "role"):
            roles[org_id] = role
        for org_id in Residency.objects.filter(
            user=user, is_active=True, verified_at__isnull=False, organization__is_active=True
        ).values_list("organization_id", flat=True):
            roles.setdefault(org_id, "resident")
        orgs = Organization.objects.filter(pk__in=roles).order_by("name")
        return [(org, roles[org.pk]) for org in orgs]
