"""API routes under /api/v1/orgs/<org_slug>/ (included by portal.api.urls)."""

from django.urls import path

from . import api

urlpatterns = [
    path("votes/", api.VoteList.as_view(), name="api-votes"),
    path("votes/<int:pk>/", api.VoteDetail.as_view(), name="api-vote"),
    path("votes/<int:pk>/ballots/", api.VoteBallots.as_view(), name="api-vote-ballots"),
    path("votes/<int:pk>/tally/", api.VoteTally.as_view(), name="api-vote-tally"),
]
