"""Managers' survey pages: the list, the builder (settings and questions of a draft),
preview, duplicate, from a template, schedule and close."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.tenancy.decorators import org_view

from .. import services
from ..forms import QuestionForm, SurveyForm, TemplateForm
from ..models import CHOICE_KINDS, Question, SurveyStatus
from ..scoping import reach_counts
from ..selectors import rate, survey_get_for_manager, surveys_for_manager
from .common import show_errors, url
from .owner import form_questions


@org_view("manager")
def manage_list(request):
    surveys = list(surveys_for_manager(request.access).order_by("-created_at", "-pk")[:200])
    counts = reach_counts(request.access, surveys)
    for survey in surveys:
        survey.response_total, invited = counts[survey.pk]
        survey.rate = rate(survey.response_total, invited)
    with timezone.override(request.organization.time_zone):
        return render(request, "surveys/manage/list.html", {
            "surveys": surveys, "templates": services.TEMPLATES,
        })


def _survey_form(request, survey=None):
    data = request.POST if request.method == "POST" else None
    return SurveyForm(data, instance=survey, access=request.access)


@org_view("manager")
def survey_new(request):
    with timezone.override(request.organization.time_zone):
        form = _survey_form(request)
        if request.method == "POST" and form.is_valid():
            try:
                survey = services.survey_create(access=request.access, **form.service_fields())
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("Survey created. Now add its questions."))
                return redirect(url(request, "manage-builder", survey.pk))
        return render(request, "surveys/manage/settings.html", {
            "form": form, "title": _("New survey"), "cancel_url": url(request, "manage-list"),
        })


@org_view("manager")
@require_POST
def from_template(request):
    form = TemplateForm(request.POST)
    if not form.is_valid():
        raise Http404
    survey = services.survey_from_template(access=request.access,
                                           template=form.cleaned_data["template"])
    messages.success(request, _("Survey created from the template. Set its dates and audience."))
    return redirect(url(request, "manage-builder", survey.pk))


@org_view("manager")
def builder(request, pk: int):
    survey = survey_get_for_manager(request.access, pk)
    with timezone.override(request.organization.time_zone):
        form = _survey_form(request, survey)
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.survey_update(access=request.access, survey=survey,
                                           **form.service_fields())
                except ValidationError as error:
                    show_errors(form, error)
                else:
                    messages.success(request, _("Settings saved."))
                    return redirect(url(request, "manage-builder", pk))
            survey.refresh_from_db()
        if not survey.is_editable:
            for field in form.fields.values():
                field.disabled = True
        questions = list(survey.questions.prefetch_related("choices").order_by("order", "pk"))
        responses, invited = reach_counts(request.access, [survey])[survey.pk]
        return render(request, "surveys/manage/builder.html", {
            "survey": survey, "form": form, "questions": questions,
            "responses": responses, "invited": invited, "rate": rate(responses, invited),
        })


@org_view("manager")
def question_edit(request, pk: int, question_pk: int | None = None):
    survey = survey_get_for_manager(request.access, pk)
    question = None
    if question_pk is not None:
        question = Question.objects.filter(survey=survey, pk=question_pk).first()
        if question is None:
            raise Http404
    initial = {}
    if question is not None:
        initial = {"kind": question.kind, "text": question.text,
                   "help_text": question.help_text, "required": question.required,
                   "choices": "\n".join(c.text for c in question.choices.all())}
    form = QuestionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_save(access=request.access, survey=survey, question=question,
                                   dimension=question.dimension if question else "",
                                   **form.service_fields())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Question saved."))
            return redirect(url(request, "manage-builder", pk))
    return render(request, "surveys/manage/question.html", {
        "survey": survey, "form": form, "question": question,
        "title": _("Edit question") if question else _("New question"),
        "cancel_url": url(request, "manage-builder", pk), "choice_kinds": list(CHOICE_KINDS),
    })


def _question(request, pk, question_pk):
    survey = survey_get_for_manager(request.access, pk)
    question = Question.objects.filter(survey=survey, pk=question_pk).first()
    if question is None:
        raise Http404
    return survey, question


def _run(request, action, success: str) -> None:
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)


@org_view("manager")
@require_POST
def question_delete(request, pk: int, question_pk: int):
    _survey, question = _question(request, pk, question_pk)
    _run(request, lambda: services.question_delete(access=request.access, question=question),
         _("Question deleted."))
    return redirect(url(request, "manage-builder", pk))


@org_view("manager")
@require_POST
def question_move(request, pk: int, question_pk: int):
    _survey, question = _question(request, pk, question_pk)
    up = request.POST.get("direction") != "down"
    _run(request, lambda: services.question_move(access=request.access, question=question,
                                                 up=up), _("Order saved."))
    return redirect(url(request, "manage-builder", pk) + f"#question-{question.pk}")


@org_view("manager")
def preview(request, pk: int):
    survey = survey_get_for_manager(request.access, pk)
    questions = list(survey.questions.prefetch_related("choices").order_by("order", "pk"))
    return render(request, "surveys/owner/answer.html", {
        "survey": survey, "items": form_questions(questions, {}, {}), "preview": True,
        "general_errors": [], "response": None, "submitted": False, "locked": False,
        "residencies": [], "residency": None,
    })


@org_view("manager")
@require_POST
def duplicate(request, pk: int):
    survey = survey_get_for_manager(request.access, pk)
    copy = services.survey_duplicate(access=request.access, survey=survey)
    messages.success(request, _("Survey duplicated. This is the copy, a draft."))
    return redirect(url(request, "manage-builder", copy.pk))


@org_view("manager")
@require_POST
def schedule(request, pk: int):
    survey = survey_get_for_manager(request.access, pk)
    try:
        survey = services.survey_schedule(access=request.access, survey=survey)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The survey is open.") if survey.status == SurveyStatus.OPEN
                         else _("The survey is scheduled and opens at its opening time."))
    return redirect(url(request, "manage-builder", pk))


@org_view("manager")
@require_POST
def close(request, pk: int):
    survey = survey_get_for_manager(request.access, pk)
    _run(request, lambda: services.survey_close(access=request.access, survey=survey),
         _("The survey is closed."))
    return redirect(url(request, "manage-builder", pk))
