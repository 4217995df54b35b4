"""Writing to the index outbox, and waking the indexer once the change commits."""

from __future__ import annotations

import logging

from django.db import transaction

from .models import IndexOutbox

logger = logging.getLogger(__name__)


def record_index_changed(record_id: int) -> None:
    """Note that ``record_id`` changed (or was deleted), in the caller's transaction."""
    IndexOutbox.objects.create(record_id=record_id)
    connection = transaction.get_connection()
    # One wake-up per transaction, however many records it changed.
    if not any(entry[1] is _wake_indexer for entry in connection.run_on_commit):
        transaction.on_commit(_wake_indexer)


def _wake_indexer() -> None:
    from .tasks import apply_index_outbox

    try:
        apply_index_outbox.enqueue()
    except Exception:  # the outbox row is safe; a later run or poll applies it
        logger.exception("could not enqueue the indexer; the outbox will be applied later")
