"""API routes under /api/v1/orgs/<org_slug>/ (included by portal.api.urls)."""

urlpatterns: list = []
