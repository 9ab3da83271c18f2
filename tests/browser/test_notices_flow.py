"""Notices in real browsers: an owner on a phone has the feed open when a manager publishes a
notice, and it appears without reloading (live refresh); the owner opens the outage notice and
acknowledges it; the manager reads the receipts and the printable list on a desktop. Takes the
screenshots under var/screenshots/notices/ in Chinese and English."""

import random
import string

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from notices.models import Notice, NoticeReceipt
from portal.accounts.models import User
from portal.tenancy.models import Organization

from .conftest import DESKTOP, PHONE, SCREENSHOTS, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "courtyard-demo"
WAIT_MS = 15_000
TOKEN = "".join(random.choices(string.ascii_lowercase, k=10))


def _sign_in(page, base_url, login):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_notice_appears_live_and_owner_acknowledges(asgi_server, open_page):
    call_command("seed_demo", verbosity=0)
    (SCREENSHOTS / "notices").mkdir(parents=True, exist_ok=True)
    base = asgi_server.url

    owner = open_page(locale="zh-CN", viewport=PHONE)
    _sign_in(owner, base, "owner@sunrise.example")
    owner.goto(f"{base}/o/sunrise/notices/")
    owner.wait_for_selector("#notice-feed-live", timeout=WAIT_MS)
    owner.wait_for_selector("#live-status[data-state=live]", state="attached", timeout=WAIT_MS)
    screenshot(owner, "notices/feed-owner-zh-hans-phone")

    # The manager publishes through the form in another browser: the server pushes, the
    # owner's open feed refreshes itself.
    staff = open_page(locale="en-US", viewport=DESKTOP)
    _sign_in(staff, base, "manager@sunrise.example")
    staff.goto(f"{base}/o/sunrise/manage/notices/new/")
    staff.fill("#id_title", f"业主大会表决通知 {TOKEN}")
    staff.fill("#id_body", "请于下周一前参加**电梯更新**表决。")
    staff.check("#id_whole_organization")
    screenshot(staff, "notices/form-en-desktop")
    staff.click("button[value=publish]")
    staff.wait_for_load_state("networkidle")
    owner.wait_for_selector(f"text=业主大会表决通知 {TOKEN}", timeout=WAIT_MS)
    with scopes_disabled():
        org = Organization.objects.get(slug="sunrise")

    with scopes_disabled():
        outage = Notice.objects.get(organization=org, category="outage")
    owner.goto(f"{base}/o/sunrise/notices/{outage.pk}/")
    screenshot(owner, "notices/outage-owner-zh-hans-phone")
    with scopes_disabled():
        owner_user = User.objects.get(email="owner@sunrise.example")
        acknowledged = NoticeReceipt.objects.filter(
            notice=outage, user=owner_user, acknowledged_at__isnull=False).exists()
    if not acknowledged:
        owner.click("text=确认已读")
        owner.wait_for_selector(".notice-ack .text-success", timeout=WAIT_MS)
    with scopes_disabled():
        assert NoticeReceipt.objects.get(notice=outage, user=owner_user).acknowledged_at
    assert owner.errors == []

    staff.goto(f"{base}/o/sunrise/manage/notices/{outage.pk}/receipts/")
    assert staff.get_by_text("acknowledged").first.is_visible()
    screenshot(staff, "notices/receipts-manager-en-desktop")
    staff.goto(f"{base}/o/sunrise/manage/notices/{outage.pk}/print/?all=1")
    screenshot(staff, "notices/print-manager-en-desktop")
    staff.goto(f"{base}/o/sunrise/manage/notices/")
    screenshot(staff, "notices/manage-list-en-desktop")
    staff.goto(f"{base}/o/sunrise/disclosures/")
    screenshot(staff, "notices/register-en-desktop")
    assert staff.errors == []

    english_owner = open_page(locale="en-US", viewport=DESKTOP)
    _sign_in(english_owner, base, "owner@sunrise.example")
    english_owner.goto(f"{base}/o/sunrise/notices/")
    screenshot(english_owner, "notices/feed-owner-en-desktop")
    english_owner.goto(f"{base}/o/sunrise/disclosures/")
    screenshot(english_owner, "notices/register-owner-en-desktop")
