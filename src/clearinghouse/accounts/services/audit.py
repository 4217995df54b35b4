"""Writing the audit trail: one row per change, in the caller's transaction.

Refusals are written by ``audit_denied`` before the refused work would have
opened its transaction, so they are kept although nothing else is written.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models

from clearinghouse.core.policy import Actor

from ..models import AuditEvent

SNAPSHOT_ACCESS_KEYS = ("status", "access_tier", "access_groups", "embargo_until")


def _user_of(actor: Any) -> Any:
    return actor.user if isinstance(actor, Actor) else actor


def _target(target: Any) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    kind, ident = target
    return str(kind), str(ident)


def audit_write(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    outcome: str = AuditEvent.Outcome.OK,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` is an ``Actor``, a user or None (the system)."""
    user = _user_of(actor)
    target_type, target_id = _target(target)
    return AuditEvent.objects.create(
        actor_id=getattr(user, "pk", None),
        actor_name=(user.get_username() if getattr(user, "pk", None) else "")[:150],
        action=action[:60],
        outcome=outcome,
        target_type=target_type[:40],
        target_id=target_id[:64],
        summary=summary[:500],
        changes=changes or {},
        ip=ip or None,
    )


def audit_denied(
    *, actor: Any, action: str, target: Any = None, summary: str = "", ip: str | None = None
) -> PermissionDenied:
    """Record a refusal and return the exception to raise: ``raise audit_denied(...)``."""
    audit_write(
        actor=actor,
        action=action,
        target=target,
        summary=summary,
        outcome=AuditEvent.Outcome.DENIED,
        ip=ip,
    )
    return PermissionDenied(summary or action)


def access_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """What changed in a record's access between two snapshots (record fields and files)."""
    before = before or {}
    changed = {
        key: [before.get(key), after.get(key)]
        for key in SNAPSHOT_ACCESS_KEYS
        if before.get(key) != after.get(key)
    }
    files_before = {f.get("sha256"): f for f in before.get("files", [])}
    for entry in after.get("files", []):
        old = files_before.get(entry.get("sha256"))
        for key in ("access_tier", "embargo_until"):
            if old is not None and old.get(key) != entry.get(key):
                changed[f"file {entry.get('name')}: {key}"] = [old.get(key), entry.get(key)]
    return changed


def audit_record_changed(
    *, actor: Any, record: Any, before: dict | None, after: dict, summary: str
) -> None:
    """The audit rows of one saved change to a record: the change, and any access change.

    Changes by the system (imports, the demo loader: no user) are kept in the record's
    version history only.
    """
    if getattr(_user_of(actor), "pk", None) is None:
        return
    audit_write(actor=actor, action="record.change", target=record, summary=summary)
    changed = access_changes(before, after)
    if changed and before is not None:
        audit_write(
            actor=actor,
            action="record.access_change",
            target=record,
            summary=", ".join(sorted(changed)),
            changes=changed,
        )
