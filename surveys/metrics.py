"""Numbers for the manager dashboards (portal.dashboards composes them). Each function makes
a fixed number of aggregate queries.

With ``property_ids``, a survey counts when its audience touches one of those properties (an
organisation-wide survey touches all of them; an event's feedback survey, with the "invited"
audience, those where its invitees live: see ``surveys.scoping``) and responses are those from
those properties; ``invited`` is the survey's own snapshot at opening, so for an
organisation-wide or invited survey filtered to some properties the rate is a lower bound.
"""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum

from .models import Answer, Response, ResponseStatus, Survey, SurveyStatus
from .scoping import touching
from .selectors import average_of, nps_of, rate
from .services.templates import NPS_DIMENSION, SATISFACTION


def _responses(property_ids: list[int] | None):
    responses = Response.objects.filter(status=ResponseStatus.SUBMITTED)
    if property_ids is not None:
        responses = responses.filter(property_id__in=property_ids)
    return responses


def survey_engagement(*, organization, property_ids: list[int] | None, start: dt.date,
                      end: dt.date) -> dict:
    """Surveys opened between ``start`` and ``end`` (inclusive, organisation's dates): how
    many, how many owners or units they asked, how many answered. Two queries."""
    tz = ZoneInfo(organization.time_zone)
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    surveys = Survey.objects.filter(
        organization=organization, opened_at__gte=since, opened_at__lt=until,
    ).filter(touching(organization.pk, property_ids))
    totals = surveys.aggregate(surveys=Count("id"), invited=Sum("invited_count"))
    responded = _responses(property_ids).filter(
        organization=organization, survey__in=surveys.values("pk")
    ).count()
    return {"surveys": totals["surveys"], "invited": totals["invited"] or 0,
            "responded": responded}


def latest_satisfaction(*, organization, property_ids: list[int] | None) -> dict | None:
    """The latest opened satisfaction survey: response rate, NPS and the 1–5 average of each
    service dimension (by the questions' ``dimension`` slug). Three queries."""
    survey = (
        Survey.objects.filter(
            organization=organization, template=SATISFACTION,
            status__in=[SurveyStatus.OPEN, SurveyStatus.CLOSED], opened_at__isnull=False,
        ).filter(touching(organization.pk, property_ids)).order_by("-opened_at", "-pk").first()
    )
    if survey is None:
        return None
    answers = Answer.objects.filter(
        organization=organization, survey=survey, submitted=True, number__isnull=False,
    ).exclude(question__dimension="")
    if property_ids is not None:
        answers = answers.filter(property_id__in=property_ids)
    distributions: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for dimension, number, n in (
        answers.values("question__dimension", "number").annotate(n=Count("id"))
        .values_list("question__dimension", "number", "n")
    ):
        distributions[dimension][number] += n
    responses = _responses(property_ids).filter(organization=organization, survey=survey).count()
    return {
        "survey_id": survey.pk,
        "title": survey.title,
        "closes_at": survey.closes_at,
        "responses": responses,
        "response_rate": rate(responses, survey.invited_count),
        "nps": nps_of(distributions.pop(NPS_DIMENSION, {})),
        "dimensions": {name: average_of(d) for name, d in sorted(distributions.items())},
    }
