"""The access policy for accounts, access requests and the audit trail (one rule each,
answering both for one object and as a queryset filter)."""

from __future__ import annotations

from django.db.models import QuerySet

from clearinghouse.core.policy import Actor

from .models import AccessRequest, AuditEvent, Profile


def can_decide_accounts(actor: Actor) -> bool:
    """Approve or refuse registrations, set roles, groups, disable accounts: administrators."""
    return actor.is_administrator


def filter_profiles(actor: Actor, queryset: QuerySet[Profile] | None = None) -> QuerySet[Profile]:
    queryset = Profile.objects.all() if queryset is None else queryset
    return queryset if can_decide_accounts(actor) else queryset.none()


def can_answer_access_request(actor: Actor, access_request: AccessRequest | None = None) -> bool:
    """Grant, refuse or revoke access: analysts and administrators."""
    return actor.is_staff


def can_see_access_request(actor: Actor, access_request: AccessRequest) -> bool:
    return actor.is_staff or (actor.is_registered and access_request.user_id == actor.user_id)


def filter_access_requests(
    actor: Actor, queryset: QuerySet[AccessRequest] | None = None
) -> QuerySet[AccessRequest]:
    queryset = AccessRequest.objects.all() if queryset is None else queryset
    if actor.is_staff:
        return queryset
    if actor.is_registered:
        return queryset.filter(user_id=actor.user_id)
    return queryset.none()


def can_view_audit(actor: Actor) -> bool:
    """The audit trail is for administrators."""
    return actor.is_administrator


def filter_audit(actor: Actor, queryset: QuerySet[AuditEvent] | None = None):
    queryset = AuditEvent.objects.all() if queryset is None else queryset
    return queryset if can_view_audit(actor) else queryset.none()
