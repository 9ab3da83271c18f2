"""The lifecycle: accept, status transitions, replies and internal notes (DESIGN §5)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.tenancy.access import Access

from ..models import Status, Ticket, TimelineEntry
from ..notify import handlers_of, owners_of, ticket_event
from ..sla import WorkCalendar
from .errors import TicketConflict, TicketError
from .history import lock, record
from .rules import STAFF, actor_id, check_transition, require_handler, require_roles
from .timers import (
    apply_sla,
    calendar_of,
    fired_levels,
    record_first_response,
    record_resolution,
    stop_resolution_clock,
)


def move(
    ticket: Ticket, to: str, *, actor_id: int | None, now: dt.datetime,
    calendar: WorkCalendar | None, reason: str = "",
) -> TimelineEntry:
    """Apply a checked transition to a locked ticket: timers, timestamps, timeline."""
    before = ticket.status
    if before == Status.WAITING_ON_OWNER and ticket.paused_at is not None:
        stop_resolution_clock(ticket, calendar, ticket.paused_at, now)
        ticket.paused_at = None
    if before == Status.RESOLVED and to == Status.IN_PROGRESS:
        stop_resolution_clock(ticket, calendar, ticket.resolved_at, now)
        ticket.resolved_at = None
        ticket.reopen_count += 1
    if to == Status.ACCEPTED:
        ticket.accepted_at = now
        record_first_response(ticket, now)
        if ticket.assignee_id is None:
            ticket.assignee_id = actor_id
    elif to == Status.WAITING_ON_OWNER:
        ticket.paused_at = now
        ticket.owner_reminded_at = None
    elif to == Status.RESOLVED:
        record_resolution(ticket, calendar, now)
    elif to == Status.CLOSED:
        ticket.closed_at = now
    elif to == Status.CANCELLED:
        ticket.cancelled_at = now
    ticket.status = to
    apply_sla(ticket, calendar, fired_levels(ticket), now)
    ticket.save()
    return record(
        ticket, TimelineEntry.Kind.STATUS, actor_id=actor_id, at=now, body=reason.strip(),
        from_status=before, to_status=to,
    )


def _tell_everyone(ticket: Ticket, kind: str, actor: int | None, entry: TimelineEntry) -> None:
    ticket_event(
        ticket=ticket, kind=kind, actor_id=actor,
        recipients=owners_of(ticket) | handlers_of(ticket), entry=entry,
    )


def _refuse_second_accept(ticket: Ticket) -> None:
    accepted = (
        TimelineEntry.objects.filter(
            organization_id=ticket.organization_id, ticket=ticket, to_status=Status.ACCEPTED
        ).select_related("actor").last()
    )
    if accepted is not None and accepted.actor is not None:
        raise TicketConflict(
            _("Ticket #%(number)s has already been accepted by %(name)s.")
            % {"number": ticket.number, "name": accepted.actor.full_name},
            code="already_accepted",
        )
    raise TicketConflict(
        _("Ticket #%(number)s can no longer be accepted: it is “%(status)s”.")
        % {"number": ticket.number, "status": Status(ticket.status).label},
        code="already_accepted",
    )


def _accept(access: Access, ticket: Ticket, now: dt.datetime) -> Ticket:
    require_handler(access, ticket)
    if ticket.status != Status.NEW:
        _refuse_second_accept(ticket)
    me = actor_id(access)
    entry = move(ticket, Status.ACCEPTED, actor_id=me, now=now, calendar=calendar_of(ticket))
    _tell_everyone(ticket, TimelineEntry.Kind.STATUS, me, entry)
    return ticket


@transaction.atomic
def ticket_accept(*, access: Access, ticket: Ticket) -> Ticket:
    """受理: staff take a new ticket on; this is the first response the owner sees.

    Of two staff accepting at once, the first takes the row lock and wins; the second then
    finds the ticket accepted and gets a TicketConflict naming who took it.
    """
    return _accept(access, lock(ticket), timezone.now())


@transaction.atomic
def ticket_transition(*, access: Access, ticket: Ticket, to: str, reason: str = "") -> Ticket:
    """Move the ticket along the lifecycle; refused unless the table in rules allows it."""
    ticket = lock(ticket)
    now = timezone.now()
    if to == Status.ACCEPTED:
        return _accept(access, ticket, now)
    who = require_roles(access, ticket)
    check_transition(ticket, to, who, now)
    if to == Status.WAITING_ON_OWNER and not reason.strip():
        raise TicketError(
            {"reason": _("Tell the owner what you are waiting for.")}, code="reason"
        )
    me = actor_id(access)
    entry = move(ticket, to, actor_id=me, now=now, calendar=calendar_of(ticket), reason=reason)
    _tell_everyone(ticket, TimelineEntry.Kind.STATUS, me, entry)
    return ticket


@transaction.atomic
def ticket_comment(
    *, access: Access, ticket: Ticket, body: str, internal: bool = False
) -> TimelineEntry:
    """A public reply (by staff: a first response) or an internal note (staff only, never
    shown to owners, no first response). An owner's reply to a ticket waiting on them puts it
    back in progress and restarts its resolution timer."""
    ticket = lock(ticket)
    who = require_roles(access, ticket)
    body = body.strip()
    if not body:
        raise TicketError({"body": _("Write a message.")}, code="body")
    as_staff = STAFF in who
    if internal and not as_staff:
        raise TicketError(_("Only staff can add internal notes."), code="staff_only")
    if not internal and not ticket.is_open and ticket.status != Status.RESOLVED:
        raise TicketError(
            _("This ticket is finished; please submit a new request."), code="finished"
        )
    me = actor_id(access)
    now = timezone.now()
    kind = TimelineEntry.Kind.INTERNAL_NOTE if internal else TimelineEntry.Kind.COMMENT
    entry = record(ticket, kind, actor_id=me, at=now, body=body, is_public=not internal)
    if internal:
        ticket_event(
            ticket=ticket, kind=kind, actor_id=me, recipients=handlers_of(ticket), entry=entry
        )
        return entry
    if as_staff and record_first_response(ticket, now):
        apply_sla(ticket, calendar_of(ticket), fired_levels(ticket), now)
        ticket.save()
    elif not as_staff and ticket.status == Status.WAITING_ON_OWNER:
        move(ticket, Status.IN_PROGRESS, actor_id=me, now=now, calendar=calendar_of(ticket))
    _tell_everyone(ticket, kind, me, entry)
    return entry
