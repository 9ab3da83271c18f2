from django.urls import path

from .views import audit, imports, people, structure

app_name = "tenancy"
urlpatterns = [
    path("properties/", structure.property_list, name="property-list"),
    path("properties/new/", structure.property_create, name="property-create"),
    path("properties/<int:pk>/", structure.property_edit, name="property-edit"),
    path("properties/<int:property_pk>/buildings/new/", structure.building_create,
         name="building-create"),
    path("buildings/<int:pk>/", structure.building_edit, name="building-edit"),
    path("units/", structure.unit_list, name="unit-list"),
    path("units/new/", structure.unit_create, name="unit-create"),
    path("units/<int:pk>/", structure.unit_edit, name="unit-edit"),
    path("assets/", structure.asset_list, name="asset-list"),
    path("assets/new/", structure.asset_create, name="asset-create"),
    path("assets/<int:pk>/", structure.asset_edit, name="asset-edit"),
    path("staff/", people.staff_list, name="staff-list"),
    path("staff/invite/", people.staff_invite, name="staff-invite"),
    path("staff/<int:pk>/", people.staff_edit, name="staff-edit"),
    path("staff/<int:pk>/deactivate/", people.staff_deactivate, name="staff-deactivate"),
    path("staff/<int:pk>/reactivate/", people.staff_reactivate, name="staff-reactivate"),
    path("staff/<int:pk>/invite/", people.staff_resend, name="staff-resend"),
    path("residents/", people.resident_list, name="resident-list"),
    path("residents/new/", people.resident_create, name="resident-create"),
    path("residents/<int:pk>/verify/", people.resident_verify, name="resident-verify"),
    path("residents/<int:pk>/deactivate/", people.resident_deactivate,
         name="resident-deactivate"),
    path("residents/<int:pk>/invite/", people.resident_resend, name="resident-resend"),
    path("import/", imports.import_page, name="import"),
    path("access-log/", audit.access_log, name="access-log"),
    path("import/template-<str:kind>.csv", imports.import_template, name="import-template"),
]
