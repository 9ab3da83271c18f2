"""Each demo user signs in with a real browser and sees a home page for their role, in
Chinese and in English, without console errors (issue 2, "Done when")."""

import pytest
from django.core.management import call_command

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "courtyard-demo"
# (login, a text the home page shows in zh-hans, the same in English)
LOGINS = [
    ("admin@sunrise.example", "导入房屋和住户", "Import units and residents"),
    ("manager@sunrise.example", "您负责的小区", "Properties in your scope"),
    ("staff@sunrise.example", "您负责的小区", "Properties in your scope"),
    ("owner@sunrise.example", "我的房屋", "My homes"),
    ("owner@harbor.example", "我的房屋", "My homes"),
]


def _sign_in(page, base_url, login):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize(
    ("locale", "language", "viewport"),
    [("zh-CN", "zh-hans", PHONE), ("en-US", "en", DESKTOP)],
    ids=["zh-phone", "en-desktop"],
)
def test_each_demo_user_sees_their_home_page(asgi_server, open_page, locale, language, viewport):
    call_command("seed_demo", verbosity=0)
    for login, text_zh, text_en in LOGINS:
        page = open_page(locale=locale, viewport=viewport)
        _sign_in(page, asgi_server.url, login)
        assert "/o/" in page.url, f"{login} was not taken to an organisation home: {page.url}"
        assert page.locator("html").get_attribute("lang") == language
        expected = text_zh if language == "zh-hans" else text_en
        assert page.get_by_text(expected).first.is_visible(), f"{login}: '{expected}' missing"
        person, domain = login.split("@")
        screenshot(page, f"home-{person}-{domain.split('.')[0]}-{language}")
        assert page.errors == [], f"{login}: console errors {page.errors}"
        page.context.close()


def test_wrong_password_shows_the_error_at_the_form(asgi_server, open_page):
    call_command("seed_demo", verbosity=0)
    page = open_page(locale="zh-CN", viewport=PHONE)
    page.goto(f"{asgi_server.url}/accounts/login/")
    page.fill("input[name=username]", "owner@sunrise.example")
    page.fill("input[name=password]", "not-the-password")
    page.click("main button[type=submit]")
    assert page.get_by_text("不匹配").first.is_visible()
    assert page.errors == []
