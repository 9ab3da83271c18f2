"""Ticket routes inside ``/api/v1/orgs/<org_slug>/`` (included by portal/api/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("tickets/", views.TicketListView.as_view(), name="ticket-list"),
    path("tickets/<int:number>/", views.TicketDetailView.as_view(), name="ticket-detail"),
    path(
        "tickets/<int:number>/comments/", views.TicketCommentsView.as_view(),
        name="ticket-comments",
    ),
    path(
        "tickets/<int:number>/attachments/", views.TicketAttachmentsView.as_view(),
        name="ticket-attachments",
    ),
    path(
        "tickets/<int:number>/transition/", views.TicketTransitionView.as_view(),
        name="ticket-transition",
    ),
    path("tickets/<int:number>/assign/", views.TicketAssignView.as_view(), name="ticket-assign"),
    path("tickets/<int:number>/rate/", views.TicketRateView.as_view(), name="ticket-rate"),
    path("categories/", views.CategoryListView.as_view(), name="ticket-category-list"),
    path("faq/", views.FaqListView.as_view(), name="ticket-faq-list"),
    path(
        "canned-responses/", views.CannedResponseListView.as_view(),
        name="ticket-canned-response-list",
    ),
    path("teams/", views.TeamListView.as_view(), name="ticket-team-list"),
]
