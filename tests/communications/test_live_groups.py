"""/ws/ groups chosen by the server: staff by property scope, residents by unit; the events
of tickets and notifications arrive on the right sockets only (real ASGI stack and Redis)."""

from unittest.mock import ANY

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django_scopes import scope

from communications.live import (
    groups_for_user,
    org_staff_group,
    property_staff_group,
    send_to_property_staff_on_commit,
    send_to_unit_on_commit,
    unit_group,
    user_group,
)
from communications.services import notify
from portal.asgi import application
from tests.tickets.conftest import make_desk

pytestmark = pytest.mark.django_db(transaction=True)

EVENT = {"type": "ticket.updated", "org": "sunrise", "ticket": 3, "status": "accepted"}


def session_key(user) -> str:
    browser = Client()
    browser.force_login(user, backend="portal.accounts.backends.PhoneOrEmailBackend")
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


async def open_socket(user, key):
    ws = WebsocketCommunicator(
        application, "/ws/",
        headers=[(b"origin", settings.SITE_URL.encode()),
                 (b"cookie", f"{settings.SESSION_COOKIE_NAME}={key}".encode())],
    )
    connected, _ = await ws.connect()
    assert connected
    hello = await ws.receive_json_from()
    assert (hello["type"], hello["user"]) == ("hello", user.pk)
    return ws


def sockets_of(users):
    keys = {user.pk: session_key(user) for user in users}

    async def opened():
        return {user: await open_socket(user, keys[user.pk]) for user in users}

    return opened


def test_groups_follow_role_and_scope(world):
    w = world.sunrise
    assert groups_for_user(w.staff) == [
        user_group(w.staff.pk), org_staff_group(w.org.pk), property_staff_group(w.property.pk)
    ]
    assert set(groups_for_user(w.manager)) >= {
        property_staff_group(w.property.pk), property_staff_group(w.other_property.pk)
    }
    assert groups_for_user(w.owner) == [user_group(w.owner.pk), unit_group(w.unit.pk)]
    # An unverified residency joins nothing of the unit.
    assert groups_for_user(w.unverified) == [user_group(w.unverified.pk)]
    assert not any("harbor" in g or str(world.harbor.org.pk) == g.split(".")[1]
                   for g in groups_for_user(w.staff) if g.startswith("org."))


def test_property_events_reach_staff_in_scope_only(world):
    w, h = world.sunrise, world.harbor
    people = [w.staff, w.manager, w.admin, w.staff_out, w.owner, h.staff]
    opened = sockets_of(people)

    async def scenario():
        sockets = await opened()
        await sync_to_async(send_to_property_staff_on_commit)(w.property.pk, EVENT)
        for user in (w.staff, w.manager, w.admin):
            assert await sockets[user].receive_json_from(timeout=2) == {**EVENT, "seq": ANY}
        for user in (w.staff_out, w.owner, h.staff):
            assert await sockets[user].receive_nothing(timeout=0.3)
        for ws in sockets.values():
            await ws.disconnect()

    async_to_sync(scenario)()


def test_unit_events_reach_its_verified_residents_only(world):
    w = world.sunrise
    people = [w.owner, w.household, w.neighbour, w.unverified, w.staff]
    opened = sockets_of(people)

    async def scenario():
        sockets = await opened()
        await sync_to_async(send_to_unit_on_commit)(w.unit.pk, EVENT)
        for user in (w.owner, w.household):
            assert await sockets[user].receive_json_from(timeout=2) == {**EVENT, "seq": ANY}
        for user in (w.neighbour, w.unverified, w.staff):
            assert await sockets[user].receive_nothing(timeout=0.3)
        for ws in sockets.values():
            await ws.disconnect()

    async_to_sync(scenario)()


def test_a_group_named_by_the_client_is_not_joined(world):
    w = world.sunrise
    opened = sockets_of([w.staff_out])

    async def scenario():
        sockets = await opened()
        ws = sockets[w.staff_out]
        await ws.send_json_to({"type": "subscribe", "group": property_staff_group(w.property.pk)})
        await sync_to_async(send_to_property_staff_on_commit)(w.property.pk, EVENT)
        assert await ws.receive_nothing(timeout=0.5)
        await ws.disconnect()

    async_to_sync(scenario)()


def test_a_new_ticket_moves_the_queue_of_staff_covering_its_property(world):
    w = world.sunrise
    opened = sockets_of([w.staff, w.staff_out, w.neighbour])

    def submit():
        with scope(organization=w.org):
            return make_desk(w).submit()

    async def scenario():
        sockets = await opened()
        ticket = await sync_to_async(submit)()
        message = await sockets[w.staff].receive_json_from(timeout=2)
        assert message["type"] == "ticket.created" and message["ticket"] == ticket.number
        assert await sockets[w.staff_out].receive_nothing(timeout=0.3)
        assert await sockets[w.neighbour].receive_nothing(timeout=0.3)
        for ws in sockets.values():
            await ws.disconnect()

    async_to_sync(scenario)()


def test_a_notification_reaches_its_recipients_socket_after_commit(world):
    w = world.sunrise
    opened = sockets_of([w.owner, w.household])

    def tell_owner():
        notify(organization=w.org, recipients=[w.owner.pk], kind="ticket.status",
               context={"number": 1, "title": "Tap", "status": "Accepted"})

    async def scenario():
        sockets = await opened()
        await sync_to_async(tell_owner)()
        message = await sockets[w.owner].receive_json_from(timeout=2)
        assert message["type"] == "notification.created" and message["org"] == "sunrise"
        assert await sockets[w.household].receive_nothing(timeout=0.3)
        for ws in sockets.values():
            await ws.disconnect()

    async_to_sync(scenario)()
