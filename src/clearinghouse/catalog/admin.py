"""Staff curate records in the Django admin for now: texts, creators and files inline.

Saving goes through ``record_changed`` so history and the index outbox stay
in step with every edit.
"""

from __future__ import annotations

import mimetypes

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from clearinghouse.search.indexer import index_lag

from . import storage
from .models import Blob, Record, RecordCreator, RecordFile, RecordText, RecordVersion
from .plain_text import read_plain_text
from .services import record_changed, record_deleted


class RecordTextInline(admin.StackedInline):
    model = RecordText
    extra = 0
    fields = [
        ("language", "is_original"),
        "title",
        "subtitle",
        "abstract",
        "annotation",
        ("method", "source_language", "translator", "reviewed"),
    ]


class RecordCreatorInline(admin.TabularInline):
    model = RecordCreator
    extra = 0
    autocomplete_fields = ["agent"]


class RecordFileForm(forms.ModelForm):
    upload = forms.FileField(label=_("upload a file"), required=False)

    class Meta:
        model = RecordFile
        fields = ["upload", "label", "language", "access_tier", "position"]

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and not cleaned.get("upload"):
            raise forms.ValidationError(_("choose a file to upload"))
        return cleaned

    def save(self, commit=True):
        upload = self.cleaned_data.get("upload")
        if upload:
            sha, size = storage.store(upload)
            media_type = upload.content_type or mimetypes.guess_type(upload.name)[0] or ""
            blob, created = Blob.objects.get_or_create(
                sha256=sha, defaults={"size": size, "media_type": media_type}
            )
            if created and media_type.startswith("text/plain"):
                with storage.open_blob(sha) as fh:
                    blob.text = read_plain_text(fh.read()).text
                blob.text_language = self.cleaned_data.get("language") or ""
                blob.extraction_status = "done"
                blob.save()
            self.instance.blob = blob
            self.instance.original_name = upload.name[:500]
        return super().save(commit)


class RecordFileInline(admin.TabularInline):
    model = RecordFile
    form = RecordFileForm
    extra = 0
    readonly_fields = ["original_name", "blob"]


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "access_tier", "year", "is_sample"]
    list_filter = ["kind", "status", "access_tier", "is_sample", "is_synthetic"]
    search_fields = ["texts__title", "identifier"]
    filter_horizontal = ["concepts", "access_groups"]
    raw_id_fields = ["supersedes"]
    inlines = [RecordTextInline, RecordCreatorInline, RecordFileInline]
    readonly_fields = ["year", "created_at", "updated_at"]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["title"] = _("Records (search index lag: %(lag)s changes)") % {
            "lag": index_lag()
        }
        return super().changelist_view(request, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_changed(
            record=form.instance,
            actor=request.user,
            summary="edited in admin" if change else "created in admin",
        )

    def delete_model(self, request, obj):
        record_id = obj.pk
        with transaction.atomic():
            super().delete_model(request, obj)
            record_deleted(record_id=record_id)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            ids = list(queryset.values_list("pk", flat=True))
            super().delete_queryset(request, queryset)
            for record_id in ids:
                record_deleted(record_id=record_id)


@admin.register(RecordVersion)
class RecordVersionAdmin(admin.ModelAdmin):
    list_display = ["record", "number", "actor", "summary", "created_at"]
    readonly_fields = ["record", "number", "snapshot", "actor", "summary", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
