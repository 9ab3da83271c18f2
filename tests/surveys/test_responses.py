import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from surveys.models import (
    Answer,
    Audience,
    OnePer,
    Participation,
    QuestionKind,
    Response,
    ResponseStatus,
)
from surveys.selectors import surveys_for_owner
from surveys.services import response_save, survey_close


def test_audience_by_building(kit):
    w = kit.w
    in_building = kit.open(audience=Audience.BUILDING, audience_building=w.building)
    elsewhere = kit.open(title="B", audience=Audience.BUILDING,
                         audience_building=w.other_building)
    assert list(surveys_for_owner(kit.access(w.owner))) == [in_building]
    assert list(surveys_for_owner(kit.access(w.far_owner))) == [elsewhere]
    assert list(surveys_for_owner(kit.access(w.unverified))) == []
    with pytest.raises(PermissionDenied):
        kit.answer(elsewhere, w.owner)
    assert in_building.invited_count == 3  # owner, household, neighbour


def test_draft_then_submit_then_change_until_close(kit):
    survey = kit.open()
    draft = kit.answer(survey, kit.w.owner, submit=False, rating=2)
    assert draft.status == ResponseStatus.DRAFT
    assert not Participation.objects.filter(survey=survey).exists()
    submitted = kit.answer(survey, kit.w.owner, rating=3)
    assert submitted.pk == draft.pk and submitted.status == ResponseStatus.SUBMITTED
    changed = kit.answer(survey, kit.w.owner, rating=5)
    assert changed.pk == draft.pk
    rating = kit.questions(survey)[QuestionKind.RATING]
    assert list(Answer.objects.filter(question=rating).values_list("number", flat=True)) == [5]
    assert Participation.objects.filter(survey=survey).count() == 1
    survey_close(access=kit.manager, survey=survey)
    with pytest.raises(ValidationError, match="closed"):
        kit.answer(survey, kit.w.owner, rating=1)
    assert list(Answer.objects.filter(question=rating).values_list("number", flat=True)) == [5]


def test_no_change_when_the_survey_does_not_allow_it(kit):
    survey = kit.open(allow_change=False)
    kit.answer(survey, kit.w.owner)
    with pytest.raises(ValidationError, match="does not allow changing"):
        kit.answer(survey, kit.w.owner, rating=1)


def test_one_per_unit_is_shared_by_the_household(kit):
    survey = kit.open(one_per=OnePer.UNIT, allow_change=False)
    kit.answer(survey, kit.w.owner)
    with pytest.raises(ValidationError):
        kit.answer(survey, kit.w.household)
    kit.answer(survey, kit.w.neighbour)
    assert Response.objects.filter(survey=survey).count() == 2


def test_one_per_owner_lets_each_household_member_answer(kit):
    survey = kit.open(one_per=OnePer.OWNER)
    kit.answer(survey, kit.w.owner)
    kit.answer(survey, kit.w.household)
    assert Response.objects.filter(survey=survey, status="submitted").count() == 2


def test_required_answers_and_kinds_are_checked(kit):
    survey = kit.open()
    q = kit.questions(survey)
    bad = {
        q[QuestionKind.SINGLE].pk: 999999,
        q[QuestionKind.MULTIPLE].pk: [],
        q[QuestionKind.RATING].pk: 6,
        q[QuestionKind.NPS].pk: "ten",
    }
    with pytest.raises(ValidationError) as caught:
        response_save(access=kit.access(kit.w.owner), survey=survey, answers=bad, submit=True)
    errors = caught.value.message_dict
    assert set(errors) == {f"q{q[k].pk}" for k in (
        QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RATING, QuestionKind.NPS)}
    assert "from 1 to 5" in errors[f"q{q[QuestionKind.RATING].pk}"][0]
    assert not Response.objects.exists()
    # A draft may leave required questions empty, not give wrong kinds.
    response_save(access=kit.access(kit.w.owner), survey=survey, submit=False, answers={})
    assert Response.objects.get().status == ResponseStatus.DRAFT


def test_anonymous_response_names_nobody(kit):
    survey = kit.open(is_anonymous=True, allow_change=False, one_per=OnePer.UNIT)
    with pytest.raises(ValidationError, match="draft"):
        kit.answer(survey, kit.w.owner, submit=False)
    response = kit.answer(survey, kit.w.owner)
    response.refresh_from_db()
    assert response.respondent_id is None and response.unit_id is None
    local = response.submitted_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert (local.hour, local.minute, local.second) == (0, 0, 0)  # the day only
    participation = Participation.objects.get(survey=survey)
    # Neither a time nor a sequential key orders participations against responses.
    assert not [f for f in Participation._meta.concrete_fields
                if f.get_internal_type() in ("DateTimeField", "DateField", "AutoField",
                                             "BigAutoField")]
    assert participation.user_id == kit.w.owner.pk
    with pytest.raises(ValidationError, match="already been answered"):
        kit.answer(survey, kit.w.household)


def test_before_opening_nobody_answers(kit):
    survey = kit.draft(opens_at=timezone.now() + dt.timedelta(hours=1))
    assert list(surveys_for_owner(kit.access(kit.w.owner))) == []
    with pytest.raises(ValidationError, match="not open yet"):
        response_save(access=kit.access(kit.w.owner), survey=survey, answers={}, submit=True)
