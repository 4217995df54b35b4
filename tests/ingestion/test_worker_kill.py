"""A real job worker is SIGKILLed in the middle of a batch, restarted, and every file ends
ingested exactly once.

The worker is a separate process, so it cannot see pytest-django's test database: the
test makes its own (a SQLite file, or a fresh PostgreSQL database when the suite runs on
PostgreSQL), migrates it with the real command and reads the outcome with plain SQL.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from urllib.parse import urlparse

import pytest

from . import builders

FILES = 5


class ScratchDatabase:
    """A database of its own for subprocesses, of the same kind the suite runs on."""

    def __init__(self, tmp_path):
        base = os.environ.get("CLEARINGHOUSE_DATABASE_URL", "")
        self.postgres = base.startswith("postgres")
        if self.postgres:
            import psycopg

            parsed = urlparse(base)
            self.name = f"clearinghouse_kill_{uuid.uuid4().hex[:10]}"
            self.admin = parsed._replace(path="/postgres").geturl()
            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = parsed._replace(path=f"/{self.name}").geturl()
        else:
            self.path = tmp_path / "worker.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def rows(self, sql: str) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.path, timeout=20) as conn:
            return conn.execute(sql).fetchall()

    def drop(self) -> None:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def scratch(tmp_path):
    db = ScratchDatabase(tmp_path)
    yield db
    db.drop()


def _clearinghouse(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "clearinghouse.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        **kwargs,
    )


def _worker(env, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "clearinghouse.cli", "ingest_worker", "--no-startup-delay", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_killing_the_worker_mid_batch_then_restarting_ingests_each_file_once(tmp_path, scratch):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.demo",
        "CLEARINGHOUSE_DATABASE_URL": scratch.url,
        "CLEARINGHOUSE_DATA_DIR": str(tmp_path / "data"),
        "CLEARINGHOUSE_SEARCH_BACKEND": os.environ.get("CLEARINGHOUSE_SEARCH_BACKEND", "tantivy"),
    }
    _clearinghouse(env, "migrate", "-v0")
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(FILES):
        # Little text per page: each page goes through OCR, so a file takes a few seconds.
        (folder / f"scan-{i}.pdf").write_bytes(builders.pdf([f"Seminar {i} roll", f"Day {i}"]))
    _clearinghouse(env, "ingest", str(folder), "--background")
    assert scratch.rows("SELECT count(*) FROM ingestion_ingestjob")[0][0] == FILES

    worker = _worker(env, "--interval", "0.1")
    deadline = time.monotonic() + 120
    killed_job = None
    try:
        while time.monotonic() < deadline:
            done = scratch.rows(
                "SELECT count(*) FROM ingestion_ingestjob WHERE status = 'ingested'"
            )[0][0]
            running = scratch.rows("SELECT id FROM ingestion_ingestjob WHERE status = 'running'")
            if done >= 1 and running:
                time.sleep(0.5)  # well inside the file: OCR is under way
                killed_job = running[0][0]
                break
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    assert killed_job is not None, "the worker never got to a second file"
    status = dict(scratch.rows("SELECT id, status FROM ingestion_ingestjob"))
    assert status[killed_job] == "running", "the kill did not land mid-file"

    restarted = _worker(env, "--batch", "--interval", "0.1")
    assert restarted.wait(timeout=240) == 0

    jobs = scratch.rows("SELECT id, status, attempts FROM ingestion_ingestjob ORDER BY id")
    assert [status for _, status, _ in jobs] == ["ingested"] * FILES
    assert dict((job, attempts) for job, _, attempts in jobs)[killed_job] == 2
    per_blob = scratch.rows("SELECT blob_id, count(*) FROM catalog_recordfile GROUP BY blob_id")
    assert len(per_blob) == FILES and {n for _, n in per_blob} == {1}
    assert scratch.rows("SELECT count(*) FROM catalog_record")[0][0] == FILES
    assert scratch.rows("SELECT count(*) FROM ingestion_extraction")[0][0] == FILES
    texts = scratch.rows("SELECT text FROM catalog_blob")
    assert all("Seminar" in text for (text,) in texts)
