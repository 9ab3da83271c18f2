import datetime as dt
import io

import openpyxl
from django.utils import timezone

from surveys.export import csv_bytes, export_dataset
from surveys.metrics import latest_satisfaction, survey_engagement
from surveys.models import OnePer
from surveys.services import response_save, survey_from_template, survey_schedule, survey_update


def test_csv_has_a_bom_and_chinese_survives(kit):
    survey = kit.open(title="停车问卷")
    kit.answer(survey, kit.w.owner, multiple=(0, 2), text="车位太少了")
    content = csv_bytes(export_dataset(survey))
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.startswith("No.,Submitted,Property,Building,Unit,Respondent,Where do you park?")
    assert "车位太少了" in row and "Gym; Garden" in row and "Owner sunrise" in row


def test_anonymous_export_names_no_person_and_no_unit(kit):
    survey = kit.open(is_anonymous=True, allow_change=False)
    kit.answer(survey, kit.w.owner, text="secret")
    data = export_dataset(survey)
    assert "Respondent" not in data.headers and "Unit" not in data.headers
    flat = " ".join(str(cell) for cell in data[0])
    assert "Owner sunrise" not in flat and "101" not in flat and "secret" in flat


def test_xlsx_contents(kit):
    survey = kit.open()
    kit.answer(survey, kit.w.owner, rating=2)
    book = openpyxl.load_workbook(io.BytesIO(export_dataset(survey).export("xlsx")))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][6] == "Where do you park?"
    assert rows[1][8] == "2"  # the rating column


def _satisfaction(kit, ratings_by_user: dict, nps_by_user: dict):
    survey = survey_from_template(access=kit.manager)
    now = timezone.now()
    survey_update(access=kit.manager, survey=survey, opens_at=now - dt.timedelta(hours=1),
                  closes_at=now + dt.timedelta(days=5), one_per=OnePer.UNIT)
    survey = survey_schedule(access=kit.manager, survey=survey)
    questions = list(survey.questions.order_by("order"))
    for user, rating in ratings_by_user.items():
        answers = {q.pk: rating for q in questions if q.kind == "rating"}
        answers[questions[5].pk] = nps_by_user[user]
        response_save(access=kit.access(user), survey=survey, answers=answers, submit=True)
    return survey


def test_latest_satisfaction_in_constant_queries(kit, django_assert_max_num_queries):
    w = kit.w
    assert latest_satisfaction(organization=w.org, property_ids=None) is None
    survey = _satisfaction(kit, {w.owner: 5, w.neighbour: 2, w.far_owner: 4},
                           {w.owner: 10, w.neighbour: 3, w.far_owner: 8})
    with django_assert_max_num_queries(3):
        result = latest_satisfaction(organization=w.org, property_ids=None)
    assert result["survey_id"] == survey.pk and result["responses"] == 3
    assert result["response_rate"] == 100.0  # three units of three
    assert result["nps"] == 0.0  # one promoter, one detractor, one passive
    assert result["dimensions"] == {name: round(11 / 3, 2) for name in (
        "cleaning", "greenery", "repairs", "security", "service")}
    near = latest_satisfaction(organization=w.org, property_ids=[w.property.pk])
    assert near["responses"] == 2 and near["dimensions"]["security"] == 3.5


def test_survey_engagement(kit, django_assert_max_num_queries):
    w = kit.w
    survey = kit.open()
    kit.answer(survey, w.owner)
    kit.answer(survey, w.far_owner)
    kit.draft(title="never opened")
    today = timezone.localdate(timezone=dt.timezone(dt.timedelta(hours=8)))
    with django_assert_max_num_queries(2):
        result = survey_engagement(organization=w.org, property_ids=None,
                                   start=today - dt.timedelta(days=1), end=today)
    assert result == {"surveys": 1, "invited": 4, "responded": 2}
    near = survey_engagement(organization=w.org, property_ids=[w.property.pk],
                             start=today - dt.timedelta(days=1), end=today)
    assert near == {"surveys": 1, "invited": 4, "responded": 1}
    before = survey_engagement(organization=w.org, property_ids=None,
                               start=today - dt.timedelta(days=30),
                               end=today - dt.timedelta(days=2))
    assert before == {"surveys": 0, "invited": 0, "responded": 0}
