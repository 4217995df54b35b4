"""Importing a bibliographic file: dry run, chunked commits, a resumable cursor.

Each entry becomes a record through ``catalog.services.record_upsert`` under its natural
key (our identifier, DOI, ISBN, source id or a normalised hash), so re-importing updates
instead of duplicating. Entries are applied ``chunk_size`` at a time, each chunk in one
transaction together with the run's cursor: an interrupted import resumes after the last
committed chunk. One bad entry is rejected with its reason and never stops the rest.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from clearinghouse.catalog import storage
from clearinghouse.catalog.models import Record
from clearinghouse.catalog.services import UnknownConcept, record_changed, record_upsert
from clearinghouse.core.policy import Actor
from clearinghouse.dissemination.formats.bibrecord import BibRecord, ParsedEntry, natural_key
from clearinghouse.dissemination.formats.concepts import concept_matcher
from clearinghouse.dissemination.formats.registry import IMPORTS
from clearinghouse.dissemination.formats.view import oai_identifier
from clearinghouse.dissemination.models import ImportRun

from .entry import AgentIndex, EntryRejected, InputContext, record_input

MAX_REPORTED = 1000


class ImportRefused(ValueError):
    """The file as a whole cannot be imported (unknown format, too large)."""


@dataclass
class EntryOutcome:
    number: int
    line: int | None
    action: str  # "create" | "update" | "reject"
    key: str = ""
    title: str = ""
    reason: str = ""
    record_id: int | None = None


@dataclass
class ImportReport:
    format: str
    file_name: str
    dry_run: bool
    run_id: int | None = None
    total: int = 0
    resumed_from: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"create": 0, "update": 0, "reject": 0})
    outcomes: list[EntryOutcome] = field(default_factory=list)

    def add(self, outcome: EntryOutcome) -> None:
        self.counts[outcome.action] += 1
        if len(self.outcomes) < MAX_REPORTED or outcome.action == "reject":
            self.outcomes.append(outcome)

    @property
    def rejections(self) -> list[EntryOutcome]:
        return [o for o in self.outcomes if o.action == "reject"]


def max_bytes() -> int:
    return int(getattr(settings, "CLEARINGHOUSE_IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def import_file(
    *,
    actor: Actor,
    format_name: str,
    data: bytes,
    file_name: str = "",
    dry_run: bool = False,
    status: str = Record.Status.IN_REVIEW,
    access: str = Record.Tier.PUBLIC,
    chunk_size: int = 100,
    restart: bool = False,
    progress: Callable[[int, int], Any] | None = None,
) -> ImportReport:
    """Import ``data`` (a file in ``format_name``) as ``actor``; see the module docstring."""
    fmt = IMPORTS.get(format_name)
    if fmt is None:
        raise ImportRefused(f"unknown import format {format_name!r} (one of {', '.join(IMPORTS)})")
    if len(data) > max_bytes():
        raise ImportRefused(f"the file is larger than {max_bytes()} bytes")
    if status not in Record.Status.values or access not in Record.Tier.values:
        raise ImportRefused("unknown record status or access tier")
    file_name = file_name.replace("\x00", "")
    sha, _size = storage.store(io.BytesIO(data))
    entries = list(fmt.parser(data))
    report = ImportReport(
        format=format_name, file_name=file_name, dry_run=dry_run, total=len(entries)
    )
    context = InputContext(
        matcher=concept_matcher(),
        agents=AgentIndex(),
        status=status,
        access=access,
        provenance=f"Imported from {fmt.name} file {file_name or sha[:12]}.",
    )
    importer = EntryImporter(actor, fmt.carries, context, format_name, file_name)
    if dry_run:
        for parsed in entries:
            report.add(importer.judge(parsed))
        run = ImportRun.objects.create(
            format=format_name,
            file_name=file_name[:300],
            sha256=sha,
            total=len(entries),
            status=ImportRun.Status.DRY_RUN,
            record_status=status,
            record_access=access,
            created=report.counts["create"],
            updated=report.counts["update"],
            rejected=report.counts["reject"],
            actor=_user(actor),
            finished_at=timezone.now(),
        )
        report.run_id = run.pk
        return report
    run = _run_for(actor, format_name, file_name, sha, len(entries), status, access, restart)
    report.run_id, report.resumed_from = run.pk, run.cursor
    # A resumed run must judge later entries as the uninterrupted run would have.
    importer.remember(entries[: run.cursor])
    for start in range(run.cursor, len(entries), max(1, chunk_size)):
        chunk = entries[start : start + max(1, chunk_size)]
        with transaction.atomic():
            for parsed in chunk:
                outcome = importer.apply(parsed)
                report.add(outcome)
                _count(run, outcome)
            run.cursor = start + len(chunk)
            run.save()
        if progress:
            progress(run.cursor, len(entries))
    run.status, run.finished_at = ImportRun.Status.DONE, timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return report


def _user(actor: Actor):
    return actor.user if getattr(actor.user, "pk", None) else None


def _run_for(actor, format_name, file_name, sha, total, status, access, restart) -> ImportRun:
    unfinished = ImportRun.objects.filter(
        format=format_name,
        sha256=sha,
        status__in=[ImportRun.Status.RUNNING, ImportRun.Status.FAILED],
    ).first()
    if unfinished and not restart:
        return unfinished
    if unfinished:
        unfinished.status = ImportRun.Status.FAILED
        unfinished.save(update_fields=["status"])
    return ImportRun.objects.create(
        format=format_name,
        file_name=file_name[:300],
        sha256=sha,
        total=total,
        record_status=status,
        record_access=access,
        actor=_user(actor),
    )


def _count(run: ImportRun, outcome: EntryOutcome) -> None:
    if outcome.action == "create":
        run.created += 1
    elif outcome.action == "update":
        run.updated += 1
    else:
        run.rejected += 1
        if len(run.errors) < MAX_REPORTED:
            run.errors.append(
                {"entry": outcome.number, "line": outcome.line, "reason": outcome.reason}
            )


class EntryImporter:
    """Judges (dry run) or applies one parsed entry at a time; remembers keys seen."""

    def __init__(
        self, actor: Actor, carries, context: InputContext, format_name: str, file_name: str
    ):
        self.actor = actor
        self.carries = carries
        self.context = context
        self.summary = f"imported ({format_name} {file_name})".strip()
        self.seen: dict[str, int] = {}

    def remember(self, done: list[ParsedEntry]) -> None:
        """Note the keys of entries an interrupted run already applied (resuming)."""
        for parsed in done:
            if parsed.entry is not None:
                self.seen.setdefault(natural_key(parsed.entry), parsed.number)

    def _prepare(self, parsed: ParsedEntry):
        if parsed.entry is None:
            raise EntryRejected(parsed.error or "unreadable entry")
        entry = parsed.entry
        key = natural_key(entry)
        if key in self.seen:
            raise EntryRejected(f"same record as entry {self.seen[key]} of this file ({key})")
        self.seen[key] = parsed.number
        existing = Record.objects.filter(identifier=key).first()
        carries = parsed.carries if parsed.carries is not None else self.carries
        data = record_input(
            entry, key=key, carries=carries, existing=existing, context=self.context
        )
        return entry, key, existing, data

    def judge(self, parsed: ParsedEntry) -> EntryOutcome:
        try:
            entry, key, existing, _data = self._prepare(parsed)
        except EntryRejected as exc:
            return _rejected(parsed, str(exc))
        action = "update" if existing else "create"
        return EntryOutcome(
            parsed.number,
            parsed.line,
            action,
            key,
            entry.title[:200],
            record_id=existing.pk if existing else None,
        )

    def apply(self, parsed: ParsedEntry) -> EntryOutcome:
        try:
            with transaction.atomic():
                entry, key, existing, data = self._prepare(parsed)
                predecessor = resolve_identifier(entry.supersedes) if entry.supersedes else None
                if predecessor and _free_to_supersede(predecessor, key):
                    data.attributes["supersedes"] = predecessor
                record = record_upsert(actor=_user(self.actor), data=data, summary=self.summary)
                if entry.superseded_by:
                    link_successor(record, resolve_identifier(entry.superseded_by), self.actor)
        except EntryRejected as exc:
            return _rejected(parsed, str(exc))
        except (UnknownConcept, IntegrityError, DatabaseError, ValueError) as exc:
            return _rejected(parsed, f"could not be saved: {exc}"[:300])
        action = "update" if existing else "create"
        return EntryOutcome(
            parsed.number, parsed.line, action, key, entry.title[:200], record_id=record.pk
        )


def _rejected(parsed: ParsedEntry, reason: str) -> EntryOutcome:
    title = parsed.entry.title[:200] if parsed.entry else ""
    return EntryOutcome(parsed.number, parsed.line, "reject", title=title, reason=reason)


def resolve_identifier(identifier: str) -> Record | None:
    """The record named by a natural key, or by one of our OAI identifiers."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    record = Record.objects.filter(identifier=identifier).first()
    prefix = oai_identifier(0)[:-1]
    if record is None and identifier.startswith(prefix) and identifier[len(prefix) :].isdigit():
        record = Record.objects.filter(pk=int(identifier[len(prefix) :])).first()
    return record


def _free_to_supersede(predecessor: Record, key: str) -> bool:
    """A record is superseded by one record at most (keep an existing link)."""
    holder = Record.objects.filter(supersedes=predecessor).only("identifier").first()
    return holder is None or holder.identifier == key


def link_successor(record: Record, successor: Record | None, actor: Actor) -> None:
    if successor is None or successor.pk == record.pk or successor.supersedes_id == record.pk:
        return
    if Record.objects.filter(supersedes=record).exists():
        return
    successor.supersedes = record
    successor.save(update_fields=["supersedes", "updated_at"])
    record_changed(record=successor, actor=_user(actor), summary="linked as superseding")


__all__ = ["BibRecord", "ImportRefused", "ImportReport", "import_file", "resolve_identifier"]
