"""Reads for the staff jobs page: queue, workers, running tasks, failures, index lag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clearinghouse.search.models import IndexCursor, IndexOutbox

from .conf import jobs_setting
from .models import WorkerHeartbeat

LIMIT = 50


@dataclass
class TaskRow:
    id: str
    name: str
    status: str
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    worker: str
    attempts: int
    error: str
    traceback: str


def _row(task: DBTaskResult) -> TaskRow:
    lines = [line for line in (task.traceback or "").splitlines() if line.strip()]
    return TaskRow(
        id=str(task.pk),
        name=task.task_path.rsplit(".", 1)[-1],
        status=task.status,
        enqueued_at=task.enqueued_at,
        started_at=task.started_at,
        finished_at=task.finished_at,
        worker=task.worker_ids[-1] if task.worker_ids else "",
        attempts=len(task.worker_ids),
        error=lines[-1] if lines else task.exception_class_path,
        traceback=task.traceback,
    )


def queue_overview() -> dict:
    counts = dict(
        DBTaskResult.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
    )
    oldest_ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY).aggregate(
        m=Min("enqueued_at")
    )["m"]
    return {
        "ready": counts.get(TaskResultStatus.READY, 0),
        "running": counts.get(TaskResultStatus.RUNNING, 0),
        "failed": counts.get(TaskResultStatus.FAILED, 0),
        "successful": counts.get(TaskResultStatus.SUCCESSFUL, 0),
        "oldest_ready": oldest_ready,
    }


def running_tasks() -> list[TaskRow]:
    tasks = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).order_by("started_at")
    return [_row(t) for t in tasks[:LIMIT]]


def failed_tasks() -> list[TaskRow]:
    tasks = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by("-finished_at")
    return [_row(t) for t in tasks[:LIMIT]]


def workers() -> list[dict]:
    cutoff = timezone.now() - timedelta(seconds=jobs_setting("LEASE_SECONDS"))
    return [
        {"beat": beat, "alive": beat.beat_at >= cutoff}
        for beat in WorkerHeartbeat.objects.order_by("hostname", "started_at")[:LIMIT]
    ]


def index_cursors() -> list[dict]:
    """Every index (one per machine for tantivy) and how many changes it has yet to apply."""
    return [
        {
            "name": cursor.name,
            "lag": IndexOutbox.objects.filter(id__gt=cursor.position).count(),
            "updated_at": cursor.updated_at,
        }
        for cursor in IndexCursor.objects.order_by("name")[:LIMIT]
    ]
