"""An owner's answers: save a draft, submit, change until the survey closes.

One response per owner or per unit is the database's rule (unique constraints on
:class:`~surveys.models.Participation` and :class:`~surveys.models.Response`): of two
submissions at the same moment, the second gets a clear error and nothing is counted twice.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communications.live import send_to_org_staff_on_commit
from portal.tenancy.access import Access

from ..models import (
    SCALES,
    Answer,
    OnePer,
    Participation,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
)
from .audience import my_residencies

TEXT_MAX = 2000


def field_name(question) -> str:
    return f"q{question.pk}"


def _already_answered() -> ValidationError:
    return ValidationError(_("This survey has already been answered for you or your unit."),
                           code="duplicate")


def existing_response(survey: Survey, user_id: int, unit_id: int | None) -> Response | None:
    """The named response of this person (or unit), if any; never for anonymous surveys."""
    if survey.is_anonymous:
        return None
    responses = Response.objects.filter(survey=survey)
    if survey.one_per == OnePer.UNIT:
        return responses.filter(unit_id=unit_id).first()
    return responses.filter(respondent_id=user_id).first()


def clean_answers(questions, raw: dict, *, submit: bool) -> list[Answer]:
    """Unsaved Answer rows from ``raw`` ({question id: value}); a choice is a choice id (a
    list of them for multiple choice), a score an int, free text a string."""
    errors: dict[str, list[str]] = {}
    answers: list[Answer] = []
    for question in questions:
        value = raw.get(question.pk)
        name = field_name(question)
        empty = value in (None, "", [])
        if empty:
            if submit and question.required:
                errors[name] = [_("Please answer this question.")]
            continue
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            ids = value if isinstance(value, list | tuple) else [value]
            valid = {c.pk: c for c in question.choices.all()}
            try:
                ids = list(dict.fromkeys(int(i) for i in ids))
            except (TypeError, ValueError):
                ids = [None]
            if any(i not in valid for i in ids) or (
                question.kind == QuestionKind.SINGLE and len(ids) != 1
            ):
                errors[name] = [_("Choose one of the choices offered.")]
                continue
            answers.extend(Answer(question=question, choice=valid[i]) for i in ids)
        elif question.kind in SCALES:
            low, high = SCALES[question.kind]
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = None
            if number is None or isinstance(value, bool) or not low <= number <= high:
                errors[name] = [_("Choose a score from %(low)s to %(high)s.")
                                % {"low": low, "high": high}]
                continue
            answers.append(Answer(question=question, number=number))
        else:
            if not isinstance(value, str):
                errors[name] = [_("Write your answer as text.")]
                continue
            text = value.strip()
            if len(text) > TEXT_MAX:
                errors[name] = [_("At most %(max)s characters.") % {"max": TEXT_MAX}]
                continue
            if text:
                answers.append(Answer(question=question, text=text))
            elif submit and question.required:
                errors[name] = [_("Please answer this question.")]
    if errors:
        raise ValidationError(errors)
    return answers


def _require_open(survey: Survey, now) -> None:
    if survey.status in (SurveyStatus.DRAFT, SurveyStatus.SCHEDULED) and (
        survey.closes_at is None or survey.closes_at > now
    ):
        raise ValidationError(_("This survey is not open yet."), code="not_open")
    if survey.status != SurveyStatus.OPEN or (survey.closes_at and survey.closes_at <= now):
        raise ValidationError(_("This survey is closed."), code="closed")


def _day_start(survey: Survey, now: dt.datetime) -> dt.datetime:
    tz = ZoneInfo(survey.organization.time_zone)
    local = now.astimezone(tz)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def response_save(
    *, access: Access, survey: Survey, answers: dict, submit: bool, unit_id: int | None = None,
    now: dt.datetime | None = None,
) -> Response:
    """Save the caller's answers as a draft or submit them.

    ``unit_id`` chooses the unit to answer for when the caller has several in the audience.
    """
    now = now or timezone.now()
    residencies = my_residencies(access, survey)
    if not residencies:
        raise PermissionDenied
    residency = next((r for r in residencies if r.unit_id == unit_id), residencies[0])
    user = residency.user
    if not submit and survey.is_anonymous:
        raise ValidationError(_("An anonymous survey cannot be saved as a draft: please "
                                "submit your answers."))
    _require_open(survey, now)
    questions = list(survey.questions.prefetch_related("choices").order_by("order", "pk"))
    rows = clean_answers(questions, answers, submit=submit)
    try:
        with transaction.atomic():
            response = _write(survey, residency, user, rows, submit=submit, now=now)
    except IntegrityError as error:
        # Two submissions for the same owner or unit at the same moment: the other one won.
        raise _already_answered() from error
    if submit:
        send_to_org_staff_on_commit(
            survey.organization_id,
            {"type": "survey.responded", "org": survey.organization.slug, "survey": survey.pk},
        )
    return response


def _write(survey, residency, user, rows, *, submit: bool, now) -> Response:
    # The survey row is read again under a share lock so that closing cannot slip between
    # the check and the write.
    _require_open(Survey.objects.select_for_update().get(pk=survey.pk), now)
    response = existing_response(survey, user.pk, residency.unit_id)
    if response is None and survey.is_anonymous:
        done = Participation.objects.filter(survey=survey)
        done = (done.filter(unit_id=residency.unit_id) if survey.one_per == OnePer.UNIT
                else done.filter(user=user))
        if done.exists():
            raise _already_answered()
    if response is not None:
        response = Response.objects.select_for_update().get(pk=response.pk)
        if response.status == ResponseStatus.SUBMITTED and not survey.allow_change:
            raise ValidationError(_("You have already answered; this survey does not allow "
                                    "changing answers."), code="final")
    first_submission = submit and (response is None
                                   or response.status == ResponseStatus.DRAFT)
    if response is None:
        response = Response(
            organization_id=survey.organization_id, survey=survey, one_per=survey.one_per,
            property_id=residency.unit.property_id, building_id=residency.unit.building_id,
        )
        if not survey.is_anonymous:
            response.respondent = user
            response.unit_id = residency.unit_id
    elif not survey.is_anonymous:
        response.respondent = user  # the household member who saved last
    if submit:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = _day_start(survey, now) if survey.is_anonymous else now
    response.save()
    response.answers.all().delete()
    for row in rows:
        row.organization_id = survey.organization_id
        row.response = response
        row.survey_id = survey.pk
        row.submitted = response.status == ResponseStatus.SUBMITTED
        row.property_id, row.building_id = response.property_id, response.building_id
    Answer.objects.bulk_create(rows)
    if first_submission:
        Participation.objects.create(
            organization_id=survey.organization_id, survey=survey, one_per=survey.one_per,
            user=user, unit_id=residency.unit_id,
        )
    return response
