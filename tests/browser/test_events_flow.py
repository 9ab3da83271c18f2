"""Events in real browsers: an owner on a phone registers and gets the QR code for the door;
the manager's open registrations page counts them in without reloading (live.js); the month
calendar and the lists on phone and desktop, in Chinese and English (screenshots)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope

from events.services import event_create, event_publish
from portal.tenancy.access import compute_access
from tests.factories import PASSWORD

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 15_000


def _sign_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def _events(w):
    manager = compute_access(w.manager, w.org)
    start = (timezone.now() + dt.timedelta(days=2)).replace(hour=1, minute=30, second=0,
                                                            microsecond=0)
    made = []
    for n, (title, place, capacity) in enumerate([
        ("老年人免费健康体检", "会所一楼活动室", 3),
        ("儿童书法兴趣课 Children's calligraphy", "会所二楼多功能厅", 15),
        ("中秋游园会", "小区中心广场", 200),
    ]):
        starts = start + dt.timedelta(days=3 * n)
        event = event_create(
            access=manager, title=title, place=place, starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2), capacity=capacity, max_party_size=2,
            property=w.property if n < 2 else None, price_text="免费",
            description="社区卫生服务中心医生上门：血压、血糖、心电图。请空腹前来。",
        )
        made.append(event_publish(access=manager, event=event))
    return made


def test_owner_registers_on_a_phone_and_the_manager_sees_it_live(world, asgi_server, open_page):
    w = world.sunrise
    with scope(organization=w.org):
        health, *_others = _events(w)
    base, slug = asgi_server.url, w.org.slug

    manager = open_page("zh-CN", DESKTOP)
    _sign_in(manager, base, w.manager.email)
    manager.goto(f"{base}/o/{slug}/manage/events/{health.pk}/")
    manager.wait_for_selector("#live-status[data-state=live]", state="attached",
                              timeout=WAIT_MS)

    owner = open_page("zh-CN", PHONE)
    _sign_in(owner, base, w.owner.email)
    owner.goto(f"{base}/o/{slug}/events/")
    screenshot(owner, "events/owner-list-phone-zh")
    owner.goto(f"{base}/o/{slug}/events/{health.pk}/")
    owner.fill("input[name=party_size]", "2")
    owner.click("#event-status button[type=submit]")
    owner.wait_for_selector(".event-qr svg", timeout=WAIT_MS)
    screenshot(owner, "events/owner-detail-registered-phone-zh")

    # The manager's page refreshed its registrations by itself.
    from playwright.sync_api import expect

    expect(manager.locator("#registrations-live")).to_contain_text("2 / 3", timeout=WAIT_MS)
    screenshot(manager, "events/manage-detail-desktop-zh")
    manager.goto(f"{base}/o/{slug}/manage/events/{health.pk}/check-in/")
    screenshot(manager, "events/checkin-desktop-zh")
    assert not [e for e in owner.errors + manager.errors if "favicon" not in e]


@pytest.mark.parametrize(("locale", "viewport", "name"), [
    ("zh-CN", PHONE, "phone-zh"), ("en-US", PHONE, "phone-en"),
    ("zh-CN", DESKTOP, "desktop-zh"), ("en-US", DESKTOP, "desktop-en"),
])
def test_calendar_and_pages_render(world, asgi_server, open_page, locale, viewport, name):
    w = world.sunrise
    with scope(organization=w.org):
        events = _events(w)
    base, slug = asgi_server.url, w.org.slug
    page = open_page(locale, viewport)
    _sign_in(page, base, w.owner.email)
    month = timezone.localtime(events[0].starts_at).strftime("%Y-%m")
    page.goto(f"{base}/o/{slug}/events/calendar/?month={month}")
    assert page.locator("main a:visible", has_text="老年人免费健康体检").count() >= 1
    screenshot(page, f"events/calendar-{name}")
    page.goto(f"{base}/o/{slug}/events/{events[1].pk}/")
    screenshot(page, f"events/detail-{name}")
    page.goto(f"{base}/o/{slug}/events/feed/")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#feed-url")
    screenshot(page, f"events/feed-{name}")
    page.goto(f"{base}/o/{slug}/")
    screenshot(page, f"events/home-{name}")
    assert not page.errors
