"""Merging a duplicate into the ticket that carries the work."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.tenancy.access import Access

from ..models import OPEN_STATUSES, Status, Ticket, TimelineEntry
from ..notify import handlers_of, owners_of, ticket_event
from .errors import TicketError
from .history import lock, record
from .rules import actor_id, require_handler
from .timers import apply_sla, calendar_of, fired_levels


@transaction.atomic
def ticket_merge(*, access: Access, ticket: Ticket, into: Ticket) -> Ticket:
    """Close ``ticket`` as a duplicate of ``into``; both timelines record it and the
    duplicate's owner is told where the work goes on. Returns the closed duplicate."""
    if ticket.pk == into.pk:
        raise TicketError({"into": _("A ticket cannot be merged into itself.")}, code="into")
    # Both rows locked, always in the same order, so two opposite merges cannot deadlock.
    first, second = sorted((ticket, into), key=lambda t: t.pk)
    locked = {t.pk: t for t in (lock(first), lock(second))}
    ticket, into = locked[ticket.pk], locked[into.pk]
    require_handler(access, ticket)
    require_handler(access, into)
    if ticket.status not in OPEN_STATUSES:
        raise TicketError(
            _("Only an open ticket can be merged; this one is “%(status)s”.")
            % {"status": Status(ticket.status).label},
            code="finished",
        )
    if into.merged_into_id is not None or into.status in (Status.CANCELLED, Status.CLOSED):
        raise TicketError(
            {"into": _("Ticket #%(number)s is finished; choose the ticket that carries on.")
             % {"number": into.number}},
            code="into",
        )
    now, me = timezone.now(), actor_id(access)
    before = ticket.status
    ticket.status, ticket.closed_at, ticket.merged_into = Status.CLOSED, now, into
    ticket.paused_at = None
    apply_sla(ticket, calendar_of(ticket), fired_levels(ticket), now)
    ticket.save()
    entry = record(
        ticket, TimelineEntry.Kind.MERGE, actor_id=me, at=now, from_status=before,
        to_status=Status.CLOSED, data={"into": into.number},
    )
    # Internal on the surviving ticket: the duplicate may be another household's request.
    target_entry = record(
        into, TimelineEntry.Kind.MERGE, actor_id=me, at=now, is_public=False,
        data={"from": ticket.number},
    )
    ticket_event(
        ticket=ticket, kind=TimelineEntry.Kind.MERGE, actor_id=me,
        recipients=owners_of(ticket) | handlers_of(ticket), entry=entry,
    )
    ticket_event(
        ticket=into, kind=TimelineEntry.Kind.MERGE, actor_id=me, recipients=handlers_of(into),
        entry=target_entry,
    )
    return ticket
