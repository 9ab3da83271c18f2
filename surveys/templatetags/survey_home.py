"""The surveys sections of the home pages: ``{% owner_surveys %}`` and ``{% staff_surveys %}``.
Each makes a fixed number of queries whatever the number of surveys."""

from django import template

from surveys.models import ResponseStatus, Survey, SurveyStatus
from surveys.scoping import reach_counts, reachable
from surveys.selectors import answered_by, rate, surveys_for_owner

register = template.Library()
LIMIT = 5


@register.inclusion_tag("surveys/home/owner.html", takes_context=True)
def owner_surveys(context):
    access = context.get("access")
    surveys = []
    if access is not None and access.residencies:
        candidates = list(surveys_for_owner(access)[:50])
        status = answered_by(access, candidates)
        surveys = [s for s in candidates if status.get(s.pk) != ResponseStatus.SUBMITTED]
        for survey in surveys:
            survey.my_status = status.get(survey.pk, "")
    return {"surveys": surveys[:LIMIT], "current_org": context.get("current_org")}


@register.inclusion_tag("surveys/home/staff.html", takes_context=True)
def staff_surveys(context):
    access = context.get("access")
    surveys = []
    if access is not None and access.is_staff:
        surveys = list(
            Survey.objects.filter(organization=access.organization, status=SurveyStatus.OPEN)
            .filter(reachable(access)).order_by("closes_at", "pk")[:LIMIT]
        )
        counts = reach_counts(access, surveys)
        for survey in surveys:
            survey.response_total, invited = counts[survey.pk]
            survey.rate = rate(survey.response_total, invited)
    return {"surveys": surveys, "current_org": context.get("current_org"),
            "is_manager": access is not None and access.is_manager}
