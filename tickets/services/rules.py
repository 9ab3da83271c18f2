"""Who may do what to a ticket, and the lifecycle's allowed transitions (DESIGN §5)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.tenancy.access import Access

from ..models import Status, Ticket
from .errors import TicketError

STAFF, OWNER, SYSTEM = "staff", "owner", "system"

# (from, to) → who may make the change. Anything else is refused.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (Status.NEW, Status.ACCEPTED): frozenset({STAFF}),
    (Status.NEW, Status.CANCELLED): frozenset({OWNER}),
    (Status.ACCEPTED, Status.IN_PROGRESS): frozenset({STAFF}),
    (Status.ACCEPTED, Status.CANCELLED): frozenset({OWNER}),
    (Status.IN_PROGRESS, Status.WAITING_ON_OWNER): frozenset({STAFF}),
    (Status.IN_PROGRESS, Status.RESOLVED): frozenset({STAFF}),
    # The owner resumes a waiting ticket by replying (ticket_comment), staff by this.
    (Status.WAITING_ON_OWNER, Status.IN_PROGRESS): frozenset({STAFF}),
    (Status.WAITING_ON_OWNER, Status.RESOLVED): frozenset({STAFF}),
    (Status.RESOLVED, Status.CLOSED): frozenset({OWNER, STAFF, SYSTEM}),
    # A reopen, within the reopen window; staff reopen for owners who phone in.
    (Status.RESOLVED, Status.IN_PROGRESS): frozenset({OWNER, STAFF}),
}


def reopen_window() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "TICKETS_REOPEN_WINDOW_DAYS", 7))


def auto_close_after() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "TICKETS_AUTO_CLOSE_DAYS", 7))


def owner_reminder_after() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "TICKETS_OWNER_REMINDER_HOURS", 24))


def actor_id(access: Access) -> int:
    """The signed-in person behind ``access`` (a staff member, a resident, or both)."""
    if access.membership is not None:
        return access.membership.user_id
    if access.residencies:
        return access.residencies[0].user_id
    raise PermissionDenied


def is_handler(access: Access, ticket: Ticket) -> bool:
    return access.is_staff and access.covers_property(ticket.property_id)


def is_owner_side(access: Access, ticket: Ticket) -> bool:
    """The requester, or anyone verified in the ticket's unit (household members)."""
    if ticket.unit_id is not None and ticket.unit_id in access.unit_ids:
        return True
    try:
        return actor_id(access) == ticket.requester_id
    except PermissionDenied:
        return False


def roles(access: Access, ticket: Ticket) -> frozenset[str]:
    if access.organization.pk != ticket.organization_id:
        return frozenset()
    found = set()
    if is_handler(access, ticket):
        found.add(STAFF)
    if is_owner_side(access, ticket):
        found.add(OWNER)
    return frozenset(found)


def require_roles(access: Access, ticket: Ticket) -> frozenset[str]:
    """The caller's roles on the ticket; PermissionDenied when it is beyond their reach."""
    found = roles(access, ticket)
    if not found:
        raise PermissionDenied
    return found


def require_handler(access: Access, ticket: Ticket) -> None:
    if STAFF not in require_roles(access, ticket):
        raise TicketError(_("Only staff can do this."), code="staff_only")


def check_transition(ticket: Ticket, to: str, who: frozenset[str], now: dt.datetime) -> None:
    """Raise TicketError unless ``who`` may move ``ticket`` to ``to`` now."""
    if to not in Status.values:
        raise TicketError({"to": _("Unknown status.")}, code="invalid_status")
    allowed = TRANSITIONS.get((ticket.status, to))
    if allowed is None:
        raise TicketError(
            _("A ticket that is “%(current)s” cannot become “%(target)s”.")
            % {"current": Status(ticket.status).label, "target": Status(to).label},
            code="invalid_transition",
        )
    if not allowed & who:
        if allowed == {OWNER}:
            message = _("Only the owner can do this.")
        elif OWNER not in allowed:
            message = _("Only staff can do this.")
        else:
            message = _("You cannot do this.")
        raise TicketError(message, code="not_allowed")
    if (ticket.status, to) == (Status.RESOLVED, Status.IN_PROGRESS):
        if ticket.resolved_at is not None and now > ticket.resolved_at + reopen_window():
            days = reopen_window().days
            raise TicketError(
                ngettext(
                    "This ticket was resolved more than %(days)d day ago and cannot be "
                    "reopened; please submit a new request.",
                    "This ticket was resolved more than %(days)d days ago and cannot be "
                    "reopened; please submit a new request.",
                    days,
                )
                % {"days": days},
                code="reopen_window",
            )
