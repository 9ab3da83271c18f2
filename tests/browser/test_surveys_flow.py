"""Surveys in real browsers: the manager has the open satisfaction survey's results page open
on a desktop while an owner answers on a phone with the score buttons; the response count
updates without reloading (live refresh) and the charts draw. Screenshots go to
var/screenshots/surveys/ in Chinese and English."""

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from surveys.models import QuestionKind, Response, Survey, SurveyStatus

from .conftest import DESKTOP, PHONE, SCREENSHOTS, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "courtyard-demo"
WAIT_MS = 15_000


def _sign_in(page, base_url, login):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", login)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_owner_answers_on_a_phone_and_the_manager_sees_it_live(asgi_server, open_page):
    call_command("seed_demo", verbosity=0)
    (SCREENSHOTS / "surveys").mkdir(parents=True, exist_ok=True)
    base = asgi_server.url
    with scopes_disabled():
        survey = Survey.objects.get(organization__slug="sunrise", status=SurveyStatus.OPEN)
        before = Response.objects.filter(survey=survey, status="submitted").count()
        questions = list(survey.questions.order_by("order"))

    manager = open_page(locale="en-US", viewport=DESKTOP)
    _sign_in(manager, base, "manager@sunrise.example")
    manager.goto(f"{base}/o/sunrise/surveys/manage/{survey.pk}/results/")
    manager.wait_for_selector("#live-status[data-state=live]", state="attached",
                              timeout=WAIT_MS)
    manager.wait_for_selector(".survey-chart canvas", timeout=WAIT_MS)
    screenshot(manager, "surveys/results-manager-en-desktop")

    owner = open_page(locale="zh-CN", viewport=PHONE)
    _sign_in(owner, base, "owner@sunrise.example")
    owner.goto(f"{base}/o/sunrise/surveys/")
    screenshot(owner, "surveys/list-owner-zh-hans-phone")
    owner.goto(f"{base}/o/sunrise/surveys/{survey.pk}/")
    screenshot(owner, "surveys/answer-owner-zh-hans-phone")
    for question in questions:
        if question.kind == QuestionKind.RATING:
            owner.click(f"label[for=q{question.pk}-4]")
        elif question.kind == QuestionKind.NPS:
            owner.click(f"label[for=q{question.pk}-9]")
        elif question.kind == QuestionKind.TEXT:
            owner.fill(f"#q{question.pk}", "电梯间的卫生可以再好一些。")
    owner.click("button[value=submit]")
    owner.wait_for_load_state("networkidle")
    screenshot(owner, "surveys/answered-owner-zh-hans-phone")
    with scopes_disabled():
        assert Response.objects.filter(survey=survey, status="submitted").count() == before + 1

    manager.wait_for_selector(f"#survey-rate >> text={before + 1}", timeout=WAIT_MS)
    assert owner.errors == [] and manager.errors == []

    manager_zh = open_page(locale="zh-CN", viewport=DESKTOP)
    _sign_in(manager_zh, base, "manager@sunrise.example")
    manager_zh.goto(f"{base}/o/sunrise/surveys/manage/")
    screenshot(manager_zh, "surveys/list-manager-zh-hans-desktop")
    manager_zh.goto(f"{base}/o/sunrise/surveys/manage/{survey.pk}/")
    screenshot(manager_zh, "surveys/builder-manager-zh-hans-desktop")
    phone_manager = open_page(locale="en-US", viewport=PHONE)
    _sign_in(phone_manager, base, "manager@sunrise.example")
    phone_manager.goto(f"{base}/o/sunrise/surveys/manage/{survey.pk}/results/")
    phone_manager.wait_for_selector(".survey-chart canvas", timeout=WAIT_MS)
    screenshot(phone_manager, "surveys/results-manager-en-phone")
    owner_en = open_page(locale="en-US", viewport=DESKTOP)
    _sign_in(owner_en, base, "owner@sunrise.example")
    owner_en.goto(f"{base}/o/sunrise/")
    screenshot(owner_en, "surveys/home-owner-en-desktop")
