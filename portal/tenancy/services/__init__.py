"""Every write of the tenancy app, one function per use case (DESIGN §3).

Functions raise ``django.core.exceptions.ValidationError`` keyed by form field names when an
invariant does not hold, so that a view can show the message beside the field.
"""

from .imports import ImportSummary, import_upload
from .people import (
    invitation_resend,
    membership_deactivate,
    membership_reactivate,
    membership_update,
    residency_deactivate,
    residency_verify,
    resident_add,
    staff_invite,
)
from .structure import (
    asset_create,
    asset_update,
    building_create,
    building_update,
    property_create,
    property_update,
    unit_create,
    unit_update,
)

__all__ = [
    "ImportSummary",
    "asset_create",
    "asset_update",
    "building_create",
    "building_update",
    "import_upload",
    "invitation_resend",
    "membership_deactivate",
    "membership_reactivate",
    "membership_update",
    "property_create",
    "property_update",
    "resident_add",
    "residency_deactivate",
    "residency_verify",
    "staff_invite",
    "unit_create",
    "unit_update",
]
