import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from surveys.models import Audience, Question, QuestionKind, Survey, SurveyStatus
from surveys.services import (
    question_delete,
    question_move,
    question_save,
    survey_create,
    survey_duplicate,
    survey_from_template,
    survey_schedule,
    survey_update,
)


def test_choice_question_needs_two_choices(kit):
    survey = kit.draft(questions=False)
    with pytest.raises(ValidationError) as caught:
        question_save(access=kit.manager, survey=survey, kind=QuestionKind.SINGLE,
                      text="Colour?", choices=["Red", "  "])
    assert "at least two choices" in str(caught.value.message_dict["choices"])
    assert not Question.objects.filter(survey=survey).exists()


def test_survey_must_close_after_it_opens(kit):
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        survey_create(access=kit.manager, title="X", opens_at=now, closes_at=now)
    assert "close after it opens" in str(caught.value.message_dict["closes_at"])
    assert not Survey.objects.exists()


def test_audience_needs_its_building_and_takes_the_property_from_it(kit):
    with pytest.raises(ValidationError) as caught:
        survey_create(access=kit.manager, title="X", audience=Audience.BUILDING)
    assert "audience_building" in caught.value.message_dict
    survey = survey_create(access=kit.manager, title="X", audience=Audience.BUILDING,
                           audience_building=kit.w.building)
    assert survey.audience_property_id == kit.w.property.pk


def test_anonymous_survey_cannot_allow_changes(kit):
    with pytest.raises(ValidationError) as caught:
        survey_create(access=kit.manager, title="X", is_anonymous=True, allow_change=True)
    assert "allow_change" in caught.value.message_dict


def test_only_managers_build(kit):
    with pytest.raises(PermissionDenied):
        survey_create(access=kit.access(kit.w.staff), title="X")


def test_opening_needs_a_question_and_dates(kit):
    survey = kit.draft(questions=False, opens_at=None, closes_at=None)
    with pytest.raises(ValidationError) as caught:
        survey_schedule(access=kit.manager, survey=survey)
    errors = caught.value.message_dict
    assert "opens_at" in errors and "closes_at" in errors
    assert "Add at least one question." in errors["__all__"]
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.DRAFT


def test_past_closing_time_cannot_be_scheduled(kit):
    now = timezone.now()
    survey = kit.draft(opens_at=now - dt.timedelta(days=3), closes_at=now - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        survey_schedule(access=kit.manager, survey=survey)


def test_future_opening_is_scheduled_and_past_opening_opens_at_once(kit):
    now = timezone.now()
    later = kit.draft(opens_at=now + dt.timedelta(hours=2))
    assert survey_schedule(access=kit.manager, survey=later).status == SurveyStatus.SCHEDULED
    opened = kit.open()
    assert opened.status == SurveyStatus.OPEN
    # owner, household, neighbour and far_owner are verified residents; unverified is not
    assert opened.invited_count == 4


def test_only_drafts_change(kit):
    survey = kit.open()
    with pytest.raises(ValidationError):
        survey_update(access=kit.manager, survey=survey, title="New")
    with pytest.raises(ValidationError):
        question_save(access=kit.manager, survey=survey, kind=QuestionKind.TEXT, text="More?")


def test_reorder_and_delete(kit):
    survey = kit.draft()
    questions = list(survey.questions.order_by("order"))
    question_move(access=kit.manager, question=questions[2], up=True)
    order = list(survey.questions.order_by("order").values_list("pk", flat=True))
    assert order[:3] == [questions[0].pk, questions[2].pk, questions[1].pk]
    question_move(access=kit.manager, question=questions[0], up=True)  # already first
    assert list(survey.questions.order_by("order").values_list("pk", flat=True)) == order
    question_delete(access=kit.manager, question=questions[1])
    assert survey.questions.count() == 4


def test_duplicate_copies_questions_and_choices_as_a_new_draft(kit):
    survey = kit.open()
    copy = survey_duplicate(access=kit.manager, survey=survey)
    assert copy.status == SurveyStatus.DRAFT and copy.opens_at is None
    assert copy.title == "Copy of Parking survey"
    original = [(q.kind, q.text, [c.text for c in q.choices.all()])
                for q in survey.questions.order_by("order")]
    copied = [(q.kind, q.text, [c.text for c in q.choices.all()])
              for q in copy.questions.order_by("order")]
    assert copied == original


def test_satisfaction_template_in_the_organisations_language(kit):
    kit.w.org.language_code = "zh-hans"
    kit.w.org.save()
    survey = survey_from_template(access=kit.access(kit.w.manager))
    with translation.override("zh-hans"):
        expected = translation.gettext("Quarterly satisfaction survey")
    assert survey.title == expected  # 季度满意度调查 once the catalogue is compiled
    assert translation.get_language() == "en"
    dimensions = list(survey.questions.order_by("order").values_list("dimension", "kind"))
    assert dimensions == [
        ("security", "rating"), ("cleaning", "rating"), ("greenery", "rating"),
        ("repairs", "rating"), ("service", "rating"), ("nps", "nps"), ("", "text"),
    ]
