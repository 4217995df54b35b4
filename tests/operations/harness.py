"""Instances in subprocesses: a database and a data directory of their own, driven through
the real ``clearinghouse`` command. Shared by the crash and backup tests and by
``bench/crash_bench.py`` (no pytest here).

The suite's own database belongs to pytest-django and cannot be seen by another process,
so each instance is a SQLite file, or a fresh PostgreSQL database (unique name, dropped
afterwards) when the suite runs on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[2]


class Instance:
    """One clearinghouse instance: database URL, data directory, environment."""

    def __init__(self, workdir: Path, name: str, base_url: str | None = None):
        base = os.environ.get("CLEARINGHOUSE_DATABASE_URL", "") if base_url is None else base_url
        self.postgres = base.startswith("postgres")
        self.data = Path(workdir) / name
        self.data.mkdir(parents=True, exist_ok=True)
        if self.postgres:
            import psycopg

            parsed = urlparse(base)
            self.db_name = f"clearinghouse_ops_{name}_{uuid.uuid4().hex[:8]}"
            self.admin = parsed._replace(path="/postgres").geturl()
            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.db_name}"')
            self.url = parsed._replace(path=f"/{self.db_name}").geturl()
        else:
            self.path = self.data / "db.sqlite3"
            self.url = f"sqlite:///{self.path}"
        backend = "postgres" if self.postgres else "tantivy"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.demo",
            "CLEARINGHOUSE_DATABASE_URL": self.url,
            "CLEARINGHOUSE_DATA_DIR": str(self.data),
            "CLEARINGHOUSE_SEARCH_BACKEND": os.environ.get("CLEARINGHOUSE_SEARCH_BACKEND", backend),
            "PYTHONPATH": str(REPO),
        }

    @property
    def blobs(self) -> Path:
        return self.data / "blobs"

    def run(self, *args: str, check: bool = True, timeout: float = 300, extra_env=None):
        """``clearinghouse ARGS`` to completion; the CompletedProcess."""
        result = subprocess.run(
            [sys.executable, "-m", "clearinghouse.cli", *args],
            env={**self.env, **(extra_env or {})},
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"clearinghouse {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "clearinghouse.cli", *args],
            env=self.env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def python(self, code: str, timeout: float = 300):
        """Run ``code`` inside the instance (Django set up) to completion."""
        return self.run("shell", "-c", code, timeout=timeout)

    def rows(self, sql: str) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as conn:
                cursor = conn.execute(sql)
                return [tuple(r) for r in cursor.fetchall()] if cursor.description else []
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            rows = conn.execute(sql).fetchall()
            conn.commit()
            return rows
        finally:
            conn.close()

    def value(self, sql: str):
        return self.rows(sql)[0][0]

    def drop(self) -> None:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')


def ris_file(path: Path, entries: int) -> Path:
    """A RIS file of ``entries`` reports; every 20th repeats an earlier one's DOI, which a
    clean import rejects ("same record as entry …") — a resumed one must too."""
    lines = []
    for i in range(entries):
        key = i - 7 if i % 20 == 19 else i
        lines += [
            "TY  - RPRT",
            f"TI  - Crash test report {i} (sample)",
            f"DO  - 10.5555/tip-crash-{key}",
            f"PY  - {1990 + i % 30}",
            f"AU  - Sample, Author {i % 13}",
            f"AB  - Synthetic entry {i} written for the crash test; not real material.",
            "ER  - ",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def text_files(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        body = f"Sample seminar handout {i} for the crash test (not real material).\n" * 40
        (folder / f"handout-{i:03d}.txt").write_text(body, encoding="utf-8")
    return folder


#: Adds a record with a file per transaction until the stop file appears (``shell -c``).
WRITER = """
import io, os, time
from django.db import transaction
from clearinghouse.catalog.services import RecordInput, TextInput, file_attach, record_upsert
stop = time.monotonic() + {seconds}
i = 0
while time.monotonic() < stop and not os.path.exists({stop_file!r}):
    with transaction.atomic():
        record = record_upsert(data=RecordInput(
            kind="publication", original_language="en", identifier=f"load:{{i}}",
            texts=[TextInput(language="en", title=f"Load {{i}} (sample)", is_original=True)]))
        file_attach(record=record, stream=io.BytesIO(f"load file {{i}} (sample)".encode() * 20),
                    original_name=f"load-{{i}}.txt")
    i += 1
print(i)
"""


def start_writer(instance: Instance, stop_file: Path, seconds: float) -> subprocess.Popen:
    return instance.start("shell", "-c", WRITER.format(seconds=seconds, stop_file=str(stop_file)))


STATE_SQL = {
    "records": "SELECT count(*) FROM catalog_record",
    "distinct identifiers": "SELECT count(DISTINCT identifier) FROM catalog_record",
    "record versions": "SELECT count(*) FROM catalog_recordversion",
    "record files": "SELECT count(*) FROM catalog_recordfile",
    "blobs": "SELECT count(*) FROM catalog_blob",
    "files per blob > 1": (
        "SELECT count(*) FROM (SELECT blob_id FROM catalog_recordfile "
        "GROUP BY blob_id, record_id HAVING count(*) > 1) AS d"
    ),
    "ingest jobs not finished": (
        "SELECT count(*) FROM ingestion_ingestjob WHERE status NOT IN ('ingested', 'quarantined')"
    ),
    "import runs done": "SELECT count(*) FROM dissemination_importrun WHERE status = 'done'",
}


def state(instance: Instance) -> dict:
    """What 'equals one clean import' compares."""
    facts = {name: instance.value(sql) for name, sql in STATE_SQL.items()}
    facts["identifiers"] = sorted(
        row[0] for row in instance.rows("SELECT identifier FROM catalog_record")
    )
    facts["import counters"] = instance.rows(
        "SELECT total, cursor, created, updated, rejected FROM dissemination_importrun "
        "WHERE status = 'done'"
    )
    facts["blob hashes"] = sorted(r[0] for r in instance.rows("SELECT sha256 FROM catalog_blob"))
    return facts


def dangling(instance: Instance) -> list[str]:
    """Rows whose file is missing from the store (a RecordFile's blob or an import file)."""
    missing = []
    for (sha,) in instance.rows(
        "SELECT sha256 FROM catalog_blob UNION SELECT sha256 FROM dissemination_importrun"
    ):
        if not (instance.blobs / sha[:2] / sha[2:4] / sha).is_file():
            missing.append(sha)
    return missing


@dataclass
class Kill:
    number: int
    via: str
    after_seconds: float
    import_cursor: int
    import_total: int
    jobs_running: int
    import_alive: bool


@dataclass
class CrashRun:
    kills: list[Kill] = field(default_factory=list)
    seconds: float = 0.0


def crash_import(
    instance: Instance,
    ris: Path,
    folder: Path,
    *,
    kills: int,
    seed: int,
    chunk: int = 5,
    vias: tuple[str, ...] = ("web", "cli"),
    deadline: float = 900,
) -> CrashRun:
    """Import ``ris`` and ingest ``folder`` while SIGKILLing the processes doing it
    ``kills`` times at random moments, then run everything to completion.

    A "web" round runs ``clearinghouse serve`` (two web processes, a job worker, the index
    follower), posts the file to the import API and kills the whole process group; a "cli"
    round runs ``clearinghouse import`` beside an ``ingest_worker`` and kills both. Rounds
    alternate through ``vias``. Each kill waits until the attempt has committed a chunk;
    the first then kills at once, later ones a random moment more (inside the next chunk's
    transaction as often as not).
    """
    rng = random.Random(seed)
    run = CrashRun()
    started = time.monotonic()
    instance.run("ingest", str(folder), "--background", "--json")
    token = api_token(instance) if "web" in vias else ""
    import_args = ("import", "ris", str(ris), "--chunk", str(chunk), "-v0")
    for number in range(1, kills + 1):
        via = vias[(number - 1) % len(vias)]
        before = _cursor(instance)
        # Once the import has finished, starting it again would be a second import (an
        # update of every record), not a resumption: from then on only workers die.
        importing = not _import_done(instance)
        t0 = time.monotonic()
        if via == "web":
            server = Server(instance)
            server.wait_ready()
            t0 = time.monotonic()
            request = ImportRequest(server, token, ris) if importing else None
            alive = request.alive if request else None
            processes = []
        else:
            server = None
            importer = instance.start(*import_args) if importing else None
            worker = instance.start("ingest_worker", "--interval", "0.05", "--no-startup-delay")
            alive = (lambda p=importer: p.poll() is None) if importer else None
            processes = [p for p in (importer, worker) if p is not None]
        while alive is not None and time.monotonic() - started < deadline:
            if _cursor(instance)[0] > before[0] or not alive():
                break
            time.sleep(0.02)
        pause = rng.uniform(0.0, 0.25) if alive else rng.uniform(0.5, 2.0)
        # The first kill falls as soon as a chunk has committed, so at least one kill lands
        # inside the import however fast the machine runs it; later ones wait a random moment.
        time.sleep(0.0 if number == 1 and alive else pause)
        cursor, total = _cursor(instance)
        kill = Kill(
            number=number,
            via=via,
            after_seconds=round(time.monotonic() - t0, 2),
            import_cursor=cursor,
            import_total=total,
            jobs_running=instance.value(
                "SELECT count(*) FROM ingestion_ingestjob WHERE status = 'running'"
            ),
            import_alive=bool(alive and alive()),
        )
        if server is not None:
            server.kill()
        for process in processes:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        run.kills.append(kill)
    if not _import_done(instance):
        instance.run(*import_args)
    instance.run("ingest_worker", "--batch", "--interval", "0.05", "--no-startup-delay")
    run.seconds = time.monotonic() - started
    return run


def api_token(instance: Instance) -> str:
    """A staff account's API token (the import API is staff-only)."""
    instance.run(
        "createsuperuser",
        "--noinput",
        "--username",
        "crash-test",
        "--email",
        "crash-test@example.org",
        extra_env={"DJANGO_SUPERUSER_PASSWORD": f"crash-{uuid.uuid4().hex}"},
    )
    return instance.run("api_token", "crash-test").stdout.strip().splitlines()[-1].strip()


class Server:
    """``clearinghouse serve`` in a process group of its own, so one signal reaches the
    web processes, the job worker and the index follower at once."""

    def __init__(self, instance: Instance, web_workers: int = 2):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "clearinghouse.cli", "serve", "--port", str(self.port)]
            + ["--workers", str(web_workers), "--job-workers", "1"],
            env=instance.env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}")
            try:
                ready = f"{self.url}/api/v1/formats"
                with urllib.request.urlopen(ready, timeout=5) as answer:  # noqa: S310 loopback
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.kill()
        raise AssertionError("serve did not answer in time")

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        # Children that were still starting may outlive the group leader for a moment.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


class ImportRequest:
    """POST /api/v1/imports in a thread (the answer never comes when the server dies)."""

    def __init__(self, server: Server, token: str, ris: Path):
        self.outcome: dict = {}
        request = urllib.request.Request(  # noqa: S310 (loopback http)
            f"{server.url}/api/v1/imports?format=ris&name={ris.name}",
            data=ris.read_bytes(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
            method="POST",
        )
        self.thread = threading.Thread(target=self._send, args=(request,), daemon=True)
        self.thread.start()

    def _send(self, request) -> None:
        try:
            with urllib.request.urlopen(request, timeout=600) as answer:  # noqa: S310
                self.outcome = {"status": answer.status}
        except (OSError, http.client.HTTPException) as exc:
            self.outcome = {"error": repr(exc)}

    def alive(self) -> bool:
        return self.thread.is_alive()


def _import_done(instance: Instance) -> bool:
    return bool(
        instance.value("SELECT count(*) FROM dissemination_importrun WHERE status = 'done'")
    )


def _cursor(instance: Instance) -> tuple[int, int]:
    rows = instance.rows(
        "SELECT cursor, total FROM dissemination_importrun ORDER BY id DESC LIMIT 1"
    )
    return (rows[0][0], rows[0][1]) if rows else (0, 0)


def clean_import(instance: Instance, ris: Path, folder: Path, chunk: int = 5) -> None:
    instance.run("import", "ris", str(ris), "--chunk", str(chunk), "-v0")
    instance.run("ingest", str(folder), "--json")
