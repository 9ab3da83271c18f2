"""Surveys on top of the shared world: a manager's builder kit and a standard survey with one
question of every kind, opened in the past hour and closing in a week."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone
from django_scopes import scope

from portal.tenancy.access import compute_access
from surveys.models import Audience, OnePer, QuestionKind, Survey
from surveys.services import question_save, response_save, survey_create, survey_schedule


@dataclass
class Kit:
    w: object  # the OrgWorld

    def access(self, user):
        return compute_access(user, self.w.org)

    @property
    def manager(self):
        return self.access(self.w.manager)

    def draft(self, *, questions: bool = True, **fields) -> Survey:
        now = timezone.now()
        fields.setdefault("title", "Parking survey")
        fields.setdefault("opens_at", now - dt.timedelta(hours=1))
        fields.setdefault("closes_at", now + dt.timedelta(days=7))
        survey = survey_create(access=self.manager, **fields)
        if questions:
            for kind, text, choices in (
                (QuestionKind.SINGLE, "Where do you park?", ["Garage", "Street"]),
                (QuestionKind.MULTIPLE, "What do you use?", ["Gym", "Pool", "Garden"]),
                (QuestionKind.RATING, "How clean is the garage?", []),
                (QuestionKind.NPS, "Recommend us?", []),
                (QuestionKind.TEXT, "Anything else?", []),
            ):
                question_save(access=self.manager, survey=survey, kind=kind, text=text,
                              choices=choices, required=kind != QuestionKind.TEXT)
        return survey

    def open(self, **fields) -> Survey:
        survey = self.draft(**fields)
        return survey_schedule(access=self.manager, survey=survey)

    def questions(self, survey):
        return {q.kind: q for q in survey.questions.prefetch_related("choices")}

    def answers(self, survey, *, single=0, multiple=(0,), rating=4, nps=9, text="") -> dict:
        q = self.questions(survey)
        single_choices = list(q[QuestionKind.SINGLE].choices.all())
        multiple_choices = list(q[QuestionKind.MULTIPLE].choices.all())
        return {
            q[QuestionKind.SINGLE].pk: single_choices[single].pk,
            q[QuestionKind.MULTIPLE].pk: [multiple_choices[i].pk for i in multiple],
            q[QuestionKind.RATING].pk: rating,
            q[QuestionKind.NPS].pk: nps,
            q[QuestionKind.TEXT].pk: text,
        }

    def answer(self, survey, user, *, submit=True, **values):
        return response_save(access=self.access(user), survey=survey, submit=submit,
                             answers=self.answers(survey, **values))


@pytest.fixture
def kit(world):
    with scope(organization=world.sunrise.org):
        yield Kit(world.sunrise)


__all__ = ["Audience", "Kit", "OnePer"]
