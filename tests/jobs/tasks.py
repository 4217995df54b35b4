"""Tasks the job-worker tests enqueue: each run appends a line to a file (O_APPEND)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task


def _append(path: str, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{line}\n".encode())
    finally:
        os.close(fd)


@task()
def mark(n: int, path: str) -> int:
    _append(path, f"done {n} {os.getpid()}")
    return n


@task()
def slow_mark(n: int, path: str, seconds: float) -> int:
    """Slow on its first run only, so a test can kill the worker in the middle of it."""
    first = f"start {n} " not in (Path(path).read_text() if Path(path).exists() else "")
    _append(path, f"start {n} {os.getpid()}")
    if first:
        time.sleep(seconds)
    _append(path, f"done {n} {os.getpid()}")
    return n
