"""Staff see batches, jobs (with quarantine reasons) and extractions in the Django admin."""

from __future__ import annotations

from django.contrib import admin

from .models import Extraction, IngestBatch, IngestJob


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IngestBatch)
class IngestBatchAdmin(ReadOnlyAdmin):
    list_display = ["pk", "source", "created_by", "record", "created_at"]
    list_filter = ["source"]


@admin.register(IngestJob)
class IngestJobAdmin(ReadOnlyAdmin):
    list_display = ["pk", "original_name", "status", "attempts", "reason", "finished_at"]
    list_filter = ["status", "batch__source"]
    search_fields = ["original_name", "blob__sha256", "reason"]
    raw_id_fields = ["batch", "blob", "record_file"]


@admin.register(Extraction)
class ExtractionAdmin(ReadOnlyAdmin):
    list_display = ["blob", "status", "kind", "ocr", "reason_code", "wall_seconds"]
    list_filter = ["status", "kind", "ocr", "reason_code"]
    search_fields = ["blob__sha256", "reason"]
    exclude = ["minhash"]
