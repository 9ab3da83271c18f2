"""A request's round trip in real browsers (issue 3): an owner on a phone sends a request with
a photo, a staff member on a desktop sees it arrive in the queue without reloading and accepts
it, and the owner's open request page moves to "accepted", then their list to "in progress",
without reloading (the WebSocket live refresh, static/js/live.js)."""

import random
import re
import string

import pytest
from django.core.management import call_command
from django.utils import translation
from django_scopes import scopes_disabled
from PIL import Image

from tickets.models import Attachment, Status, Ticket

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "courtyard-demo"
WAIT_MS = 15_000
# Unique, so that a search finds this request only, and on the first page.
# Letters only, searched on its own: no demo ticket, phone number or unit can match it.
TOKEN = "".join(random.choices(string.ascii_lowercase, k=12))
TITLE = f"厨房水龙头漏水 {TOKEN}"


def _sign_in(page, base_url, login):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    match = re.search(r"/o/([\w-]+)/", page.url)
    assert match, f"{login} was not taken to an organisation home: {page.url}"
    return match.group(1)


def _wait_live(page):
    """The page's WebSocket is open: events sent from now on reach it."""
    page.wait_for_selector("#live-status[data-state=live]", state="attached", timeout=WAIT_MS)


def _label(page, status) -> str:
    """The status's name in the page's language (a person's saved preference wins over the
    browser's)."""
    with translation.override(page.locator("html").get_attribute("lang")):
        return str(status.label)


def _jpeg(tmp_path):
    path = tmp_path / "leaking-tap.jpg"
    Image.new("RGB", (320, 240), (70, 130, 180)).save(path, "JPEG", quality=85)
    return path


def test_owner_request_reaches_the_queue_and_acceptance_reaches_the_owner_live(
    asgi_server, open_page, tmp_path
):
    call_command("seed_demo", verbosity=0)
    base = asgi_server.url

    staff = open_page(locale="en-US", viewport=DESKTOP)
    slug = _sign_in(staff, base, "staff@sunrise.example")
    # Searched for the title: the new request will be alone on the first page.
    staff.goto(f"{base}/o/{slug}/tickets/?view=open&q={TOKEN}")
    staff.wait_for_selector("#queue-rows-live", timeout=WAIT_MS)
    assert staff.locator("#queue-rows-live a").count() == 0
    _wait_live(staff)

    owner = open_page(locale="zh-CN", viewport=PHONE)
    assert _sign_in(owner, base, "owner@sunrise.example") == slug
    owner.goto(f"{base}/o/{slug}/requests/new/")
    owner.wait_for_selector("form.request-form", timeout=WAIT_MS)
    owner.check("#id_category_0")
    owner.select_option("#id_location", index=0)
    owner.fill("#id_title", TITLE)
    owner.fill("#id_description", "从昨天晚上开始一直滴水，关不紧。")
    owner.set_input_files("input[name=photos]", str(_jpeg(tmp_path)))
    screenshot(owner, "ticket-flow-1-owner-new-zh-hans")
    owner.click("form.request-form button[type=submit]")
    owner.wait_for_url(re.compile(rf"/o/{slug}/requests/\d+/$"), timeout=WAIT_MS)

    number = int(re.search(r"/requests/(\d+)/$", owner.url).group(1))
    with scopes_disabled():
        ticket = Ticket.objects.get(organization__slug=slug, number=number)
        assert ticket.status == Status.NEW
        assert ticket.title == TITLE
        assert Attachment.objects.filter(ticket=ticket).count() == 1
    assert f"#{number}" in owner.locator("h1").inner_text()
    _wait_live(owner)
    screenshot(owner, "ticket-flow-2-owner-detail-new-zh-hans")

    # The queue was opened before the request existed: it arrives through the live refresh.
    link = staff.locator(f"#queue-rows-live a[href$='/tickets/{number}/']")
    link.wait_for(timeout=WAIT_MS)
    screenshot(staff, "ticket-flow-3-staff-queue-en")
    link.click()
    staff.wait_for_url(re.compile(rf"/o/{slug}/tickets/{number}/$"), timeout=WAIT_MS)
    accept = staff.locator(f"form[action$='/tickets/{number}/accept/'] button[type=submit]")
    accept.wait_for(timeout=WAIT_MS)
    accept.click()
    staff.wait_for_load_state("networkidle")
    staff.locator("#ticket-status-live", has_text=_label(staff, Status.ACCEPTED)).wait_for(
        timeout=WAIT_MS
    )
    screenshot(staff, "ticket-flow-4-staff-detail-accepted-en")
    with scopes_disabled():
        ticket.refresh_from_db()
        assert ticket.status == Status.ACCEPTED

    # The owner's page, untouched since it loaded, now shows the acceptance.
    accepted = _label(owner, Status.ACCEPTED)
    owner.locator(
        "#request-steps-live li.ticket-step[aria-current=step]", has_text=accepted
    ).wait_for(timeout=WAIT_MS)
    owner.locator("#request-status-live", has_text=accepted).wait_for(timeout=WAIT_MS)
    assert owner.url.endswith(f"/requests/{number}/")
    screenshot(owner, "ticket-flow-5-owner-detail-accepted-zh-hans")

    # The owner's list, open while the staff member starts work, follows too.
    owner.goto(f"{base}/o/{slug}/requests/")
    card = owner.locator("#request-list-live li.request-card", has_text=f"#{number}")
    card.locator(".ticket-status", has_text=accepted).wait_for(timeout=WAIT_MS)
    _wait_live(owner)
    start = staff.locator(
        f"form[action$='/tickets/{number}/transition/'] button[value={Status.IN_PROGRESS}]"
    )
    start.click()
    staff.wait_for_load_state("networkidle")
    card.locator(".ticket-status", has_text=_label(owner, Status.IN_PROGRESS)).wait_for(
        timeout=WAIT_MS
    )
    screenshot(owner, "ticket-flow-6-owner-list-in-progress-zh-hans")

    assert staff.errors == [], f"staff console errors: {staff.errors}"
    assert owner.errors == [], f"owner console errors: {owner.errors}"
