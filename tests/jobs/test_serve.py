"""``clearinghouse serve --workers 2``: gunicorn processes plus a job worker and the index
follower; it answers, and SIGTERM stops every process it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from .scratch import ScratchDatabase


@pytest.fixture
def scratch(tmp_path):
    db = ScratchDatabase(tmp_path, "i8a_serve")
    db.migrate()
    yield db
    db.drop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    out = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        child, parent = (int(x) for x in line.split())
        children.setdefault(parent, []).append(child)
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie has exited already
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split(")")[-1].split()[0] != "Z"


def test_serve_with_two_web_processes_answers_and_stops_on_sigterm(scratch):
    port = _free_port()
    server = scratch.start(
        "clearinghouse.cli", "serve", f"--port={port}", "--workers=2", "--job-workers=1"
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    assert r.read() == b"ok\n"
                    break
            except OSError:
                assert server.poll() is None, server.communicate()[1][-3000:]
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/records", timeout=10) as r:
            assert r.status == 200
        time.sleep(1)
        family = _descendants(server.pid)
        commands = subprocess.run(
            ["ps", "-o", "args=", "-p", ",".join(map(str, family))],
            capture_output=True,
            text=True,
        ).stdout
        assert commands.count("gunicorn") == 3, commands  # the master and 2 web processes
        assert "clearinghouse.cli worker" in commands
        assert (
            "clearinghouse.cli index_follow" in commands
            or scratch.env["CLEARINGHOUSE_SEARCH_BACKEND"] == "postgres"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
    assert code == 0
    time.sleep(0.5)
    assert not [pid for pid in family if _alive(pid)]
