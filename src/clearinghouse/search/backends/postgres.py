"""PostgreSQL full-text search backend: one table, tsvector/GIN matching, ranking and facets in SQL.

Terms arrive analysed (stemmed, folded) from Python, so PostgreSQL stores and queries them verbatim:
vectors and queries are written as ``tsvector``/``tsquery`` literals (each lexeme quoted) and cast,
never passed through ``to_tsvector``/``to_tsquery``, whose parser would split a term such as
``o'brien`` or re-tokenise scripts with combining marks. That is the ``'simple'`` configuration
without its parser: no stemming, no stop words, no re-tokenising.

Each document has two vectors. ``full_vector`` (title + every term, file text included) decides
*whether* a document matches, through its GIN index; ``compact_vector`` (title weight A, metadata
and abstract weight B, vocabulary labels weight D) decides *how well*: ``ts_rank_cd`` on full
texts measured 25-60x slower.
A document that matches only in its file text ranks 0 and comes after the ranked ones.

Limits of tsvector, and what we do about them: positions stop at 16383, where PostgreSQL would
clamp every later word onto the same position and lose phrases in long texts; we wrap positions
around instead (16384 becomes 1), so phrases are found anywhere in a 20,000-term text, at the
price of rare false phrase matches in such texts when two words' positions coincide modulo
16383. A lexeme keeps its first 256 positions (PostgreSQL's cap), so a phrase at a later
occurrence of a very frequent word is missed. Lexemes over 2047 bytes are dropped, and new
lexemes stop being added once a vector holds ~1 MB of them (PostgreSQL's hard limit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.utils.connection import ConnectionDoesNotExist

from ..pairs import sample_common
from ..tree import MatchAllQ, MatchNoneQ
from ..types import FACET_FIELDS, Hit, IndexDocument, SearchRequest, SearchResult
from . import postgres_counts as counts
from .base import SearchBackend
from .postgres_query import (
    COMMON_TABLE,
    FACET_TABLE,
    TABLE,
    browse_sql,
    compile_tsquery,
    estimated_share,
    facet_key,
    query_terms,
    search_sql,
)
from .postgres_vectors import tsvector_literal

POSTGRES_DDL: list[str] = [
    f"""CREATE TABLE IF NOT EXISTS {FACET_TABLE} (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key text NOT NULL UNIQUE
)""",
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    record_id bigint PRIMARY KEY,
    compact_vector tsvector NOT NULL,
    full_vector tsvector NOT NULL,
    facet_ids integer[] NOT NULL DEFAULT '{{}}',
    year integer,
    sort_title text NOT NULL DEFAULT '',
    tier text NOT NULL,
    status text NOT NULL,
    groups bigint[] NOT NULL DEFAULT '{{}}',
    embargo_until timestamptz
)""",
    # Every match reads compact_vector (rank) and facet_ids (counts): keep them and the other
    # small columns in the row. With the default storage PostgreSQL moves even 50-byte arrays out
    # of line while the row is over 2 kB, and facet counting became 10x slower (measured).
    *(
        f"ALTER TABLE {TABLE} ALTER COLUMN {column} SET STORAGE MAIN"
        for column in ("compact_vector", "facet_ids", "sort_title", "groups")
    ),
    # full_vector, read only to recheck phrases, goes out of line; a compact vector that takes
    # a row over ~2 kB is compressed in the row. lz4 decompresses several times faster.
    f"""DO $$ BEGIN
    ALTER TABLE {TABLE} ALTER COLUMN full_vector SET COMPRESSION lz4;
    ALTER TABLE {TABLE} ALTER COLUMN compact_vector SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;  -- a server built without lz4 keeps pglz
END $$""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_full_gin ON {TABLE} USING gin (full_vector)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_facet_ids_gin ON {TABLE} USING gin (facet_ids)",
    # Browsing pages through the visible rows in the order asked for, without sorting them all.
    f"CREATE INDEX IF NOT EXISTS {TABLE}_newest ON {TABLE}"
    ' (year DESC NULLS LAST, sort_title COLLATE "C", record_id)',
    f'CREATE INDEX IF NOT EXISTS {TABLE}_title ON {TABLE} (sort_title COLLATE "C", record_id)',
    # The common terms of the index (``..pairs``), chosen by the last rebuild.
    f"CREATE TABLE IF NOT EXISTS {COMMON_TABLE} (term text PRIMARY KEY, share real NOT NULL)",
    *counts.DDL,
]


def install_schema(connection: Any) -> None:
    """Create the search table and its indexes on ``connection``; idempotent, run by a migration."""
    with connection.cursor() as cursor:
        for statement in POSTGRES_DDL:
            cursor.execute(statement)
        if counts.needs_recount(cursor):  # rows written before the counts were kept
            counts.recount(cursor)


# One round trip before each search: the planner settings, and which of the query's terms
# are common terms of the index.
SETTINGS_SQL = (
    "SELECT set_config('work_mem', %s, true), set_config('enable_seqscan', %s, true),"  # noqa: S608
    " set_config('jit', 'off', true),"
    f" (SELECT json_object_agg(term, share) FROM {COMMON_TABLE} WHERE term = ANY(%s::text[]))"
)
# A text query estimated to match at least this share of the documents counts its facets as
# the complement of what it does not match (``search_sql``).
COMPLEMENT_SHARE = 0.5

# --- the backend ---------------------------------------------------------------------------

_CASTS = {
    "record_id": "",
    "compact_vector": "::tsvector",
    "full_vector": "::tsvector",
    "facet_ids": "",
    "year": "::integer",
    "sort_title": "",
    "tier": "",
    "status": "",
    "groups": "::bigint[]",
    "embargo_until": "::timestamptz",
    "access_class": "",
}
# A row's facet keys become ids here; the keys of its batch are numbered just before.
_FACET_IDS = (
    f"ARRAY(SELECT v.id FROM {FACET_TABLE} v"  # noqa: S608 -- constant
    " WHERE v.key = ANY(%(facet_keys)s::text[]) ORDER BY v.id)"
)
_COMPUTED = {"facet_ids": _FACET_IDS, "access_class": counts.CLASS_ID_SQL}
UPSERT_SQL = (
    f"INSERT INTO {TABLE} ({', '.join(_CASTS)}) VALUES ("  # noqa: S608 -- constants
    + ", ".join(_COMPUTED.get(column, f"%({column})s{cast}") for column, cast in _CASTS.items())
    + ") ON CONFLICT (record_id) DO UPDATE SET "
    + ", ".join(f"{column} = EXCLUDED.{column}" for column in list(_CASTS)[1:])
)
BATCH_DOCUMENTS = 500
BATCH_TERMS = 2_000_000  # ~16 MB of vector literals
# Sorted, so that two writers numbering overlapping keys wait on each other, never deadlock.
NUMBER_FACETS_SQL = (
    f"INSERT INTO {FACET_TABLE} (key) SELECT key"  # noqa: S608 -- constant
    " FROM unnest(%s::text[]) WITH ORDINALITY AS keys (key, n) ORDER BY n"
    " ON CONFLICT (key) DO NOTHING"
)


def _write_batch(cursor: Any, batch: list[dict[str, Any]], *, counted: bool = True) -> None:
    """Number the batch's facet values (distinct, sorted) and access classes, then upsert its
    rows; with ``counted``, the class counts follow (a rebuild recounts at the end instead)."""
    keys = sorted({key for row in batch for key in row["facet_keys"]})
    if keys:
        cursor.execute(NUMBER_FACETS_SQL, [keys])
    counts.number_classes(cursor, batch)
    record_ids = sorted(row["record_id"] for row in batch)
    if counted:
        counts.adjust(cursor, record_ids, -1)
    cursor.executemany(UPSERT_SQL, batch)
    if counted:
        counts.adjust(cursor, record_ids, +1)


def document_row(document: IndexDocument, common: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The parameters of one ``search_document`` row; ``common`` are the index's common terms,
    whose pairs ``full_vector`` holds (without positions: they only decide what matches)."""
    row: dict[str, Any] = {
        "record_id": document.record_id,
        "compact_vector": tsvector_literal(
            (
                (document.title_terms, "A"),
                (document.compact_terms, "B"),
                (document.concept_terms, "D"),
            ),
        ),
        "full_vector": tsvector_literal(
            (
                (document.title_terms, "A"),
                (document.full_terms, "D"),
                (document.concept_terms, "D"),
            ),
            common,
            sentinel=True,
        ),
        "year": document.year,
        "sort_title": document.sort_title,
        "tier": document.access.tier,
        "status": document.access.status,
        "groups": sorted(set(document.access.groups)),
        "embargo_until": document.access.embargo_until,
        "facet_keys": sorted(
            {
                facet_key(field, str(value))
                for field in FACET_FIELDS
                for value in document.facets.get(field, ())
            }
        ),
    }
    return row


def _batches(
    documents: Iterable[IndexDocument], common: frozenset[str]
) -> Iterator[list[dict[str, Any]]]:
    """Rows in batches bounded by count and terms, so a run of huge documents stays in memory.

    A helper thread builds the next batch's vector literals (the Python half of the work)
    while the caller writes the previous batch (the server's half: psycopg releases the GIL
    while it waits), so a rebuild takes about the longer of the two rather than their sum.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-rows") as pool:
        pending: Future[list[dict[str, Any]]] | None = None
        for chunk in _chunks(documents):
            future = pool.submit(lambda chunk=chunk: [document_row(d, common) for d in chunk])
            if pending is not None:
                yield pending.result()
            pending = future
        if pending is not None:
            yield pending.result()


def _chunks(documents: Iterable[IndexDocument]) -> Iterator[list[IndexDocument]]:
    chunk: list[IndexDocument] = []
    terms = 0
    for document in documents:
        chunk.append(document)
        terms += len(document.full_terms) + len(document.compact_terms)
        if len(chunk) >= BATCH_DOCUMENTS or terms >= BATCH_TERMS:
            yield chunk
            chunk, terms = [], 0
    if chunk:
        yield chunk


class PostgresBackend(SearchBackend):
    """Search inside a PostgreSQL database of the site (``params["DATABASE"]``, a Django alias).

    Writes use the alias's connection, so they join the caller's transaction when there is one.
    """

    vendor = "postgres"
    needs_writer_lock = False
    #: work_mem for the search statement: the matching set and its facet arrays stay in memory.
    default_work_mem = "64MB"

    def __init__(self, alias: str, params: dict[str, Any]):
        super().__init__(alias, params)
        self.database = params.get("DATABASE", "default")
        self.work_mem = params.get("WORK_MEM", self.default_work_mem)

    @property
    def connection(self) -> Any:
        return connections[self.database]

    # --- writing -------------------------------------------------------------------------
    def apply(self, upserts: Iterable[IndexDocument], deletes: Iterable[int]) -> None:
        """Upsert then delete (a record in both is deleted), in one transaction."""
        latest = {document.record_id: document for document in upserts}
        removed = sorted(set(deletes))
        with transaction.atomic(using=self.database), self.connection.cursor() as cursor:
            counts.lock_writers(cursor)
            cursor.execute(f"SELECT term FROM {COMMON_TABLE}")  # noqa: S608 -- constant
            common = frozenset(row[0] for row in cursor.fetchall())
            for batch in _batches(latest.values(), common):
                _write_batch(cursor, batch)
            if removed:
                counts.adjust(cursor, removed, -1)
                cursor.execute(
                    f"DELETE FROM {TABLE} WHERE record_id = ANY(%s::bigint[])",  # noqa: S608
                    [removed],
                )

    def rebuild(
        self,
        documents: Iterable[IndexDocument],
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Replace the whole index in one transaction; searches see the old one until commit.

        DELETE rather than TRUNCATE: TRUNCATE's exclusive lock would block every search for the
        length of the rebuild.
        The common terms are chosen from the first documents (``..pairs``) and kept for the
        writes and queries that follow; the class counts are counted once at the end.
        """
        done = 0
        with transaction.atomic(using=self.database), self.connection.cursor() as cursor:
            counts.lock_writers(cursor)
            self._empty(cursor)
            shares, documents = sample_common(documents)
            cursor.executemany(
                f"INSERT INTO {COMMON_TABLE} (term, share) VALUES (%s, %s)",  # noqa: S608
                sorted(shares.items()),
            )
            for batch in _batches(documents, frozenset(shares)):
                _write_batch(cursor, batch, counted=False)
                done += len(batch)
                if progress is not None:
                    progress(done)
            counts.recount(cursor)
            # Fresh statistics, so the planner estimates term frequencies of the new content.
            cursor.execute(f"ANALYZE {TABLE}")

    def clear(self) -> None:
        with transaction.atomic(using=self.database), self.connection.cursor() as cursor:
            counts.lock_writers(cursor)
            self._empty(cursor)

    @staticmethod
    def _empty(cursor: Any) -> None:
        for table in (TABLE, COMMON_TABLE, counts.COUNT_TABLE, counts.CLASS_TABLE):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 -- constants

    # --- reading -------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        self.require_access(request)
        facets = [field for field in FACET_FIELDS if field in request.facets]
        rows = self._run(request, explain=None)
        if rows is None:
            return SearchResult(total=0, hits=[], facets={field: [] for field in facets})
        total = 0
        hits: list[tuple[int, Hit]] = []
        found: dict[str, list[tuple[str, int]]] = {field: [] for field in facets}
        for part, ord_, num, score, value in rows:
            if part == 0:
                total = num
            elif part == 1:
                hits.append((ord_, Hit(record_id=num, score=score)))
            else:
                field, _, facet_value = value.partition(":")
                found[field].append((facet_value, num))
        for values in found.values():
            values.sort(key=lambda item: (-item[1], item[0]))
        return SearchResult(total=total, hits=[hit for _, hit in sorted(hits)], facets=found)

    def explain(self, request: SearchRequest, analyze: bool = False) -> str:
        """The plan of ``request``'s search statement, under the settings search uses."""
        self.require_access(request)
        rows = self._run(request, explain="EXPLAIN ANALYZE " if analyze else "EXPLAIN ")
        if rows is None:
            return "no statement: the query matches nothing"
        return "\n".join(row[0] for row in rows)

    def _run(self, request: SearchRequest, explain: str | None) -> list[tuple] | None:
        """The rows of ``request``'s statement (or of its plan), None when nothing can match.

        Two statements: the planner settings, which also fetch the shares of the query's
        common terms, then the search (``search_sql``; counting facets by complement when the
        query looks broad), or the browse from class counts (``browse_sql``) when there is
        neither text nor a filter.
        """
        compiled = compile_tsquery(request.query)
        if isinstance(compiled, MatchNoneQ):
            return None
        text = isinstance(compiled, str)
        terms = sorted(query_terms(request.query)) if text else []
        filtered = any(field in FACET_FIELDS for field, _ in request.filters)
        with self._search_settings(text=text, terms=terms) as (cursor, shares):
            if isinstance(compiled, MatchAllQ) and not filtered:
                sql, params = browse_sql(request)
            else:
                rank_tsquery = compiled if isinstance(compiled, str) else None
                matching = compile_tsquery(request.query, shares) if shares else compiled
                broad = estimated_share(request.query, shares) >= COMPLEMENT_SHARE
                sql, params = search_sql(
                    request,
                    matching if isinstance(matching, str) else None,
                    rank_tsquery=rank_tsquery,
                    complement=broad,
                )
            cursor.execute((explain or "") + sql, params)
            return cursor.fetchall()

    @contextmanager
    def _search_settings(
        self, *, text: bool, terms: list[str]
    ) -> Iterator[tuple[Any, dict[str, float]]]:
        """A cursor in a savepoint with planner settings for one search, rolled back afterwards,
        and the shares of those of ``terms`` that are common terms of the index.

        ``SET LOCAL`` would otherwise last until the caller's transaction ends; rolling back the
        read-only savepoint undoes it. With a text query sequential scans are off: the planner
        does not cost detoasting ``full_vector`` and would pick a scan 25x slower for common
        terms. JIT is off because that inflated cost would otherwise trigger compilation.
        """
        with transaction.atomic(using=self.database), self.connection.cursor() as cursor:
            cursor.execute(
                SETTINGS_SQL,
                [self.work_mem, "off" if text else "on", terms],
            )
            shares = cursor.fetchone()[3] or {}
            try:
                yield cursor, shares
            finally:
                transaction.set_rollback(True, using=self.database)

    def count(self) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
            return int(cursor.fetchone()[0])

    def check(self) -> list[str]:
        try:
            connection = self.connection
        except ConnectionDoesNotExist:
            return [
                f"Search backend {self.alias!r}: database alias {self.database!r} is not defined."
            ]
        if connection.vendor != "postgresql":
            return [
                f"Search backend {self.alias!r} needs PostgreSQL, but database {self.database!r} "
                f"is {connection.vendor}."
            ]
        expected = set(_CASTS)
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = %s",
                    [TABLE],
                )
                present = {row[0] for row in cursor.fetchall()}
                cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [FACET_TABLE])
                numbered = cursor.fetchone()[0]
        except DatabaseError as error:
            return [
                f"Search backend {self.alias!r} cannot query database {self.database!r}: {error}"
            ]
        if not present:
            return [
                f"The {TABLE} table is missing in database {self.database!r}: run the migrations."
            ]
        missing = sorted(expected - present)
        if missing:
            return [
                f"The {TABLE} table in database {self.database!r} lacks columns "
                f"{', '.join(missing)}: run the migrations."
            ]
        if not numbered:
            return [
                f"The {FACET_TABLE} table is missing in database {self.database!r}: "
                "run the migrations."
            ]
        return []
