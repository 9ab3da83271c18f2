"""SLA timers on real tickets: first response, pause and resume, reopen, recomputation."""

import datetime as dt

import pytest

from tickets.models import SlaPolicy, Status, TimelineEntry
from tickets.services import (
    TicketError,
    ticket_accept,
    ticket_change_category,
    ticket_change_priority,
    ticket_comment,
    ticket_transition,
)

from .conftest import at

HOUR = dt.timedelta(hours=1)


def test_accepting_is_the_first_response_and_takes_the_ticket(desk, clock):
    ticket = desk.submit()
    clock.move_to(at(2026, 3, 10, 11), tick=False)
    ticket = ticket_accept(access=desk.access(desk.w.staff), ticket=ticket)
    assert ticket.first_responded_at == at(2026, 3, 10, 11)
    assert ticket.accepted_at == at(2026, 3, 10, 11)
    assert ticket.assignee == desk.w.staff
    assert ticket.first_response_breached_at is None
    # Only the resolution timer runs now: its 75 % level is next.
    assert ticket.next_due_at == ticket.resolution_due_at == at(2026, 3, 13, 10)
    assert ticket.next_sla_check_at == at(2026, 3, 12, 12, 15)


def test_a_late_first_response_records_the_breach_at_the_due_time(desk, clock):
    ticket = desk.submit()
    clock.move_to(at(2026, 3, 10, 15), tick=False)  # due at 14:00, the job has not run yet
    ticket = ticket_accept(access=desk.access(desk.w.staff), ticket=ticket)
    assert ticket.first_response_breached_at == at(2026, 3, 10, 14)


def test_an_internal_note_is_not_a_first_response_but_a_public_reply_is(desk, clock):
    ticket = desk.submit()
    staff = desk.access(desk.w.staff)
    note = ticket_comment(access=staff, ticket=ticket, body="Check the riser", internal=True)
    assert not note.is_public
    assert desk.reload(ticket).first_responded_at is None
    ticket_comment(access=desk.access(desk.w.owner), ticket=ticket, body="Any news?")
    assert desk.reload(ticket).first_responded_at is None
    clock.move_to(at(2026, 3, 10, 10, 20), tick=False)
    ticket_comment(access=staff, ticket=ticket, body="We will come at 14:00.")
    ticket = desk.reload(ticket)
    assert ticket.first_responded_at == at(2026, 3, 10, 10, 20)
    assert ticket.status == Status.NEW  # a reply is not an acceptance
    assert ticket.next_due_at == ticket.resolution_due_at


def test_owners_cannot_write_internal_notes_or_empty_replies(desk):
    ticket = desk.submit()
    with pytest.raises(TicketError):
        ticket_comment(access=desk.access(desk.w.owner), ticket=ticket, body="x", internal=True)
    with pytest.raises(TicketError) as refused:
        ticket_comment(access=desk.access(desk.w.owner), ticket=ticket, body="  ")
    assert "body" in refused.value.message_dict


def test_waiting_on_the_owner_pauses_the_resolution_timer_and_their_reply_resumes_it(desk, clock):
    ticket = desk.submit()  # Tuesday 10:00; resolution due Friday 10:00 (27 business hours)
    staff, owner = desk.access(desk.w.staff), desk.access(desk.w.owner)
    ticket = ticket_accept(access=staff, ticket=ticket)
    ticket = ticket_transition(access=staff, ticket=ticket, to=Status.IN_PROGRESS)
    clock.move_to(at(2026, 3, 10, 11), tick=False)
    ticket = ticket_transition(
        access=staff, ticket=ticket, to=Status.WAITING_ON_OWNER, reason="Which tap?"
    )
    assert ticket.paused_at == at(2026, 3, 10, 11)
    assert ticket.next_due_at is None and ticket.next_sla_check_at is None

    # Wednesday 15:00 the owner answers: paused 7 h on Tuesday and 6 h on Wednesday.
    clock.move_to(at(2026, 3, 11, 15), tick=False)
    ticket_comment(access=owner, ticket=ticket, body="The one in the kitchen.")
    ticket = desk.reload(ticket)
    assert ticket.status == Status.IN_PROGRESS and ticket.paused_at is None
    assert ticket.paused_business_time == 13 * HOUR
    # 27 + 13 = 40 business hours from Tuesday 10:00: Monday 16 March 14:00.
    assert ticket.resolution_due_at == ticket.next_due_at == at(2026, 3, 16, 14)
    kinds = list(
        TimelineEntry.objects.filter(ticket=ticket).values_list("kind", "to_status", "actor")
    )
    assert kinds[-2:] == [("comment", "", desk.w.owner.pk), ("status", "in_progress",
                                                             desk.w.owner.pk)]


def test_pausing_twice_adds_up_exactly(desk, clock):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    staff = desk.access(desk.w.staff)
    for start, end in [((10, 10, 30), (10, 11, 15)), ((10, 16), (11, 9, 30))]:
        clock.move_to(at(2026, 3, *start), tick=False)
        ticket_transition(access=staff, ticket=ticket, to=Status.WAITING_ON_OWNER, reason="?")
        clock.move_to(at(2026, 3, *end), tick=False)
        ticket_transition(access=staff, ticket=ticket, to=Status.IN_PROGRESS)
    ticket = desk.reload(ticket)
    assert ticket.paused_business_time == dt.timedelta(minutes=45 + 120 + 30)


def test_resolving_after_a_wait_judges_the_breach_against_the_shifted_due_time(desk, clock):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    staff = desk.access(desk.w.staff)
    ticket_transition(access=staff, ticket=ticket, to=Status.WAITING_ON_OWNER, reason="?")
    clock.move_to(at(2026, 3, 13, 12), tick=False)  # after the original due time
    ticket = ticket_transition(access=staff, ticket=ticket, to=Status.RESOLVED)
    assert ticket.resolution_breached_at is None
    assert ticket.resolved_at == at(2026, 3, 13, 12)
    assert ticket.next_due_at is None and ticket.next_sla_check_at is None


def test_a_reopen_within_the_window_resumes_the_timer_and_later_is_refused(desk, clock):
    ticket = desk.drive(desk.submit(), Status.RESOLVED)  # resolved Tuesday 10:00
    owner = desk.access(desk.w.owner)
    clock.move_to(at(2026, 3, 11, 10), tick=False)
    ticket = ticket_transition(access=owner, ticket=ticket, to=Status.IN_PROGRESS, reason="Drips")
    assert ticket.reopen_count == 1 and ticket.resolved_at is None
    assert ticket.paused_business_time == 9 * HOUR
    assert ticket.resolution_due_at == at(2026, 3, 16, 10)

    staff = desk.access(desk.w.staff)
    ticket = ticket_transition(access=staff, ticket=ticket, to=Status.RESOLVED)
    clock.move_to(at(2026, 3, 18, 10, 1), tick=False)  # 7 days and a minute later
    with pytest.raises(TicketError) as refused:
        ticket_transition(access=owner, ticket=ticket, to=Status.IN_PROGRESS)
    assert refused.value.code == "reopen_window"


def test_the_reopen_window_is_configurable(desk, clock, settings):
    settings.TICKETS_REOPEN_WINDOW_DAYS = 1
    ticket = desk.drive(desk.submit(), Status.RESOLVED)
    clock.move_to(at(2026, 3, 11, 10, 1), tick=False)
    with pytest.raises(TicketError):
        ticket_transition(access=desk.access(desk.w.owner), ticket=ticket, to="in_progress")


def test_a_priority_change_recomputes_the_due_times_and_is_recorded(desk, clock):
    ticket = desk.submit()
    clock.move_to(at(2026, 3, 10, 10, 5), tick=False)
    ticket = ticket_change_priority(
        access=desk.access(desk.w.staff), ticket=ticket, priority="urgent", reason="Flooding"
    )
    assert ticket.policy.calendar.is_24x7
    assert ticket.first_response_due_at == at(2026, 3, 10, 10, 30)
    assert ticket.resolution_due_at == at(2026, 3, 10, 14)
    assert ticket.next_sla_check_at == at(2026, 3, 10, 10, 22) + dt.timedelta(seconds=30)
    entry = TimelineEntry.objects.filter(ticket=ticket).last()
    assert (entry.kind, entry.data, entry.body) == (
        "priority", {"from": "normal", "to": "urgent"}, "Flooding"
    )


def test_a_priority_change_keeps_the_time_already_paused(desk, clock):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    staff = desk.access(desk.w.staff)
    ticket_transition(access=staff, ticket=ticket, to=Status.WAITING_ON_OWNER, reason="?")
    clock.move_to(at(2026, 3, 10, 12), tick=False)
    ticket_transition(access=staff, ticket=ticket, to=Status.IN_PROGRESS)
    ticket = ticket_change_priority(access=staff, ticket=ticket, priority="low")
    assert ticket.paused_business_time == 2 * HOUR
    # Low: five 9-hour days plus the 2 paused hours from Tuesday 10:00.
    assert ticket.resolution_due_at == at(2026, 3, 17, 12)


def test_a_shorter_target_leaves_the_reached_levels_to_the_job(desk, clock):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    clock.move_to(at(2026, 3, 10, 16), tick=False)
    ticket = ticket_change_priority(
        access=desk.access(desk.w.staff), ticket=ticket, priority="urgent"
    )
    # Urgent: 4 h around the clock from 10:00 → due 14:00, already past: due levels are
    # waiting for the job, which fires them within a minute.
    assert ticket.resolution_due_at == at(2026, 3, 10, 14)
    assert ticket.next_sla_check_at == at(2026, 3, 10, 13)


def test_a_category_change_picks_its_policy_and_team(desk):
    from tickets.models import Team

    team = Team.objects.create(organization=desk.w.org, name="客服")
    desk.complaint.default_team = team
    desk.complaint.save()
    default = SlaPolicy.objects.get(organization=desk.w.org, is_default=True)
    SlaPolicy.objects.create(
        organization=desk.w.org, name="Complaints", calendar=default.calendar,
        category=desk.complaint,
        **{f"{timer}_{p}_minutes": 90 for timer in ("first_response", "resolution")
           for p in ("urgent", "high", "normal", "low")},
    )
    ticket = desk.submit()
    ticket = ticket_change_category(
        access=desk.access(desk.w.staff), ticket=ticket, category=desk.complaint
    )
    assert ticket.policy.name == "Complaints"
    assert ticket.team == team
    assert ticket.resolution_due_at == at(2026, 3, 10, 11, 30)
    entry = TimelineEntry.objects.filter(ticket=ticket).last()
    assert entry.kind == "category" and entry.data["to_name"] == desk.complaint.name


def test_only_staff_change_priority_or_category(desk):
    ticket = desk.submit()
    owner = desk.access(desk.w.owner)
    with pytest.raises(TicketError):
        ticket_change_priority(access=owner, ticket=ticket, priority="urgent")
    with pytest.raises(TicketError):
        ticket_change_category(access=owner, ticket=ticket, category=desk.complaint)
    with pytest.raises(TicketError) as refused:
        ticket_change_priority(access=desk.access(desk.w.staff), ticket=ticket, priority="asap")
    assert "priority" in refused.value.message_dict
