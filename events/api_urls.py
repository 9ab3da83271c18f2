"""API routes under /api/v1/orgs/<org_slug>/ (included by portal.api.urls)."""

from django.urls import path

from .api import views

urlpatterns = [
    path("events/", views.EventListView.as_view(), name="event-list"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event-detail"),
    path("events/<int:pk>/registrations/", views.RegistrationsView.as_view(),
         name="event-registrations"),
    path("events/<int:pk>/check-in/", views.CheckInView.as_view(), name="event-check-in"),
]
