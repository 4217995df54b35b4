"""``clearinghouse ingest_worker``: the database job worker, after recovering ingestion jobs.

Jobs left ``running`` by a worker that died are put back to ``pending`` and queued
again, then ``clearinghouse worker`` runs (all tasks, not only ingestion; with a lease).
"""

from __future__ import annotations

from clearinghouse.ingestion.services import jobs_enqueue_pending, jobs_recover
from clearinghouse.jobs.management.commands.worker import Command as WorkerCommand


class Command(WorkerCommand):
    help = "Run a job worker; first recover ingestion jobs left by a worker that died."

    def handle(self, *args, **options):
        recovered = jobs_recover()
        queued = jobs_enqueue_pending()
        if recovered or queued:
            self.stdout.write(
                f"ingestion: {len(recovered)} interrupted job(s) recovered, {queued} queued"
            )
        super().handle(*args, **options)
