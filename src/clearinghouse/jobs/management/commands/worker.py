"""``clearinghouse worker``: a job worker, on this machine or any other sharing the database.

Runs every queued task (indexing, ingestion, imports, translation…). First recovers work
left by workers that died; while it runs it holds a lease (heartbeat) and requeues the
tasks of workers whose lease lapsed. `serve` runs one or more beside the web server.
"""

from __future__ import annotations

import os
import socket

from django.conf import settings
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from clearinghouse.jobs.worker import LeasedWorker


def default_worker_id() -> str:
    """Host, process and a random suffix: unique, and readable on the staff page."""
    node = getattr(settings, "CLEARINGHOUSE_NODE_NAME", "") or socket.gethostname()
    return f"{node[:32]}:{os.getpid()}:{get_random_string(8)}"


class Command(DatabaseWorkerCommand):
    help = "Run a job worker (every queue by default); recovers the work of dead workers."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=default_worker_id(), queue_name="*", reload=False)

    def handle(self, *args, **options):
        from clearinghouse.jobs import services

        self.configure_logging(options["verbosity"])
        recovery = services.tasks_recover()
        services.run_recovery_hooks()
        if recovery.requeued or recovery.failed:
            self.stdout.write(
                f"jobs: {len(recovery.requeued)} interrupted task(s) requeued, "
                f"{len(recovery.failed)} failed after too many attempts"
            )
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = LeasedWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
