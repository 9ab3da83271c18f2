"""The survey builder: a draft's settings and questions, reordering, duplicating."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from portal.tenancy.access import Access

from ..models import CHOICE_KINDS, Audience, Choice, Question, QuestionKind, Survey, SurveyStatus

SURVEY_FIELDS = (
    "title", "description", "audience", "audience_property", "audience_building", "opens_at",
    "closes_at", "is_anonymous", "one_per", "allow_change", "reminder_hours",
)
MAX_REMINDER_HOURS = 24 * 60
MAX_CHOICES = 30


def require_manager(access: Access) -> None:
    if not access.is_manager:
        raise PermissionDenied


def _require_draft(survey: Survey) -> None:
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("Only a draft survey can be changed."))


def clean_survey(survey: Survey) -> None:
    """Field rules of a survey's settings; raises ValidationError by field."""
    errors: dict[str, list[str]] = {}
    survey.title = (survey.title or "").strip()
    if not survey.title:
        errors.setdefault("title", []).append(_("Give the survey a title."))
    if survey.audience == Audience.BUILDING:
        if survey.audience_building is None:
            errors.setdefault("audience_building", []).append(_("Choose the building."))
        else:
            survey.audience_property_id = survey.audience_building.property_id
    elif survey.audience == Audience.PROPERTY:
        survey.audience_building = None
        if survey.audience_property is None:
            errors.setdefault("audience_property", []).append(_("Choose the property."))
    else:
        survey.audience_property = survey.audience_building = None
    for name in ("audience_property", "audience_building"):
        related = getattr(survey, name)
        if related is not None and related.organization_id != survey.organization_id:
            errors.setdefault(name, []).append(_("Choose one of your organisation's."))
    if survey.opens_at and survey.closes_at and survey.closes_at <= survey.opens_at:
        errors.setdefault("closes_at", []).append(
            _("The survey must close after it opens.")
        )
    if survey.is_anonymous and survey.allow_change:
        errors.setdefault("allow_change", []).append(
            _("Answers of an anonymous survey cannot be changed: nothing may link them to "
              "the person who gave them.")
        )
    hours = survey.reminder_hours or []
    if not isinstance(hours, list) or not all(
        isinstance(h, int) and 0 < h <= MAX_REMINDER_HOURS for h in hours
    ):
        errors.setdefault("reminder_hours", []).append(
            _("Reminders are whole numbers of hours before closing, at most %(max)s.")
            % {"max": MAX_REMINDER_HOURS}
        )
    else:
        survey.reminder_hours = sorted(set(hours), reverse=True)
    if errors:
        raise ValidationError(errors)


def _require_reach(access: Access, survey: Survey) -> None:
    """A manager limited to some properties aims a survey at those only: aimed elsewhere it
    would leave their reach (``surveys.scoping``)."""
    if survey.audience not in (Audience.PROPERTY, Audience.BUILDING):
        return
    if not access.covers_property(survey.audience_property_id):
        field = ("audience_building" if survey.audience == Audience.BUILDING
                 else "audience_property")
        raise ValidationError({field: _("Choose one of the properties you look after.")})


def survey_create(*, access: Access, **fields) -> Survey:
    require_manager(access)
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise TypeError(f"unknown survey fields: {sorted(unknown)}")
    survey = Survey(organization=access.organization, created_by=access.membership.user,
                    **fields)
    clean_survey(survey)
    _require_reach(access, survey)
    with transaction.atomic():
        survey.save()
    return survey


def survey_update(*, access: Access, survey: Survey, **fields) -> Survey:
    require_manager(access)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        _require_draft(survey)
        for name, value in fields.items():
            if name not in SURVEY_FIELDS:
                raise TypeError(f"unknown survey field: {name}")
            setattr(survey, name, value)
        clean_survey(survey)
        _require_reach(access, survey)
        survey.save()
    return survey


def choices_parse(text: str) -> list[str]:
    """One choice per line, blank lines and repeats dropped."""
    return list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


def _clean_question(kind: str, text: str, choices: list[str]) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in QuestionKind.values:
        errors["kind"] = [_("Choose the kind of question.")]
    if not (text or "").strip():
        errors["text"] = [_("Write the question.")]
    if kind in CHOICE_KINDS:
        if len(choices) < 2:
            errors["choices"] = [_("A choice question needs at least two choices.")]
        elif len(choices) > MAX_CHOICES:
            errors["choices"] = [_("At most %(max)s choices.") % {"max": MAX_CHOICES}]
        elif any(len(choice) > 200 for choice in choices):
            errors["choices"] = [_("A choice can be at most 200 characters long.")]
    if errors:
        raise ValidationError(errors)


def question_save(
    *, access: Access, survey: Survey, question: Question | None = None, kind: str, text: str,
    help_text: str = "", required: bool = True, choices: list[str] | None = None,
    dimension: str = "",
) -> Question:
    """Add a question at the end, or change one; a choice question's choices are replaced."""
    require_manager(access)
    choices = [c.strip() for c in (choices or []) if c.strip()]
    _clean_question(kind, text, choices)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        _require_draft(survey)
        if question is None:
            last = survey.questions.aggregate(last=Max("order"))["last"]
            question = Question(
                organization_id=survey.organization_id, survey=survey,
                order=0 if last is None else last + 1,
            )
        elif question.survey_id != survey.pk:
            raise PermissionDenied
        question.kind, question.text = kind, text.strip()
        question.help_text, question.required = help_text.strip(), required
        question.dimension = dimension
        question.save()
        question.choices.all().delete()
        if kind in CHOICE_KINDS:
            Choice.objects.bulk_create(
                Choice(organization_id=survey.organization_id, question=question, order=i,
                       text=choice)
                for i, choice in enumerate(choices)
            )
    return question


def question_delete(*, access: Access, question: Question) -> None:
    require_manager(access)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=question.survey_id)
        _require_draft(survey)
        question.delete()


def question_move(*, access: Access, question: Question, up: bool) -> None:
    """Swap with the neighbour above (or below); orders are renumbered 0…n-1 on the way."""
    require_manager(access)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=question.survey_id)
        _require_draft(survey)
        questions = list(survey.questions.order_by("order", "pk"))
        index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(questions):
            questions[index], questions[other] = questions[other], questions[index]
        for order, item in enumerate(questions):
            item.order = order
        Question.objects.bulk_update(questions, ["order"])


def survey_duplicate(*, access: Access, survey: Survey) -> Survey:
    """A new draft with the same settings and questions, without dates or answers."""
    require_manager(access)
    with transaction.atomic():
        copy = Survey.objects.create(
            organization_id=survey.organization_id,
            title=_("Copy of %(title)s") % {"title": survey.title},
            **{name: getattr(survey, name) for name in SURVEY_FIELDS
               if name not in {"title", "opens_at", "closes_at", "audience"}},
            # The invited people are not copied: a copy of an event's feedback survey asks
            # the organisation until its audience is chosen.
            audience=(Audience.ORGANIZATION if survey.audience == Audience.INVITED
                      else survey.audience),
            template=survey.template, created_by=access.membership.user,
        )
        copy_questions(source=survey, target=copy)
    return copy


def copy_questions(*, source: Survey, target: Survey) -> None:
    questions = list(source.questions.prefetch_related("choices").order_by("order", "pk"))
    new = Question.objects.bulk_create(
        Question(organization_id=target.organization_id, survey=target, order=q.order,
                 kind=q.kind, text=q.text, help_text=q.help_text, required=q.required,
                 dimension=q.dimension)
        for q in questions
    )
    Choice.objects.bulk_create(
        Choice(organization_id=target.organization_id, question=copy, order=c.order,
               text=c.text)
        for original, copy in zip(questions, new, strict=True)
        for c in original.choices.all()
    )


def survey_build(*, access: Access, questions: list[dict], **fields) -> Survey:
    """A draft with its questions at once (the API's create): all of it or nothing."""
    with transaction.atomic():
        survey = survey_create(access=access, **fields)
        errors: dict[str, list] = {}
        for index, question in enumerate(questions):
            try:
                question_save(access=access, survey=survey, **question)
            except ValidationError as error:
                errors[f"questions[{index}]"] = error.messages
        if errors:
            raise ValidationError(errors)
    return survey
