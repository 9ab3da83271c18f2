"""The periodic jobs: SLA escalation, owner reminders and auto-close."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets.models import SlaEscalation, Status, Team, Ticket, TimelineEntry
from tickets.services import (
    auto_close_resolved,
    remind_waiting_owners,
    sla_process_due,
    ticket_accept,
    ticket_assign,
    ticket_comment,
    ticket_transition,
)

from .conftest import at


def _escalations(ticket):
    return sorted(
        SlaEscalation.objects.filter(ticket=ticket).values_list("timer", "percent", "reached_at")
    )


def test_each_level_fires_once_and_a_breach_is_recorded_when_it_happens(desk, clock):
    ticket = desk.submit()  # Tuesday 10:00: first response due 14:00, resolution Friday 10:00
    clock.move_to(at(2026, 3, 10, 13) + dt.timedelta(seconds=30), tick=False)
    run = sla_process_due()
    assert (run.tickets, run.fired, run.breaches) == (1, 1, 0)
    assert _escalations(ticket) == [("first_response", 75, at(2026, 3, 10, 13))]
    assert desk.reload(ticket).next_sla_check_at == at(2026, 3, 10, 14)

    again = sla_process_due()
    assert (again.tickets, again.fired) == (0, 0)
    assert SlaEscalation.objects.count() == 1

    clock.move_to(at(2026, 3, 10, 14, 5), tick=False)
    assert sla_process_due().breaches == 1
    ticket = desk.reload(ticket)
    assert ticket.first_response_breached_at == at(2026, 3, 10, 14)
    assert ticket.next_sla_check_at == at(2026, 3, 10, 16)

    clock.move_to(at(2026, 3, 10, 16, 30), tick=False)
    sla_process_due()
    ticket = ticket_accept(access=desk.access(desk.w.staff), ticket=ticket)
    # The first-response timer stopped: the resolution timer's 75 % (Thursday 12:15) is next.
    assert ticket.next_sla_check_at == at(2026, 3, 12, 12, 15)

    clock.move_to(at(2026, 3, 16, 15), tick=False)  # long after every resolution level
    run = sla_process_due()
    assert (run.fired, run.breaches) == (3, 1)
    ticket = desk.reload(ticket)
    assert ticket.resolution_breached_at == at(2026, 3, 13, 10)
    assert ticket.next_sla_check_at is None
    assert [(timer, percent) for timer, percent, _ in _escalations(ticket)] == [
        ("first_response", 75), ("first_response", 100), ("first_response", 150),
        ("resolution", 75), ("resolution", 100), ("resolution", 150),
    ]
    assert sla_process_due().fired == 0
    # One entry per run that fired something: the three first-response runs, then the run
    # that caught up over all three resolution levels, which lists them in the order reached.
    entries = TimelineEntry.objects.filter(ticket=ticket, kind="escalation").order_by("pk")
    assert entries.count() == 4 and not entries.filter(is_public=True).exists()
    assert entries.first().data == {"levels": [{
        "timer": "first_response", "percent": 75, "notify": "assignee",
        "reached_at": at(2026, 3, 10, 13).astimezone(dt.UTC).isoformat(),
    }]}
    assert [(level["timer"], level["percent"], level["notify"], level["reached_at"])
            for level in entries.last().data["levels"]] == [
        ("resolution", 75, "assignee", at(2026, 3, 12, 12, 15).astimezone(dt.UTC).isoformat()),
        ("resolution", 100, "team_lead", at(2026, 3, 13, 10).astimezone(dt.UTC).isoformat()),
        ("resolution", 150, "manager", at(2026, 3, 16, 14, 30).astimezone(dt.UTC).isoformat()),
    ]


def test_a_paused_ticket_does_not_escalate(desk, clock):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    ticket_transition(
        access=desk.access(desk.w.staff), ticket=ticket, to=Status.WAITING_ON_OWNER, reason="?"
    )
    clock.move_to(at(2026, 3, 20, 10), tick=False)
    assert sla_process_due().tickets == 0
    assert not SlaEscalation.objects.exists()


def test_escalations_reach_the_assignee_the_team_lead_and_the_managers(desk, clock, live):
    team = Team.objects.create(organization=desk.w.org, name="维修", lead=desk.w.manager)
    ticket = desk.submit()
    ticket_assign(access=desk.access(desk.w.manager), ticket=ticket, assignee=desk.w.staff,
                  team=team)
    people = [desk.w.staff, desk.w.manager, desk.w.admin, desk.w.owner, desk.w.staff_out]

    clock.move_to(at(2026, 3, 10, 13, 1), tick=False)
    got = live(sla_process_due, people)
    assert [len(got[p]) for p in people] == [1, 0, 0, 0, 0]
    event = got[desk.w.staff][0]
    assert event.pop("at")
    assert event == {"type": "ticket.updated", "org": "sunrise", "ticket": 1, "status": "new"}

    clock.move_to(at(2026, 3, 10, 14, 1), tick=False)
    got = live(sla_process_due, people)
    assert [len(got[p]) for p in people] == [0, 1, 0, 0, 0]  # the team lead, the manager

    clock.move_to(at(2026, 3, 10, 16, 1), tick=False)
    got = live(sla_process_due, people)
    # Managers covering the property: the manager (all properties) and the admin.
    assert [len(got[p]) for p in people] == [0, 1, 1, 0, 0]


def test_the_owner_and_the_handlers_hear_of_changes_but_not_of_internal_notes(desk, live):
    ticket = desk.drive(desk.submit(), Status.ACCEPTED)
    people = [desk.w.owner, desk.w.household, desk.w.staff, desk.w.neighbour]
    got = live(
        lambda: ticket_comment(access=desk.access(desk.w.staff), ticket=ticket, body="Note",
                               internal=True),
        people,
    )
    assert [len(got[p]) for p in people] == [0, 0, 0, 0]  # the author is not told
    got = live(
        lambda: ticket_comment(access=desk.access(desk.w.owner), ticket=ticket, body="Hello"),
        people,
    )
    assert [len(got[p]) for p in people] == [0, 1, 1, 0]
    assert got[desk.w.staff][0]["type"] == "ticket.comment"


def test_the_job_reads_only_due_tickets(desk, clock, django_assert_max_num_queries):
    due = [desk.submit(title=f"Due {n}") for n in range(3)]
    clock.move_to(at(2026, 3, 10, 13, 1), tick=False)

    def add_not_due(count):
        template = desk.reload(due[0])
        start = Ticket.objects.order_by("-number").first().number
        Ticket.objects.bulk_create(
            Ticket(
                organization=template.organization, number=start + n + 1,
                property=template.property, unit=template.unit, category=template.category,
                requester=template.requester, title="Later", policy=template.policy,
                first_response_target_minutes=240, resolution_target_minutes=1620,
                created_at=template.created_at,
                next_sla_check_at=at(2026, 3, 11, 10),
            )
            for n in range(count)
        )

    def queries_of_a_run():
        with CaptureQueriesContext(connection) as queries:
            run = sla_process_due()
        assert run.tickets == 3
        SlaEscalation.objects.all().delete()
        TimelineEntry.objects.filter(kind="escalation").delete()
        Ticket.objects.filter(title__startswith="Due").update(
            next_sla_check_at=at(2026, 3, 10, 13)
        )
        return len(queries)

    add_not_due(10)
    with_ten = queries_of_a_run()
    add_not_due(190)
    with django_assert_max_num_queries(with_ten):
        sla_process_due()
    # Tickets, calendars with exceptions, fired levels, insert, read back, managers with
    # their properties, timeline, bulk update; plus savepoint bookkeeping.
    assert with_ten <= 17, with_ten


def test_a_resolved_ticket_closes_itself_after_seven_days_once(desk, clock):
    ticket = desk.drive(desk.submit(), Status.RESOLVED)
    other = desk.drive(desk.submit(), Status.RESOLVED)
    clock.move_to(at(2026, 3, 12, 10), tick=False)
    ticket_transition(access=desk.access(desk.w.owner), ticket=other, to=Status.IN_PROGRESS)
    clock.move_to(at(2026, 3, 17, 9, 59), tick=False)
    assert auto_close_resolved() == 0
    clock.move_to(at(2026, 3, 17, 10, 1), tick=False)
    assert auto_close_resolved() == 1
    assert auto_close_resolved() == 0
    ticket = desk.reload(ticket)
    assert (ticket.status, ticket.closed_at) == (Status.CLOSED, at(2026, 3, 17, 10, 1))
    entry = TimelineEntry.objects.filter(ticket=ticket).last()
    assert (entry.kind, entry.actor, entry.from_status, entry.to_status, entry.data) == (
        "status", None, "resolved", "closed", {"automatic": True}
    )
    assert desk.reload(other).status == Status.IN_PROGRESS


def test_owners_are_reminded_once_per_wait(desk, clock, settings):
    ticket = desk.drive(desk.submit(), Status.WAITING_ON_OWNER)  # waiting since Tuesday 10:00
    clock.move_to(at(2026, 3, 11, 9, 59), tick=False)
    assert remind_waiting_owners() == 0
    clock.move_to(at(2026, 3, 11, 10, 1), tick=False)
    assert remind_waiting_owners() == 1
    assert remind_waiting_owners() == 0
    reminder = TimelineEntry.objects.filter(ticket=ticket, kind="reminder").get()
    assert reminder.is_public and reminder.actor is None

    staff = desk.access(desk.w.staff)
    ticket_transition(access=staff, ticket=ticket, to=Status.IN_PROGRESS)
    ticket_transition(access=staff, ticket=ticket, to=Status.WAITING_ON_OWNER, reason="Again")
    settings.TICKETS_OWNER_REMINDER_HOURS = 2
    clock.move_to(at(2026, 3, 11, 12, 2), tick=False)
    assert remind_waiting_owners() == 1
