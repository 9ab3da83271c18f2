"""Ticket events reach people through the notification centre (tickets/notify.py)."""

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from communications.delivery import send_due
from communications.models import Delivery, Notification
from tickets.models import Priority, Status
from tickets.services import ticket_assign, ticket_comment, ticket_transition

pytestmark = pytest.mark.django_db


def kinds(user):
    with scopes_disabled():
        notifications = Notification.objects.filter(recipient=user).order_by("pk")
        return list(notifications.values_list("kind", flat=True))


def last(user):
    with scopes_disabled():
        return Notification.objects.filter(recipient=user).order_by("pk").last()


def channels(notification):
    with scopes_disabled():
        return sorted(notification.deliveries.values_list("channel", flat=True))


def test_a_new_request_tells_the_household_not_the_owner_who_filed_it(desk):
    ticket = desk.submit()
    assert kinds(desk.w.owner) == []
    notification = last(desk.w.household)
    assert notification.kind == "ticket.created"
    assert notification.url == f"/o/sunrise/requests/{ticket.number}/"
    assert notification.object_type == "tickets.ticket"
    assert notification.object_key == str(ticket.number)
    assert kinds(desk.w.neighbour) == []


def test_assignment_tells_the_new_assignee_by_email_with_the_staff_link(desk):
    ticket = desk.submit()
    ticket_assign(access=desk.access(desk.w.manager), ticket=ticket, assignee=desk.w.staff)
    notification = last(desk.w.staff)
    assert notification.kind == "ticket.assigned"
    assert notification.url == f"/o/sunrise/tickets/{ticket.number}/"
    assert channels(notification) == ["email"]
    # The owner hears of it in-app only.
    owner_note = last(desk.w.owner)
    assert owner_note.kind == "ticket.updated"
    assert desk.w.staff.full_name in owner_note.title  # "Assigned to …", in their language
    assert channels(owner_note) == []


def test_a_staff_reply_reaches_the_owners_in_app_and_by_email(desk):
    ticket = desk.drive(desk.submit(), Status.ACCEPTED)
    ticket_comment(access=desk.access(desk.w.staff), ticket=ticket, body="We come at 3 pm.")
    notification = last(desk.w.owner)
    assert notification.kind == "ticket.comment"
    assert "We come at 3 pm." in notification.body
    assert channels(notification) == ["email"]
    assert last(desk.w.household).kind == "ticket.comment"
    send_due()
    assert {m.to[0] for m in mail.outbox} >= {desk.w.owner.email, desk.w.household.email}


def test_internal_notes_never_reach_owners(desk):
    ticket = desk.drive(desk.submit(), Status.ACCEPTED)
    before = kinds(desk.w.owner)
    ticket_comment(access=desk.access(desk.w.manager), ticket=ticket, body="Needs a plumber",
                   internal=True)
    assert kinds(desk.w.owner) == before
    assert last(desk.w.staff).kind == "ticket.note"  # the assignee
    assert "Needs a plumber" in last(desk.w.staff).body


def test_resolution_asks_the_owner_to_confirm_and_rate(desk):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    ticket_transition(access=desk.access(desk.w.staff), ticket=ticket, to=Status.RESOLVED)
    assert last(desk.w.owner).kind == "ticket.rate_request"
    assert channels(last(desk.w.owner)) == ["email"]


def test_an_urgent_ticket_texts_the_owner(desk):
    ticket = desk.drive(desk.submit(priority=Priority.URGENT), Status.ACCEPTED)
    ticket_comment(access=desk.access(desk.w.staff), ticket=ticket, body="On our way")
    assert channels(last(desk.w.owner)) == ["email", "sms"]
    assert last(desk.w.owner).urgent


def test_escalations_reach_staff_with_a_text_message(desk, time_machine):
    from tests.tickets.conftest import at
    from tickets.services import sla_process_due

    ticket = desk.submit()
    ticket_assign(access=desk.access(desk.w.manager), ticket=ticket, assignee=desk.w.staff)
    time_machine.move_to(at(2026, 3, 11, 18, 0), tick=False)  # well past the first-response target
    sla_process_due()
    with scopes_disabled():
        escalations = Notification.objects.filter(kind="ticket.escalated")
        assert escalations.exists()
        assert Delivery.objects.filter(notification__in=escalations, channel="sms").exists()
