"""API routes under /api/v1/orgs/<org_slug>/ (included by portal.api.urls)."""

from django.urls import path

from . import api

urlpatterns = [
    path("dashboard/sla/", api.SlaView.as_view(), name="dashboard-sla"),
    path("dashboard/satisfaction/", api.SatisfactionView.as_view(),
         name="dashboard-satisfaction"),
    path("dashboard/engagement/", api.EngagementView.as_view(), name="dashboard-engagement"),
    path("dashboard/hotspots/", api.HotspotsView.as_view(), name="dashboard-hotspots"),
]
