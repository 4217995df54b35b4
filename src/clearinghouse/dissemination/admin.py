from django.contrib import admin

from .models import HarvestRun, HarvestSource, ImportRun, PublicExposure


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "base_url", "set_spec", "metadata_prefix", "enabled", "last_run_at"]
    readonly_fields = ["harvested_until", "last_run_at"]


@admin.register(HarvestRun)
class HarvestRunAdmin(admin.ModelAdmin):
    list_display = [
        "base_url",
        "status",
        "pages",
        "created",
        "updated",
        "deleted",
        "rejected",
        "started_at",
    ]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "format",
        "status",
        "cursor",
        "total",
        "created",
        "updated",
        "rejected",
        "started_at",
    ]
    list_filter = ["status", "format"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PublicExposure)
class PublicExposureAdmin(admin.ModelAdmin):
    list_display = ["record_id", "gone_at", "reason"]
    list_filter = ["reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
