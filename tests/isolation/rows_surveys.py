"""Survey pages of surveys/urls.py and the API of surveys/api_urls.py.

The survey under test asks the owners of ``{building}``: owner, household and neighbour may
see and answer it; far_owner (another property), staff (who do not answer surveys) and every
other organisation get 404. Building, results and exports are for managers and admins.
"""

import datetime as dt

from django.utils import timezone

from portal.tenancy.access import compute_access
from surveys.models import Audience, QuestionKind, Response, Survey
from surveys.services import question_save, survey_create, survey_schedule

from .matrix import ALL_MEMBERS, MANAGERS, Row

S = "/o/{org}/surveys"
M = "/o/{org}/surveys/manage"
API = "/api/v1/orgs/{org}/surveys"
AUDIENCE = frozenset({"owner", "household", "neighbour"})
READERS = AUDIENCE | MANAGERS


def _w(world):
    return getattr(world, "sunrise", world)


def _draft(world) -> Survey:
    w = _w(world)
    manager = compute_access(w.manager, w.org)
    now = timezone.now()
    survey = survey_create(
        access=manager, title="Matrix survey", audience=Audience.BUILDING,
        audience_building=w.building, opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=3),
    )
    question_save(access=manager, survey=survey, kind=QuestionKind.SINGLE, text="Which?",
                  choices=["A", "B"])
    return survey


def _open(world) -> int:
    survey = _draft(world)
    w = _w(world)
    return survey_schedule(access=compute_access(w.manager, w.org), survey=survey).pk


def _draft_pk(world) -> int:
    return _draft(world).pk


def _question_of_survey(world) -> int:
    # The last draft made by _draft_pk within this case (extras run in order).
    return Survey.objects.filter(title="Matrix survey").latest("pk").questions.get().pk


def _surveys(world):
    w = _w(world)
    return sorted(Survey.objects.filter(organization=w.org).values_list(
        "pk", "title", "status", "opens_at", "closes_at"))


def _questions(world):
    w = _w(world)
    return sorted(Survey.objects.filter(organization=w.org).values_list(
        "questions__pk", "questions__order", "questions__text"))


def _responses(world):
    return sorted(Response.objects.filter(organization=_w(world).org).values_list(
        "pk", "status"))


OPEN = {"survey": _open}
DRAFT = {"survey": _draft_pk}
DRAFT_Q = {"survey": _draft_pk, "question": _question_of_survey}
SETTINGS = {"title": "Changed", "audience": "organization", "one_per": "owner",
            "reminder_text": "24"}

ROWS = [
    # --- owners ---------------------------------------------------------------------------
    Row("surveys-owner-list", "GET", f"{S}/", allowed=ALL_MEMBERS),
    Row("surveys-owner-answer-form", "GET", f"{S}/{{survey}}/", allowed=AUDIENCE, extra=OPEN),
    Row("surveys-owner-answer-draft", "POST", f"{S}/{{survey}}/", allowed=AUDIENCE, ok=302,
        data={"action": "draft"}, changed=_responses, extra=OPEN),
    # --- managers -------------------------------------------------------------------------
    Row("surveys-manage-list", "GET", f"{M}/", allowed=MANAGERS),
    Row("surveys-manage-new-form", "GET", f"{M}/new/", allowed=MANAGERS),
    Row("surveys-manage-new", "POST", f"{M}/new/", allowed=MANAGERS, ok=302, data=SETTINGS,
        changed=_surveys),
    Row("surveys-manage-from-template", "POST", f"{M}/from-template/", allowed=MANAGERS,
        ok=302, data={"template": "satisfaction"}, changed=_surveys),
    Row("surveys-manage-builder", "GET", f"{M}/{{survey}}/", allowed=MANAGERS, extra=DRAFT),
    Row("surveys-manage-builder-save", "POST", f"{M}/{{survey}}/", allowed=MANAGERS, ok=302,
        data=SETTINGS, changed=_surveys, extra=DRAFT),
    Row("surveys-manage-question-new-form", "GET", f"{M}/{{survey}}/questions/new/",
        allowed=MANAGERS, extra=DRAFT),
    Row("surveys-manage-question-new", "POST", f"{M}/{{survey}}/questions/new/",
        allowed=MANAGERS, ok=302, data={"kind": "text", "text": "Why?"}, changed=_questions,
        extra=DRAFT),
    Row("surveys-manage-question-form", "GET", f"{M}/{{survey}}/questions/{{question}}/",
        allowed=MANAGERS, extra=DRAFT_Q),
    Row("surveys-manage-question-save", "POST", f"{M}/{{survey}}/questions/{{question}}/",
        allowed=MANAGERS, ok=302, data={"kind": "text", "text": "Changed?"},
        changed=_questions, extra=DRAFT_Q),
    Row("surveys-manage-question-delete", "POST",
        f"{M}/{{survey}}/questions/{{question}}/delete/", allowed=MANAGERS, ok=302,
        changed=_questions, extra=DRAFT_Q),
    Row("surveys-manage-question-move", "POST", f"{M}/{{survey}}/questions/{{question}}/move/",
        allowed=MANAGERS, ok=302, data={"direction": "down"}, changed=_questions,
        extra=DRAFT_Q),
    Row("surveys-manage-preview", "GET", f"{M}/{{survey}}/preview/", allowed=MANAGERS,
        extra=DRAFT),
    Row("surveys-manage-duplicate", "POST", f"{M}/{{survey}}/duplicate/", allowed=MANAGERS,
        ok=302, changed=_surveys, extra=DRAFT),
    Row("surveys-manage-schedule", "POST", f"{M}/{{survey}}/schedule/", allowed=MANAGERS,
        ok=302, changed=_surveys, extra=DRAFT),
    Row("surveys-manage-close", "POST", f"{M}/{{survey}}/close/", allowed=MANAGERS, ok=302,
        changed=_surveys, extra=OPEN),
    Row("surveys-manage-results", "GET", f"{M}/{{survey}}/results/", allowed=MANAGERS,
        extra=OPEN),
    Row("surveys-manage-rate", "GET", f"{M}/{{survey}}/results/rate/", allowed=MANAGERS,
        extra=OPEN),
    Row("surveys-manage-export-csv", "GET", f"{M}/{{survey}}/export.csv", allowed=MANAGERS,
        extra=OPEN),
    Row("surveys-manage-export-xlsx", "GET", f"{M}/{{survey}}/export.xlsx", allowed=MANAGERS,
        extra=OPEN),
    # --- API ------------------------------------------------------------------------------
    Row("surveys-api-list", "GET", f"{API}/", allowed=ALL_MEMBERS, api=True, extra=OPEN),
    Row("surveys-api-create", "POST", f"{API}/", allowed=MANAGERS, ok=201, api=True,
        data={"title": "API matrix"}, changed=_surveys),
    Row("surveys-api-detail", "GET", f"{API}/{{survey}}/", allowed=READERS, api=True,
        extra=OPEN),
    Row("surveys-api-responses", "GET", f"{API}/{{survey}}/responses/", allowed=READERS,
        api=True, extra=OPEN),
    Row("surveys-api-respond", "POST", f"{API}/{{survey}}/responses/", allowed=AUDIENCE,
        api=True, data={"answers": [], "submit": False}, changed=_responses, extra=OPEN),
    Row("surveys-api-results", "GET", f"{API}/{{survey}}/results/", allowed=MANAGERS,
        api=True, extra=OPEN),
]
