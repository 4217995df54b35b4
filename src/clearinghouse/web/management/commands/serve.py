"""Serve the portal with a production WSGI server, plus the job worker (which runs the indexer)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from django.core.management.base import BaseCommand


class WorkerSupervisor:
    """Runs ``clearinghouse ingest_worker`` beside the web server and restarts it if it dies."""

    def __init__(self, count: int, stdout):
        self.count = count
        self.stdout = stdout
        self.processes: list[subprocess.Popen] = []
        self.stopping = False

    def _spawn(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "clearinghouse.cli", "ingest_worker", "--interval", "1"],
            env=os.environ.copy(),
        )

    def start(self) -> None:
        self.processes = [self._spawn() for _ in range(self.count)]
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        while not self.stopping:
            for i, proc in enumerate(self.processes):
                if proc.poll() is not None and not self.stopping:
                    self.stdout.write(f"job worker exited ({proc.returncode}); restarting")
                    self.processes[i] = self._spawn()
            time.sleep(2)

    def stop(self) -> None:
        self.stopping = True
        for proc in self.processes:
            proc.terminate()
        for proc in self.processes:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


class Command(BaseCommand):
    help = "Serve the portal on HOST:PORT with job workers (the embedded default)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--job-workers",
            type=int,
            default=1,
            help="job worker processes to run beside the server (0: none)",
        )

    def handle(self, *args, **options):
        from waitress import serve

        from clearinghouse.search.indexer import apply_outbox
        from config.wsgi import application

        applied = apply_outbox()
        if applied:
            self.stdout.write(f"search index caught up with {applied} pending changes")
        supervisor = WorkerSupervisor(options["job_workers"], self.stdout)
        supervisor.start()
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(f"TIP Clearinghouse is serving at {url}  (Ctrl+C to stop)")
        try:
            serve(
                application,
                host=options["host"],
                port=options["port"],
                threads=options["threads"],
                ident="clearinghouse",
            )
        except KeyboardInterrupt:
            pass
        finally:
            supervisor.stop()
