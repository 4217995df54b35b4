"""Every write of the jobs app: heartbeats, recovery of tasks whose worker died, upkeep.

django-tasks-db claims a task with ``SELECT … FOR UPDATE SKIP LOCKED`` (an exclusive
transaction on SQLite), so a task is taken by exactly one live worker; but a task whose
worker is killed stays ``RUNNING`` for ever. Workers here beat a heartbeat, and any worker
puts back to ``READY`` a running task whose worker stopped beating (or whose process is
gone, on the same machine). Tasks are therefore run at least once after a crash, which is
why every task of the project is idempotent.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .conf import jobs_setting
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

#: What a failed task records when it was interrupted MAX_ATTEMPTS times.
WORKER_LOST = "clearinghouse.jobs.WorkerLost"


@dataclass
class Recovery:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def worker_beat(*, worker_id: str, task_id: str = "", tasks_run: int = 0) -> None:
    """Refresh this worker's lease (created on its first beat)."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "beat_at": timezone.now(),
            "task_id": task_id,
            "tasks_run": tasks_run,
        },
    )


def worker_gone(*, worker_id: str) -> None:
    """A worker that stops cleanly gives its lease back."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def live_worker_ids(now=None) -> set[str]:
    """Workers whose lease is fresh; on this machine, only those whose process exists."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=jobs_setting("LEASE_SECONDS"))
    host = socket.gethostname()
    live = set()
    for beat in WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).only(
        "worker_id", "hostname", "pid"
    ):
        if beat.hostname == host and not _process_alive(beat.pid):
            continue
        live.add(beat.worker_id)
    return live


def tasks_recover(*, now=None) -> Recovery:
    """Requeue running tasks whose worker is dead; fail those interrupted too often."""
    now = now or timezone.now()
    recovery = Recovery()
    if not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists():
        return recovery  # the usual case: no write transaction (no SQLite write lock) needed
    with transaction.atomic():
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        if connections[running.db].features.has_select_for_update_skip_locked:
            running = running.select_for_update(skip_locked=True)
        running = list(running.only("id", "worker_ids", "status"))
        # Leases are read after the tasks: a worker beats before it claims, so the
        # owner of every task seen running here has a lease visible now.
        live = live_worker_ids(now) if running else set()
        for task in running:
            owner = task.worker_ids[-1] if task.worker_ids else ""
            if owner in live:
                continue
            if len(task.worker_ids) >= jobs_setting("MAX_ATTEMPTS"):
                DBTaskResult.objects.filter(pk=task.pk).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path=WORKER_LOST,
                    traceback=(
                        f"its worker stopped while running it, {len(task.worker_ids)} times "
                        f"(last: {owner})"
                    ),
                )
                recovery.failed.append(str(task.pk))
            else:
                DBTaskResult.objects.filter(pk=task.pk).update(
                    status=TaskResultStatus.READY, started_at=None
                )
                recovery.requeued.append(str(task.pk))
    if recovery.requeued or recovery.failed:
        logger.warning(
            "jobs: %d task(s) of dead workers requeued, %d failed",
            len(recovery.requeued),
            len(recovery.failed),
        )
    return recovery


def workers_forget(*, older_than_days: int = 1) -> int:
    """Drop the heartbeats of workers silent for days (they are only history)."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = WorkerHeartbeat.objects.filter(beat_at__lt=cutoff).delete()
    return deleted


def run_recovery_hooks() -> None:
    for path in jobs_setting("RECOVERY_HOOKS"):
        try:
            import_string(path)()
        except Exception:
            logger.exception("jobs: recovery hook %s failed", path)


def sqlite_checkpoint(alias: str = "default") -> tuple[int, int, int] | None:
    """Copy the write-ahead log into the database and truncate it (SQLite only).

    Returns SQLite's (busy, log pages, checkpointed pages), or None on other databases.
    """
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        row = cursor.fetchone()
    return tuple(row) if row else None
