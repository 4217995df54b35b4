"""Every write of the ingestion app: submit a file, run its job, recover stale jobs.

A job's end is one transaction: blob text and status, Extraction, the record and
its RecordFile, index outbox rows, the job's final status. A worker that dies
before it leaves the job ``running``; ``jobs_recover`` puts it back to ``pending``.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from clearinghouse.catalog import storage
from clearinghouse.catalog.models import Blob, Record, RecordFile
from clearinghouse.catalog.services import RecordInput, TextInput, blob_attach, record_upsert

from .extraction import extraction_apply
from .limits import ingestion_setting, sandbox_limits
from .models import Extraction, IngestBatch, IngestJob
from .names import extension, name_problem, safe_display_name
from .runner import SandboxOutcome, run_sandboxed

logger = logging.getLogger(__name__)
Status = IngestJob.Status


@dataclass
class Submission:
    """What became of one submitted file."""

    name: str
    outcome: str  # queued | duplicate | too_large
    detail: str = ""
    sha256: str = ""
    job: IngestJob | None = None
    record_ids: list[int] = field(default_factory=list)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def batch_create(
    *, actor: Any = None, source: str, record: Record | None = None, language_hint: str = ""
) -> IngestBatch:
    return IngestBatch.objects.create(
        source=source,
        created_by=actor if getattr(actor, "pk", None) else None,
        record=record,
        language_hint=language_hint[:35],
    )


def batch_discard_if_empty(batch: IngestBatch) -> bool:
    """Delete a batch that queued nothing (all duplicates): a re-run leaves no trace."""
    if batch.jobs.exists():
        return False
    batch.delete()
    return True


def file_submit(
    *,
    batch: IngestBatch,
    stream: BinaryIO,
    name: str,
    size: int | None = None,
    enqueue: bool = True,
) -> Submission:
    """Store the content once and queue a job for it, unless it is a duplicate.

    Re-submitting content already attached to the target (the batch's record, or any
    record when each file gets its own) creates nothing.
    """
    display = safe_display_name(name)
    limit = ingestion_setting("MAX_UPLOAD_BYTES")
    too_large = Submission(
        display,
        "too_large",
        f"larger than the limit of {limit // (1024 * 1024)} MB; split or compress it",
    )
    if size is not None and size > limit:
        return too_large
    try:
        sha, size = storage.store(stream, max_bytes=limit)
    except ValueError:
        return too_large
    with transaction.atomic():
        blob, _ = Blob.objects.get_or_create(
            sha256=sha,
            defaults={
                "size": size,
                "media_type": mimetypes.guess_type(display)[0] or "application/octet-stream",
            },
        )
        uses = RecordFile.objects.filter(blob=blob)
        if batch.record_id:
            uses = uses.filter(record_id=batch.record_id)
        record_ids = sorted(set(uses.values_list("record_id", flat=True)))
        if record_ids:
            detail = "same content as record " + ", ".join(map(str, record_ids))
            return Submission(display, "duplicate", detail, sha, record_ids=record_ids)
        in_flight = IngestJob.objects.filter(
            blob=blob,
            batch__record_id=batch.record_id,
            status__in=(Status.PENDING, Status.RUNNING),
        ).first()
        if in_flight:
            detail = f"same content as job {in_flight.pk} ({in_flight.original_name})"
            return Submission(display, "duplicate", detail, sha, job=in_flight)
        job = IngestJob.objects.create(
            batch=batch, blob=blob, original_name=display, name_problem=name_problem(name)[:300]
        )
        if enqueue:
            transaction.on_commit(lambda: _enqueue(job.pk))
    return Submission(display, "queued", "", sha, job=job)


def _enqueue(job_id: int) -> None:
    from .tasks import run_ingest_job

    try:
        run_ingest_job.enqueue(job_id)
    except Exception:  # the job row is safe: a worker start or `ingest --resume` runs it
        logger.exception("could not enqueue ingest job %s", job_id)


def job_process(*, job_id: int, worker: str | None = None) -> str | None:
    """Claim job ``job_id`` if it is pending, extract, and finish it; its final status."""
    token = uuid.uuid4().hex
    claimed = IngestJob.objects.filter(pk=job_id, status=Status.PENDING).update(
        status=Status.RUNNING,
        claimed_by=(worker or worker_id())[:200],
        claim_token=token,
        attempts=F("attempts") + 1,
        heartbeat_at=timezone.now(),
    )
    if not claimed:
        return None
    job = IngestJob.objects.select_related("batch", "blob").get(pk=job_id)
    try:
        outcome = _extract(job, token)
        return _finish(job, token, outcome)
    except Exception as exc:
        _release(job, token, exc)
        raise


def _extract(job: IngestJob, token: str) -> SandboxOutcome | None:
    """A fresh outcome, or None when the content was already extracted (a duplicate)."""
    if job.attempts > ingestion_setting("MAX_ATTEMPTS"):
        return SandboxOutcome(
            False,
            "interrupted",
            f"extraction was interrupted {job.attempts - 1} times (the worker died or was "
            "stopped while reading this file)",
        )
    existing = Extraction.objects.filter(blob=job.blob).first()
    if existing and existing.reason_code not in ("unsafe_name", "interrupted"):
        return None
    if job.name_problem:
        return SandboxOutcome(
            False, "unsafe_name", f"unsafe file name: {job.name_problem}; rename the file"
        )

    def heartbeat() -> None:
        IngestJob.objects.filter(pk=job.pk, claim_token=token).update(heartbeat_at=timezone.now())

    return run_sandboxed(
        str(storage.blob_path(job.blob_id)),
        extension(job.original_name),
        sandbox_limits(job.batch.language_hint),
        heartbeat=heartbeat,
    )


@transaction.atomic
def _finish(job: IngestJob, token: str, outcome: SandboxOutcome | None) -> str | None:
    current = IngestJob.objects.select_for_update().filter(pk=job.pk).first()
    if current is None or current.status != Status.RUNNING or current.claim_token != token:
        return None  # recovered and re-claimed meanwhile: the other run finishes it
    blob = Blob.objects.select_for_update().get(pk=job.blob_id)
    if outcome is not None:
        extraction = extraction_apply(blob=blob, outcome=outcome, attempts=job.attempts)
    else:
        extraction = Extraction.objects.get(blob=blob)
    record = job.batch.record or _draft_record(job, blob)
    record_file = RecordFile.objects.filter(record=record, blob=blob).first() or blob_attach(
        actor=job.batch.created_by,
        record=record,
        blob=blob,
        original_name=job.original_name,
        language=blob.text_language,
    )
    quarantined = extraction.status == "quarantined" or bool(job.name_problem)
    if job.name_problem and extraction.reason_code != "unsafe_name":
        reason = f"unsafe file name: {job.name_problem}; rename the file"
    else:
        reason = extraction.reason if quarantined else _summary(blob, extraction, outcome)
    current.status = Status.QUARANTINED if quarantined else Status.INGESTED
    current.reason = reason
    current.record_file = record_file
    current.finished_at = timezone.now()
    current.save(update_fields=["status", "reason", "record_file", "finished_at"])
    return current.status


def _draft_record(job: IngestJob, blob: Blob) -> Record:
    """One new draft record per file when the batch names none (kept by content hash)."""
    identifier = f"sha256:{blob.sha256}"
    existing = Record.objects.filter(identifier=identifier).first()
    if existing:
        return existing
    language = blob.text_language or "und"
    return record_upsert(
        actor=job.batch.created_by,
        data=RecordInput(
            identifier=identifier,
            kind=Record.Kind.TRAINING_MATERIAL,
            original_language=language,
            status=Record.Status.DRAFT,
            texts=[TextInput(language=language, title=job.original_name, is_original=True)],
        ),
        summary="created by ingestion",
    )


def _summary(blob: Blob, extraction: Extraction, outcome: SandboxOutcome | None) -> str:
    parts = [f"{len(blob.text)} characters"]
    if blob.page_count:
        parts.append(f"{blob.page_count} pages")
    if extraction.languages:
        top = extraction.languages[0]
        parts.append(f"language {top['code']} ({top['confidence']:.2f})")
    if extraction.ocr:
        parts.append("OCR")
    if outcome is None:
        parts.append("content already extracted: linked, not stored twice")
    for near in extraction.near_duplicates[:3]:
        records = near_records(near["sha256"])
        if records:
            parts.append(
                f"looks like a version of record {', '.join(map(str, records))} "
                f"(similarity {near['similarity']:.2f})"
            )
    return "; ".join(parts)


def near_records(sha256: str) -> list[int]:
    return sorted(
        set(RecordFile.objects.filter(blob_id=sha256).values_list("record_id", flat=True))
    )


def _release(job: IngestJob, token: str, exc: Exception) -> None:
    """An error in our own code: back to pending for a retry (attempts are counted)."""
    logger.error("ingest job %s failed: %s", job.pk, exc)
    IngestJob.objects.filter(pk=job.pk, claim_token=token, status=Status.RUNNING).update(
        status=Status.PENDING, claimed_by="", claim_token="", reason=f"retrying after: {exc}"[:500]
    )


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def jobs_recover() -> list[int]:
    """Put back to ``pending`` the running jobs whose worker is gone; their ids.

    A worker on this host is gone when its process is; elsewhere, when its
    heartbeat is older than LEASE_SECONDS.
    """
    host = socket.gethostname()
    cutoff = timezone.now() - timezone.timedelta(seconds=ingestion_setting("LEASE_SECONDS"))
    stale = []
    for job in IngestJob.objects.filter(status=Status.RUNNING).only(
        "pk", "claimed_by", "heartbeat_at"
    ):
        owner, _, pid = job.claimed_by.rpartition(":")
        dead = owner == host and pid.isdigit() and not _process_alive(int(pid))
        if dead or job.heartbeat_at is None or job.heartbeat_at < cutoff:
            stale.append(job.pk)
    IngestJob.objects.filter(pk__in=stale, status=Status.RUNNING).update(
        status=Status.PENDING, claimed_by="", claim_token=""
    )
    return stale


def jobs_enqueue_pending() -> int:
    """Queue a task for every pending job (extra tasks are harmless: claiming is atomic)."""
    ids = list(IngestJob.objects.filter(status=Status.PENDING).values_list("pk", flat=True))
    for job_id in ids:
        _enqueue(job_id)
    return len(ids)
