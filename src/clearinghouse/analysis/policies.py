"""Who may annotate, review and run the review workflow: analysts and administrators.

Reading goes through the record policy (clearinghouse.catalog.policies); what of the
analysis a reader sees of a visible record is decided in selectors.py.
"""

from __future__ import annotations

from clearinghouse.catalog.models import Record
from clearinghouse.core.policy import Actor


def can_annotate(actor: Actor, record: Record) -> bool:
    return actor.is_staff


def can_review(actor: Actor, record: Record) -> bool:
    return actor.is_staff


def can_run_workflow(actor: Actor) -> bool:
    """Assign, comment, see queues and history."""
    return actor.is_staff
