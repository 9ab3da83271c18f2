"""Dashboard API under /api/v1/orgs/<org_slug>/dashboard/: the same metrics and filters as the
pages (query parameters start, end, property, building, category, team, staff)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from portal.api.base import OrgScopedAPIView

from . import metrics
from .selection import DashboardFilterForm, with_dates

TAGS = ["dashboards"]
PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First local day (default: the "
                     "first of this month, in the organisation's time zone)."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last local day, included "
                     "(default: today)."),
    OpenApiParameter("property", OpenApiTypes.INT),
    OpenApiParameter("building", OpenApiTypes.INT),
    OpenApiParameter("category", OpenApiTypes.INT),
    OpenApiParameter("team", OpenApiTypes.INT),
    OpenApiParameter("staff", OpenApiTypes.INT, description="An assignee's user id (managers "
                     "only; staff always see their own tickets)."),
]
BAD = OpenApiResponse(description="A filter outside the caller's reach or an invalid range.")


class DashboardView(OrgScopedAPIView):
    minimum_role = "staff"
    metric = None
    managers_only = False

    def get_minimum_role(self):
        return "manager" if self.managers_only else "staff"

    def get(self, request, *args, **kwargs):
        form = DashboardFilterForm(with_dates(self.access, request.query_params),
                                   access=self.access)
        if not form.is_valid():
            return Response(form.errors.get_json_data(), status=400)
        return Response(type(self).metric(form.selection()))


def _schema(summary: str, description: str):
    return extend_schema(
        tags=TAGS, summary=summary, description=description, parameters=PARAMETERS,
        responses={200: OpenApiTypes.OBJECT, 400: BAD},
    )


class SlaView(DashboardView):
    metric = metrics.sla

    @_schema("SLA dashboard",
             "Opened, resolved, backlog, compliance, median and p90 wall times in seconds, "
             "breaches by category/team/staff, backlog ageing, weekly trend. Complete past "
             "days come from daily rollups when they cover them (`rolled_up`); percentiles "
             "are then read from a duration histogram, within `percentiles."
             "max_relative_error` (0.0244) of the exact value (`percentiles.method`).")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SatisfactionView(DashboardView):
    metric = metrics.satisfaction

    @_schema("Satisfaction dashboard", "Average rating, distribution, by category/team/staff, "
             "follow-up calls, latest survey results when available.")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EngagementView(DashboardView):
    metric = metrics.engagement
    managers_only = True

    @_schema("Engagement dashboard", "Tickets by channel, owners active in the last 30 days, "
             "notice, survey and event engagement when available. Managers only.")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class HotspotsView(DashboardView):
    metric = metrics.hotspots
    managers_only = True

    @_schema("Hotspots dashboard", "Assets, units and common areas with repeated tickets in "
             "the threshold window, with the window before for the trend. Managers only.")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
