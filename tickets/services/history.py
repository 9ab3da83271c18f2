"""Helpers every ticket service uses: lock the row, append to the timeline."""

import datetime as dt

from django.db import connection

from ..models import Ticket, TimelineEntry


def lock(ticket: Ticket) -> Ticket:
    """A fresh copy of ``ticket``, locked until the transaction ends.

    Every write to a ticket starts here, so two staff acting on one ticket take turns and the
    second sees what the first did (two accepts: the second is refused).
    """
    tickets = Ticket.objects.select_related("organization", "policy__calendar", "category")
    if connection.features.has_select_for_update:
        # OF: lock only the ticket, not the policy or calendar rows it reads.
        tickets = tickets.select_for_update(of=("self",))
    return tickets.get(pk=ticket.pk, organization_id=ticket.organization_id)


def record(
    ticket: Ticket, kind: str, *, actor_id: int | None, at: dt.datetime, body: str = "",
    is_public: bool = True, from_status: str = "", to_status: str = "",
    data: dict | None = None,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        organization_id=ticket.organization_id, ticket=ticket, kind=kind, actor_id=actor_id,
        body=body, is_public=is_public, from_status=from_status, to_status=to_status,
        data=data or {}, created_at=at,
    )
