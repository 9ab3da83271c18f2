"""A survey's results for managers: a chart and a table per question (ECharts, initialised by
static/js/surveys/results.js from a json_script block), filters by property and building, the
response rate refreshed live when someone answers."""

from django.shortcuts import render
from django.utils import timezone

from portal.tenancy.decorators import org_view
from portal.tenancy.models import Building

from ..scoping import reach_counts, response_reach
from ..selectors import rate, survey_get_for_manager, survey_results


def _int(value) -> int | None:
    try:
        return int(value) or None
    except (TypeError, ValueError):
        return None


def filters(request) -> tuple[int | None, int | None]:
    return _int(request.GET.get("property")), _int(request.GET.get("building"))


def chart_data(results: dict) -> list[dict]:
    """Only numbers and labels, for the chart script."""
    return [
        {"id": item["id"], "kind": item["kind"],
         "labels": [row["label"] for row in item["rows"]],
         "counts": [row["count"] for row in item["rows"]]}
        for item in results["questions"] if item["rows"]
    ]


@org_view("manager")
def results(request, pk: int):
    survey = survey_get_for_manager(request.access, pk)
    property_id, building_id = filters(request)
    within = response_reach(request.access, survey)
    data = survey_results(survey, property_id=property_id, building_id=building_id,
                          within=within)
    properties = list(request.access.properties())
    buildings = list(Building.objects.filter(organization=request.organization,
                                             property__in=properties)
                     .select_related("property"))
    with timezone.override(request.organization.time_zone):
        return render(request, "surveys/manage/results.html", {
            "survey": survey, "results": data, "charts": chart_data(data),
            "properties": properties, "buildings": buildings,
            "property_id": property_id, "building_id": building_id,
            "query": request.GET.urlencode(), "limited": within is not None,
        })


@org_view("manager")
def rate_fragment(request, pk: int):
    survey = survey_get_for_manager(request.access, pk)
    responses, invited = reach_counts(request.access, [survey])[survey.pk]
    return render(request, "surveys/manage/_rate.html", {
        "survey": survey, "responses": responses, "invited": invited,
        "rate": rate(responses, invited),
    })
