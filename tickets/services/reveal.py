"""Owners' phone numbers: masked on staff pages, revealed one at a time and logged (PIPL)."""

from django.db import transaction
from django.utils.translation import gettext as _

from portal.tenancy.access import Access
from portal.tenancy.models import PersonalDataAccess

from ..models import Ticket
from .errors import TicketError
from .rules import actor_id, require_handler


def phone_masked(phone: str | None) -> str:
    """138****8000: enough to recognise a caller, not enough to dial."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:-8]}****{phone[-4:]}"


@transaction.atomic
def owner_phone_reveal(*, access: Access, ticket: Ticket) -> str:
    """The requester's phone number for a staff member handling the ticket; every reveal
    leaves a PersonalDataAccess row saying who saw whose number, and where."""
    require_handler(access, ticket)
    phone = ticket.requester.phone
    if not phone:
        raise TicketError(_("The owner has not given a phone number."), code="no_phone")
    PersonalDataAccess.objects.create(
        organization_id=ticket.organization_id, staff_id=actor_id(access),
        subject_id=ticket.requester_id, kind=PersonalDataAccess.Kind.PHONE,
        context=f"ticket #{ticket.number}",
    )
    return phone
