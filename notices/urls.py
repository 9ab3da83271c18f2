"""Pages under /o/<org_slug>/ (included by portal.urls)."""

app_name = "notices"
urlpatterns: list = []
