"""Ticket pages under /o/<org_slug>/: owners' requests, the staff queue, ticket settings."""

from django.urls import include, path

app_name = "tickets"
urlpatterns = [
    path("requests/", include("tickets.urls_owner")),
    path("tickets/", include("tickets.urls_staff")),
    path("manage/tickets/", include("tickets.urls_manage")),
]
