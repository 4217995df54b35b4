"""Request-access on a record's restricted files, answered by staff, with an expiry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clearinghouse.core.policy import Actor

from ..models import AccessRequest
from ..policies import can_answer_access_request
from .audit import audit_denied, audit_write


def can_request_access(actor: Actor, record: Any) -> bool:
    """An approved account may ask for the files it cannot download of a record it can see."""
    from clearinghouse.catalog.policies import can_view, withheld_file_count

    return (
        actor.is_registered
        and not actor.is_staff
        and can_view(actor, record)
        and withheld_file_count(actor, record) > 0
    )


def access_request_create(
    *, actor: Actor, record: Any, reason: str, ip: str | None = None
) -> AccessRequest:
    if not can_request_access(actor, record):
        raise audit_denied(actor=actor, action="access_request.create", target=record, ip=ip)
    with transaction.atomic():
        existing = AccessRequest.objects.filter(
            user=actor.user, record=record, status=AccessRequest.Status.PENDING
        ).first()
        if existing is not None:
            return existing
        access_request = AccessRequest.objects.create(user=actor.user, record=record, reason=reason)
        audit_write(
            actor=actor,
            action="access_request.create",
            target=access_request,
            summary=f"record {record.pk}",
            ip=ip,
        )
    return access_request


def _answer(
    *,
    actor: Actor,
    access_request: AccessRequest,
    status: str,
    action: str,
    note: str,
    expires_at: dt.datetime | None,
    ip: str | None,
) -> AccessRequest:
    if not can_answer_access_request(actor, access_request):
        raise audit_denied(actor=actor, action=action, target=access_request, ip=ip)
    with transaction.atomic():
        access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        before = access_request.status
        access_request.status = status
        access_request.note = note or access_request.note
        access_request.expires_at = expires_at
        access_request.decided_by = actor.user
        access_request.decided_at = timezone.now()
        access_request.save()
        audit_write(
            actor=actor,
            action=action,
            target=access_request,
            summary=f"record {access_request.record_id} for {access_request.user}",
            changes={
                "status": [before, status],
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
            ip=ip,
        )
    return access_request


def access_request_grant(
    *,
    actor: Actor,
    access_request: AccessRequest,
    expires_at: dt.datetime | None = None,
    note: str = "",
    ip: str | None = None,
) -> AccessRequest:
    """Open the record and its files to the requester until ``expires_at``."""
    if expires_at is None:
        expires_at = timezone.now() + dt.timedelta(days=settings.CLEARINGHOUSE_ACCESS_GRANT_DAYS)
    return _answer(
        actor=actor,
        access_request=access_request,
        status=AccessRequest.Status.GRANTED,
        action="access_request.grant",
        note=note,
        expires_at=expires_at,
        ip=ip,
    )


def access_request_refuse(
    *, actor: Actor, access_request: AccessRequest, note: str = "", ip: str | None = None
) -> AccessRequest:
    return _answer(
        actor=actor,
        access_request=access_request,
        status=AccessRequest.Status.REFUSED,
        action="access_request.refuse",
        note=note,
        expires_at=None,
        ip=ip,
    )


def access_grant_revoke(
    *, actor: Actor, access_request: AccessRequest, note: str = "", ip: str | None = None
) -> AccessRequest:
    """End a grant now: the very next request of the grantee is denied."""
    return _answer(
        actor=actor,
        access_request=access_request,
        status=AccessRequest.Status.REVOKED,
        action="access_request.revoke",
        note=note,
        expires_at=None,
        ip=ip,
    )
