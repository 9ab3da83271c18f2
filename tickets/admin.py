"""Django admin for platform operators, across organisations (scopes are disabled under
/admin/). Managers configure teams, categories and SLA policies on their own pages; tickets
change only through the services, so here they are read-only."""

from django.contrib import admin

from portal.tenancy.admin import TenantAdmin

from . import models


class TeamMemberInline(admin.TabularInline):
    model = models.TeamMember
    raw_id_fields = ["user"]
    extra = 0


@admin.register(models.Team)
class TeamAdmin(TenantAdmin):
    list_display = ["name", "lead", "is_active", "organization"]
    list_select_related = ["organization", "lead"]
    search_fields = ["name"]
    raw_id_fields = ["lead"]
    inlines = [TeamMemberInline]

    def save_formset(self, request, form, formset, change):
        for member in formset.save(commit=False):
            member.organization_id = form.instance.organization_id
            member.save()
        for member in formset.deleted_objects:
            member.delete()


@admin.register(models.Category)
class CategoryAdmin(TenantAdmin):
    list_display = ["name", "kind", "default_team", "is_active", "sort_order", "organization"]
    list_select_related = ["organization", "default_team"]
    list_filter = ["organization", "kind", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["default_team"]


class CalendarExceptionInline(admin.TabularInline):
    model = models.CalendarException
    exclude = ["organization"]
    extra = 0


@admin.register(models.BusinessCalendar)
class BusinessCalendarAdmin(TenantAdmin):
    list_display = ["name", "time_zone", "country_code", "is_24x7", "organization"]
    search_fields = ["name"]
    inlines = [CalendarExceptionInline]

    def save_formset(self, request, form, formset, change):
        for exception in formset.save(commit=False):
            exception.organization_id = form.instance.organization_id
            exception.save()
        for exception in formset.deleted_objects:
            exception.delete()


@admin.register(models.SlaPolicy)
class SlaPolicyAdmin(TenantAdmin):
    list_display = ["name", "calendar", "category", "priority", "is_default", "is_active",
                    "organization"]
    list_select_related = ["organization", "calendar", "category"]
    search_fields = ["name"]
    raw_id_fields = ["calendar", "category"]


class ReadOnlyAdmin(TenantAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TimelineInline(admin.TabularInline):
    model = models.TimelineEntry
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "is_public", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "status", "priority", "category", "property",
                    "next_due_at", "organization"]
    list_select_related = ["organization", "category", "property"]
    list_filter = ["organization", "status", "priority", "channel"]
    search_fields = ["title", "description"]
    date_hierarchy = "created_at"
    inlines = [TimelineInline]


@admin.register(models.SlaEscalation)
class SlaEscalationAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "timer", "percent", "notify", "reached_at", "fired_at",
                    "organization"]
    list_select_related = ["organization", "ticket"]
    list_filter = ["organization", "timer"]
