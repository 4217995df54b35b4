"""Every change to the catalogue goes through these functions (HackSoft style).

Each change runs in one transaction, writes a history snapshot and an index
outbox row, and schedules the indexer after commit. Several processes may change one
record at once: a change locks the record's row first (PostgreSQL; SQLite's immediate
transactions already serialise writers), so version numbers and file positions never
collide and no update is lost.
"""

from __future__ import annotations

import io
import mimetypes
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction

from clearinghouse.accounts.services.audit import audit_record_changed
from clearinghouse.core.policy import Actor
from clearinghouse.search.outbox import record_index_changed
from clearinghouse.vocabularies.models import Concept

from . import storage
from .models import Blob, Record, RecordCreator, RecordFile, RecordText, RecordVersion
from .plain_text import read_plain_text
from .snapshots import record_snapshot

TEXT_SCHEMES = ("audience", "purpose", "topic", "method", "country", "region", "language")


def year_from_date(date_issued: str) -> int | None:
    head = (date_issued or "")[:4]
    return int(head) if head.isdigit() else None


def record_lock(record_id: int) -> None:
    """Hold ``record_id``'s row until the transaction ends (no-op on SQLite, see above)."""
    list(Record.objects.select_for_update().filter(pk=record_id).values_list("pk"))


def record_changed(*, record: Record, actor: Any = None, summary: str = "") -> RecordVersion:
    """Write the history snapshot and the outbox row for a change already saved.

    Called inside the caller's transaction (admin saves, services, imports).
    """
    record_lock(record.pk)
    year = year_from_date(record.date_issued)
    if record.year != year:
        Record.objects.filter(pk=record.pk).update(year=year)
        record.year = year
    user = actor.user if isinstance(actor, Actor) else actor
    previous = record.versions.order_by("-number").only("number", "snapshot").first()
    snapshot = record_snapshot(record)
    version = RecordVersion.objects.create(
        record=record,
        number=(previous.number if previous else 0) + 1,
        snapshot=snapshot,
        actor=user if getattr(user, "pk", None) else None,
        summary=summary[:300],
    )
    audit_record_changed(
        actor=user,
        record=record,
        before=previous.snapshot if previous else None,
        after=snapshot,
        summary=summary,
    )
    record_index_changed(record.pk)
    _dissemination().exposure_sync(record)
    return version


def record_deleted(*, record_id: int) -> None:
    record_index_changed(record_id)
    _dissemination().exposure_deleted(record_id)


def _dissemination():
    """OAI-PMH tombstones follow every change (imported late: dissemination reads catalog)."""
    from clearinghouse.dissemination import exposure

    return exposure


@dataclass
class TextInput:
    language: str
    title: str
    subtitle: str = ""
    abstract: str = ""
    annotation: str = ""
    is_original: bool = False
    method: str = RecordText.Method.ORIGINAL
    source_language: str = ""
    translator: str = ""
    reviewed: bool = False


@dataclass
class CreatorInput:
    role: str = RecordCreator.Role.AUTHOR
    agent_id: int | None = None
    name: str = ""


@dataclass
class RecordInput:
    """Everything needed to create or update a record from data (imports, demo)."""

    kind: str
    original_language: str
    texts: list[TextInput]
    identifier: str | None = None
    resource_type: str | None = None
    status: str = Record.Status.PUBLISHED
    access_tier: str = Record.Tier.PUBLIC
    access_group_ids: list[int] = field(default_factory=list)
    concepts: dict[str, list[str]] = field(default_factory=dict)
    creators: list[CreatorInput] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)


class UnknownConcept(ValueError):
    pass


def _resolve_concepts(concepts: dict[str, list[str]]) -> list[Concept]:
    resolved = []
    for scheme, codes in concepts.items():
        if not codes:
            continue
        found = {c.code: c for c in Concept.objects.filter(scheme_id=scheme, code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise UnknownConcept(f"unknown {scheme} code(s): {', '.join(missing)}")
        resolved.extend(found[c] for c in codes)
    return resolved


@transaction.atomic
def record_upsert(*, actor: Any = None, data: RecordInput, summary: str = "") -> Record:
    """Create the record, or update the one with the same ``identifier``."""
    record = None
    if data.identifier:
        record = Record.objects.select_for_update().filter(identifier=data.identifier).first()
    created = record is None
    record = record or Record(identifier=data.identifier)
    record.kind = data.kind
    record.original_language = data.original_language
    record.status = data.status
    record.access_tier = data.access_tier
    record.resource_type = (
        Concept.objects.get(scheme_id="resource_type", code=data.resource_type)
        if data.resource_type
        else None
    )
    for name, value in data.attributes.items():
        setattr(record, name, value)
    record.year = year_from_date(record.date_issued)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # Another process created the same identifier meanwhile: update that record.
        if (
            created
            and data.identifier
            and Record.objects.filter(identifier=data.identifier).exists()
        ):
            return record_upsert(actor=actor, data=data, summary=summary)
        raise
    record.concepts.set(_resolve_concepts(data.concepts))
    record.access_groups.set(data.access_group_ids)
    record.texts.all().delete()
    RecordText.objects.bulk_create(RecordText(record=record, **vars(text)) for text in data.texts)
    record.creators.all().delete()
    RecordCreator.objects.bulk_create(
        RecordCreator(record=record, position=i, **vars(c)) for i, c in enumerate(data.creators)
    )
    record_changed(
        record=record, actor=actor, summary=summary or ("created" if created else "updated")
    )
    return record


@transaction.atomic
def file_attach(
    *,
    actor: Any = None,
    record: Record,
    stream: BinaryIO,
    original_name: str,
    language: str = "",
    label: str = "",
    media_type: str = "",
) -> RecordFile:
    """Store the content once (by SHA-256) and attach it to ``record``.

    Plain text is read here; richer formats are left ``pending`` for the
    extraction worker.
    """
    sha, size = storage.store(stream)
    media_type = media_type or mimetypes.guess_type(original_name)[0] or "application/octet-stream"
    blob, created = Blob.objects.get_or_create(
        sha256=sha, defaults={"size": size, "media_type": media_type}
    )
    if created and media_type.startswith("text/plain"):
        with storage.open_blob(sha) as fh:
            result = read_plain_text(fh.read())
        blob.text = result.text
        blob.text_language = language
        blob.extraction_status = "done"
        blob.extraction_note = f"decoded as {result.encoding}"
        blob.save()
    record_lock(record.pk)
    position = record.files.count()
    record_file = RecordFile.objects.create(
        record=record,
        blob=blob,
        original_name=original_name[:500],
        label=label,
        language=language,
        position=position,
    )
    record_changed(record=record, actor=actor, summary=f"file attached: {original_name[:200]}")
    return record_file


def blob_attach(
    *,
    actor: Any = None,
    record: Record,
    blob: Blob,
    original_name: str,
    language: str = "",
    label: str = "",
) -> RecordFile:
    """Attach content already in the store to ``record`` (ingestion; exact duplicates).

    Called inside the caller's transaction.
    """
    record_lock(record.pk)
    record_file = RecordFile.objects.create(
        record=record,
        blob=blob,
        original_name=original_name[:500],
        label=label,
        language=language,
        position=record.files.count(),
    )
    record_changed(record=record, actor=actor, summary=f"file attached: {original_name[:200]}")
    return record_file


def file_attach_text(*, record: Record, text: str, name: str, language: str) -> RecordFile:
    return file_attach(
        record=record,
        stream=io.BytesIO(text.encode("utf-8")),
        original_name=name,
        language=language,
        media_type="text/plain; charset=utf-8",
    )
