"""Every (from, to) pair of the lifecycle, for staff and for the owner: allowed ones happen and
are recorded, every other one is refused with a message and changes nothing."""

import itertools

import pytest
from django.core.exceptions import ValidationError

from tickets.models import Status, TimelineEntry
from tickets.services import TRANSITIONS, TicketError, ticket_transition
from tickets.services.rules import OWNER, STAFF

CASES = [
    pytest.param(before, after, role, id=f"{before}->{after}-by-{role}")
    for before, after in itertools.product(Status.values, Status.values)
    for role in (STAFF, OWNER)
]


@pytest.mark.parametrize(("before", "after", "role"), CASES)
def test_transition_table(desk, before, after, role):
    ticket = desk.drive(desk.submit(), before)
    actor = desk.w.staff if role == STAFF else desk.w.owner
    allowed = role in TRANSITIONS.get((before, after), frozenset())
    entries_before = TimelineEntry.objects.filter(ticket=ticket).count()

    if allowed:
        ticket_transition(access=desk.access(actor), ticket=ticket, to=after, reason="Because")
        ticket = desk.reload(ticket)
        assert ticket.status == after
        last = TimelineEntry.objects.filter(ticket=ticket).last()
        assert (last.kind, last.from_status, last.to_status) == ("status", before, after)
        assert last.actor == actor
    else:
        with pytest.raises(TicketError) as refused:
            ticket_transition(
                access=desk.access(actor), ticket=ticket, to=after, reason="Because"
            )
        assert refused.value.messages and all(refused.value.messages)
        assert desk.reload(ticket).status == before
        assert TimelineEntry.objects.filter(ticket=ticket).count() == entries_before


def test_the_table_is_the_lifecycle_of_the_design():
    assert {pair for pair in TRANSITIONS} == {
        ("new", "accepted"), ("new", "cancelled"),
        ("accepted", "in_progress"), ("accepted", "cancelled"),
        ("in_progress", "waiting_on_owner"), ("in_progress", "resolved"),
        ("waiting_on_owner", "in_progress"), ("waiting_on_owner", "resolved"),
        ("resolved", "closed"), ("resolved", "in_progress"),
    }
    assert TRANSITIONS[("new", "cancelled")] == {OWNER}
    assert TRANSITIONS[("accepted", "cancelled")] == {OWNER}


def test_refusals_are_validation_errors_in_the_users_language(desk, settings):
    from django.utils import translation

    ticket = desk.submit()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        ticket_transition(access=desk.access(desk.w.staff), ticket=ticket, to=Status.RESOLVED)
    assert "cannot become" in refused.value.messages[0]


def test_a_household_member_may_cancel_but_a_neighbour_may_not_see_the_ticket(desk):
    from django.core.exceptions import PermissionDenied

    ticket = desk.submit()
    with pytest.raises(PermissionDenied):
        ticket_transition(access=desk.access(desk.w.neighbour), ticket=ticket, to="cancelled")
    ticket_transition(access=desk.access(desk.w.household), ticket=ticket, to="cancelled")
    assert desk.reload(ticket).status == Status.CANCELLED


def test_staff_outside_the_property_cannot_touch_the_ticket(desk):
    from django.core.exceptions import PermissionDenied

    ticket = desk.submit()
    with pytest.raises(PermissionDenied):
        ticket_transition(access=desk.access(desk.w.staff_out), ticket=ticket, to="accepted")


def test_waiting_on_the_owner_needs_a_reason(desk):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    with pytest.raises(TicketError) as refused:
        ticket_transition(
            access=desk.access(desk.w.staff), ticket=ticket, to=Status.WAITING_ON_OWNER
        )
    assert "reason" in refused.value.message_dict


def test_an_unknown_status_is_refused(desk):
    with pytest.raises(TicketError):
        ticket_transition(access=desk.access(desk.w.staff), ticket=desk.submit(), to="lost")
