"""Staff ticket pages (queue, ticket page and its actions, proxy filing) and the managers'
ticket settings. Tickets and settings rows are made per case by ``extra`` (inside the case's
rolled-back transaction): a ticket in {unit} of {property}, so staff_out must get 404."""

from portal.tenancy.access import compute_access
from portal.tenancy.models import PersonalDataAccess
from tickets.models import (
    BusinessCalendar,
    CalendarException,
    CannedResponse,
    Category,
    FaqEntry,
    SlaPolicy,
    Team,
    Ticket,
    TimelineEntry,
)
from tickets.services import categories_ensure_defaults, sla_ensure_defaults, ticket_submit

from .matrix import ALL_STAFF, MANAGERS, STAFF_ROLES, Row

T = "/o/{org}/tickets"
M = "/o/{org}/manage/tickets"


def _category(world, kind: str) -> Category:
    w = world.sunrise
    categories_ensure_defaults(organization=w.org)
    return Category.objects.get(organization=w.org, kind=kind)


def _new_ticket(world, title: str = "Matrix tap drips") -> int:
    w = world.sunrise
    sla_ensure_defaults(organization=w.org)
    ticket = ticket_submit(
        access=compute_access(w.owner, w.org), category=_category(world, "repair"), title=title,
        unit=w.unit,
    )
    return ticket.number


def _tickets(world):
    return list(
        Ticket.objects.filter(organization=world.sunrise.org).order_by("pk").values_list(
            "status", "assignee_id", "team_id", "priority", "category_id", "merged_into_id"
        )
    )


def _count(model):
    return lambda world: model.objects.filter(organization=world.sunrise.org).count()


def _entries(world):
    return TimelineEntry.objects.filter(organization=world.sunrise.org).count()


def _fields(model, *names):
    return lambda world: list(
        model.objects.filter(organization=world.sunrise.org).order_by("pk").values_list(*names)
    )


TICKET = {"ticket": _new_ticket}
TWO_TICKETS = {"ticket": _new_ticket, "ticket2": lambda world: _new_ticket(world, "Again")}
REPAIR = {"repair_category": lambda world: _category(world, "repair").pk}


def _team(world):
    return Team.objects.create(organization=world.sunrise.org, name="Matrix team").pk


def _policy(world):
    return sla_ensure_defaults(organization=world.sunrise.org).pk


def _calendar(world):
    return sla_ensure_defaults(organization=world.sunrise.org).calendar_id


def _faq(world):
    return FaqEntry.objects.create(organization=world.sunrise.org, question="Q?", answer="A").pk


def _canned(world):
    return CannedResponse.objects.create(
        organization=world.sunrise.org, title="Matrix", body="Hello {owner_name}"
    ).pk


def _calendar_with_exception(world):
    pk = _calendar(world)
    CalendarException.objects.create(
        organization=world.sunrise.org, calendar_id=pk, date="2026-05-20", note="Matrix"
    )
    return pk


ROWS = [
    # --- The queue ----------------------------------------------------------------------------
    Row("tickets-staff-queue", "GET", f"{T}/", allowed=ALL_STAFF),
    Row(
        # staff_out reaches the page but cannot see the ticket: "not found", nothing changes
        # (tests/tickets/test_staff_pages.py proves it).
        "tickets-staff-bulk", "POST", f"{T}/bulk/", allowed=ALL_STAFF, ok=302,
        data={"tickets": "{ticket}", "action": "status", "to": "accepted"}, extra=TICKET,
        changed=_tickets,
    ),
    # --- Proxy filing ---------------------------------------------------------------------------
    Row("tickets-staff-file-form", "GET", f"{T}/new/", allowed=ALL_STAFF, data={"q": "101"}),
    Row(
        "tickets-staff-file", "POST", f"{T}/new/", allowed=STAFF_ROLES, ok=302,
        data={"residency": "{owner_residency}", "channel": "phone",
              "category": "{repair_category}", "title": "Matrix by phone",
              "priority": "normal"},
        extra=REPAIR, changed=_count(Ticket),
    ),
    # --- The ticket page and its actions ------------------------------------------------------
    Row("tickets-staff-detail", "GET", f"{T}/{{ticket}}/", allowed=STAFF_ROLES, extra=TICKET),
    Row(
        "tickets-staff-accept", "POST", f"{T}/{{ticket}}/accept/", allowed=STAFF_ROLES, ok=302,
        extra=TICKET, changed=_tickets,
    ),
    Row(
        "tickets-staff-transition", "POST", f"{T}/{{ticket}}/transition/", allowed=STAFF_ROLES,
        ok=302, data={"to": "accepted"}, extra=TICKET, changed=_tickets,
    ),
    Row(
        "tickets-staff-assign", "POST", f"{T}/{{ticket}}/assign/", allowed=STAFF_ROLES, ok=302,
        data={"assignee": "{staff}"}, extra=TICKET, changed=_tickets,
    ),
    Row(
        "tickets-staff-priority", "POST", f"{T}/{{ticket}}/priority/", allowed=STAFF_ROLES,
        ok=302, data={"priority": "urgent"}, extra=TICKET, changed=_tickets,
    ),
    Row(
        "tickets-staff-category", "POST", f"{T}/{{ticket}}/category/", allowed=STAFF_ROLES,
        ok=302, data={"category": "{complaint_category}"},
        extra={**TICKET, "complaint_category": lambda world: _category(world, "complaint").pk},
        changed=_tickets,
    ),
    Row(
        "tickets-staff-comment", "POST", f"{T}/{{ticket}}/comment/", allowed=STAFF_ROLES,
        ok=302, data={"body": "Matrix note", "internal": "on"}, extra=TICKET, changed=_entries,
    ),
    Row(
        "tickets-staff-merge", "POST", f"{T}/{{ticket}}/merge/", allowed=STAFF_ROLES, ok=302,
        data={"into": "{ticket2}"}, extra=TWO_TICKETS, changed=_tickets,
    ),
    Row(
        "tickets-staff-reveal-phone", "POST", f"{T}/{{ticket}}/reveal-phone/",
        allowed=STAFF_ROLES, extra=TICKET, changed=_count(PersonalDataAccess),
    ),
    # --- Managers' settings -------------------------------------------------------------------
    Row("tickets-manage-index", "GET", f"{M}/", allowed=MANAGERS),
    Row("tickets-manage-teams", "GET", f"{M}/teams/", allowed=MANAGERS),
    Row(
        "tickets-manage-team-create", "POST", f"{M}/teams/new/", allowed=MANAGERS, ok=302,
        data={"name": "Matrix new team", "is_active": "on"}, changed=_count(Team),
    ),
    Row(
        "tickets-manage-team-edit", "POST", f"{M}/teams/{{team}}/", allowed=MANAGERS, ok=302,
        data={"name": "Matrix renamed"}, extra={"team": _team},
        changed=_fields(Team, "name", "is_active"),
    ),
    Row("tickets-manage-categories", "GET", f"{M}/categories/", allowed=MANAGERS),
    Row("tickets-manage-category-create-form", "GET", f"{M}/categories/new/", allowed=MANAGERS),
    Row(
        "tickets-manage-category-edit", "POST", f"{M}/categories/{{repair_category}}/",
        allowed=MANAGERS, ok=302, extra=REPAIR,
        data={"name": "Matrix repair", "kind": "repair", "sort_order": "0"},
        changed=_fields(Category, "name", "is_active"),
    ),
    Row("tickets-manage-policies", "GET", f"{M}/policies/", allowed=MANAGERS),
    Row("tickets-manage-policy-create-form", "GET", f"{M}/policies/new/", allowed=MANAGERS),
    Row(
        "tickets-manage-policy-edit-form", "GET", f"{M}/policies/{{policy}}/",
        allowed=MANAGERS, extra={"policy": _policy},
    ),
    Row("tickets-manage-calendars", "GET", f"{M}/calendars/", allowed=MANAGERS),
    Row("tickets-manage-calendar-create-form", "GET", f"{M}/calendars/new/", allowed=MANAGERS),
    Row(
        "tickets-manage-calendar-edit", "POST", f"{M}/calendars/{{calendar}}/",
        allowed=MANAGERS, ok=302, extra={"calendar": _calendar},
        data={"name": "Matrix hours", "time_zone": "Asia/Shanghai", "is_24x7": "on"},
        changed=_fields(BusinessCalendar, "name", "is_24x7"),
    ),
    Row(
        "tickets-manage-calendar-exception-add", "POST",
        f"{M}/calendars/{{calendar}}/exceptions/", allowed=MANAGERS, ok=302,
        extra={"calendar": _calendar}, data={"date": "2026-05-21", "note": "Matrix"},
        changed=_count(CalendarException),
    ),
    Row(
        "tickets-manage-calendar-exception-remove", "POST",
        f"{M}/calendars/{{calendar}}/exceptions/remove/", allowed=MANAGERS, ok=302,
        extra={"calendar": _calendar_with_exception}, data={"date": "2026-05-20"},
        changed=_count(CalendarException),
    ),
    Row("tickets-manage-faq", "GET", f"{M}/faq/", allowed=MANAGERS),
    Row(
        "tickets-manage-faq-create", "POST", f"{M}/faq/new/", allowed=MANAGERS, ok=302,
        data={"question": "Matrix?", "answer": "Yes.", "sort_order": "0"},
        changed=_count(FaqEntry),
    ),
    Row(
        "tickets-manage-faq-edit-form", "GET", f"{M}/faq/{{faq}}/", allowed=MANAGERS,
        extra={"faq": _faq},
    ),
    Row(
        "tickets-manage-faq-delete", "POST", f"{M}/faq/{{faq}}/delete/", allowed=MANAGERS,
        ok=302, extra={"faq": _faq}, changed=_count(FaqEntry),
    ),
    Row("tickets-manage-canned", "GET", f"{M}/canned/", allowed=MANAGERS),
    Row(
        "tickets-manage-canned-create", "POST", f"{M}/canned/new/", allowed=MANAGERS, ok=302,
        data={"title": "Matrix reply", "body": "Dear {owner_name}"},
        changed=_count(CannedResponse),
    ),
    Row(
        "tickets-manage-canned-edit-form", "GET", f"{M}/canned/{{canned}}/", allowed=MANAGERS,
        extra={"canned": _canned},
    ),
    Row(
        "tickets-manage-canned-delete", "POST", f"{M}/canned/{{canned}}/delete/",
        allowed=MANAGERS, ok=302, extra={"canned": _canned}, changed=_count(CannedResponse),
    ),
    Row(
        "tickets-manage-policy-create", "POST", f"{M}/policies/new/", allowed=MANAGERS,
        ok=302, extra={"calendar": _calendar}, changed=_count(SlaPolicy),
        data={"name": "Matrix policy", "calendar": "{calendar}", "is_active": "on",
              "ladder_1_percent": "100", "ladder_1_notify": "manager",
              **{f"{timer}_{priority}_minutes": "60"
                 for timer in ("first_response", "resolution")
                 for priority in ("urgent", "high", "normal", "low")}},
    ),
]
