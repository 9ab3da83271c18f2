"""Django admin for platform operators: the outbox is where a lost email is looked for."""

from django.contrib import admin

from . import models


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "recipient", "organization", "created_at", "read_at"]
    list_filter = ["kind", "organization"]
    list_select_related = ["recipient", "organization"]
    raw_id_fields = ["recipient", "actor"]
    search_fields = ["title", "recipient__email", "recipient__phone"]
    date_hierarchy = "created_at"


@admin.register(models.Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["notification", "channel", "status", "attempts", "not_before", "sent_at"]
    list_filter = ["status", "channel", "organization"]
    list_select_related = ["notification"]
    raw_id_fields = ["notification"]
    readonly_fields = ["claim", "claimed_at", "last_error"]


@admin.register(models.NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "topic", "email", "sms"]
    list_filter = ["topic"]
    raw_id_fields = ["user"]


@admin.register(models.QuietHours)
class QuietHoursAdmin(admin.ModelAdmin):
    list_display = ["user", "start", "end"]
    raw_id_fields = ["user"]
