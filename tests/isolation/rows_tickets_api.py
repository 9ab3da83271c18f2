"""The tickets API under /api/v1/orgs/{org}/ (tickets.api).

Each row's ticket is filed by the sunrise owner for ``{unit}`` (in ``{property}``, the staff
member's scope) inside the row's own transaction, and taken along its lifecycle as far as the
row needs. Where the caller can see the ticket but the lifecycle refuses the action for their
side (an owner accepting, staff rating), the answer is a 400 with the reason, so those rows
accept 400 from allowed roles; everyone else gets 404 and changes nothing.
"""

from django.db.models import Count

from portal.tenancy.access import compute_access
from tickets.models import Category, Status, Ticket, TimelineEntry
from tickets.services import (
    categories_ensure_defaults,
    sla_ensure_defaults,
    ticket_accept,
    ticket_submit,
    ticket_transition,
)

from .matrix import ALL_MEMBERS, ALL_STAFF, RESIDENTS_OF_UNIT, STAFF_ROLES, Row

API = "/api/v1/orgs/{org}"
TICKET = API + "/tickets/{number}/"
SEE_TICKET = STAFF_ROLES | RESIDENTS_OF_UNIT

PATHS_TO = {
    Status.NEW: [],
    Status.ACCEPTED: [],
    Status.IN_PROGRESS: [Status.IN_PROGRESS],
    Status.RESOLVED: [Status.IN_PROGRESS, Status.RESOLVED],
}


def _repair(world) -> Category:
    org = world.sunrise.org
    categories_ensure_defaults(organization=org)
    sla_ensure_defaults(organization=org)
    return Category.objects.get(organization=org, kind=Category.Kind.REPAIR)


def _ticket(status: str = Status.NEW):
    def number(world) -> int:
        s = world.sunrise
        ticket = ticket_submit(
            access=compute_access(s.owner, s.org), category=_repair(world), unit=s.unit,
            title="Matrix ticket", description="The kitchen tap drips.",
        )
        staff = compute_access(s.staff, s.org)
        if status != Status.NEW:
            ticket = ticket_accept(access=staff, ticket=ticket)
        for step in PATHS_TO[status]:
            ticket = ticket_transition(access=staff, ticket=ticket, to=step)
        return ticket.number

    return number


def _repair_pk(world) -> int:
    return _repair(world).pk


def _tickets(world):
    return sorted(
        Ticket.objects.filter(organization=world.sunrise.org).values_list(
            "number", "status", "priority", "category_id", "assignee_id", "team_id", "rating",
        )
    )


def _timeline(world):
    return dict(
        TimelineEntry.objects.filter(organization=world.sunrise.org)
        .values_list("kind").annotate(n=Count("pk"))
    )


def _state(world):
    return _tickets(world), _timeline(world)


NEW_TICKET = {"number": _ticket()}

ROWS = [
    Row("api-tickets-list", "GET", f"{API}/tickets/", allowed=ALL_MEMBERS, api=True,
        extra=NEW_TICKET),
    Row(
        # Owners of the unit file it; other members are refused by field (a unit that is not
        # theirs, staff without an owner named): 400.
        "api-tickets-create", "POST", f"{API}/tickets/", allowed=ALL_MEMBERS, api=True,
        ok=(201, 400), data={"category": "{repair}", "unit": "{unit}", "title": "From the app"},
        extra={"repair": _repair_pk}, changed=_state,
    ),
    Row(
        # Staff covering the unit file for its owner; others are refused by field.
        "api-tickets-create-for-owner", "POST", f"{API}/tickets/", allowed=ALL_MEMBERS,
        api=True, ok=(201, 400),
        data={"category": "{repair}", "unit": "{unit}", "title": "Phoned in",
              "requester": "{owner}", "channel": "phone"},
        extra={"repair": _repair_pk}, changed=_state,
    ),
    Row("api-ticket-detail", "GET", TICKET, allowed=SEE_TICKET, api=True, extra=NEW_TICKET),
    Row(
        "api-ticket-patch", "PATCH", TICKET, allowed=STAFF_ROLES, api=True,
        data={"priority": "high", "assignee": "{staff}"}, extra=NEW_TICKET, changed=_state,
    ),
    Row("api-ticket-comments", "GET", TICKET + "comments/", allowed=SEE_TICKET, api=True,
        extra=NEW_TICKET),
    Row(
        "api-ticket-comment-create", "POST", TICKET + "comments/", allowed=SEE_TICKET,
        api=True, ok=201, data={"body": "Any news?"}, extra=NEW_TICKET, changed=_state,
    ),
    Row("api-ticket-attachments", "GET", TICKET + "attachments/", allowed=SEE_TICKET,
        api=True, extra=NEW_TICKET),
    Row(
        # Uploads are multipart and the matrix sends JSON: past the 404 wall the answer is
        # 415 (tests/tickets/test_api.py uploads real photos).
        "api-ticket-attachment-upload", "POST", TICKET + "attachments/", allowed=SEE_TICKET,
        api=True, ok=415, data={"photos": []}, extra=NEW_TICKET, changed=_state,
    ),
    Row(
        # Staff accept; the owners see the ticket but may not accept it: 400.
        "api-ticket-transition-accept", "POST", TICKET + "transition/", allowed=SEE_TICKET,
        api=True, ok=(200, 400), data={"to": "accepted"}, extra=NEW_TICKET, changed=_state,
    ),
    Row(
        # Owners cancel before work starts; staff may not: 400.
        "api-ticket-transition-cancel", "POST", TICKET + "transition/", allowed=SEE_TICKET,
        api=True, ok=(200, 400), data={"to": "cancelled", "reason": "Fixed it myself"},
        extra={"number": _ticket(Status.ACCEPTED)}, changed=_state,
    ),
    Row(
        "api-ticket-assign", "POST", TICKET + "assign/", allowed=STAFF_ROLES, api=True,
        data={"assignee": "{staff}"}, extra=NEW_TICKET, changed=_state,
    ),
    Row(
        # The owners rate a resolved ticket; staff see it but may not rate it: 400.
        "api-ticket-rate", "POST", TICKET + "rate/", allowed=SEE_TICKET, api=True,
        ok=(200, 400), data={"rating": 5, "comment": "Quick"},
        extra={"number": _ticket(Status.RESOLVED)}, changed=_state,
    ),
    Row("api-ticket-categories", "GET", f"{API}/categories/", allowed=ALL_MEMBERS, api=True,
        extra={"repair": _repair_pk}),
    Row("api-ticket-faq", "GET", f"{API}/faq/", allowed=ALL_MEMBERS, api=True,
        data={"q": "停水"}),
    Row("api-ticket-canned-responses", "GET", f"{API}/canned-responses/", allowed=ALL_STAFF,
        api=True),
    Row("api-ticket-teams", "GET", f"{API}/teams/", allowed=ALL_STAFF, api=True),
]
