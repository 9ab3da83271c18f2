"""Reads: which surveys a caller sees, one survey within reach (404 otherwise), results."""

from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from portal.tenancy.access import Access

from .models import (
    SCALES,
    Answer,
    Audience,
    Invitee,
    OnePer,
    Participation,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
)
from .scoping import invited_within, reachable

TEXT_LIMIT = 200  # free-text answers listed per question on the page (the export has all)


def audience_filter(access: Access) -> Q:
    """Surveys whose audience includes one of the caller's units, or that invited them."""
    units = [r.unit for r in access.residencies]
    if not units:
        return Q(pk__in=[])
    return (
        Q(audience=Audience.ORGANIZATION)
        | Q(audience=Audience.PROPERTY, audience_property_id__in={u.property_id for u in units})
        | Q(audience=Audience.BUILDING, audience_building_id__in={u.building_id for u in units})
        | Q(audience=Audience.INVITED, pk__in=Invitee.objects.filter(
            organization_id=access.organization.pk, user_id=access.residencies[0].user_id,
        ).values("survey_id"))
    )


def surveys_for_owner(access: Access) -> QuerySet:
    """Open surveys asking the caller, soonest closing first."""
    return (
        Survey.objects.filter(organization=access.organization, status=SurveyStatus.OPEN)
        .filter(audience_filter(access))
        .order_by("closes_at", "pk")
    )


def surveys_for_manager(access: Access) -> QuerySet:
    """A manager's surveys: every one for all-property managers, otherwise the surveys of the
    whole organisation and those touching their properties (see ``surveys.scoping``)."""
    if not access.is_manager:
        return Survey.objects.none()
    return (
        Survey.objects.filter(organization=access.organization).filter(reachable(access))
        .select_related("audience_property", "audience_building__property")
    )


def surveys_visible(access: Access) -> QuerySet:
    """What the API's list shows: a manager's surveys, open surveys asking an owner."""
    if access.is_manager:
        return surveys_for_manager(access)
    return surveys_for_owner(access)


def survey_get_for_owner(access: Access, pk: int) -> Survey:
    survey = surveys_for_owner(access).select_related("organization").filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def survey_get_for_manager(access: Access, pk: int) -> Survey:
    survey = surveys_for_manager(access).filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def answered_by(access: Access, surveys) -> dict[int, str]:
    """{survey id: response status} for the caller (or their unit): one query per kind of
    record, whatever the number of surveys."""
    ids = [s.pk for s in surveys]
    if not ids:
        return {}
    unit_ids = list(access.unit_ids)
    user_id = access.residencies[0].user_id if access.residencies else None
    mine = Q(one_per=OnePer.OWNER, user_id=user_id) | Q(one_per=OnePer.UNIT, unit_id__in=unit_ids)
    status = {
        pk: ResponseStatus.SUBMITTED
        for pk in Participation.objects.filter(survey_id__in=ids).filter(mine)
        .values_list("survey_id", flat=True)
    }
    drafts = Response.objects.filter(survey_id__in=ids, status=ResponseStatus.DRAFT).filter(
        Q(one_per=OnePer.OWNER, respondent_id=user_id)
        | Q(one_per=OnePer.UNIT, unit_id__in=unit_ids)
    )
    for pk in drafts.values_list("survey_id", flat=True):
        status.setdefault(pk, ResponseStatus.DRAFT)
    return status


def response_counts(survey_ids) -> dict[int, int]:
    rows = (
        Response.objects.filter(survey_id__in=list(survey_ids), status=ResponseStatus.SUBMITTED)
        .values("survey_id").annotate(n=Count("id"))
    )
    return {row["survey_id"]: row["n"] for row in rows}


def rate(responses: int, invited: int) -> float | None:
    return round(100 * responses / invited, 1) if invited else None


def nps_of(distribution: dict[int, int]) -> float | None:
    total = sum(distribution.values())
    if not total:
        return None
    promoters = sum(n for score, n in distribution.items() if score >= 9)
    detractors = sum(n for score, n in distribution.items() if score <= 6)
    return round(100 * (promoters - detractors) / total, 1)


def average_of(distribution: dict[int, int]) -> float | None:
    total = sum(distribution.values())
    if not total:
        return None
    return round(sum(score * n for score, n in distribution.items()) / total, 2)


def survey_results(survey: Survey, *, property_id: int | None = None,
                   building_id: int | None = None, within: list[int] | None = None,
                   text_limit: int = TEXT_LIMIT) -> dict:
    """Per question: how many answered, counts per choice or score, average, NPS, texts.

    ``within`` (``scoping.response_reach``): only the responses from these properties, the
    response rate over the people asked there.

    At most seven queries whatever the number of responses or questions; the answers carry
    their response's state, property and building, so the aggregates read one table.
    """
    answers = Answer.objects.filter(organization_id=survey.organization_id, survey=survey,
                                    submitted=True)
    responses = Response.objects.filter(organization_id=survey.organization_id, survey=survey,
                                        status=ResponseStatus.SUBMITTED)
    if within is not None:
        answers = answers.filter(property_id__in=within)
        responses = responses.filter(property_id__in=within)
    reached = responses
    if property_id:
        answers = answers.filter(property_id=property_id)
        responses = responses.filter(property_id=property_id)
    if building_id:
        answers = answers.filter(building_id=building_id)
        responses = responses.filter(building_id=building_id)
    questions = list(survey.questions.prefetch_related("choices").order_by("order", "pk"))
    choice_counts: dict[int, int] = {}
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for question_id, choice_id, number, n in (
        answers.filter(text="").values("question_id", "choice_id", "number")
        .annotate(n=Count("id")).values_list("question_id", "choice_id", "number", "n")
    ):
        if choice_id is not None:
            choice_counts[choice_id] = n
        elif number is not None:
            scores[question_id][number] = n
    # Several rows per response only for multiple choice; free text is counted here too.
    counted = [q.pk for q in questions if q.kind in (QuestionKind.MULTIPLE, QuestionKind.TEXT)]
    answered: dict[int, int] = {}
    if counted:
        answered = dict(
            answers.filter(question_id__in=counted).values("question_id")
            .annotate(n=Count("response_id", distinct=True)).values_list("question_id", "n")
        )
    text_questions = [q.pk for q in questions if q.kind == QuestionKind.TEXT]
    texts: dict[int, list[str]] = defaultdict(list)
    if text_questions:
        rows = (answers.filter(question_id__in=text_questions).exclude(text="")
                .order_by("-response_id").values_list("question_id", "text"))
        for question_id, text in rows[: text_limit * len(text_questions)]:
            if len(texts[question_id]) < text_limit:
                texts[question_id].append(text)
    total = responses.count()
    overall = total if not (property_id or building_id) else reached.count()
    invited = survey.invited_count if within is None else invited_within(survey, within)
    items = []
    for question in questions:
        item = {"question": question, "id": question.pk, "kind": question.kind,
                "text": question.text, "dimension": question.dimension, "rows": []}
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            item["rows"] = [{"label": c.text, "count": choice_counts.get(c.pk, 0)}
                            for c in question.choices.all()]
            item["answered"] = (answered.get(question.pk, 0) if question.kind ==
                                QuestionKind.MULTIPLE else sum(r["count"] for r in item["rows"]))
        elif question.kind in SCALES:
            low, high = SCALES[question.kind]
            distribution = scores.get(question.pk, {})
            item["rows"] = [{"label": str(score), "count": distribution.get(score, 0)}
                            for score in range(low, high + 1)]
            item["answered"] = sum(distribution.values())
            item["average"] = average_of(distribution)
            if question.kind == QuestionKind.NPS:
                item["nps"] = nps_of(distribution)
        else:
            item["answered"] = answered.get(question.pk, 0)
            item["texts"] = texts.get(question.pk, [])
        for row in item["rows"]:
            row["percent"] = (round(100 * row["count"] / item["answered"], 1)
                              if item["answered"] else 0)
        items.append(item)
    return {"responses": total, "invited": invited,
            "response_rate": rate(overall, invited), "questions": items}
