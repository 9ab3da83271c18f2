"""The dashboards in a real browser on the demo data: charts drawn from their JSON, no console
errors, the counters refreshed live when a ticket arrives; screenshots on a phone (zh-hans) and
a desktop (en)."""

import datetime as dt
import re
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from portal.accounts.models import User
from portal.tenancy.access import compute_access
from portal.tenancy.models import Organization
from tickets.models import Category
from tickets.services import ticket_submit

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "courtyard-demo"
WAIT_MS = 15_000


def _sign_in(page, base_url, login):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    return re.search(r"/o/([\w-]+)/", page.url).group(1)


def _opened(page) -> int:
    return int(page.locator("#dashboard-counters .card").first.locator(".fs-3").inner_text())


def test_dashboards_draw_their_charts_and_the_counters_follow_new_tickets(asgi_server,
                                                                          open_page):
    call_command("seed_demo", verbosity=0)
    base = asgi_server.url
    start = (timezone.localdate() - dt.timedelta(days=89)).isoformat()

    manager = open_page(locale="en-US", viewport=DESKTOP)
    slug = _sign_in(manager, base, "manager@sunrise.example")
    manager.goto(f"{base}/o/{slug}/dashboard/?start={start}")
    manager.wait_for_selector(".dash-chart canvas", timeout=WAIT_MS)
    manager.wait_for_selector("#live-status[data-state=live]", state="attached",
                              timeout=WAIT_MS)
    before = _opened(manager)
    assert before > 0
    screenshot(manager, "dashboards/sla-desktop-en")

    with scopes_disabled():
        org = Organization.objects.get(slug=slug)
        owner = User.objects.get(email="owner@sunrise.example")
    def submit():
        # In a thread of its own: the after-commit live push must not run inside Playwright's
        # event loop (async_to_sync refuses to).
        with scope(organization=org):
            access = compute_access(owner, org)
            ticket_submit(access=access, category=Category.objects.filter(
                organization=org, kind="repair").first(), title="Live dashboard check",
                unit=access.residencies[0].unit)
        connection.close()

    worker = threading.Thread(target=submit)
    worker.start()
    worker.join(timeout=30)
    manager.locator("#dashboard-counters .card .fs-3", has_text=str(before + 1)).first.wait_for(
        timeout=WAIT_MS)

    for path, name in (("satisfaction/", "satisfaction"), ("engagement/", "engagement"),
                       ("hotspots/", "hotspots")):
        manager.goto(f"{base}/o/{slug}/dashboard/{path}?start={start}")
        manager.wait_for_selector(".dash-chart canvas", timeout=WAIT_MS)
        screenshot(manager, f"dashboards/{name}-desktop-en")
    manager.goto(f"{base}/o/{slug}/dashboard/report/")
    manager.wait_for_load_state("networkidle")
    screenshot(manager, "dashboards/report-desktop-en")
    manager.goto(f"{base}/o/{slug}/manage/tickets/follow-ups/")
    screenshot(manager, "dashboards/follow-ups-desktop-en")
    assert manager.errors == [], manager.errors

    phone = open_page(locale="zh-CN", viewport=PHONE)
    _sign_in(phone, base, "manager@sunrise.example")
    for path, name in (("", "sla"), ("satisfaction/", "satisfaction"),
                       ("hotspots/", "hotspots")):
        phone.goto(f"{base}/o/{slug}/dashboard/{path}?start={start}")
        phone.wait_for_selector(".dash-chart canvas", timeout=WAIT_MS)
        screenshot(phone, f"dashboards/{name}-phone-zh-hans")
    staff = open_page(locale="zh-CN", viewport=PHONE)
    _sign_in(staff, base, "staff@sunrise.example")
    staff.goto(f"{base}/o/{slug}/dashboard/?start={start}")
    staff.wait_for_load_state("networkidle")
    screenshot(staff, "dashboards/sla-staff-phone-zh-hans")
    assert phone.errors == [] and staff.errors == [], (phone.errors, staff.errors)
