"""Django admin for platform operators (across organisations, scopes disabled by the
middleware). Managers use the event pages; writes with side effects belong there."""

from django.contrib import admin

from .models import Event, Registration


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "starts_at", "status", "capacity"]
    list_filter = ["status", "organization"]
    search_fields = ["title", "place"]
    readonly_fields = ["next_reminder_at", "created_at", "updated_at"]
    raw_id_fields = ["property", "building", "created_by"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "party_size", "status", "created_at", "checked_in_at"]
    list_filter = ["status"]
    raw_id_fields = ["event", "user", "unit", "checked_in_by"]
    readonly_fields = ["checkin_token", "created_at"]
