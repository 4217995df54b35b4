"""Tantivy search backend: BM25 ranking, paging and facet counts inside the engine.

Terms arrive analysed from Python, so tantivy only splits on whitespace and stores them
verbatim (no lowercasing, no stemming). On disk, ``PATH/CURRENT`` names the active
generation directory (``PATH/gen-<utc>-<random>``): ``apply`` commits into it, ``rebuild``
writes a new generation beside it and swaps ``CURRENT`` atomically, so a reader never sees
a half-built index. Each process caches one open index and, before every search, stats
``CURRENT`` and the generation's ``meta.json`` (~10 µs) to reopen after a swap or reload
after another process's commit (~0.3 ms).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Query

from ..pairs import sample_common
from ..tree import MatchAllQ, MatchNoneQ
from ..types import (
    FACET_FIELDS,
    Hit,
    IndexDocument,
    SearchRequest,
    SearchResult,
)
from .base import SearchBackend
from .tantivy_query import (
    SCHEMA,
    SCHEMA_VERSION,
    QueryCompiler,
    access_query,
    facet_aggregations,
    facet_counts,
    facet_field,
    filter_clause,
    must,
    to_tantivy,
)

DELETE_BATCH = 1024  # record ids per delete query
COMMON_FILE = "COMMON_TERMS"  # in a generation: its common terms, one per line (see pairs)


class SearchIndexLocked(RuntimeError):
    """Another writer held the index lock for longer than ``LOCK_TIMEOUT`` seconds."""


@dataclass
class _Reader:
    """The generation this process has open, and what its files looked like then."""

    generation: str
    index: tantivy.Index
    searcher: tantivy.Searcher
    current_stamp: tuple[int, int]
    meta_stamp: tuple[int, int]
    common: frozenset[str] = frozenset()


def _stamp(path: Path) -> tuple[int, int]:
    """Inode and mtime: both change when a file is atomically replaced."""
    st = path.stat()
    return (st.st_ino, st.st_mtime_ns)


class TantivyBackend(SearchBackend):
    """A tantivy index under ``params["PATH"]``, shared by threads and processes.

    Optional params: ``WRITER_HEAP`` and ``REBUILD_HEAP`` (bytes), ``COMMIT_EVERY``
    (documents per rebuild commit), ``LOCK_TIMEOUT`` (seconds to wait for the writer lock).
    """

    vendor = "tantivy"
    needs_writer_lock = True

    def __init__(self, alias: str, params: dict[str, Any]):
        super().__init__(alias, params)
        self.path = Path(params["PATH"])
        self.writer_heap = int(params.get("WRITER_HEAP", 64_000_000))
        self.rebuild_heap = int(params.get("REBUILD_HEAP", 256_000_000))
        self.commit_every = int(params.get("COMMIT_EVERY", 10_000))
        self.lock_timeout = float(params.get("LOCK_TIMEOUT", 30.0))
        self._reader: _Reader | None = None
        self._reader_lock = threading.Lock()
        self._write_lock = threading.Lock()

    # --- generations on disk -------------------------------------------------------------
    @property
    def _current_file(self) -> Path:
        return self.path / "CURRENT"

    def _new_generation(self) -> tuple[str, tantivy.Index]:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        name = f"gen-{stamp}-{secrets.token_hex(4)}"  # sorts by age
        directory = self.path / name
        directory.mkdir(parents=True)
        (directory / "SCHEMA_VERSION").write_text(SCHEMA_VERSION)
        return name, tantivy.Index(SCHEMA, path=str(directory), reuse=False)

    def _publish(self, name: str, *, only_if_absent: bool = False) -> bool:
        """Point CURRENT at ``name`` atomically; with ``only_if_absent``, never overwrite."""
        temp = self.path / f"CURRENT.tmp-{secrets.token_hex(4)}"
        with open(temp, "w") as handle:
            handle.write(name + "\n")
            handle.flush()
            os.fsync(handle.fileno())  # a crash must not leave CURRENT empty
        try:
            if only_if_absent:
                try:
                    os.link(temp, self._current_file)  # atomic create-if-absent
                except FileExistsError:
                    return False
                except OSError:  # no hard links on this file system
                    os.replace(temp, self._current_file)
            else:
                os.replace(temp, self._current_file)
        finally:
            temp.unlink(missing_ok=True)
        return True

    def _ensure_current(self) -> None:
        """Create an empty generation on first use; the first process to publish wins."""
        if self._current_file.exists():
            return
        name, _index = self._new_generation()
        if not self._publish(name, only_if_absent=True):
            del _index
            shutil.rmtree(self.path / name, ignore_errors=True)

    def _remove_older_generations(self, keep: str, previous: str | None) -> None:
        # Older names and the one just replaced; a rebuild that started later in another
        # process is left alone. Open files may refuse removal (Windows): the next rebuild
        # tries again.
        for entry in self.path.glob("gen-*"):
            if entry.name < keep or entry.name == previous:
                shutil.rmtree(entry, ignore_errors=True)

    # --- reading ---------------------------------------------------------------------------
    def _open(self) -> _Reader:
        """Open the generation CURRENT names, retrying if a swap removes it meanwhile."""
        self._ensure_current()
        attempts = 5
        while True:
            current_stamp = _stamp(self._current_file)
            name = self._current_file.read_text().strip()
            try:
                meta_stamp = _stamp(self.path / name / "meta.json")
                index = tantivy.Index.open(str(self.path / name))
                break
            except (OSError, ValueError):
                attempts -= 1
                if not attempts:
                    raise
                time.sleep(0.01)
        index.config_reader(reload_policy="manual")  # we reload on our own stat check
        common_file = self.path / name / COMMON_FILE
        common = frozenset(common_file.read_text().split()) if common_file.exists() else frozenset()
        return _Reader(name, index, index.searcher(), current_stamp, meta_stamp, common)

    def _fresh_reader(self) -> _Reader:
        """The cached reader, reopened after a swap or reloaded after a commit."""
        with self._reader_lock:
            reader = self._reader
            if reader is not None:
                try:
                    current_stamp = _stamp(self._current_file)
                    meta_stamp = _stamp(self.path / reader.generation / "meta.json")
                except FileNotFoundError:
                    current_stamp = meta_stamp = (-1, -1)
                if current_stamp == reader.current_stamp and meta_stamp != (-1, -1):
                    if meta_stamp != reader.meta_stamp:
                        # Stat before reload: a commit landing in between is seen next time.
                        reader.index.reload()
                        reader.searcher = reader.index.searcher()
                        reader.meta_stamp = meta_stamp
                    return reader
            self._reader = self._open()
            return self._reader

    def search(self, request: SearchRequest) -> SearchResult:
        self.require_access(request)
        assert request.access is not None
        facet_names = [name for name in request.facets if name in FACET_FIELDS]
        if isinstance(request.query, MatchNoneQ):
            return SearchResult(total=0, hits=[], facets={name: [] for name in facet_names})
        reader = self._fresh_reader()
        searcher = reader.searcher
        clauses = [QueryCompiler(searcher, reader.common).compile(request.query)]
        access = access_query(request.access)
        if access is not None:
            clauses.append(filter_clause(access))
        for field, value in request.filters:
            if field in FACET_FIELDS:  # unknown fields are ignored, never an error
                clauses.append(
                    filter_clause(Query.term_query(SCHEMA, facet_field(field), str(value)))
                )
        query = must(clauses)

        order_by, order = None, tantivy.Order.Desc
        if request.sort == "newest" or (
            request.sort == "relevance" and isinstance(request.query, MatchAllQ)
        ):
            order_by = "newest_key"
        elif request.sort == "title":
            order_by, order = "sort_title", tantivy.Order.Asc
        limit = max(request.limit, 0)
        result = searcher.search(
            query,
            limit=max(limit, 1),  # tantivy panics on limit 0
            count=True,
            order_by_field=order_by,
            offset=max(request.offset, 0),
            order=order,
        )
        page = result.hits[:limit]
        record_ids = searcher.fast_field_values("record_id", [address for _, address in page])
        hits = [
            Hit(record_id=int(record_id or 0), score=float(score) if order_by is None else 0.0)
            for (score, _), record_id in zip(page, record_ids, strict=True)
        ]
        facets = {}
        if facet_names:
            raw = searcher.aggregate(query, facet_aggregations(facet_names, request.facet_limit))
            facets = facet_counts(raw, facet_names, request.facet_limit)
        return SearchResult(total=int(result.count or 0), hits=hits, facets=facets)

    def count(self) -> int:
        return int(self._fresh_reader().searcher.num_docs)

    # --- writing ---------------------------------------------------------------------------
    def _writer(self, index: tantivy.Index, heap: int, threads: int = 0) -> tantivy.IndexWriter:
        """A writer, waiting (with backoff) while another thread or process holds the lock."""
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.01
        while True:
            try:
                return index.writer(heap_size=heap, num_threads=threads)
            except ValueError as error:
                if "LockBusy" not in str(error):
                    raise
                if time.monotonic() >= deadline:
                    raise SearchIndexLocked(
                        f"Search backend {self.alias!r}: index {self.path} stayed locked by "
                        f"another writer for {self.lock_timeout:g} s."
                    ) from error
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def apply(self, upserts: Iterable[IndexDocument], deletes: Iterable[int]) -> None:
        """One commit; a record both upserted and deleted in the batch ends up deleted."""
        deleted = set(deletes)
        latest = {doc.record_id: doc for doc in upserts}  # the last version of a record wins
        documents = [doc for record_id, doc in latest.items() if record_id not in deleted]
        record_ids = sorted(deleted | latest.keys())
        if not record_ids:
            return
        with self._write_lock:
            # A rebuild may swap generations under us; the batch is idempotent, so redo it.
            for _attempt in range(3):
                reader = self._fresh_reader()
                try:
                    self._write(reader.index, record_ids, documents, reader.common)
                except (OSError, ValueError):
                    if self._fresh_reader().generation == reader.generation:
                        raise
                    continue
                if self._fresh_reader().generation == reader.generation:
                    return
        raise RuntimeError(f"Search backend {self.alias!r}: generations kept changing in apply.")

    def _write(
        self,
        index: tantivy.Index,
        record_ids: list[int],
        documents: list[IndexDocument],
        common: frozenset[str],
    ) -> None:
        # One indexing thread for small batches: one new segment per commit, not eight.
        writer = self._writer(index, self.writer_heap, threads=1 if len(documents) < 1000 else 0)
        try:
            for start in range(0, len(record_ids), DELETE_BATCH):
                batch = record_ids[start : start + DELETE_BATCH]
                # Not delete_documents_by_term: on a u64 field it silently deletes nothing.
                writer.delete_documents_by_query(Query.term_set_query(SCHEMA, "record_id", batch))
            for document in documents:
                writer.add_document(to_tantivy(document, common))  # after the delete: survives
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()  # finishes merges and releases the lock

    def rebuild(
        self,
        documents: Iterable[IndexDocument],
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Write a new generation, swap CURRENT to it, then remove older generations."""
        self.path.mkdir(parents=True, exist_ok=True)
        name, index = self._new_generation()
        writer = self._writer(index, self.rebuild_heap)
        done = -1
        try:
            done = self._fill(writer, documents, progress, self.path / name)
            writer.commit()
        finally:
            if done < 0:
                writer.rollback()
            writer.wait_merging_threads()
            del writer, index  # before removing the files, or the writer may recreate them
            if done < 0:
                shutil.rmtree(self.path / name, ignore_errors=True)
        previous = self._current_file.read_text().strip() if self._current_file.exists() else None
        self._publish(name)
        if progress and (done == 0 or done % self.commit_every):
            progress(done)
        self._remove_older_generations(keep=name, previous=previous)
        self._fresh_reader()

    def _fill(
        self,
        writer: tantivy.IndexWriter,
        documents: Iterable[IndexDocument],
        progress: Callable[[int], None] | None,
        directory: Path,
    ) -> int:
        """Choose the common terms from the first documents and write them beside the
        index, then add every document, committing every ``commit_every``; returns how many."""
        shares, documents = sample_common(documents)
        common = frozenset(shares)
        (directory / COMMON_FILE).write_text("".join(f"{term}\n" for term in sorted(common)))
        seen: set[int] = set()
        done = 0
        for document in documents:
            if document.record_id in seen:
                query = Query.term_query(SCHEMA, "record_id", document.record_id)
                writer.delete_documents_by_query(query)
            seen.add(document.record_id)
            writer.add_document(to_tantivy(document, frozenset(common)))
            done += 1
            if done % self.commit_every == 0:
                writer.commit()
                if progress:
                    progress(done)
        return done

    def clear(self) -> None:
        self.rebuild([])

    def check(self) -> list[str]:
        prefix = f"Search backend {self.alias!r}:"
        if self.path.exists() and not self.path.is_dir():
            return [f"{prefix} index path {self.path} is not a directory."]
        existing = self.path
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not os.access(existing, os.W_OK | os.X_OK):
            return [f"{prefix} index path {self.path} is not writable by this process."]
        if not self._current_file.exists():
            return []  # created on first use
        name = self._current_file.read_text().strip()
        version_file = self.path / name / "SCHEMA_VERSION"
        if not (self.path / name / "meta.json").exists():
            return [f"{prefix} generation {name} named in {self._current_file} is missing."]
        if not version_file.exists() or version_file.read_text().strip() != SCHEMA_VERSION:
            return [f"{prefix} index {name} has an older schema; rebuild the search index."]
        return []
