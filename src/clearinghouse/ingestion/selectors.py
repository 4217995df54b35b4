"""Reads for the staff pages and the API: batches with progress, jobs with their results."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .models import IngestBatch, IngestJob

Status = IngestJob.Status


@dataclass
class Progress:
    total: int
    done: int
    ingested: int
    quarantined: int
    running: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def finished(self) -> bool:
        return self.done == self.total


def batches_with_progress(limit: int = 20) -> QuerySet[IngestBatch]:
    return IngestBatch.objects.select_related("created_by", "record").annotate(
        total=Count("jobs"),
        ingested=Count("jobs", filter=Q(jobs__status=Status.INGESTED)),
        quarantined=Count("jobs", filter=Q(jobs__status=Status.QUARANTINED)),
        running=Count("jobs", filter=Q(jobs__status=Status.RUNNING)),
    )[:limit]


def batch_progress(batch: IngestBatch) -> Progress:
    counts = dict(
        batch.jobs.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    ingested = counts.get(Status.INGESTED, 0)
    quarantined = counts.get(Status.QUARANTINED, 0)
    return Progress(
        total=sum(counts.values()),
        done=ingested + quarantined,
        ingested=ingested,
        quarantined=quarantined,
        running=counts.get(Status.RUNNING, 0),
    )


def batch_jobs(batch: IngestBatch) -> QuerySet[IngestJob]:
    return batch.jobs.select_related("blob", "blob__extraction", "record_file").order_by("id")


def job_detail(job_id: int) -> IngestJob | None:
    return (
        IngestJob.objects.select_related("blob", "blob__extraction", "record_file", "batch")
        .filter(pk=job_id)
        .first()
    )
