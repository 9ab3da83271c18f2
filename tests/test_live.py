"""/ws/ through the real ASGI stack (origin check, session auth) and the real Redis layer."""

import copy
import uuid

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from communications.consumers import CLOSE_UNAUTHENTICATED
from communications.live import close_user_sockets_on_commit, send_to_user_on_commit
from portal.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGE = {"type": "ticket.updated", "org": "sunrise", "ticket": 7, "status": "in_progress"}


@pytest.fixture(autouse=True)
def _own_channel_prefix(settings):
    # The project's layer on the project's Redis, under a prefix of its own, so that another
    # test run (or the demo) sharing this Redis never sees these groups, nor we theirs.
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"]["CONFIG"]["prefix"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CHANNEL_LAYERS = layers


@pytest.fixture
def session_of():
    """``session_of(user)`` signs a fresh browser in as ``user``; returns (client, cookie)."""
    from django.test import Client

    def _session_of(user):
        browser = Client()
        browser.force_login(user, backend="portal.accounts.backends.PhoneOrEmailBackend")
        return browser, browser.cookies[settings.SESSION_COOKIE_NAME].value

    return _session_of


def socket(session_key=None, origin=settings.SITE_URL):
    headers = [(b"origin", origin.encode())]
    if session_key:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
    return WebsocketCommunicator(application, "/ws/", headers=headers)


def run(scenario):
    """Run an async scenario on one event loop; sync code inside it uses this thread's DB."""
    async_to_sync(scenario)()


async def attempt(ws):
    """Open ``ws``; for a refused handshake also stop the refusing application at once."""
    connected, code = await ws.connect()
    if not connected:
        await ws.wait(timeout=0.1)
    return connected, code


async def connected_socket(session_key, user):
    ws = socket(session_key)
    connected, _ = await ws.connect()
    assert connected
    hello = await ws.receive_json_from()
    assert (hello["type"], hello["user"]) == ("hello", user.pk)
    return ws


def body(message: dict) -> dict:
    """A received live message without the replay number the server adds."""
    assert isinstance(message.pop("seq"), int)
    return message


def test_anonymous_connection_is_refused():
    async def scenario():
        connected, code = await attempt(socket())
        assert not connected
        assert code == CLOSE_UNAUTHENTICATED

    run(scenario)


def test_connection_with_a_forged_session_cookie_is_refused():
    async def scenario():
        connected, _ = await attempt(socket("not-a-session"))
        assert not connected

    run(scenario)


def test_signed_in_user_connects_and_is_greeted(world, session_of):
    owner = world.sunrise.owner
    _, session_key = session_of(owner)

    async def scenario():
        ws = await connected_socket(session_key, owner)
        await ws.disconnect()

    run(scenario)


@pytest.mark.parametrize("origin", ["https://evil.example", "http://127.0.0.1.evil.example"])
def test_connection_from_a_foreign_origin_is_refused(world, session_of, origin):
    _, session_key = session_of(world.sunrise.owner)

    async def scenario():
        connected, _ = await attempt(socket(session_key, origin=origin))
        assert not connected

    run(scenario)


def test_inactive_user_is_refused(world, session_of):
    owner = world.sunrise.owner
    _, session_key = session_of(owner)
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    async def scenario():
        connected, _ = await attempt(socket(session_key))
        assert not connected

    run(scenario)


def test_message_arrives_only_after_the_transaction_commits(world, session_of):
    owner = world.sunrise.owner
    _, session_key = session_of(owner)

    async def scenario():
        ws = await connected_socket(session_key, owner)

        def write_and_check_nothing_arrived_yet():
            with transaction.atomic():
                send_to_user_on_commit(owner.pk, MESSAGE)
                assert async_to_sync(ws.receive_nothing)(timeout=0.3)

        await sync_to_async(write_and_check_nothing_arrived_yet)()
        assert body(await ws.receive_json_from(timeout=2)) == MESSAGE
        await ws.disconnect()

    run(scenario)


def test_message_is_never_sent_when_the_transaction_rolls_back(world, session_of):
    owner = world.sunrise.owner
    _, session_key = session_of(owner)

    class Abort(Exception):
        pass

    def write_and_roll_back():
        try:
            with transaction.atomic():
                send_to_user_on_commit(owner.pk, MESSAGE)
                raise Abort
        except Abort:
            pass

    async def scenario():
        ws = await connected_socket(session_key, owner)
        await sync_to_async(write_and_roll_back)()
        assert await ws.receive_nothing(timeout=0.5)
        await ws.disconnect()

    run(scenario)


def test_other_users_socket_does_not_receive_the_message(world, session_of):
    owner, neighbour = world.sunrise.owner, world.sunrise.neighbour
    _, owner_key = session_of(owner)
    _, neighbour_key = session_of(neighbour)

    async def scenario():
        owner_ws = await connected_socket(owner_key, owner)
        neighbour_ws = await connected_socket(neighbour_key, neighbour)

        await sync_to_async(send_to_user_on_commit)(owner.pk, MESSAGE)

        assert body(await owner_ws.receive_json_from(timeout=2)) == MESSAGE
        assert await neighbour_ws.receive_nothing(timeout=0.5)
        await owner_ws.disconnect()
        await neighbour_ws.disconnect()

    run(scenario)


def test_messages_from_the_client_select_nothing(world, session_of):
    owner, neighbour = world.sunrise.owner, world.sunrise.neighbour
    _, owner_key = session_of(owner)

    async def scenario():
        ws = await connected_socket(owner_key, owner)
        # A client naming another user's group gets no subscription out of it.
        await ws.send_json_to({"type": "subscribe", "group": f"user.{neighbour.pk}"})
        await sync_to_async(send_to_user_on_commit)(neighbour.pk, MESSAGE)
        assert await ws.receive_nothing(timeout=0.5)
        await ws.disconnect()

    run(scenario)


def test_logout_closes_the_users_open_sockets(world, session_of):
    owner = world.sunrise.owner
    browser, session_key = session_of(owner)

    async def scenario():
        first = await connected_socket(session_key, owner)
        second = await connected_socket(session_key, owner)

        response = await sync_to_async(browser.post)(reverse("accounts:logout"))
        assert response.status_code == 302

        for ws in (first, second):
            closed = await ws.receive_output(timeout=2)
            assert closed == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}
        # The old cookie no longer opens a socket either.
        connected, _ = await attempt(socket(session_key))
        assert not connected

    run(scenario)


def test_logout_leaves_other_peoples_sockets_open(world, session_of):
    owner, neighbour = world.sunrise.owner, world.sunrise.neighbour
    browser, _ = session_of(owner)
    _, neighbour_key = session_of(neighbour)

    async def scenario():
        ws = await connected_socket(neighbour_key, neighbour)
        await sync_to_async(browser.post)(reverse("accounts:logout"))
        assert await ws.receive_nothing(timeout=0.5)
        await ws.disconnect()

    run(scenario)


def test_password_change_closes_the_users_sockets(world, session_of):
    owner = world.sunrise.owner
    browser, session_key = session_of(owner)

    async def scenario():
        ws = await connected_socket(session_key, owner)
        response = await sync_to_async(browser.post)(
            reverse("accounts:password-change"),
            {
                "old_password": world.password,
                "new_password1": "a-brand-new-secret-42",
                "new_password2": "a-brand-new-secret-42",
            },
        )
        assert response.status_code == 302
        closed = await ws.receive_output(timeout=2)
        assert closed["type"] == "websocket.close"

    run(scenario)


def test_close_user_sockets_waits_for_commit(world, session_of):
    owner = world.sunrise.owner
    _, session_key = session_of(owner)

    async def scenario():
        ws = await connected_socket(session_key, owner)

        def close_inside_transaction():
            with transaction.atomic():
                close_user_sockets_on_commit(owner.pk)
                assert async_to_sync(ws.receive_nothing)(timeout=0.3)

        await sync_to_async(close_inside_transaction)()
        closed = await ws.receive_output(timeout=2)
        assert closed["type"] == "websocket.close"

    run(scenario)


def test_deactivating_an_account_in_the_admin_closes_its_sockets(world, session_of, rf):
    from django.contrib import admin
    from django.contrib.auth import get_user_model

    owner = world.sunrise.owner
    _, session_key = session_of(owner)
    model_admin = admin.site._registry[get_user_model()]
    request = rf.post("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    form_class = model_admin.get_form(request, owner, change=True)
    data = {
        "email": owner.email or "", "phone": owner.phone or "", "full_name": owner.full_name,
        "language": owner.language, "is_active": "",  # unticked
    }

    def deactivate():
        form = form_class(data, instance=owner)
        assert form.is_valid(), form.errors
        with transaction.atomic():
            model_admin.save_model(request, form.save(commit=False), form, change=True)

    async def scenario():
        ws = await connected_socket(session_key, owner)
        await sync_to_async(deactivate)()
        assert await ws.receive_output(timeout=2) == {
            "type": "websocket.close", "code": CLOSE_UNAUTHENTICATED
        }
        connected, _ = await attempt(socket(session_key))
        assert not connected

    run(scenario)


def test_a_push_that_fails_outside_a_transaction_is_logged_not_raised(settings, caplog):
    """In autocommit (a Celery task, a management command) the write has already committed:
    a channel layer that cannot be reached must not turn it into an error for the caller."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Nothing listens on port 1: every connection attempt fails at once.
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    assert not transaction.get_connection().in_atomic_block
    with caplog.at_level("ERROR", logger="courtyard.live"):
        send_to_user_on_commit(1, {"type": "ticket.updated", "org": "sunrise", "ticket": 1})
    assert "Could not send a live message" in caplog.text
