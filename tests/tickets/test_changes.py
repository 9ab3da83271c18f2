"""Assigning, rating, and what owners and staff see of a ticket."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tickets.models import Status, Team, TimelineEntry
from tickets.selectors import (
    ticket_get_for,
    ticket_list_for,
    ticket_queue,
    ticket_queue_counts,
    timeline_for,
)
from tickets.services import TicketError, ticket_assign, ticket_comment, ticket_rate


def test_assigning_to_a_person_in_scope_is_recorded(desk):
    ticket = desk.submit()
    ticket = ticket_assign(access=desk.access(desk.w.manager), ticket=ticket, assignee=desk.w.staff)
    assert ticket.assignee == desk.w.staff
    entry = TimelineEntry.objects.filter(ticket=ticket).last()
    assert entry.kind == "assignment" and entry.data["assignee"] == desk.w.staff.pk


def test_assigning_to_someone_who_does_not_cover_the_property_is_refused(desk):
    ticket = desk.submit()
    for person in (desk.w.staff_out, desk.w.owner):
        with pytest.raises(TicketError) as refused:
            ticket_assign(access=desk.access(desk.w.manager), ticket=ticket, assignee=person)
        assert "assignee" in refused.value.message_dict
    assert desk.reload(ticket).assignee is None


def test_assigning_to_a_team_hands_the_ticket_to_the_whole_team(desk):
    team = Team.objects.create(organization=desk.w.org, name="维修")
    ticket = desk.drive(desk.submit(), Status.ACCEPTED)
    assert ticket.assignee == desk.w.staff
    ticket = ticket_assign(access=desk.access(desk.w.staff), ticket=ticket, team=team)
    assert (ticket.team, ticket.assignee) == (team, None)
    with pytest.raises(TicketError):
        ticket_assign(access=desk.access(desk.w.staff), ticket=ticket)


def test_the_owner_rates_a_resolved_ticket_once(desk):
    ticket = desk.drive(desk.submit(), Status.RESOLVED)
    ticket = ticket_rate(
        access=desk.access(desk.w.household), ticket=ticket, rating=5, comment="Quick, thanks"
    )
    assert (ticket.rating, ticket.rating_comment) == (5, "Quick, thanks")
    with pytest.raises(TicketError) as refused:
        ticket_rate(access=desk.access(desk.w.owner), ticket=ticket, rating=1)
    assert refused.value.code == "already_rated"
    assert desk.reload(ticket).rating == 5


@pytest.mark.parametrize("status", [Status.NEW, Status.IN_PROGRESS, Status.CANCELLED])
def test_a_ticket_that_is_not_resolved_cannot_be_rated(desk, status):
    ticket = desk.drive(desk.submit(), status)
    with pytest.raises(TicketError) as refused:
        ticket_rate(access=desk.access(desk.w.owner), ticket=ticket, rating=4)
    assert refused.value.code == "not_resolved"


@pytest.mark.parametrize("rating", [0, 6, "5", True, None])
def test_a_rating_is_a_whole_number_from_one_to_five(desk, rating):
    ticket = desk.drive(desk.submit(), Status.CLOSED)
    with pytest.raises(TicketError) as refused:
        ticket_rate(access=desk.access(desk.w.owner), ticket=ticket, rating=rating)
    assert "rating" in refused.value.message_dict


def test_only_the_owner_side_rates(desk):
    ticket = desk.drive(desk.submit(), Status.RESOLVED)
    with pytest.raises(TicketError):
        ticket_rate(access=desk.access(desk.w.staff), ticket=ticket, rating=5)
    with pytest.raises(PermissionDenied):
        ticket_rate(access=desk.access(desk.w.neighbour), ticket=ticket, rating=1)


def test_who_sees_which_ticket(desk):
    home = desk.submit()
    hall = desk.submit(property=desk.w.property, title="Lobby light out")
    w = desk.w

    def numbers(user):
        return sorted(ticket_list_for(access=desk.access(user)).values_list("number", flat=True))

    assert numbers(w.owner) == [1, 2]
    assert numbers(w.household) == [1]  # the unit's ticket, not the owner's common-area one
    assert numbers(w.neighbour) == []
    assert numbers(w.staff) == [1, 2]
    assert numbers(w.staff_out) == []
    assert numbers(w.manager) == [1, 2]
    with pytest.raises(Http404):
        ticket_get_for(access=desk.access(w.neighbour), number=home.number)
    with pytest.raises(Http404):
        ticket_get_for(access=desk.access(w.staff_out), number=hall.number)
    assert ticket_get_for(access=desk.access(w.household), number=1) == home


def test_owners_never_see_internal_notes(desk):
    ticket = desk.submit()
    ticket_comment(access=desk.access(desk.w.staff), ticket=ticket, body="Secret", internal=True)
    ticket_comment(access=desk.access(desk.w.staff), ticket=ticket, body="On our way")
    owner_view = [e.body for e in timeline_for(access=desk.access(desk.w.owner), ticket=ticket)]
    staff_view = [e.body for e in timeline_for(access=desk.access(desk.w.staff), ticket=ticket)]
    assert owner_view == ["", "On our way"]
    assert staff_view == ["", "Secret", "On our way"]


def test_queue_views_and_counts(desk, clock, django_assert_num_queries):
    from .conftest import at

    team = Team.objects.create(organization=desk.w.org, name="维修", lead=desk.w.staff)
    desk.drive(desk.submit(title="Mine"), Status.IN_PROGRESS)
    desk.submit(title="Nobody's")
    teams = desk.submit(title="The team's")
    ticket_assign(access=desk.access(desk.w.manager), ticket=teams, team=team)
    desk.submit(title="Soon", priority="urgent")
    clock.move_to(at(2026, 3, 10, 14, 15), tick=False)
    staff = desk.access(desk.w.staff)

    def titles(view):
        return [t.title for t in ticket_queue(access=staff, view=view)]

    assert titles("mine") == ["Mine"]
    assert titles("team") == ["The team's"]
    # Nearest due first: the urgent ticket's first response was due at 10:30 (around the
    # clock), the other new tickets' at 14:00, the accepted one's resolution on Friday.
    assert set(titles("unassigned")) == {"Nobody's", "The team's", "Soon"}
    assert set(titles("breached")) == {"Nobody's", "The team's", "Soon"}
    assert titles("breaching_soon") == []
    open_ = titles("open")
    assert (open_[0], set(open_[1:3]), open_[3]) == ("Soon", {"Nobody's", "The team's"}, "Mine")
    with django_assert_num_queries(1):
        counts = ticket_queue_counts(access=staff)
    assert counts == {
        "mine": 1, "unassigned": 3, "team": 1, "breaching_soon": 0, "breached": 3, "open": 4,
    }


def test_the_timeline_reads_as_sentences_in_the_readers_language(desk):
    from django.utils import translation

    ticket = desk.drive(desk.submit(), Status.RESOLVED)
    ticket_rate(access=desk.access(desk.w.owner), ticket=ticket, rating=4)
    with translation.override("en"):
        sentences = [
            entry.describe() for entry in timeline_for(access=desk.access(desk.w.staff),
                                                      ticket=ticket)
        ]
    assert sentences == [
        "Submitted.", "Accepted.", "Work started.", "Resolved.", "Rated 4 stars.",
    ]
