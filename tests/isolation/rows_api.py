"""The API under /api/v1/orgs/{org}/ built on portal.api.base (properties, units)."""

from .matrix import ALL_STAFF, STAFF_ROLES, Row

# Staff whose scope includes {other_property}: all-properties people and staff_out.
OTHER_PROPERTY_STAFF = frozenset({"admin", "manager", "staff_out"})

API = "/api/v1/orgs/{org}"

ROWS = [
    Row("api-property-list", "GET", f"{API}/properties/", allowed=ALL_STAFF, api=True),
    Row(
        "api-property-detail", "GET", f"{API}/properties/{{property}}/",
        allowed=STAFF_ROLES, api=True,
    ),
    Row(
        "api-property-detail-other", "GET", f"{API}/properties/{{other_property}}/",
        allowed=OTHER_PROPERTY_STAFF, api=True,
    ),
    Row(
        "api-property-units", "GET", f"{API}/properties/{{property}}/units/",
        allowed=STAFF_ROLES, api=True,
    ),
    Row(
        "api-property-units-other", "GET", f"{API}/properties/{{other_property}}/units/",
        allowed=OTHER_PROPERTY_STAFF, api=True,
    ),
]
