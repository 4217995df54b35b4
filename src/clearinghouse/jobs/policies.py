"""Who may watch the job queue and the workers: staff (analysts and administrators)."""

from __future__ import annotations

from clearinghouse.core.policy import Actor


def can_watch_jobs(actor: Actor) -> bool:
    return actor.is_staff
