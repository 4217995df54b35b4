"""Settings of the job workers: ``CLEARINGHOUSE_JOBS`` overrides these defaults."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # A worker beats this often; one silent for LEASE_SECONDS is taken for dead.
    "HEARTBEAT_SECONDS": 5,
    "LEASE_SECONDS": 60,
    # A task interrupted this many times (its worker died each time) is marked failed.
    "MAX_ATTEMPTS": 3,
    # SQLite: how often a worker truncates the write-ahead log (PRAGMA wal_checkpoint).
    "CHECKPOINT_SECONDS": 300,
    # Called with no argument after each recovery pass: other apps' own recovery.
    "RECOVERY_HOOKS": ["clearinghouse.ingestion.recovery.recover_interrupted_jobs"],
}


def jobs_setting(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "CLEARINGHOUSE_JOBS", {})}[name]
