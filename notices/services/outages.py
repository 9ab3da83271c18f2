"""Outages: staff link the tickets owners sent about the same water or power cut to its notice
and answer them all at once, each through the tickets app's own reply (first response, SLA,
notifications as usual)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.tenancy.access import Access
from tickets.selectors import ticket_list_for
from tickets.services import ticket_comment

from ..models import Notice, OutageTicketLink
from .errors import NoticeError
from .rules import actor_id, require_staff


@transaction.atomic
def outage_link_tickets(*, access: Access, notice: Notice, numbers: list[int]) -> int:
    """Link the tickets with these numbers (all visible to the caller, or none is linked)."""
    require_staff(access)
    tickets = list(ticket_list_for(access=access).filter(number__in=numbers))
    missing = set(numbers) - {t.number for t in tickets}
    if missing:
        raise NoticeError({"numbers": _("No ticket %(numbers)s within your reach.") % {
            "numbers": ", ".join(f"#{n}" for n in sorted(missing))}})
    links = [OutageTicketLink(organization_id=notice.organization_id, notice=notice,
                              ticket=ticket, linked_by_id=actor_id(access))
             for ticket in tickets]
    before = OutageTicketLink.objects.filter(notice=notice).count()
    OutageTicketLink.objects.bulk_create(links, ignore_conflicts=True)
    return OutageTicketLink.objects.filter(notice=notice).count() - before


def outage_answer_all(*, access: Access, notice: Notice, body: str) -> int:
    """Post ``body`` as a public reply on every linked ticket the caller can reach that is
    still open, in one transaction; finished tickets are skipped. Returns how many."""
    require_staff(access)
    if not body.strip():
        raise NoticeError({"body": _("Write the answer.")})
    answered = 0
    with transaction.atomic():
        ticket_ids = OutageTicketLink.objects.filter(notice=notice).values("ticket_id")
        for ticket in ticket_list_for(access=access).filter(pk__in=ticket_ids).order_by("pk"):
            try:
                with transaction.atomic():
                    ticket_comment(access=access, ticket=ticket, body=body)
                answered += 1
            except ValidationError:
                continue  # finished meanwhile: nothing to answer
    return answered
