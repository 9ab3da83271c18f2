"""Ready answers: canned responses for staff (with placeholders filled from the ticket) and the
FAQ owners see while they type. Managers keep both."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.tenancy.access import Access

from ..models import CannedResponse, Category, FaqEntry, Ticket

PLACEHOLDERS = ("owner_name", "ticket_number", "unit", "staff_name")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def canned_values(*, ticket: Ticket, staff) -> dict[str, str]:
    """What each placeholder stands for on this ticket (select_related the unit and owner)."""
    unit = ticket.unit
    return {
        "owner_name": ticket.requester.full_name or str(ticket.requester),
        "ticket_number": str(ticket.number),
        "unit": f"{unit.building.name}-{unit.number}" if unit is not None else "",
        "staff_name": staff.full_name or str(staff),
    }


def canned_fill(*, body: str, values: dict[str, str]) -> str:
    """The body with every known placeholder replaced. Unknown braces stay as written: a
    manager's typo shows in the reply box instead of failing (str.format would raise)."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), body)


def _require_manager(access: Access) -> None:
    if not access.is_manager:
        raise PermissionDenied


def _check_category(access: Access, category: Category | None) -> None:
    if category is not None and category.organization_id != access.organization.pk:
        raise ValidationError({"category": _("Select a valid choice.")})


@transaction.atomic
def canned_response_save(
    *, access: Access, canned: CannedResponse | None = None, title: str, body: str,
    category: Category | None = None, is_active: bool = True,
) -> CannedResponse:
    _require_manager(access)
    _check_category(access, category)
    canned = canned or CannedResponse(organization=access.organization)
    if canned.organization_id != access.organization.pk:
        raise PermissionDenied
    unknown = sorted(set(_PLACEHOLDER.findall(body)) - set(PLACEHOLDERS))
    if unknown:
        raise ValidationError({"body": _(
            "Unknown placeholder {%(name)s}. Use {owner_name}, {ticket_number}, {unit} or "
            "{staff_name}."
        ) % {"name": unknown[0]}})
    canned.title, canned.body = title.strip(), body.strip()
    canned.category, canned.is_active = category, is_active
    canned.full_clean()
    canned.save()
    return canned


@transaction.atomic
def canned_response_delete(*, access: Access, canned: CannedResponse) -> None:
    _require_manager(access)
    if canned.organization_id != access.organization.pk:
        raise PermissionDenied
    canned.delete()


@transaction.atomic
def faq_entry_save(
    *, access: Access, entry: FaqEntry | None = None, question: str, answer: str,
    keywords: str = "", category: Category | None = None, is_published: bool = True,
    sort_order: int = 0,
) -> FaqEntry:
    _require_manager(access)
    _check_category(access, category)
    entry = entry or FaqEntry(organization=access.organization)
    if entry.organization_id != access.organization.pk:
        raise PermissionDenied
    entry.question, entry.answer, entry.keywords = question.strip(), answer.strip(), keywords
    entry.category, entry.is_published, entry.sort_order = category, is_published, sort_order
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def faq_entry_delete(*, access: Access, entry: FaqEntry) -> None:
    _require_manager(access)
    if entry.organization_id != access.organization.pk:
        raise PermissionDenied
    entry.delete()
