"""Admin for accounts: profiles, access requests, and the append-only audit trail."""

from __future__ import annotations

import csv
import json

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from clearinghouse.core.policy import actor_from_request

from .models import AccessRequest, AuditEvent, Profile
from .policies import can_view_audit, filter_audit
from .services.access_requests import (
    access_grant_revoke,
    access_request_grant,
    access_request_refuse,
)
from .services.accounts import (
    account_approve,
    account_groups_changed,
    account_refuse,
    account_set_role,
)
from .services.audit import audit_write

User = get_user_model()
AUDIT_COLUMNS = (
    "created_at",
    "actor_id",
    "actor_name",
    "action",
    "outcome",
    "target_type",
    "target_id",
    "summary",
    "changes",
    "ip",
)


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "approval", "organisation_name", "organisation", "created_at"]
    list_filter = ["approval", "role"]
    search_fields = ["user__username", "user__email", "organisation_name"]
    fields = [
        "user",
        "role",
        "organisation",
        "approval",
        "organisation_name",
        "purpose",
        "decided_by",
        "decided_at",
        "decision_note",
        "created_at",
    ]
    readonly_fields = [
        "user",
        "approval",
        "organisation_name",
        "purpose",
        "decided_by",
        "decided_at",
        "decision_note",
        "created_at",
    ]
    actions = ["approve", "refuse"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Role and organisation change through the audited service, never a bare save."""
        if {"role", "organisation"} & set(form.changed_data):
            account_set_role(
                actor=actor_from_request(request),
                user=obj.user,
                role=obj.role,
                organisation_id=obj.organisation_id,
                ip=_ip(request),
            )

    @admin.action(description=_("Approve the selected registrations (role as requested)"))
    def approve(self, request, queryset):
        actor = actor_from_request(request)
        for profile in queryset.select_related("user"):
            account_approve(actor=actor, user=profile.user, ip=_ip(request))
        messages.success(request, _("Approved."))

    @admin.action(description=_("Refuse the selected registrations"))
    def refuse(self, request, queryset):
        actor = actor_from_request(request)
        for profile in queryset.select_related("user"):
            account_refuse(actor=actor, user=profile.user, ip=_ip(request))
        messages.success(request, _("Refused."))


class AuditedUserAdmin(UserAdmin):
    """Django's user admin; staff flags follow the role, and group changes are audited."""

    readonly_fields = ["is_staff", "is_superuser", "user_permissions", "last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            audit_write(
                actor=actor_from_request(request),
                action="account.enable" if obj.is_active else "account.disable",
                target=obj,
                ip=_ip(request),
            )

    def save_related(self, request, form, formsets, change):
        user = form.instance
        before = set(user.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(user.groups.values_list("name", flat=True))
        account_groups_changed(
            actor=actor_from_request(request),
            user=user,
            before=before,
            after=after,
            ip=_ip(request),
        )


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "record", "status", "expires_at", "created_at", "decided_by"]
    list_filter = ["status"]
    raw_id_fields = ["record", "user"]
    readonly_fields = ["user", "record", "reason", "status", "decided_by", "decided_at"]
    actions = ["grant", "refuse", "revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Grant (for the default period)"))
    def grant(self, request, queryset):
        for access_request in queryset:
            access_request_grant(
                actor=actor_from_request(request), access_request=access_request, ip=_ip(request)
            )

    @admin.action(description=_("Refuse"))
    def refuse(self, request, queryset):
        for access_request in queryset:
            access_request_refuse(
                actor=actor_from_request(request), access_request=access_request, ip=_ip(request)
            )

    @admin.action(description=_("Revoke now"))
    def revoke(self, request, queryset):
        for access_request in queryset:
            access_grant_revoke(
                actor=actor_from_request(request), access_request=access_request, ip=_ip(request)
            )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only, administrators only, exportable as CSV."""

    list_display = ["created_at", "actor_name", "action", "outcome", "target_type", "target_id"]
    list_filter = ["outcome", "action", "target_type"]
    search_fields = ["actor_name", "action", "target_id", "summary"]
    readonly_fields = list(AUDIT_COLUMNS)
    actions = None
    change_list_template = "accounts/admin/auditevent_change_list.html"

    def has_module_permission(self, request):
        return can_view_audit(actor_from_request(request))

    def has_view_permission(self, request, obj=None):
        return can_view_audit(actor_from_request(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return filter_audit(actor_from_request(request), super().get_queryset(request))

    def get_urls(self):
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_csv),
            name="accounts_auditevent_export",
        )
        return [export, *super().get_urls()]

    def export_csv(self, request) -> HttpResponse:
        if not can_view_audit(actor_from_request(request)):
            return HttpResponse(status=403)
        rows = filter_audit(actor_from_request(request)).order_by("created_at", "id")

        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo())

        def lines():
            yield writer.writerow(AUDIT_COLUMNS)
            for event in rows.iterator():
                yield writer.writerow(
                    [
                        event.created_at.isoformat(),
                        event.actor_id or "",
                        _csv_safe(event.actor_name),
                        event.action,
                        event.outcome,
                        event.target_type,
                        event.target_id,
                        _csv_safe(event.summary),
                        _csv_safe(_json(event.changes)),
                        event.ip or "",
                    ]
                )

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit.csv"'
        return response


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


def _csv_safe(value: str) -> str:
    """No spreadsheet formula injection from user-provided text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
