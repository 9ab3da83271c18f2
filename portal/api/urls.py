"""``/api/v1/``. Everything about one organisation lives under ``orgs/<slug:org_slug>/``, where
the TenantMiddleware scopes queries to it; add a feature's routes to ``org_patterns`` (or
include the app's own list there) and its views on ``portal.api.base.OrgScoped*``."""

from django.urls import include, path

from portal.accounts import api as accounts_api
from portal.tenancy import api as tenancy_api

property_list = tenancy_api.PropertyViewSet.as_view({"get": "list"})
property_detail = tenancy_api.PropertyViewSet.as_view({"get": "retrieve"})

org_patterns = [
    path("properties/", property_list, name="property-list"),
    path("properties/<int:pk>/", property_detail, name="property-detail"),
    path(
        "properties/<int:property_pk>/units/",
        tenancy_api.PropertyUnitListView.as_view(),
        name="property-unit-list",
    ),
    path("", include("tickets.api.urls")),
    path("", include("notices.api_urls")),
    path("", include("surveys.api_urls")),
    path("", include("surveys.votes.api_urls")),
    path("", include("events.api_urls")),
    path("", include("portal.dashboards.api_urls")),
]

app_name = "api"
urlpatterns = [
    path("auth/token/", accounts_api.AuthTokenView.as_view(), name="auth-token"),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("notifications/", include("communications.api_urls")),
    path("orgs/<slug:org_slug>/", include(org_patterns)),
]
