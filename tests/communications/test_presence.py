"""The "someone else is on this ticket" hint on the staff ticket page."""

import asyncio
import datetime as dt

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.test import Client
from django_scopes import scope

from communications.live import property_staff_group
from communications.presence import PRESENCE_EVENT
from tests.tickets.conftest import make_desk


@pytest.fixture
def ticket(world):
    with scope(organization=world.sunrise.org):
        return make_desk(world.sunrise).submit()


def browser(user) -> Client:
    client = Client()
    client.force_login(user, backend="portal.accounts.backends.PhoneOrEmailBackend")
    return client


def url(ticket) -> str:
    return f"/o/sunrise/tickets/{ticket.number}/presence/"


def test_a_colleague_on_the_same_ticket_is_shown_with_what_they_do(world, ticket):
    w = world.sunrise
    staff, manager = browser(w.staff), browser(w.manager)
    alone = staff.post(url(ticket), {"body": ""})
    assert alone.status_code == 200
    assert "Also on this ticket" not in alone.content.decode()

    seen_by_manager = manager.post(url(ticket), {"body": "We will come at 3"}).content.decode()
    assert w.staff.full_name in seen_by_manager

    seen_by_staff = staff.post(url(ticket), {"body": ""}).content.decode()
    assert f"{w.manager.full_name} (writing a reply)" in seen_by_staff
    assert w.staff.full_name not in seen_by_staff  # never oneself
    assert 'hx-trigger="every 20s' in seen_by_staff  # the swapped copy does not fire on load


def test_someone_who_left_is_no_longer_shown(world, ticket, time_machine):
    w = world.sunrise
    time_machine.move_to(dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC), tick=False)
    browser(w.manager).post(url(ticket))
    time_machine.shift(dt.timedelta(seconds=46))
    assert w.manager.full_name not in browser(w.staff).post(url(ticket)).content.decode()


def test_the_hint_is_on_another_ticket_only_for_that_ticket(world, ticket):
    w = world.sunrise
    with scope(organization=w.org):
        other = make_desk(w).submit(title="Another one")
    browser(w.manager).post(url(other))
    assert w.manager.full_name not in browser(w.staff).post(url(ticket)).content.decode()


def test_staff_outside_the_property_get_404_and_are_not_recorded(world, ticket):
    w = world.sunrise
    assert browser(w.staff_out).post(url(ticket)).status_code == 404
    assert browser(world.harbor.manager).post(url(ticket)).status_code == 404
    assert w.staff_out.full_name not in browser(w.staff).post(url(ticket)).content.decode()


def test_an_arrival_is_announced_to_the_propertys_staff_once(
    world, ticket, django_capture_on_commit_callbacks
):
    w = world.sunrise

    async def listen(action):
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(property_staff_group(w.property.pk), channel)
        def act():
            # The test runs inside a transaction; in production the view is in autocommit.
            with django_capture_on_commit_callbacks(execute=True):
                action()

        await sync_to_async(act)()
        received = []
        while True:
            try:
                message = await asyncio.wait_for(layer.receive(channel), 0.3)
            except TimeoutError:
                return received
            received.append(message["event"])

    manager = browser(w.manager)
    first = async_to_sync(listen)(lambda: manager.post(url(ticket)))
    assert [(m["type"], m["ticket"]) for m in first] == [(PRESENCE_EVENT, ticket.number)]
    assert set(first[0]) == {"type", "org", "ticket"}  # no name in the message
    again = async_to_sync(listen)(lambda: manager.post(url(ticket)))
    assert again == []
    replying = async_to_sync(listen)(lambda: manager.post(url(ticket), {"body": "On my way"}))
    assert [m["type"] for m in replying] == [PRESENCE_EVENT]


def test_the_ticket_page_carries_the_hint(world, ticket):
    page = browser(world.sunrise.staff).get(f"/o/sunrise/tickets/{ticket.number}/")
    html = page.content.decode()
    assert 'id="ticket-presence"' in html
    assert 'hx-trigger="load, every 20s' in html


def test_the_presence_poll_makes_a_constant_number_of_queries(
    world, ticket, django_assert_max_num_queries
):
    w = world.sunrise
    for user in (w.manager, w.admin):
        browser(user).post(url(ticket))
    staff = browser(w.staff)
    staff.post(url(ticket))
    with django_assert_max_num_queries(12):
        assert staff.post(url(ticket)).status_code == 200
