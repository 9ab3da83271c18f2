"""Django admin for platform operators, across organisations (the middleware disables scopes
under /admin/). Organisation admins use the pages under /o/<org>/manage/ instead."""

from django.contrib import admin

from portal.realtime import close_user_sockets_on_commit

from . import models


@admin.register(models.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "language_code", "time_zone", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class TenantAdmin(admin.ModelAdmin):
    list_select_related = ["organization"]
    list_filter = ["organization"]
    list_per_page = 50
    # A row below a property takes its organisation from its parent, so an operator cannot
    # put a unit of one organisation into another's building.
    organization_from: str | None = None

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        return [*excluded, "organization"] if self.organization_from else excluded

    def save_model(self, request, obj, form, change):
        if self.organization_from:
            obj.organization_id = getattr(obj, self.organization_from).organization_id
        super().save_model(request, obj, form, change)


@admin.register(models.Property)
class PropertyAdmin(TenantAdmin):
    list_display = ["name", "organization", "address"]
    search_fields = ["name", "address"]


@admin.register(models.Building)
class BuildingAdmin(TenantAdmin):
    list_display = ["name", "property", "organization"]
    list_select_related = ["organization", "property"]
    search_fields = ["name", "property__name"]
    raw_id_fields = ["property"]
    organization_from = "property"


@admin.register(models.Unit)
class UnitAdmin(TenantAdmin):
    list_display = ["number", "building", "floor", "area", "organization"]
    list_select_related = ["organization", "building__property"]
    search_fields = ["number", "building__name", "property__name"]
    raw_id_fields = ["building"]
    exclude = ["property"]
    organization_from = "building"

    def save_model(self, request, obj, form, change):
        # The denormalised property that staff scopes filter on follows the building.
        obj.property_id = obj.building.property_id
        super().save_model(request, obj, form, change)


@admin.register(models.Asset)
class AssetAdmin(TenantAdmin):
    list_display = ["name", "kind", "code", "property", "building", "organization"]
    list_select_related = ["organization", "property", "building__property"]
    list_filter = ["organization", "kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["property", "building"]
    organization_from = "property"


@admin.register(models.Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ["user", "organization", "role", "title", "all_properties", "is_active"]
    list_select_related = ["organization", "user"]
    list_filter = ["organization", "role", "is_active"]
    search_fields = ["user__full_name", "user__email", "user__phone"]
    raw_id_fields = ["user"]
    filter_horizontal = ["properties"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # the active flag, role or property scope may have changed
            close_user_sockets_on_commit(obj.user_id, reconnect=True)


@admin.register(models.Residency)
class ResidencyAdmin(TenantAdmin):
    list_display = ["user", "unit", "relation", "verified_at", "is_active", "organization"]
    list_select_related = ["organization", "user", "unit__building__property"]
    list_filter = ["organization", "relation", "is_active"]
    search_fields = ["user__full_name", "user__email", "user__phone", "unit__number"]
    raw_id_fields = ["user", "unit", "verified_by"]
    organization_from = "unit"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # active or verified may have changed: the socket's groups with them
            close_user_sockets_on_commit(obj.user_id, reconnect=True)
