"""Reconnect without loss in a real browser: the server drops the owner's socket (their groups
changed), staff accept the request while it is down, and the page shows the acceptance from
the replayed message, without a reload and without a full re-fetch. And two staff members on
one ticket see each other ("someone else is on this ticket")."""

import json
import re
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from django_scopes import scope, scopes_disabled

from portal.accounts.models import User
from portal.realtime import close_user_sockets_on_commit
from portal.tenancy.access import compute_access
from portal.tenancy.models import Organization
from tickets.models import Category, Status
from tickets.services import ticket_accept, ticket_submit

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "courtyard-demo"
WAIT_MS = 15_000


def _sign_in(page, base_url, login):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/o/sunrise/", page.url), page.url


def _wait_live(page):
    page.wait_for_selector("#live-status[data-state=live]", state="attached", timeout=WAIT_MS)


def off_the_browsers_loop(action):
    """Server-side actions publish with async_to_sync, which refuses the thread where
    Playwright's event loop runs."""
    errors, results = [], []

    def run():
        try:
            results.append(action())
        except Exception as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


def _new_request():
    with scopes_disabled():
        organization = Organization.objects.get(slug="sunrise")
        owner = User.objects.get(email="owner@sunrise.example")
    with scope(organization=organization):
        access = compute_access(owner, organization)
        category = Category.objects.filter(organization=organization, kind="repair").first()
        ticket = ticket_submit(access=access, category=category, title="Replay me",
                               unit=access.residencies[0].unit)
    return organization, owner, ticket


def test_a_message_sent_while_the_socket_is_down_is_replayed(asgi_server, open_page):
    call_command("seed_demo", verbosity=0)
    base = asgi_server.url
    organization, owner_user, ticket = off_the_browsers_loop(_new_request)
    with scopes_disabled():
        staff_user = User.objects.get(email="staff@sunrise.example")

    owner = open_page(locale="en-US", viewport=PHONE)
    sockets = []  # (url, frames received), per WebSocket the page opens

    def watch(ws):
        frames = []
        sockets.append((ws.url, frames))
        ws.on("framereceived", lambda payload: frames.append(
            json.loads(payload["payload"] if isinstance(payload, dict) else payload)))

    owner.on("websocket", watch)
    _sign_in(owner, base, "owner@sunrise.example")
    owner.goto(f"{base}/o/sunrise/requests/{ticket.number}/")
    _wait_live(owner)
    owner.evaluate(
        "window.resyncs = 0; document.body.addEventListener('courtyard:resync',"
        " function () { window.resyncs += 1; });"
    )

    # The server closes the socket (code 4000); the browser waits 0.5-1 s before it returns,
    # and the acceptance is published in that gap.
    def drop_then_accept():
        close_user_sockets_on_commit(owner_user.pk, reconnect=True)
        with scope(organization=organization):
            ticket_accept(access=compute_access(staff_user, organization), ticket=ticket)

    off_the_browsers_loop(drop_then_accept)

    with translation.override("en"):
        accepted = str(Status.ACCEPTED.label)
    owner.locator("#request-status-live", has_text=accepted).wait_for(timeout=WAIT_MS)
    _wait_live(owner)
    assert owner.evaluate("window.resyncs") == 0  # replayed, not re-fetched wholesale
    # The last socket resumed from a number, and the acceptance reached it as a replay: it
    # was numbered before this socket's hello, i.e. published while no socket was open.
    url, frames = sockets[-1]
    assert "last_seq=" in url
    hello = frames[0]
    assert hello["type"] == "hello" and hello["replay"] is True
    replayed = [f for f in frames[1:] if f.get("ticket") == ticket.number]
    assert replayed and replayed[0]["seq"] <= hello["seq"]
    assert owner.url.endswith(f"/requests/{ticket.number}/")
    assert owner.errors == [], owner.errors


def test_two_staff_on_one_ticket_see_each_other(asgi_server, open_page):
    call_command("seed_demo", verbosity=0)
    base = asgi_server.url
    _organization, _owner, ticket = off_the_browsers_loop(_new_request)

    for locale, who in (("en-US", "manager@sunrise.example"), ("zh-CN", "staff@sunrise.example")):
        page = open_page(locale=locale, viewport=DESKTOP)
        _sign_in(page, base, who)
        page.goto(f"{base}/o/sunrise/tickets/{ticket.number}/")
        _wait_live(page)
        if who.startswith("manager"):
            manager = page
        else:
            staff = page
    with scopes_disabled():
        staff_name = User.objects.get(email="staff@sunrise.example").full_name
        manager_name = User.objects.get(email="manager@sunrise.example").full_name
    # The manager came first: the staff member's arrival reaches the manager's page live,
    # long before the 20 s poll.
    manager.locator("#ticket-presence", has_text=staff_name).wait_for(timeout=8_000)
    staff.locator("#ticket-presence", has_text=manager_name).wait_for(timeout=WAIT_MS)
    screenshot(staff, "communications/presence-staff-zh-hans")
    screenshot(manager, "communications/presence-manager-en")
    assert manager.errors == [] and staff.errors == []
