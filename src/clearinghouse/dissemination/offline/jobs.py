"""Editions built in the background (the staff page): create, run with progress, find files."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clearinghouse.core.policy import Actor, actor_for

from ..models import OfflineEditionJob
from .build import build_edition
from .errors import EditionRefused
from .selection import EditionOptions

#: Seconds between two progress writes (the page polls; the database need not hear every step).
PROGRESS_EVERY = 1.0


def jobs_root() -> Path:
    return Path(settings.DATA_DIR) / "offline"


def job_paths(job: OfflineEditionJob) -> dict[str, Path]:
    base = jobs_root() / f"edition-{job.pk}"
    return {
        "tree": base,
        "zip": base.with_name(base.name + ".zip"),
        "iso": base.with_name(base.name + ".iso"),
    }


def offline_job_create(*, actor: Actor, options: dict) -> OfflineEditionJob:
    """Record the request and queue the build once the row is committed."""
    if not actor.is_staff:
        raise EditionRefused("only staff build offline editions from the portal")
    from ..tasks import build_offline_edition

    with transaction.atomic():
        job = OfflineEditionJob.objects.create(requested_by=actor.user, options=options)
        transaction.on_commit(lambda: build_offline_edition.enqueue(job.pk))
    return job


def offline_job_run(*, job_id: int) -> str:
    """Build the job's edition (always with a ZIP; an ISO when asked), reporting progress."""
    claimed = OfflineEditionJob.objects.filter(
        pk=job_id, status=OfflineEditionJob.Status.PENDING
    ).update(status=OfflineEditionJob.Status.RUNNING)
    if not claimed:
        return "skipped"
    job = OfflineEditionJob.objects.get(pk=job_id)
    raw = job.options
    options = EditionOptions(
        audiences=tuple(raw.get("audiences", ())),
        topics=tuple(raw.get("topics", ())),
        languages=tuple(raw.get("languages", ())),
        kinds=tuple(raw.get("kinds", ())),
        files=bool(raw.get("files", True)),
        max_size=raw.get("max_size") or None,
        group=raw.get("group") or None,
    )
    # The request came from a verified staff session (checked when the job was created).
    requester = actor_for(job.requested_by, verified=True) if job.requested_by else None
    last = [0.0]

    def progress(done: int, total: int, stage: str) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY or done == total:
            last[0] = now
            OfflineEditionJob.objects.filter(pk=job_id).update(done=done, total=total, stage=stage)

    paths = job_paths(job)
    try:
        report = build_edition(
            paths["tree"],
            options,
            requested_by=requester,
            make_zip=True,
            make_iso=bool(raw.get("iso")),
            progress=progress,
        )
    except EditionRefused as exc:
        OfflineEditionJob.objects.filter(pk=job_id).update(
            status=OfflineEditionJob.Status.FAILED, message=str(exc), finished_at=timezone.now()
        )
        return "refused"
    except Exception as exc:
        OfflineEditionJob.objects.filter(pk=job_id).update(
            status=OfflineEditionJob.Status.FAILED,
            message=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        raise
    OfflineEditionJob.objects.filter(pk=job_id).update(
        status=OfflineEditionJob.Status.DONE,
        records=report.records,
        size=report.size,
        version=report.version,
        finished_at=timezone.now(),
    )
    return "done"
