"""API routes under /api/v1/orgs/<org_slug>/ (included by portal.api.urls)."""

from django.urls import path

from . import api

urlpatterns: list = [
    path("notices/", api.NoticeListView.as_view(), name="api-notices"),
    path("notices/<int:pk>/", api.NoticeDetailView.as_view(), name="api-notice"),
    path("notices/<int:pk>/ack/", api.NoticeAckView.as_view(), name="api-notice-ack"),
    path("notices/<int:pk>/receipts/", api.NoticeReceiptsView.as_view(),
         name="api-notice-receipts"),
    path("disclosures/", api.DisclosureListView.as_view(), name="api-disclosures"),
]
