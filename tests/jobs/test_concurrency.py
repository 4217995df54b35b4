"""Several OS processes at once, on the database the suite runs on (SQLite or PostgreSQL).

- 8 processes change one record through the catalogue services at the same moment: no
  "database is locked", no lost update (every change has its version, every file its
  position, one record for the shared identifier).
- Several job workers drain one queue: every task runs exactly once.
- A worker killed in the middle of a task: the next worker requeues it and runs it.
"""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from .procs import SHARED
from .scratch import ScratchDatabase

WRITERS = 8
ROUNDS = 5


@pytest.fixture
def scratch(tmp_path):
    db = ScratchDatabase(tmp_path, "i8a_conc")
    db.migrate()
    yield db
    db.drop()


def _wait(procs, timeout: float) -> list[tuple[int, str]]:
    deadline = time.monotonic() + timeout
    outcomes = []
    for proc in procs:
        try:
            _, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except Exception:
            proc.kill()
            _, err = proc.communicate()
        outcomes.append((proc.returncode, err))
    return outcomes


def test_eight_processes_writing_one_record_lose_nothing(scratch, tmp_path):
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    writers = [
        scratch.start(
            "tests.jobs.procs",
            "write",
            f"--process={i}",
            f"--rounds={ROUNDS}",
            f"--barrier={barrier}",
        )
        for i in range(WRITERS)
    ]
    deadline = time.monotonic() + 120
    while len(list(barrier.glob("ready-*"))) < WRITERS and time.monotonic() < deadline:
        if any(w.poll() is not None for w in writers):
            break
        time.sleep(0.05)
    (barrier / "go").touch()
    outcomes = _wait(writers, 180)

    errors = [err for code, err in outcomes if code != 0]
    assert not errors, errors[0][-3000:]
    assert not any("locked" in err.lower() for _, err in outcomes)
    # The scratch database holds nothing else: every row below is the shared record's.
    assert scratch.rows("SELECT identifier FROM catalog_record") == [(SHARED,)]
    versions = scratch.rows("SELECT number, summary FROM catalog_recordversion")
    changes = WRITERS * ROUNDS * 2  # an upsert and a file attached per round
    assert sorted(n for n, _ in versions) == list(range(1, changes + 1))
    positions = [p for (p,) in scratch.rows("SELECT position FROM catalog_recordfile")]
    assert sorted(positions) == list(range(WRITERS * ROUNDS))
    upserts = Counter(s.split()[0] for _, s in versions if s.startswith("p"))
    assert upserts == {f"p{i}": ROUNDS for i in range(WRITERS)}
    if not scratch.postgres:
        assert scratch.rows("PRAGMA journal_mode") == [("wal",)]


def _task_rows(scratch) -> list[tuple[str, list[str]]]:
    return [
        (status, json.loads(ids) if isinstance(ids, str) else ids)
        for status, ids in scratch.rows(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE 'tests.jobs.tasks.%'"
        )
    ]


def _worker(scratch, *args):
    return scratch.start(
        "clearinghouse.cli", "worker", "--no-startup-delay", "--interval=0.05", *args
    )


def test_several_workers_run_each_task_exactly_once(scratch, tmp_path):
    out = tmp_path / "marks.txt"
    tasks = 40
    scratch.run("tests.jobs.procs", "enqueue", f"--count={tasks}", f"--path={out}")
    workers = [_worker(scratch, "--batch") for _ in range(4)]
    outcomes = _wait(workers, 180)
    assert [code for code, _ in outcomes] == [0] * 4, [err[-2000:] for _, err in outcomes]

    runs = Counter(int(line.split()[1]) for line in out.read_text().splitlines())
    assert runs == {n: 1 for n in range(tasks)}
    rows = _task_rows(scratch)
    assert [status for status, _ in rows] == ["SUCCESSFUL"] * tasks
    assert all(len(ids) == 1 for _, ids in rows)


def test_a_task_of_a_killed_worker_is_run_again_by_another(scratch, tmp_path):
    out = tmp_path / "slow.txt"
    scratch.run(
        "tests.jobs.procs", "enqueue", "--kind=slow", "--count=1", f"--path={out}", "--seconds=60"
    )
    first = _worker(scratch)
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and "start 0" not in _text(out):
            time.sleep(0.05)
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
    assert "start 0" in _text(out), "the first worker never started the task"
    assert [status for status, _ in _task_rows(scratch)] == ["RUNNING"]

    second = _worker(scratch, "--batch")
    code, err = _wait([second], 120)[0]
    assert code == 0, err[-2000:]
    assert _text(out).count("done 0") == 1
    [(status, worker_ids)] = _task_rows(scratch)
    assert status == "SUCCESSFUL"
    assert len(worker_ids) == 2 and worker_ids[0] != worker_ids[1]


def _text(path: Path) -> str:
    return path.read_text() if path.exists() else ""
