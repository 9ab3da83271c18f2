"""API routes under /api/v1/orgs/<org_slug>/ (included by portal.api.urls)."""

from django.urls import path

from .api import views

urlpatterns = [
    path("surveys/", views.SurveyListView.as_view(), name="survey-list"),
    path("surveys/<int:pk>/", views.SurveyDetailView.as_view(), name="survey-detail"),
    path("surveys/<int:pk>/responses/", views.SurveyResponsesView.as_view(),
         name="survey-responses"),
    path("surveys/<int:pk>/results/", views.SurveyResultsView.as_view(), name="survey-results"),
]
