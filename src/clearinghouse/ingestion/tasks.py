"""Background jobs of the ingestion app: thin, they call the service."""

from __future__ import annotations

from django_tasks import task


@task()
def run_ingest_job(job_id: int) -> str:
    from .services import job_process

    return job_process(job_id=job_id) or "skipped"
