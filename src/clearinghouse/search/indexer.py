"""Applies the index outbox to a search backend, and rebuilds indexes.

The database is the source of truth. Every change wrote an outbox row in its
own transaction; the indexer reads rows past its cursor, re-reads the current
state of those records, applies them to the backend (idempotent: upsert or
delete by record id), and only then advances the cursor. A crash between the
two steps re-applies the same batch: nothing is lost and nothing duplicated.
Indexers of one index are serialised by a lock, so an older read never
overwrites a newer one.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min

from clearinghouse.catalog.models import Record

from .backends.base import SearchBackend
from .documents import iter_documents
from .handler import search_backends
from .models import IndexCursor, IndexOutbox

logger = logging.getLogger(__name__)
BATCH = 200
#: Other tables derived from the outbox, each with a cursor of its own (an ``IndexCursor``),
#: brought up to date after the index: without them the outbox could not be pruned.
FOLLOWERS: list[Callable[[], object]] = []


def node_name() -> str:
    """This machine's name (CLEARINGHOUSE_NODE_NAME, else the host name)."""
    return getattr(settings, "CLEARINGHOUSE_NODE_NAME", "") or socket.gethostname()


def cursor_name(backend: SearchBackend) -> str:
    """Tantivy indexes live on each machine: their cursor is per machine and path, so each
    web machine's index catches up (and is rebuilt) on its own from the shared outbox."""
    path = backend.params.get("PATH")
    if path:
        return f"{backend.vendor}:{node_name()}:{os.path.abspath(path)}"
    return f"{backend.vendor}:{backend.alias}"


@contextlib.contextmanager
def _exclusive(backend: SearchBackend) -> Iterator[None]:
    """One indexer per index at a time (file lock beside an on-disk index)."""
    path = backend.params.get("PATH")
    if not path:
        yield
        return
    Path(path).mkdir(parents=True, exist_ok=True)
    with open(Path(path) / ".indexer.lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _position(name: str) -> int:
    cursor = IndexCursor.objects.filter(name=name).first()
    return cursor.position if cursor else 0


def _save_position(name: str, position: int) -> None:
    IndexCursor.objects.update_or_create(name=name, defaults={"position": position})


def apply_batch(backend: SearchBackend, name: str, batch_size: int = BATCH) -> int:
    """Apply one batch of outbox rows; return how many rows it covered."""
    position = _position(name)
    rows = list(
        IndexOutbox.objects.filter(id__gt=position)
        .order_by("id")
        .values_list("id", "record_id")[:batch_size]
    )
    if not rows:
        return 0
    ids = {record_id for _, record_id in rows}
    documents = list(iter_documents(ids))
    deletes = ids - {d.record_id for d in documents}
    backend.apply(documents, deletes)
    _save_position(name, rows[-1][0])
    return len(rows)


def apply_outbox(alias: str = "default", batch_size: int = BATCH) -> int:
    """Apply every pending outbox row to ``alias``; return the number applied."""
    backend = search_backends[alias]
    name = cursor_name(backend)
    applied = 0
    with _exclusive(backend):
        _rebuild_if_lost(backend, name)
        while True:
            if backend.vendor == "postgres":
                with transaction.atomic():
                    IndexCursor.objects.get_or_create(name=name)
                    IndexCursor.objects.select_for_update().get(name=name)
                    done = apply_batch(backend, name, batch_size)
            else:
                done = apply_batch(backend, name, batch_size)
            if not done:
                break
            applied += done
    for follow in FOLLOWERS:
        try:
            follow()
        except Exception:  # the index is applied; a follower catches up on its next call
            logger.exception("outbox follower %s failed", getattr(follow, "__qualname__", follow))
    prune_outbox()
    return applied


def _rebuild_if_lost(backend: SearchBackend, name: str) -> None:
    """An index that vanished from disk while its cursor survived is rebuilt."""
    if _position(name) and backend.count() == 0 and Record.objects.exists():
        logger.warning("search index %s is empty but its cursor is not: rebuilding", name)
        _rebuild_locked(backend, name, None)


def index_lag(alias: str = "default") -> int:
    """Outbox rows not yet applied to ``alias`` (shown to staff)."""
    backend = search_backends[alias]
    return IndexOutbox.objects.filter(id__gt=_position(cursor_name(backend))).count()


def prune_outbox() -> int:
    """Drop rows every index has applied."""
    lowest = IndexCursor.objects.aggregate(p=Min("position"))["p"]
    if not lowest:
        return 0
    deleted, _ = IndexOutbox.objects.filter(id__lte=lowest).delete()
    return deleted


def _rebuild_locked(
    backend: SearchBackend, name: str, progress: Callable[[int], None] | None
) -> int:
    high_water = IndexOutbox.objects.aggregate(m=Max("id"))["m"] or 0
    total = Record.objects.count()
    backend.rebuild(iter_documents(), progress)
    # Rows written during the rebuild are above the high-water mark and are
    # applied next; re-applying a row that was already included is harmless.
    _save_position(name, high_water)
    return total


def rebuild_index(alias: str = "default", progress: Callable[[int], None] | None = None) -> int:
    """Build a new index from the database, swap it in, then catch up the outbox."""
    backend = search_backends[alias]
    name = cursor_name(backend)
    with _exclusive(backend):
        total = _rebuild_locked(backend, name, progress)
    apply_outbox(alias)
    return total
