"""Owners' survey pages (问卷): the open surveys asking me, and the answer form (phone first:
large targets, scales as buttons, a draft to come back to)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.tenancy.decorators import org_view

from ..models import OnePer, QuestionKind, ResponseStatus
from ..selectors import answered_by, survey_get_for_owner, surveys_for_owner
from ..services import response_save
from ..services.audience import my_residencies
from ..services.responses import existing_response, field_name
from .common import url


@org_view("resident")
def survey_list(request):
    access = request.access
    surveys = list(surveys_for_owner(access))
    status = answered_by(access, surveys)
    for survey in surveys:
        survey.my_status = status.get(survey.pk, "")
    return render(request, "surveys/owner/list.html", {"surveys": surveys})


def posted_answers(questions, data) -> dict:
    raw = {}
    for question in questions:
        name = field_name(question)
        if question.kind == QuestionKind.MULTIPLE:
            raw[question.pk] = data.getlist(name)
        else:
            raw[question.pk] = data.get(name, "")
    return raw


def saved_answers(response) -> dict:
    values: dict = {}
    if response is None:
        return values
    for answer in response.answers.all():
        if answer.choice_id:
            values.setdefault(answer.question_id, []).append(answer.choice_id)
        elif answer.number is not None:
            values[answer.question_id] = answer.number
        else:
            values[answer.question_id] = answer.text
    return values


def form_questions(questions, values: dict, errors: dict) -> list[dict]:
    """What the answer form template needs per question, the current value included."""
    items = []
    for question in questions:
        value = values.get(question.pk)
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            chosen = {str(v) for v in (value if isinstance(value, list) else [value]) if v}
        else:
            chosen = {str(value)} if value not in (None, "") else set()
        items.append({
            "question": question, "name": field_name(question), "chosen": chosen,
            "text": value if question.kind == QuestionKind.TEXT and value else "",
            "errors": errors.get(field_name(question), []),
        })
    return items


@org_view("resident")
def answer(request, pk: int):
    access = request.access
    survey = survey_get_for_owner(access, pk)
    residencies = my_residencies(access, survey)
    unit_id = None
    if request.method == "POST":
        try:
            unit_id = int(request.POST.get("unit") or 0) or None
        except ValueError:
            unit_id = None
    residency = next((r for r in residencies if r.unit_id == unit_id), residencies[0])
    response = existing_response(survey, residency.user_id, residency.unit_id)
    questions = list(survey.questions.prefetch_related("choices").order_by("order", "pk"))
    errors: dict = {}
    general: list[str] = []
    if request.method == "POST":
        submit = request.POST.get("action") != "draft"
        raw = posted_answers(questions, request.POST)
        try:
            response_save(access=access, survey=survey, answers=raw, submit=submit,
                          unit_id=residency.unit_id)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                errors = error.message_dict
                general = errors.pop("__all__", [])
            else:
                general = error.messages
            values = raw
        else:
            messages.success(request, _("Thank you, your answers have been submitted.")
                             if submit else _("Your draft has been saved."))
            if submit:
                return redirect(url(request, "list"))
            return redirect(url(request, "answer", survey.pk))
    else:
        values = saved_answers(response)
    submitted = response is not None and response.status == ResponseStatus.SUBMITTED
    if response is None and survey.is_anonymous:
        submitted = survey.pk in {
            k for k, v in answered_by(access, [survey]).items() if v == ResponseStatus.SUBMITTED
        }
    return render(request, "surveys/owner/answer.html", {
        "survey": survey, "items": form_questions(questions, values, errors),
        "general_errors": general, "response": response, "submitted": submitted,
        "locked": submitted and not survey.allow_change,
        "residencies": residencies if survey.one_per == OnePer.UNIT else [],
        "residency": residency, "preview": False,
        "has_errors": bool(errors or general),
    })
