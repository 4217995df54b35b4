"""Ingestion's part of job recovery, called by every job worker now and then.

A job worker that dies mid-file leaves its ``IngestJob`` running; once its lease lapses
(or its process is gone, on this machine) the job goes back to pending and is queued
again. Only those jobs are queued: pending jobs already have their task.
"""

from __future__ import annotations

from .services import _enqueue, jobs_recover


def recover_interrupted_jobs() -> list[int]:
    recovered = jobs_recover()
    for job_id in recovered:
        _enqueue(job_id)
    return recovered
