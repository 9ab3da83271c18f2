"""Pages under /o/<org_slug>/ (included by portal.urls)."""

from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("dashboard/", views.sla, name="sla"),
    path("dashboard/counters/", views.counters, name="counters"),
    path("dashboard/satisfaction/", views.satisfaction, name="satisfaction"),
    path("dashboard/engagement/", views.engagement, name="engagement"),
    path("dashboard/hotspots/", views.hotspots, name="hotspots"),
    path("dashboard/hotspots/preventive/", views.preventive, name="preventive"),
    path("dashboard/report/", views.report, name="report"),
]
