"""Contribution and review (C10 item 5): partners submit, analysts publish and set access.

Publishing requires the fields in completeness.py (C5): a refusal names what is missing.

Each function checks the record policy first; a refusal is audited and raised
before any transaction opens, so the refusal is kept and nothing else is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.dateparse import parse_datetime

from clearinghouse.accounts.services.audit import audit_denied, audit_write
from clearinghouse.core.policy import Actor

from .completeness import check_publishable
from .models import Record, RecordText
from .policies import can_change_access, can_edit, can_publish, can_submit
from .services import file_attach, record_changed, year_from_date

#: Descriptive fields a partner may fill in and edit on its own submissions.
DESCRIPTIVE_FIELDS = ("date_issued", "publisher", "place", "licence")
TEXT_FIELDS = ("title", "subtitle", "abstract")
#: Fields only staff may change, each through its own rule.
STATUS_FIELDS = ("status",)
ACCESS_FIELDS = ("access_tier", "access_group_ids", "embargo_until")


@dataclass
class Submission:
    kind: str
    original_language: str
    title: str
    subtitle: str = ""
    abstract: str = ""
    date_issued: str = ""
    publisher: str = ""
    place: str = ""
    licence: str = ""


def check_text_values(values: dict[str, Any]) -> None:
    """Text fields are strings that fit their column and hold no NUL (ValueError otherwise:
    a bad request, never a database error)."""
    for name in (*DESCRIPTIVE_FIELDS, *TEXT_FIELDS, "original_language"):
        if name not in values:
            continue
        value = values[name]
        model = RecordText if name in TEXT_FIELDS else Record
        limit = model._meta.get_field(name).max_length
        if not isinstance(value, str) or "\x00" in value:
            raise ValueError(f"{name}: a string without NUL characters")
        if limit and len(value) > limit:
            raise ValueError(f"{name}: at most {limit} characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:  # a lone surrogate from JSON
            raise ValueError(f"{name}: not valid Unicode text") from error


def check_access_values(changes: dict[str, Any]) -> dict[str, Any]:
    """Status, tier, embargo and groups as the model needs them (ValueError otherwise)."""
    changes = dict(changes)
    if "status" in changes and changes["status"] not in Record.Status.values:
        raise ValueError(f"unknown status {changes['status']!r}")
    if "access_tier" in changes and changes["access_tier"] not in Record.Tier.values:
        raise ValueError(f"unknown access tier {changes['access_tier']!r}")
    embargo = changes.get("embargo_until")
    if isinstance(embargo, str):
        moment = parse_datetime(embargo)
        if moment is None:
            raise ValueError("embargo_until: ISO 8601 date and time expected")
        changes["embargo_until"] = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    elif embargo is not None and not isinstance(embargo, dt.datetime):
        raise ValueError("embargo_until: ISO 8601 date and time expected")
    groups = changes.get("access_group_ids")
    if groups is not None and (
        not isinstance(groups, list | tuple) or not all(isinstance(g, int) for g in groups)
    ):
        raise ValueError("access_group_ids: a list of group ids expected")
    return changes


def record_submit(
    *,
    actor: Actor,
    data: Submission,
    upload: BinaryIO | None = None,
    upload_name: str = "",
    ip: str | None = None,
) -> Record:
    """A new record in review, owned by the partner's organisation (or by no one, for staff)."""
    if not can_submit(actor):
        raise audit_denied(
            actor=actor, action="record.submit", summary="may not submit records", ip=ip
        )
    if data.kind not in Record.Kind.values:
        raise ValueError(f"unknown kind {data.kind!r}")
    check_text_values(vars(data))
    with transaction.atomic():
        record = Record.objects.create(
            kind=data.kind,
            original_language=data.original_language,
            status=Record.Status.IN_REVIEW,
            access_tier=Record.Tier.PUBLIC,
            owner_organisation_id=actor.organisation_id,
            submitted_by=actor.user,
            **{name: getattr(data, name) for name in DESCRIPTIVE_FIELDS},
            year=year_from_date(data.date_issued),
        )
        RecordText.objects.create(
            record=record,
            language=data.original_language,
            title=data.title,
            subtitle=data.subtitle,
            abstract=data.abstract,
            is_original=True,
        )
        record_changed(record=record, actor=actor, summary="submitted for review")
        audit_write(actor=actor, action="record.submit", target=record, ip=ip)
        if upload is not None:
            file_attach(actor=actor.user, record=record, stream=upload, original_name=upload_name)
    return record


def record_change(
    *, actor: Actor, record: Record, changes: dict[str, Any], ip: str | None = None
) -> Record:
    """Apply ``changes`` (descriptive, text, status or access fields), each by its own rule."""
    if not can_edit(actor, record):
        raise audit_denied(
            actor=actor, action="record.edit", target=record, summary="may not edit", ip=ip
        )
    if any(name in changes for name in STATUS_FIELDS) and not can_publish(actor, record):
        raise audit_denied(
            actor=actor,
            action="record.publish",
            target=record,
            summary=f"may not set status {changes.get('status')!r}",
            ip=ip,
        )
    if any(name in changes for name in ACCESS_FIELDS) and not can_change_access(actor, record):
        raise audit_denied(
            actor=actor,
            action="record.access_change",
            target=record,
            summary="may not change access",
            ip=ip,
        )
    unknown = set(changes) - {*DESCRIPTIVE_FIELDS, *TEXT_FIELDS, *STATUS_FIELDS, *ACCESS_FIELDS}
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
    changes = check_access_values(changes)
    check_text_values(changes)
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        publishing = (
            changes.get("status") == Record.Status.PUBLISHED
            and record.status != Record.Status.PUBLISHED
        )
        for name in (*DESCRIPTIVE_FIELDS, "status", "access_tier", "embargo_until"):
            if name in changes:
                setattr(record, name, changes[name])
        record.save()
        if "access_group_ids" in changes:
            record.access_groups.set(Group.objects.filter(pk__in=changes["access_group_ids"]))
        text_changes = {k: v for k, v in changes.items() if k in TEXT_FIELDS}
        if text_changes:
            text = record.text_for(record.original_language)
            if text is None:
                text = RecordText(record=record, language=record.original_language)
                text.is_original = True
            for name, value in text_changes.items():
                setattr(text, name, value)
            text.save()
        if publishing:
            check_publishable(record)  # rolls the whole change back, listing what is missing
        record_changed(record=record, actor=actor, summary="changed: " + ", ".join(sorted(changes)))
    return record


def record_publish(*, actor: Actor, record: Record, ip: str | None = None) -> Record:
    return record_change(
        actor=actor, record=record, changes={"status": Record.Status.PUBLISHED}, ip=ip
    )


def record_withdraw(*, actor: Actor, record: Record, ip: str | None = None) -> Record:
    return record_change(
        actor=actor, record=record, changes={"status": Record.Status.WITHDRAWN}, ip=ip
    )


def record_set_access(
    *,
    actor: Actor,
    record: Record,
    tier: str,
    group_ids: list[int] | None = None,
    embargo_until: dt.datetime | None = None,
    ip: str | None = None,
) -> Record:
    changes: dict[str, Any] = {"access_tier": tier, "embargo_until": embargo_until}
    if group_ids is not None:
        changes["access_group_ids"] = group_ids
    return record_change(actor=actor, record=record, changes=changes, ip=ip)
