"""The "someone else is on this ticket" hint: polled by the staff ticket page (and re-fetched
when a colleague arrives), with the same access as the page itself."""

from django.shortcuts import render
from django.views.decorators.http import require_POST

from communications.presence import presence_touch
from portal.tenancy.decorators import org_view

from .detail import _ticket


@org_view("staff")
@require_POST
def ticket_presence(request, number):
    """POST: it records the caller's presence. ``body`` is the reply being written; only
    whether it is empty is used (and not kept)."""
    ticket = _ticket(request, number)
    others = presence_touch(
        organization=request.organization, property_id=ticket.property_id,
        ticket_number=ticket.number, user=request.user,
        replying=bool(request.POST.get("body", "").strip()),
    )
    return render(
        request, "communications/_ticket_presence.html", {"ticket": ticket, "others": others}
    )
