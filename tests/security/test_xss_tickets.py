"""Hostile markup through requests, replies and people's names (issue #10): shown on the
owner's and the staff's pages, in the notification centre and in notification emails, none of
it can run. Notices, surveys and events add their own surfaces with the same corpus."""

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from communications.delivery import send_due
from portal.tenancy.access import compute_access
from tests.tickets.conftest import make_desk
from tickets.services import ticket_comment, ticket_submit

from .xss import executable_parts, payloads

PAYLOADS = payloads()


def test_the_corpus_has_over_two_hundred_payloads():
    assert len(PAYLOADS) >= 200


@pytest.fixture
def hostile(world, settings):
    """Every payload as a ticket title, in a staff reply and an owner's reply; the owner's and
    the staff member's names are payloads too."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    w = world.sunrise
    with scopes_disabled():
        w.owner.full_name = PAYLOADS[5][:150]
        w.owner.save(update_fields=["full_name"])
        w.staff.full_name = PAYLOADS[1][:150]
        w.staff.save(update_fields=["full_name"])
    with scope(organization=w.org):
        desk = make_desk(w)
        owner, staff = compute_access(w.owner, w.org), compute_access(w.staff, w.org)
        first = None
        for payload in PAYLOADS:
            ticket = ticket_submit(
                access=owner, category=desk.repair, title=payload[:200], description=payload,
                unit=w.unit,
            )
            first = first or ticket
        for payload in PAYLOADS:
            ticket_comment(access=staff, ticket=first, body=payload)
            ticket_comment(access=owner, ticket=first, body=payload)
    return first


def _check(name, markup):
    found = executable_parts(markup)
    assert not found, f"{name}: {found[:5]}"


def test_no_payload_runs_on_any_page_or_email(hostile, login, world):
    w = world.sunrise
    number = hostile.number
    owner, staff = login(w.owner), None
    pages = {
        "owner requests": owner.get("/o/sunrise/requests/"),
        "owner request": owner.get(f"/o/sunrise/requests/{number}/"),
        "owner notifications": owner.get("/notifications/"),
        "owner home": owner.get("/o/sunrise/"),
    }
    staff = login(w.staff)
    pages |= {
        "staff queue": staff.get("/o/sunrise/tickets/?view=all"),
        "staff queue search": staff.get("/o/sunrise/tickets/", {"q": "script"}),
        "staff ticket": staff.get(f"/o/sunrise/tickets/{number}/"),
        "staff notifications": staff.get("/notifications/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        _check(name, response.content.decode())
    # The payloads did reach the pages (escaped), so the check looked at them.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["owner request"].content.decode()

    with scopes_disabled():
        send_due()
    assert mail.outbox, "replies to the owner should have been emailed"
    for message in mail.outbox:
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                _check(f"email {message.subject}", content)
