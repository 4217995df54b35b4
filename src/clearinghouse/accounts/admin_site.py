"""The admin site: reachable only by verified staff; one login for the whole site."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clearinghouse.core.policy import actor_from_request

from .models import AuditEvent
from .services.audit import audit_write


class ClearinghouseAdminSite(admin.AdminSite):
    site_header = _("TIP Clearinghouse administration")
    site_title = _("TIP Clearinghouse")

    def has_permission(self, request) -> bool:
        """Staff role, approved, active and verified by a second factor; refusals audited."""
        actor = actor_from_request(request)
        allowed = bool(request.user.is_active and request.user.is_staff and actor.is_staff)
        first_refusal = not getattr(request, "_clearinghouse_admin_denial", False)
        if not allowed and request.user.is_authenticated and first_refusal:
            request._clearinghouse_admin_denial = True
            audit_write(
                actor=actor,
                action="admin.access",
                outcome=AuditEvent.Outcome.DENIED,
                summary=request.path[:500],
                ip=request.META.get("REMOTE_ADDR"),
            )
        return allowed

    def login(self, request, extra_context=None):
        """The throttled accounts login (then two-factor for staff) serves the admin too."""
        return redirect_to_login(
            request.GET.get("next") or reverse("admin:index"), reverse("accounts:login")
        )
