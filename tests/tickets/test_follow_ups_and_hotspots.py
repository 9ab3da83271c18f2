"""Follow-up calls after a low rating (issue #6), recurring tickets and preventive tickets
(issue #8)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from communications.models import Notification
from portal.tenancy.models import Membership
from tests import factories as f
from tickets.models import Channel, FollowUp, Status, Ticket
from tickets.services import (
    TicketError,
    follow_up_record,
    ticket_file_preventive,
    ticket_rate,
)


def _rated(desk, stars):
    ticket = desk.drive(desk.submit(), Status.RESOLVED)
    return ticket_rate(access=desk.access(desk.w.owner), ticket=ticket, rating=stars,
                       comment="Took too long")


def test_a_rating_of_two_opens_a_follow_up_and_tells_the_managers(desk):
    ticket = _rated(desk, 2)
    follow_up = FollowUp.objects.get(ticket=ticket)
    assert follow_up.status == FollowUp.Status.OPEN
    assert follow_up.due == ticket.rated_at + dt.timedelta(days=2)
    told = set(Notification.objects.filter(kind="ticket.follow_up")
               .values_list("recipient_id", flat=True))
    # Sunrise's manager (all properties) and admin; not the staff.
    assert told == {desk.w.manager.pk, desk.w.admin.pk}
    note = Notification.objects.filter(kind="ticket.follow_up").first()
    assert f"#{ticket.number}" in note.title and "2" in note.title
    assert note.url == "/o/sunrise/manage/tickets/follow-ups/"


@pytest.mark.parametrize("stars, opened", [(1, True), (2, True), (3, False), (5, False)])
def test_only_ratings_of_two_or_less_open_a_follow_up(desk, stars, opened):
    ticket = _rated(desk, stars)
    assert FollowUp.objects.filter(ticket=ticket).exists() is opened


def test_a_manager_of_other_properties_is_not_told(desk):
    other = f.MembershipFactory(
        organization=desk.w.org, role=Membership.Role.MANAGER,
        properties=[desk.w.other_property],
    ).user
    _rated(desk, 1)
    assert not Notification.objects.filter(kind="ticket.follow_up", recipient=other).exists()


def test_the_manager_records_the_outcome_once(desk):
    follow_up = FollowUp.objects.get(ticket=_rated(desk, 1))
    manager = desk.access(desk.w.manager)
    with pytest.raises(TicketError) as empty:
        follow_up_record(access=manager, follow_up=follow_up, outcome="  ")
    assert "outcome" in empty.value.message_dict
    done = follow_up_record(access=manager, follow_up=follow_up, outcome="Apologised; fixed.")
    assert (done.status, done.outcome, done.done_by_id) == ("done", "Apologised; fixed.",
                                                            desk.w.manager.pk)
    with pytest.raises(TicketError):
        follow_up_record(access=manager, follow_up=follow_up, outcome="Again")
    with pytest.raises(PermissionDenied):
        follow_up_record(access=desk.access(desk.w.staff), follow_up=follow_up, outcome="x")


def test_a_manager_outside_the_property_cannot_record(desk):
    follow_up = FollowUp.objects.get(ticket=_rated(desk, 1))
    other = f.MembershipFactory(
        organization=desk.w.org, role=Membership.Role.MANAGER,
        properties=[desk.w.other_property],
    ).user
    with pytest.raises(PermissionDenied):
        follow_up_record(access=desk.access(other), follow_up=follow_up, outcome="Called")


def test_the_follow_up_page_lists_and_records(desk, client):
    follow_up = FollowUp.objects.get(ticket=_rated(desk, 1))
    client.force_login(desk.w.manager, backend="portal.accounts.backends.PhoneOrEmailBackend")
    page = client.get("/o/sunrise/manage/tickets/follow-ups/")
    assert page.status_code == 200
    assert f"#{follow_up.ticket.number}" in page.content.decode()
    response = client.post(f"/o/sunrise/manage/tickets/follow-ups/{follow_up.pk}/done/",
                           {"outcome": "回访完成"})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.outcome) == ("done", "回访完成")


# --- Recurring tickets ------------------------------------------------------------------------


def test_the_third_ticket_on_an_asset_within_30_days_marks_all_three(desk, clock):
    first = desk.submit(property=desk.w.property, asset=desk.w.asset, title="Lift stuck")
    clock.shift(dt.timedelta(days=10))
    second = desk.submit(property=desk.w.property, asset=desk.w.asset, title="Lift noisy")
    assert not second.is_recurring
    assert not desk.reload(first).is_recurring
    clock.shift(dt.timedelta(days=10))
    third = desk.submit(property=desk.w.property, asset=desk.w.asset, title="Lift stuck again")
    assert third.is_recurring
    assert [desk.reload(t).is_recurring for t in (first, second, third)] == [True] * 3


def test_tickets_further_apart_than_30_days_are_not_recurring(desk, clock):
    desk.submit(property=desk.w.property, asset=desk.w.asset)
    clock.shift(dt.timedelta(days=20))
    desk.submit(property=desk.w.property, asset=desk.w.asset)
    clock.shift(dt.timedelta(days=11))  # the first is now 31 days old
    third = desk.submit(property=desk.w.property, asset=desk.w.asset)
    assert not third.is_recurring


def test_without_an_asset_the_unit_counts(desk, clock):
    tickets = [desk.submit(title=f"Leak {i}") for i in range(3)]
    desk.submit(unit=desk.w.neighbour_unit, user=desk.w.neighbour)
    assert [desk.reload(t).is_recurring for t in tickets] == [True] * 3
    assert Ticket.objects.filter(unit=desk.w.neighbour_unit, is_recurring=True).count() == 0


def test_marking_is_one_query(desk, django_assert_num_queries):
    from tickets.services.hotspots import mark_recurring

    ticket = desk.submit()
    with django_assert_num_queries(1):
        mark_recurring(ticket, now=ticket.created_at)


# --- Preventive maintenance -------------------------------------------------------------------


def test_a_manager_files_a_preventive_ticket_on_the_asset(desk):
    ticket = ticket_file_preventive(
        access=desk.access(desk.w.manager), category=desk.repair,
        title="Preventive maintenance: lift", asset=desk.w.asset,
    )
    assert (ticket.asset_id, ticket.property_id, ticket.channel, ticket.requester_id,
            ticket.filed_by_id) == (desk.w.asset.pk, desk.w.property.pk, Channel.OTHER,
                                    desk.w.manager.pk, desk.w.manager.pk)
    assert ticket.resolution_due_at is not None


def test_staff_and_managers_out_of_scope_cannot_file_preventive_tickets(desk):
    with pytest.raises(PermissionDenied):
        ticket_file_preventive(access=desk.access(desk.w.staff), category=desk.repair,
                               title="x", asset=desk.w.asset)
    other = f.MembershipFactory(
        organization=desk.w.org, role=Membership.Role.MANAGER,
        properties=[desk.w.other_property],
    ).user
    with pytest.raises(TicketError):
        ticket_file_preventive(access=desk.access(other), category=desk.repair, title="x",
                               asset=desk.w.asset)
