"""Django admin for platform operators: surveys are read-only here (they change only through
the services); responses are not listed at all, so anonymity holds in the admin too."""

from django.contrib import admin

from portal.tenancy.admin import TenantAdmin

from . import models


class QuestionInline(admin.TabularInline):
    model = models.Question
    fields = ["order", "kind", "text", "required", "dimension"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(models.Survey)
class SurveyAdmin(TenantAdmin):
    list_display = ["title", "status", "audience", "opens_at", "closes_at", "organization"]
    list_filter = ["organization", "status"]
    search_fields = ["title"]
    inlines = [QuestionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
