"""Read-only admin views of the analysis: writes go through the services (new versions,
audit rows), on the staff analysis pages."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    Annotation,
    AnnotationText,
    AnnotationVersion,
    Assignment,
    Review,
    WorkflowComment,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AnnotationTextInline(admin.StackedInline):
    model = AnnotationText
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Annotation)
class AnnotationAdmin(ReadOnlyAdmin):
    list_display = ["record", "current", "updated_at"]
    raw_id_fields = ["record"]


@admin.register(AnnotationVersion)
class AnnotationVersionAdmin(ReadOnlyAdmin):
    list_display = ["annotation", "number", "author", "created_at", "purpose", "is_sample"]
    list_filter = ["purpose", "is_sample"]
    inlines = [AnnotationTextInline]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["record", "reviewer", "status", "score", "best_practice", "reviewed_at"]
    list_filter = ["status", "best_practice", "is_sample"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["record", "analyst", "created_at", "closed_at"]


@admin.register(WorkflowComment)
class WorkflowCommentAdmin(ReadOnlyAdmin):
    list_display = ["record", "author", "created_at"]
