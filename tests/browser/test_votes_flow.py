"""An owners' vote in real browsers: the manager watches the live tally of the demo's open
vote on a desktop while the demo owner casts the ballot of their home on a phone; the tally
moves without reloading. Screenshots of the owner's page, the tally and the certificate in
both languages go to var/screenshots/votes/."""

import re

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from surveys.votes.demo import CLOSED_TITLE, OPEN_TITLE
from surveys.votes.models import Ballot, Vote

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
    match = re.search(r"/o/([\w-]+)/", page.url)
    assert match, f"{login} was not taken to an organisation home: {page.url}"
    return match.group(1)


def _shot(page, name):
    screenshot(page, f"votes/{name}")


def test_owner_ballot_moves_the_managers_live_tally(asgi_server, open_page):
    call_command("seed_demo", verbosity=0)
    base = asgi_server.url
    with scopes_disabled():
        vote = Vote.objects.get(organization__slug="sunrise", title=OPEN_TITLE)
        closed = Vote.objects.get(organization__slug="sunrise", title=CLOSED_TITLE)
        before = Ballot.objects.filter(vote=vote).count()

    manager = open_page(locale="en-US", viewport=DESKTOP)
    slug = _sign_in(manager, base, "manager@sunrise.example")
    manager.goto(f"{base}/o/{slug}/votes/manage/{vote.pk}/")
    manager.wait_for_selector("#live-status[data-state=live]", state="attached",
                              timeout=WAIT_MS)
    assert f"{before} ballots returned" in manager.locator("#vote-tally").inner_text()
    _shot(manager, "tally-en-desktop")

    owner = open_page(locale="zh-CN", viewport=PHONE)
    _sign_in(owner, base, "owner@sunrise.example")
    owner.goto(f"{base}/o/{slug}/votes/{vote.pk}/")
    form = owner.locator("form[action*='/ballot/']").first
    form.wait_for(timeout=WAIT_MS)
    for radio in form.locator("input[type=radio][value=for]").all():
        radio.check()
    _shot(owner, "owner-ballot-zh-hans-phone")
    form.locator("button[type=submit]").click()
    owner.wait_for_load_state("networkidle")
    assert owner.locator("[role=status]").count() > 0
    _shot(owner, "owner-after-ballot-zh-hans-phone")
    assert not owner.errors, owner.errors

    manager.locator("#vote-tally", has_text=f"{before + 1} ballots returned").wait_for(
        timeout=WAIT_MS
    )
    assert not manager.errors, manager.errors

    manager.goto(f"{base}/o/{slug}/votes/manage/{closed.pk}/certificate/")
    _shot(manager, "certificate-en-desktop")
    chinese = open_page(locale="zh-CN", viewport=DESKTOP)
    _sign_in(chinese, base, "manager@sunrise.example")
    chinese.goto(f"{base}/o/{slug}/votes/manage/{closed.pk}/certificate/")
    _shot(chinese, "certificate-zh-hans-desktop")
    chinese.goto(f"{base}/o/{slug}/votes/manage/{vote.pk}/ballots/new/?q=1-")
    _shot(chinese, "paper-entry-zh-hans-desktop")
    phone = open_page(locale="en-US", viewport=PHONE)
    _sign_in(phone, base, "owner@sunrise.example")
    phone.goto(f"{base}/o/{slug}/")
    _shot(phone, "owner-home-en-phone")
