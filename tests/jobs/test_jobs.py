"""Leases and recovery of job workers, the staff jobs page, the health probe (in process)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clearinghouse.jobs import services
from clearinghouse.jobs.models import WorkerHeartbeat
from tests.accounts.people import make_account, signed_in

pytestmark = pytest.mark.django_db

TASK = "clearinghouse.search.tasks.apply_index_outbox"


def _task(status: str, worker_ids: list[str], **fields) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=TASK,
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        status=status,
        worker_ids=worker_ids,
        **fields,
    )


def _beat(worker_id: str, *, age: float = 0, pid: int | None = None, host: str | None = None):
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname=host or socket.gethostname(),
        pid=pid or os.getpid(),
        beat_at=timezone.now() - timedelta(seconds=age),
    )


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_recovery_requeues_only_tasks_of_dead_workers(settings):
    settings.CLEARINGHOUSE_JOBS = {"LEASE_SECONDS": 60, "MAX_ATTEMPTS": 3}
    _beat("alive")
    _beat("silent", age=120, host="elsewhere")
    _beat("killed", pid=_dead_pid())
    _beat("remote", host="another-machine", pid=1)  # fresh lease elsewhere: alive
    alive = _task("RUNNING", ["alive"])
    remote = _task("RUNNING", ["remote"])
    silent = _task("RUNNING", ["silent"])
    killed = _task("RUNNING", ["earlier", "killed"])
    unknown = _task("RUNNING", ["never-beat"])
    worn_out = _task("RUNNING", ["a", "b", "killed"])
    done = _task("SUCCESSFUL", ["gone"])

    recovery = services.tasks_recover()

    assert set(recovery.requeued) == {str(t.pk) for t in (silent, killed, unknown)}
    assert recovery.failed == [str(worn_out.pk)]
    status = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert status[alive.pk] == status[remote.pk] == "RUNNING"
    assert status[silent.pk] == status[killed.pk] == status[unknown.pk] == "READY"
    assert status[worn_out.pk] == "FAILED" and status[done.pk] == "SUCCESSFUL"
    worn_out.refresh_from_db()
    assert worn_out.exception_class_path == services.WORKER_LOST
    assert "3 times" in worn_out.traceback
    # a requeued task keeps its history of workers: the attempts count
    killed.refresh_from_db()
    assert killed.worker_ids == ["earlier", "killed"] and killed.started_at is None


def test_a_worker_beats_and_gives_its_lease_back():
    services.worker_beat(worker_id="w1", task_id="t", tasks_run=3)
    beat = WorkerHeartbeat.objects.get()
    assert (beat.pid, beat.task_id, beat.tasks_run) == (os.getpid(), "t", 3)
    assert "w1" in services.live_worker_ids()
    services.worker_gone(worker_id="w1")
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_checkpoint_runs_on_sqlite_only():
    # outside any transaction, as in the worker
    outcome = services.sqlite_checkpoint()
    if connection.vendor == "sqlite":
        assert outcome is not None and len(outcome) == 3
    else:
        assert outcome is None


def test_staff_see_queue_workers_running_and_failures(django_assert_max_num_queries):
    _beat("host:1:alive")
    _task("RUNNING", ["host:1:alive"], started_at=timezone.now())
    _task("READY", [])
    failed = _task(
        "FAILED",
        ["host:1:alive"],
        finished_at=timezone.now(),
        exception_class_path="builtins.ValueError",
        traceback="Traceback (most recent call last):\nValueError: the file is unreadable\n",
    )
    client = signed_in(make_account("analyst"))
    client.get("/staff/jobs/")
    with django_assert_max_num_queries(16):
        response = client.get("/staff/jobs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 waiting, 1 running, 1 failed, 0 done." in page
    assert "host:1:alive" in page and "apply_index_outbox" in page
    assert str(failed.pk) in page and "ValueError: the file is unreadable" in page


@pytest.mark.parametrize("role", ["reader", "partner"])
def test_the_jobs_page_is_hidden_from_non_staff(role):
    _task("FAILED", ["w"], exception_class_path="x", traceback="secret detail")
    response = signed_in(make_account(role)).get("/staff/jobs/")
    assert response.status_code == 404
    assert b"secret detail" not in response.content


def test_healthz_says_ok_and_nothing_else(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405
