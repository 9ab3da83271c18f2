"""Pages under /o/<org_slug>/ (included by portal.urls)."""

app_name = "votes"
urlpatterns: list = []
