"""Sockets follow memberships (a lost one closes them), a reconnect replays what was missed,
and the live messages of one transaction leave together (real ASGI stack and Redis)."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import transaction
from django.test import Client
from django_scopes import scope, scopes_disabled

from communications import replay
from communications.consumers import CLOSE_REGROUP
from communications.live import (
    send_to_property_staff_on_commit,
    send_to_unit_on_commit,
    send_to_user_on_commit,
)
from portal import realtime
from portal.asgi import application
from portal.tenancy import services as tenancy
from portal.tenancy.access import compute_access
from portal.tenancy.models import Membership, Residency

pytestmark = pytest.mark.django_db(transaction=True)


def session_key(user) -> str:
    browser = Client()
    browser.force_login(user, backend="portal.accounts.backends.PhoneOrEmailBackend")
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


async def open_socket(user, key, last_seq=None):
    path = "/ws/" if last_seq is None else f"/ws/?last_seq={last_seq}"
    ws = WebsocketCommunicator(
        application, path,
        headers=[(b"origin", settings.SITE_URL.encode()),
                 (b"cookie", f"{settings.SESSION_COOKIE_NAME}={key}".encode())],
    )
    connected, _ = await ws.connect()
    assert connected
    hello = await ws.receive_json_from()
    assert (hello["type"], hello["user"]) == ("hello", user.pk)
    return ws, hello


def event(n: int, **extra) -> dict:
    return {"type": "ticket.updated", "org": "sunrise", "ticket": n, **extra}


async def closed_with(ws) -> int:
    output = await ws.receive_output(timeout=2)
    assert output["type"] == "websocket.close"
    return output["code"]


# --- Lost memberships close the sockets --------------------------------------------------


def deactivate(membership):
    with scopes_disabled():
        tenancy.membership_deactivate(membership=membership)


def test_ending_a_staff_membership_closes_the_socket_and_silences_the_old_group(world):
    w = world.sunrise
    key = session_key(w.staff)
    with scopes_disabled():
        membership = Membership.objects.get(organization=w.org, user=w.staff)

    async def scenario():
        ws, _ = await open_socket(w.staff, key)
        await sync_to_async(deactivate)(membership)
        assert await closed_with(ws) == CLOSE_REGROUP
        # The browser reconnects (still signed in) and joins only its own group now.
        again, _ = await open_socket(w.staff, key)
        await sync_to_async(send_to_property_staff_on_commit)(w.property.pk, event(1))
        assert await again.receive_nothing(timeout=0.5)
        await again.disconnect()

    async_to_sync(scenario)()


def test_narrowing_a_scope_moves_the_socket_to_the_new_property(world):
    w = world.sunrise
    key = session_key(w.staff)
    with scopes_disabled():
        membership = Membership.objects.get(organization=w.org, user=w.staff)

    def narrow():
        with scope(organization=w.org):
            tenancy.membership_update(
                membership=membership, role=membership.role, properties=[w.other_property]
            )

    async def scenario():
        ws, _ = await open_socket(w.staff, key)
        await sync_to_async(narrow)()
        assert await closed_with(ws) == CLOSE_REGROUP
        again, _ = await open_socket(w.staff, key)
        await sync_to_async(send_to_property_staff_on_commit)(w.property.pk, event(1))
        await sync_to_async(send_to_property_staff_on_commit)(w.other_property.pk, event(2))
        assert (await again.receive_json_from(timeout=2))["ticket"] == 2
        assert await again.receive_nothing(timeout=0.3)
        await again.disconnect()

    async_to_sync(scenario)()


def test_ending_a_residency_closes_the_owners_socket_and_silences_the_unit(world):
    w = world.sunrise
    key = session_key(w.owner)

    def move_out():
        with scope(organization=w.org):
            residency = Residency.objects.get(unit=w.unit, user=w.owner)
            tenancy.residency_deactivate(
                access=compute_access(w.manager, w.org), residency=residency
            )

    async def scenario():
        ws, _ = await open_socket(w.owner, key)
        household, _ = await open_socket(w.household, session_key_household)
        await sync_to_async(move_out)()
        assert await closed_with(ws) == CLOSE_REGROUP
        assert await household.receive_nothing(timeout=0.3)  # nobody else is disturbed
        again, _ = await open_socket(w.owner, key)
        await sync_to_async(send_to_unit_on_commit)(w.unit.pk, event(1))
        assert await again.receive_nothing(timeout=0.5)
        assert (await household.receive_json_from(timeout=2))["ticket"] == 1
        await again.disconnect()
        await household.disconnect()

    session_key_household = session_key(w.household)
    async_to_sync(scenario)()


def test_a_rolled_back_membership_change_leaves_the_socket_open(world):
    w = world.sunrise
    key = session_key(w.staff)
    with scopes_disabled():
        membership = Membership.objects.get(organization=w.org, user=w.staff)

    class Abort(Exception):
        pass

    def deactivate_then_abort():
        try:
            with transaction.atomic():
                deactivate(membership)
                raise Abort
        except Abort:
            pass

    async def scenario():
        ws, _ = await open_socket(w.staff, key)
        await sync_to_async(deactivate_then_abort)()
        assert await ws.receive_nothing(timeout=0.5)
        await ws.disconnect()

    async_to_sync(scenario)()


# --- Reconnect without loss ----------------------------------------------------------------


def test_events_sent_while_disconnected_are_replayed_in_order_on_reconnect(world):
    w = world.sunrise
    owner_key = session_key(w.owner)

    def while_away():
        send_to_user_on_commit(w.owner.pk, event(1))
        with transaction.atomic():
            send_to_unit_on_commit(w.unit.pk, event(2))
            send_to_unit_on_commit(w.neighbour_unit.pk, event(99))  # not the owner's unit
            send_to_property_staff_on_commit(w.property.pk, event(98))  # staff only
            send_to_user_on_commit(w.neighbour.pk, event(97))
        send_to_user_on_commit(w.owner.pk, event(3))

    async def scenario():
        ws, hello = await open_socket(w.owner, owner_key)
        await ws.disconnect()  # the connection drops
        await sync_to_async(while_away)()
        again, hello = await open_socket(w.owner, owner_key, last_seq=hello["seq"])
        assert hello["replay"] is True
        received = [await again.receive_json_from(timeout=2) for _ in range(3)]
        assert [m["ticket"] for m in received] == [1, 2, 3]
        assert [m["seq"] for m in received] == sorted(m["seq"] for m in received)
        assert await again.receive_nothing(timeout=0.3)
        # Live again: the next event arrives once, after the replayed ones.
        await sync_to_async(send_to_unit_on_commit)(w.unit.pk, event(4))
        assert (await again.receive_json_from(timeout=2))["ticket"] == 4
        await again.disconnect()

    async_to_sync(scenario)()


def test_events_sent_around_a_dropped_connection_are_never_lost(world):
    """The connection drops while a stream of events is being sent: what the browser got
    before, plus what the reconnect replays, is every event, each once, in order."""
    w = world.sunrise
    key = session_key(w.owner)

    async def scenario():
        ws, hello = await open_socket(w.owner, key)
        seen = []
        for n in range(1, 6):
            await sync_to_async(send_to_unit_on_commit)(w.unit.pk, event(n))
        for _ in range(5):
            seen.append(await ws.receive_json_from(timeout=2))
        last_seq = max(m["seq"] for m in seen)
        await ws.disconnect()
        for n in range(6, 11):
            await sync_to_async(send_to_unit_on_commit)(w.unit.pk, event(n))
        again, hello = await open_socket(w.owner, key, last_seq=last_seq)
        assert hello["replay"] is True
        while not await again.receive_nothing(timeout=0.3):
            message = await again.receive_json_from()
            if message["seq"] not in {m["seq"] for m in seen}:  # the browser's de-duplication
                seen.append(message)
        assert [m["ticket"] for m in seen] == list(range(1, 11))
        await again.disconnect()

    async_to_sync(scenario)()


def test_a_number_from_too_long_ago_asks_for_a_full_refetch(world):
    w = world.sunrise
    key = session_key(w.owner)

    async def scenario():
        ws, hello = await open_socket(w.owner, key, last_seq=1)
        assert hello["replay"] is False
        await ws.disconnect()

    async_to_sync(scenario)()


def test_a_trimmed_stream_asks_for_a_full_refetch(world, settings):
    w = world.sunrise
    key = session_key(w.owner)

    def flood():
        with transaction.atomic():
            for n in range(replay.STREAM_CAP + 5):
                send_to_user_on_commit(w.owner.pk, event(n))

    async def scenario():
        ws, hello = await open_socket(w.owner, key)
        await ws.disconnect()
        await sync_to_async(flood)()
        again, hello2 = await open_socket(w.owner, key, last_seq=hello["seq"])
        assert hello2["replay"] is False
        await again.disconnect()

    async_to_sync(scenario)()


def test_garbage_in_last_seq_is_a_plain_connection(world):
    w = world.sunrise
    key = session_key(w.owner)

    async def scenario():
        ws, hello = await open_socket(w.owner, key, last_seq="1;DROP")
        assert "replay" not in hello
        await ws.disconnect()

    async_to_sync(scenario)()


# --- One hop per transaction ---------------------------------------------------------------


@pytest.fixture
def flushes():
    """Every batch handed to the recorder (replay.record stays in the chain)."""
    seen = []

    def recorder(batch):
        seen.append([envelope["event"]["ticket"] for _groups, envelope in batch])
        replay.record(batch)

    realtime.set_recorder(recorder)
    yield seen
    realtime.set_recorder(replay.record)


def test_all_messages_of_a_transaction_leave_in_one_flush(world, flushes):
    w = world.sunrise
    with transaction.atomic():
        for n in range(50):
            send_to_unit_on_commit(w.unit.pk, event(n))
        assert flushes == []
    assert flushes == [list(range(50))]


def test_a_rolled_back_savepoint_drops_only_its_own_messages(world, flushes):
    w = world.sunrise

    class Abort(Exception):
        pass

    with transaction.atomic():
        send_to_unit_on_commit(w.unit.pk, event(1))
        try:
            with transaction.atomic():
                send_to_unit_on_commit(w.unit.pk, event(2))
                raise Abort
        except Abort:
            pass
        with transaction.atomic():
            send_to_unit_on_commit(w.unit.pk, event(3))
        send_to_unit_on_commit(w.unit.pk, event(4))
    assert flushes == [[1, 3, 4]]


def test_a_rolled_back_transaction_publishes_nothing(world, flushes):
    w = world.sunrise

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        for n in range(3):
            send_to_unit_on_commit(w.unit.pk, event(n))
        raise Abort
    with transaction.atomic():
        send_to_unit_on_commit(w.unit.pk, event(7))
    assert flushes == [[7]]


def test_messages_queued_after_earlier_ones_are_run_by_a_later_hook_runner(
    world, flushes, django_capture_on_commit_callbacks
):
    """Django's captureOnCommitCallbacks runs only the hooks registered inside it: a message
    queued there must not hide behind a flush registered before."""
    w = world.sunrise
    with transaction.atomic():
        send_to_unit_on_commit(w.unit.pk, event(1))
        with django_capture_on_commit_callbacks(execute=True):
            send_to_unit_on_commit(w.unit.pk, event(2))
            send_to_unit_on_commit(w.unit.pk, event(3))
        assert flushes == [[2, 3]]
        transaction.set_rollback(True)
