"""The job worker: django-tasks-db's worker loop, plus a lease and upkeep in a side thread.

The side thread beats the worker's heartbeat, requeues tasks of dead workers (any live
worker does it, so no single supervisor is needed across machines), runs the other apps'
recovery hooks and, on SQLite, checkpoints the write-ahead log now and then.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from . import services
from .conf import jobs_setting

logger = logging.getLogger(__name__)


class LeasedWorker(Worker):
    """A worker that holds a lease while it lives, and recovers others' lost tasks."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.current_task = ""
        self._stop = threading.Event()
        self._last_checkpoint = time.monotonic()

    # -- the side thread ----------------------------------------------------------
    def beat(self) -> None:
        services.worker_beat(
            worker_id=self.worker_id, task_id=self.current_task, tasks_run=self._run_tasks
        )

    def upkeep(self) -> None:
        """One pass: beat, recover lost tasks, run hooks, checkpoint when due."""
        self.beat()
        services.tasks_recover()
        services.run_recovery_hooks()
        if time.monotonic() - self._last_checkpoint >= jobs_setting("CHECKPOINT_SECONDS"):
            self._last_checkpoint = time.monotonic()
            services.sqlite_checkpoint()
            services.workers_forget()

    def _side_thread(self) -> None:
        interval = jobs_setting("HEARTBEAT_SECONDS")
        while not self._stop.wait(interval):
            try:
                self.upkeep()
            except Exception:
                logger.exception("job worker %s: upkeep failed", self.worker_id)
            finally:
                close_old_connections()
        connections.close_all()

    # -- the worker loop ------------------------------------------------------------
    def run(self) -> None:
        # The lease exists before the first claim, so no other worker takes this
        # worker's first task for a dead one's.
        self.upkeep()
        close_old_connections()
        side = threading.Thread(target=self._side_thread, name="job-worker-lease", daemon=True)
        side.start()
        try:
            super().run()
        finally:
            self._stop.set()
            side.join(timeout=jobs_setting("HEARTBEAT_SECONDS") + 5)
            try:
                services.worker_gone(worker_id=self.worker_id)
            except Exception:
                logger.exception("job worker %s: could not give its lease back", self.worker_id)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current_task = str(db_task_result.pk)
        try:
            super().run_task(db_task_result)
        finally:
            self.current_task = ""
