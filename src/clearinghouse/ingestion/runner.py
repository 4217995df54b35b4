"""The parent side of the sandbox: one process per file, under OS limits, watched by the clock.

The child gets its own session (so the whole process group can be killed), dies
with its parent (PR_SET_PDEATHSIG), and writes its answer to a file capped by
RLIMIT_FSIZE. Its peak memory (VmHWM) is polled from /proc and reported by the child.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from .readers.base import ReaderLimits
from .sandbox import vm_hwm_kb

_PR_SET_PDEATHSIG = 1
_MB = 1024 * 1024


@dataclass
class SandboxLimits:
    memory_mb: int = 1024
    cpu_seconds: int = 120
    wall_seconds: int = 300
    max_output_bytes: int = 64 * _MB
    max_open_files: int = 64
    reader: ReaderLimits = field(default_factory=ReaderLimits)


@dataclass
class SandboxOutcome:
    ok: bool
    code: str = ""
    reason: str = ""
    data: dict = field(default_factory=dict)
    peak_memory_kb: int = 0
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0


def _limit_child(limits: SandboxLimits) -> Callable[[], None]:
    def apply() -> None:
        os.setsid()
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        memory = limits.memory_mb * _MB
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
        output = limits.max_output_bytes
        resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.max_open_files,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _child_env(folder: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": folder,
        "TMPDIR": folder,
        "LANG": "C.UTF-8",
        "OMP_THREAD_LIMIT": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
    }
    for name in ("PYTHONPATH", "TESSDATA_PREFIX"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def run_sandboxed(
    path: str,
    ext: str,
    limits: SandboxLimits,
    heartbeat: Callable[[], None] | None = None,
    heartbeat_every: float = 5.0,
) -> SandboxOutcome:
    """Extract ``path`` in a fresh limited process; every failure becomes an outcome."""
    with tempfile.TemporaryDirectory(prefix="ingest-") as folder:
        out_path = os.path.join(folder, "result.json")
        started = time.monotonic()
        with open(out_path, "wb") as out:
            proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                [
                    sys.executable,
                    "-m",
                    "clearinghouse.ingestion.sandbox",
                    os.path.abspath(path),
                    "--ext",
                    ext,
                    "--limits",
                    json.dumps(asdict(limits.reader)),
                ],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.DEVNULL,
                cwd=folder,
                env=_child_env(folder),
                preexec_fn=_limit_child(limits),  # noqa: PLW1509 - the worker is single-threaded
                close_fds=True,
            )
        status, usage, timed_out, polled_peak = _wait(
            proc, started, limits.wall_seconds, heartbeat, heartbeat_every
        )
        outcome = _judge(out_path, status, timed_out, limits)
    outcome.peak_memory_kb = max(polled_peak, outcome.data.pop("peak_memory_kb", 0))
    outcome.cpu_seconds = round((usage.ru_utime + usage.ru_stime) if usage else 0.0, 3)
    outcome.wall_seconds = round(time.monotonic() - started, 3)
    return outcome


def _wait(proc, started, wall_seconds, heartbeat, heartbeat_every):
    deadline = started + wall_seconds
    next_beat = started + heartbeat_every
    delay = 0.005
    timed_out = False
    peak = 0
    while True:
        peak = max(peak, vm_hwm_kb(proc.pid))
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return status, usage, timed_out, peak
        now = time.monotonic()
        if now >= deadline and not timed_out:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        if heartbeat and now >= next_beat:
            heartbeat()
            next_beat = now + heartbeat_every
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _judge(out_path: str, status: int, timed_out: bool, limits: SandboxLimits) -> SandboxOutcome:
    if timed_out:
        return SandboxOutcome(
            False, "limit_time", f"extraction took longer than {limits.wall_seconds} s; stopped"
        )
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return SandboxOutcome(
                False, "limit_cpu", f"extraction used more than {limits.cpu_seconds} s of CPU time"
            )
        if sig == signal.SIGXFSZ:
            return SandboxOutcome(
                False,
                "limit_output",
                f"extraction produced more than {limits.max_output_bytes // _MB} MB of output",
            )
        return SandboxOutcome(
            False,
            "crashed",
            f"the parser crashed ({signal.Signals(sig).name}): the file is malformed or needs "
            f"more than the {limits.memory_mb} MB memory limit",
        )
    size = os.path.getsize(out_path)
    if size >= limits.max_output_bytes:
        return SandboxOutcome(
            False,
            "limit_output",
            f"extraction produced more than {limits.max_output_bytes // _MB} MB of output",
        )
    try:
        with open(out_path, encoding="utf-8") as fh:
            payload = json.load(fh)
    except (ValueError, OSError):
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
        return SandboxOutcome(
            False,
            "crashed",
            f"the parser stopped without an answer (exit {code}): the file is malformed or "
            f"needs more than the {limits.memory_mb} MB memory limit",
        )
    if not payload.get("ok"):
        code = payload.get("code", "damaged")
        reason = payload.get("reason", "")
        if code == "limit_memory":
            reason = f"extraction needed more than the {limits.memory_mb} MB memory limit"
        return SandboxOutcome(
            False, code, reason, data={"peak_memory_kb": payload.get("peak_memory_kb", 0)}
        )
    return SandboxOutcome(True, data=payload)
