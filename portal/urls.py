from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import health, views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("privacy/", views.privacy_notice, name="privacy-notice"),
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("portal.accounts.urls")),
    path("notifications/", include("communications.urls")),
    path("o/<slug:org_slug>/", views.org_home, name="org-home"),
    path("o/<slug:org_slug>/manage/", include("portal.tenancy.urls")),
    path("o/<slug:org_slug>/", include("tickets.urls")),
    path("o/<slug:org_slug>/", include("notices.urls")),
    path("o/<slug:org_slug>/", include("surveys.urls")),
    path("o/<slug:org_slug>/", include("surveys.votes.urls")),
    path("o/<slug:org_slug>/", include("events.urls")),
    path("o/<slug:org_slug>/", include("portal.dashboards.urls")),
    path("api/v1/", include("portal.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
handler500 = "portal.errors.server_error"
