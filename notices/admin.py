from django.contrib import admin

from .models import DisclosureItem, DisclosurePublication, Notice, NoticeReceipt


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "category", "status", "published_at", "version")
    list_filter = ("status", "category")
    search_fields = ("title",)
    readonly_fields = ("version", "published_at", "content_updated_at")


@admin.register(NoticeReceipt)
class NoticeReceiptAdmin(admin.ModelAdmin):
    list_display = ("notice", "user", "delivered_at", "channel", "read_at", "acknowledged_at")
    raw_id_fields = ("notice", "user", "unit", "paper_delivered_by")


@admin.register(DisclosureItem)
class DisclosureItemAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "kind", "schedule", "next_due_on", "is_active")


@admin.register(DisclosurePublication)
class DisclosurePublicationAdmin(admin.ModelAdmin):
    list_display = ("item", "period", "version", "published_at")

    def has_change_permission(self, request, obj=None):
        return False  # published disclosures never change (a correction is a new version)
