"""The review workflow (C5): assignment to an analyst, comments, queues and history.

The record's status (draft → in review → published → withdrawn) stays in the catalogue
(catalog.workflow, with the mandatory fields of catalog.completeness); this module adds
who reviews it and what was said. Every change is audited against the record, so the
record's audit trail is its workflow history.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from clearinghouse.accounts.models import AuditEvent
from clearinghouse.accounts.roles import STAFF_ROLES
from clearinghouse.accounts.services.audit import audit_denied, audit_write
from clearinghouse.catalog.models import Record
from clearinghouse.core.policy import Actor

from .models import Assignment, WorkflowComment
from .policies import can_run_workflow

COMMENT_LIMIT = 5000
#: Record states a queue shows: work still to do.
OPEN_STATES = (Record.Status.DRAFT, Record.Status.IN_REVIEW)


def analysts() -> QuerySet:
    """Accounts that may be assigned: active analysts and administrators."""
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__role__in=STAFF_ROLES)
        .order_by("username")
    )


def record_assign(*, actor: Actor, record: Record, analyst_id: int, ip: str | None = None):
    """Hand ``record`` to an analyst; an earlier open assignment is closed."""
    if not can_run_workflow(actor):
        raise audit_denied(
            actor=actor, action="analysis.assign", target=record, summary="may not assign", ip=ip
        )
    analyst = analysts().filter(pk=analyst_id).first()
    if analyst is None:
        raise ValueError("not an analyst")
    with transaction.atomic():
        Assignment.objects.filter(record=record, closed_at__isnull=True).update(
            closed_at=timezone.now()
        )
        assignment = Assignment.objects.create(
            record=record, analyst=analyst, assigned_by=actor.user
        )
        audit_write(
            actor=actor,
            action="analysis.assign",
            target=record,
            summary=f"assigned to {analyst.get_username()}",
            ip=ip,
        )
    return assignment


def assignment_close(*, actor: Actor, record: Record, ip: str | None = None) -> int:
    """Close the record's open assignment (review done); returns how many were closed."""
    if not can_run_workflow(actor):
        raise audit_denied(
            actor=actor, action="analysis.assign", target=record, summary="may not close", ip=ip
        )
    with transaction.atomic():
        closed = Assignment.objects.filter(record=record, closed_at__isnull=True).update(
            closed_at=timezone.now()
        )
        if closed:
            audit_write(actor=actor, action="analysis.close", target=record, ip=ip)
    return closed


def record_comment_add(
    *, actor: Actor, record: Record, body: str, ip: str | None = None
) -> WorkflowComment:
    if not can_run_workflow(actor):
        raise audit_denied(
            actor=actor, action="analysis.comment", target=record, summary="may not comment", ip=ip
        )
    if not isinstance(body, str) or "\x00" in body or not body.strip():
        raise ValueError("a comment is required")
    if len(body) > COMMENT_LIMIT:
        raise ValueError(f"a comment has at most {COMMENT_LIMIT} characters")
    with transaction.atomic():
        comment = WorkflowComment.objects.create(
            record=record, author=actor.user, body=body.strip()
        )
        audit_write(actor=actor, action="analysis.comment", target=record, ip=ip)
    return comment


# --- reads (staff only: callers check can_run_workflow) -----------------------------------


def queue_for(analyst_id: int) -> QuerySet[Assignment]:
    """An analyst's open assignments, oldest first."""
    return (
        Assignment.objects.filter(analyst_id=analyst_id, closed_at__isnull=True)
        .select_related("record")
        .prefetch_related("record__texts")
        .order_by("created_at", "id")
    )


def unassigned_in_review() -> QuerySet[Record]:
    """Records waiting for review that nobody has been assigned."""
    open_ids = Assignment.objects.filter(closed_at__isnull=True).values("record_id")
    return (
        Record.objects.filter(status__in=OPEN_STATES)
        .exclude(pk__in=open_ids)
        .prefetch_related("texts")
        .order_by("created_at", "id")
    )


def current_assignment(record: Record) -> Assignment | None:
    return (
        Assignment.objects.filter(record=record, closed_at__isnull=True)
        .select_related("analyst")
        .first()
    )


def history(record: Record, limit: int = 200) -> list[AuditEvent]:
    """The record's workflow history: every audited change to it, newest first."""
    return list(
        AuditEvent.objects.filter(target_type="catalog.record", target_id=str(record.pk))[:limit]
    )
