from django.urls import path

from portal import views as portal_views

# Placeholder routes, replaced by the organisation admin pages.
app_name = "tenancy"
urlpatterns = [
    path(name, portal_views.org_home, name=name)
    for name in ["property-list", "unit-list", "asset-list", "resident-list", "staff-list",
                 "import"]
]
