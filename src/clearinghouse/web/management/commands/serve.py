"""Serve the portal with a production WSGI server, plus job workers and the index follower.

``--workers 1`` (the default, and ``make demo``): waitress, threaded, in this process.
``--workers N``: gunicorn with N web processes (Linux/Unix). Either way this process
supervises the others — ``clearinghouse worker`` (jobs), ``clearinghouse index_follow``
(an on-disk search index of this machine) — restarts any that dies, and stops them all
on SIGTERM or Ctrl+C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


class Supervisor:
    """Runs named child commands, restarts any that exits, stops them all on request."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.commands: list[tuple[str, list[str]]] = []
        self.processes: list[subprocess.Popen] = []
        self.stopping = threading.Event()

    def add(self, name: str, argv: list[str]) -> None:
        self.commands.append((name, argv))

    def _spawn(self, argv: list[str]) -> subprocess.Popen:
        return subprocess.Popen(argv, env=os.environ.copy())

    def start(self) -> None:
        self.processes = [self._spawn(argv) for _, argv in self.commands]
        threading.Thread(target=self._watch, name="supervisor", daemon=True).start()

    def _watch(self) -> None:
        while not self.stopping.wait(2):
            for i, proc in enumerate(self.processes):
                if proc.poll() is not None and not self.stopping.is_set():
                    name, argv = self.commands[i]
                    self.stdout.write(f"{name} exited ({proc.returncode}); restarting")
                    self.processes[i] = self._spawn(argv)

    def wait(self) -> None:
        """Block until interrupted (SIGTERM and Ctrl+C raise KeyboardInterrupt here)."""
        while not self.stopping.wait(1):
            pass

    def stop(self, timeout: float = 30) -> None:
        self.stopping.set()
        for proc in self.processes:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + timeout
        for proc in self.processes:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _clearinghouse(*args: str) -> list[str]:
    return [sys.executable, "-m", "clearinghouse.cli", *args]


class Command(BaseCommand):
    help = "Serve the portal on HOST:PORT with N web processes, job workers and the indexer."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("CLEARINGHOUSE_WEB_WORKERS", "1")),
            help="web processes (1: waitress in this process; more: gunicorn)",
        )
        parser.add_argument("--threads", type=int, default=8, help="threads per web process")
        parser.add_argument(
            "--job-workers",
            type=int,
            default=int(os.environ.get("CLEARINGHOUSE_JOB_WORKERS", "1")),
            help="job worker processes to run beside the server (0: none)",
        )

    def handle(self, *args, **options):
        from clearinghouse.search.handler import search_backends
        from clearinghouse.search.indexer import apply_outbox

        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        call_command("createcachetable", verbosity=0)  # the database cache, if chosen
        applied = apply_outbox()
        if applied:
            self.stdout.write(f"search index caught up with {applied} pending changes")
        on_disk = bool(search_backends["default"].params.get("PATH"))
        # Children (and gunicorn's forks) must not share this process's connections.
        connections.close_all()
        search_backends.reset()

        supervisor = Supervisor(self.stdout)
        for _ in range(options["job_workers"]):
            supervisor.add("job worker", _clearinghouse("worker", "--interval", "1"))
        if on_disk:
            supervisor.add("index follower", _clearinghouse("index_follow"))
        if options["workers"] > 1:
            supervisor.add("web server", self._gunicorn_argv(options))

        def _stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, _stop)
        url = f"http://{options['host']}:{options['port']}/"
        supervisor.start()
        try:
            if options["workers"] == 1:
                self._waitress(options, url)
            else:
                self.stdout.write(
                    f"TIP Clearinghouse is serving at {url} with {options['workers']} web "
                    "processes (Ctrl+C to stop)"
                )
                supervisor.wait()
        except KeyboardInterrupt:
            pass
        finally:
            self.stdout.write("stopping…")
            supervisor.stop()

    def _waitress(self, options, url: str) -> None:
        from waitress import serve

        from config.wsgi import application

        self.stdout.write(f"TIP Clearinghouse is serving at {url}  (Ctrl+C to stop)")
        serve(
            application,
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            ident="clearinghouse",
        )

    def _gunicorn_argv(self, options) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--bind={options['host']}:{options['port']}",
            f"--workers={options['workers']}",
            "--worker-class=gthread",
            f"--threads={options['threads']}",
            "--timeout=120",
            "--graceful-timeout=30",
            "--max-requests=20000",
            "--max-requests-jitter=2000",
        ]
