"""Bulk actions of the staff queue: each ticket goes through its single-ticket service, in its
own transaction, so one refusal (a finished ticket, a lost race) does not undo the others."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from portal.tenancy.access import Access

from ..models import Team, Ticket
from .changes import ticket_assign
from .workflow import ticket_transition


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)  # ticket numbers
    failed: list[tuple[int, str]] = field(default_factory=list)  # (number, why)


def _each(tickets: Iterable[Ticket], action) -> BulkResult:
    result = BulkResult()
    for ticket in tickets:
        try:
            action(ticket)
        except ValidationError as error:
            result.failed.append((ticket.number, " ".join(error.messages)))
        except PermissionDenied:
            result.failed.append((ticket.number, _("You cannot change this ticket.")))
        else:
            result.done.append(ticket.number)
    return result


def tickets_bulk_assign(
    *, access: Access, tickets: Iterable[Ticket], assignee=None, team: Team | None = None
) -> BulkResult:
    return _each(
        tickets, lambda ticket: ticket_assign(
            access=access, ticket=ticket, assignee=assignee, team=team
        ),
    )


def tickets_bulk_transition(
    *, access: Access, tickets: Iterable[Ticket], to: str, reason: str = ""
) -> BulkResult:
    return _each(
        tickets, lambda ticket: ticket_transition(
            access=access, ticket=ticket, to=to, reason=reason
        ),
    )
