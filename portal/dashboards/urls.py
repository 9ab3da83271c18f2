"""Pages under /o/<org_slug>/ (included by portal.urls)."""

app_name = "dashboards"
urlpatterns: list = []
