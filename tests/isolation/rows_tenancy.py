"""Organisation admin pages of portal/tenancy/views/: structure, staff, residents, import."""

from django_scopes import scopes_disabled

from portal.accounts.models import Invitation, User
from portal.tenancy.models import Asset, Building, Membership, Property, Residency, Unit

from .matrix import ADMINS, ALL_STAFF, STAFF_ROLES, Row

M = "/o/{org}/manage"


class _Pk:
    """A primary key of the sunrise world for form data, looked up when the request is encoded
    (row data is not formatted like paths; names in the world are fixed)."""

    def __init__(self, model, **lookup):
        self.model, self.lookup = model, lookup

    def __str__(self):
        with scopes_disabled():
            return str(
                self.model.objects.get(organization__slug="sunrise", **self.lookup).pk
            )


BUILDING = _Pk(Building, name="1", property__name="sunrise Garden")
PROPERTY = _Pk(Property, name="sunrise Garden")


def _sunrise(world):
    return getattr(world, "sunrise", world)


def _count(model, **lookup):
    return lambda world: model.objects.filter(**lookup).count()


def _field(getter, *fields):
    def read(world):
        obj = getter(_sunrise(world))
        obj.refresh_from_db()
        return tuple(getattr(obj, name) for name in fields)

    return read


def _residency_of(role):
    def get(w):
        return Residency.objects.get(organization=w.org, user=getattr(w, role))

    return get


def _membership_of(role):
    def get(w):
        return Membership.objects.get(organization=w.org, user=getattr(w, role))

    return get


def _invitations_of(role):
    return lambda world: Invitation.objects.filter(user=getattr(_sunrise(world), role)).count()


ROWS = [
    # --- Properties and buildings ---------------------------------------------------------
    Row("tenancy-property-list", "GET", f"{M}/properties/", allowed=ADMINS),
    Row("tenancy-property-create-form", "GET", f"{M}/properties/new/", allowed=ADMINS),
    Row(
        "tenancy-property-create", "POST", f"{M}/properties/new/", allowed=ADMINS, ok=302,
        data={"name": "Matrix Garden"}, changed=_count(Property, name="Matrix Garden"),
    ),
    Row("tenancy-property-edit-form", "GET", f"{M}/properties/{{property}}/", allowed=ADMINS),
    Row(
        "tenancy-property-edit", "POST", f"{M}/properties/{{property}}/", allowed=ADMINS, ok=302,
        data={"name": "Matrix renamed", "address": "Somewhere"},
        changed=_field(lambda w: w.property, "name", "address"),
    ),
    Row(
        "tenancy-building-create-form", "GET", f"{M}/properties/{{property}}/buildings/new/",
        allowed=ADMINS,
    ),
    Row(
        "tenancy-building-create", "POST", f"{M}/properties/{{property}}/buildings/new/",
        allowed=ADMINS, ok=302, data={"name": "Matrix B"},
        changed=_count(Building, name="Matrix B"),
    ),
    Row("tenancy-building-edit-form", "GET", f"{M}/buildings/{{building}}/", allowed=ADMINS),
    Row(
        "tenancy-building-edit", "POST", f"{M}/buildings/{{building}}/", allowed=ADMINS, ok=302,
        data={"name": "Matrix renamed"}, changed=_field(lambda w: w.building, "name"),
    ),
    # --- Units and assets ---------------------------------------------------------------------
    Row("tenancy-unit-list", "GET", f"{M}/units/", allowed=ADMINS),
    Row("tenancy-unit-create-form", "GET", f"{M}/units/new/", allowed=ADMINS),
    Row(
        "tenancy-unit-create", "POST", f"{M}/units/new/", allowed=ADMINS, ok=302,
        data={"building": BUILDING, "number": "M-1", "floor": "9", "area": "50"},
        changed=_count(Unit, number="M-1"),
    ),
    Row("tenancy-unit-edit-form", "GET", f"{M}/units/{{unit}}/", allowed=ADMINS),
    Row(
        "tenancy-unit-edit", "POST", f"{M}/units/{{unit}}/", allowed=ADMINS, ok=302,
        data={"building": BUILDING, "number": "101", "floor": "9", "area": "50"},
        changed=_field(lambda w: w.unit, "floor", "area"),
    ),
    Row("tenancy-asset-list", "GET", f"{M}/assets/", allowed=ADMINS),
    Row("tenancy-asset-create-form", "GET", f"{M}/assets/new/", allowed=ADMINS),
    Row(
        "tenancy-asset-create", "POST", f"{M}/assets/new/", allowed=ADMINS, ok=302,
        data={"property": PROPERTY, "name": "Matrix pump", "kind": "pump"},
        changed=_count(Asset, name="Matrix pump"),
    ),
    Row("tenancy-asset-edit-form", "GET", f"{M}/assets/{{asset}}/", allowed=ADMINS),
    Row(
        "tenancy-asset-edit", "POST", f"{M}/assets/{{asset}}/", allowed=ADMINS, ok=302,
        data={"property": PROPERTY, "name": "Matrix renamed", "kind": "gate", "code": "X"},
        changed=_field(lambda w: Asset.objects.get(pk=w.asset.pk), "name", "kind", "code"),
    ),
    # --- Staff ----------------------------------------------------------------------------------
    Row("tenancy-staff-list", "GET", f"{M}/staff/", allowed=ADMINS),
    Row("tenancy-staff-invite-form", "GET", f"{M}/staff/invite/", allowed=ADMINS),
    Row(
        "tenancy-staff-invite", "POST", f"{M}/staff/invite/", allowed=ADMINS, ok=302,
        data={"full_name": "Matrix Person", "email": "matrix@example.com", "role": "admin"},
        changed=lambda world: (
            User.objects.filter(email="matrix@example.com").count(), Membership.objects.count()
        ),
    ),
    Row("tenancy-staff-edit-form", "GET", f"{M}/staff/{{staff_membership}}/", allowed=ADMINS),
    Row(
        "tenancy-staff-edit", "POST", f"{M}/staff/{{staff_membership}}/", allowed=ADMINS,
        ok=302, data={"role": "admin", "title": "Matrix"},
        changed=_field(_membership_of("staff"), "role", "title", "all_properties"),
    ),
    Row(
        "tenancy-staff-deactivate", "POST", f"{M}/staff/{{staff_membership}}/deactivate/",
        allowed=ADMINS, ok=302, changed=_field(_membership_of("staff"), "is_active"),
    ),
    Row(
        "tenancy-staff-reactivate", "POST", f"{M}/staff/{{staff_membership}}/reactivate/",
        allowed=ADMINS, ok=302, changed=_field(_membership_of("staff"), "is_active"),
    ),
    Row(
        "tenancy-staff-resend", "POST", f"{M}/staff/{{staff_membership}}/invite/",
        allowed=ADMINS, ok=302, changed=_invitations_of("staff"),
    ),
    # --- Residents: every staff member, within the properties they cover --------------------
    Row("tenancy-resident-list", "GET", f"{M}/residents/", allowed=ALL_STAFF),
    Row("tenancy-resident-create-form", "GET", f"{M}/residents/new/", allowed=ALL_STAFF),
    Row(
        # {building} is in {property}: staff_out (another property) must get 404 too.
        "tenancy-resident-create", "POST", f"{M}/residents/new/", allowed=STAFF_ROLES, ok=302,
        data={"full_name": "Matrix Resident", "phone": "13900000042", "building": BUILDING,
              "unit_number": "101", "relation": "renter"},
        changed=_count(Residency, user__phone="+8613900000042"),
    ),
    Row(
        "tenancy-resident-verify", "POST", f"{M}/residents/{{unverified_residency}}/verify/",
        allowed=STAFF_ROLES, ok=302,
        changed=_field(_residency_of("unverified"), "verified_at", "verified_by_id"),
    ),
    Row(
        "tenancy-resident-deactivate", "POST", f"{M}/residents/{{neighbour_residency}}/deactivate/",
        allowed=STAFF_ROLES, ok=302, changed=_field(_residency_of("neighbour"), "is_active"),
    ),
    Row(
        # The far owner lives in other_property: staff_out covers it, staff does not.
        "tenancy-resident-deactivate-far", "POST",
        f"{M}/residents/{{far_owner_residency}}/deactivate/",
        allowed=frozenset({"admin", "manager", "staff_out"}), ok=302,
        changed=_field(_residency_of("far_owner"), "is_active"),
    ),
    Row(
        "tenancy-resident-resend", "POST", f"{M}/residents/{{unverified_residency}}/invite/",
        allowed=STAFF_ROLES, ok=302, changed=_invitations_of("unverified"),
    ),
    # --- Bulk import -------------------------------------------------------------------------
    Row("tenancy-import-form", "GET", f"{M}/import/", allowed=ADMINS),
    Row(
        # Without a file the allowed admin sees the form again; nobody writes anything.
        "tenancy-import", "POST", f"{M}/import/", allowed=ADMINS, data={"kind": "units"},
        changed=lambda world: (Unit.objects.count(), Residency.objects.count()),
    ),
    Row("tenancy-import-template", "GET", f"{M}/import/template-units.csv", allowed=ADMINS),
    # --- Personal data access log ----------------------------------------------------------
    Row("tenancy-access-log", "GET", f"{M}/access-log/?q=owner&kind=phone", allowed=ADMINS),
]
