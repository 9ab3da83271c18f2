"""The project's URLs plus /api/v1/notifications/, until portal/api/urls.py includes it."""

from django.urls import include, path

from portal.urls import urlpatterns as project_patterns

urlpatterns = [
    path("api/v1/notifications/", include("communications.api_urls")),
    *project_patterns,
]
