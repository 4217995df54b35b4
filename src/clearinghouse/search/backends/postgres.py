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
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.utils.connection import ConnectionDoesNotExist

from ..tree import MatchNoneQ
from ..types import FACET_FIELDS, Hit, IndexDocument, SearchRequest, SearchResult
from .base import SearchBackend
from .postgres_query import (
    FACET_TABLE,
    TABLE,
    compile_tsquery,
    facet_key,
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
    # full_vector, read only to recheck phrases, goes out of line; lz4 decompresses faster.
    f"""DO $$ BEGIN
    ALTER TABLE {TABLE} ALTER COLUMN full_vector SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;  -- a server built without lz4 keeps pglz
END $$""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_full_gin ON {TABLE} USING gin (full_vector)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_facet_ids_gin ON {TABLE} USING gin (facet_ids)",
]


def install_schema(connection: Any) -> None:
    """Create the search table and its indexes on ``connection``; idempotent, run by a migration."""
    with connection.cursor() as cursor:
        for statement in POSTGRES_DDL:
            cursor.execute(statement)


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
}
# A row's facet keys become ids here; the keys of its batch are numbered just before.
_FACET_IDS = (
    f"ARRAY(SELECT v.id FROM {FACET_TABLE} v"  # noqa: S608 -- constant
    " WHERE v.key = ANY(%(facet_keys)s::text[]) ORDER BY v.id)"
)
UPSERT_SQL = (
    f"INSERT INTO {TABLE} ({', '.join(_CASTS)}) VALUES ("  # noqa: S608 -- constants
    + ", ".join(
        _FACET_IDS if column == "facet_ids" else f"%({column})s{cast}"
        for column, cast in _CASTS.items()
    )
    + ") ON CONFLICT (record_id) DO UPDATE SET "
    + ", ".join(f"{column} = EXCLUDED.{column}" for column in list(_CASTS)[1:])
)
BATCH_DOCUMENTS = 500
BATCH_BYTES = 16_000_000
# Sorted, so that two writers numbering overlapping keys wait on each other, never deadlock.
NUMBER_FACETS_SQL = (
    f"INSERT INTO {FACET_TABLE} (key) SELECT key"  # noqa: S608 -- constant
    " FROM unnest(%s::text[]) WITH ORDINALITY AS keys (key, n) ORDER BY n"
    " ON CONFLICT (key) DO NOTHING"
)


def _write_batch(cursor: Any, batch: list[dict[str, Any]]) -> None:
    """Number the batch's facet values (distinct, sorted), then upsert its rows."""
    keys = sorted({key for row in batch for key in row["facet_keys"]})
    if keys:
        cursor.execute(NUMBER_FACETS_SQL, [keys])
    cursor.executemany(UPSERT_SQL, batch)


def document_row(document: IndexDocument) -> dict[str, Any]:
    """The parameters of one ``search_document`` row."""
    row: dict[str, Any] = {
        "record_id": document.record_id,
        "compact_vector": tsvector_literal(
            (
                (document.title_terms, "A"),
                (document.compact_terms, "B"),
                (document.concept_terms, "D"),
            )
        ),
        "full_vector": tsvector_literal(
            ((document.title_terms, "A"), (document.full_terms, "D"), (document.concept_terms, "D"))
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


def _batches(documents: Iterable[IndexDocument]) -> Iterator[list[dict[str, Any]]]:
    """Rows in batches bounded by count and size, so a run of huge documents stays in memory."""
    batch: list[dict[str, Any]] = []
    size = 0
    for document in documents:
        row = document_row(document)
        batch.append(row)
        size += len(row["compact_vector"]) + len(row["full_vector"])
        if len(batch) >= BATCH_DOCUMENTS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


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
            for batch in _batches(latest.values()):
                _write_batch(cursor, batch)
            if removed:
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
        """
        done = 0
        with transaction.atomic(using=self.database), self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
            for batch in _batches(documents):
                _write_batch(cursor, batch)
                done += len(batch)
                if progress is not None:
                    progress(done)
            # Fresh statistics, so the planner estimates term frequencies of the new content.
            cursor.execute(f"ANALYZE {TABLE}")

    def clear(self) -> None:
        with transaction.atomic(using=self.database), self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608

    # --- reading -------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        self.require_access(request)
        facets = [field for field in FACET_FIELDS if field in request.facets]
        compiled = compile_tsquery(request.query)
        if isinstance(compiled, MatchNoneQ):
            return SearchResult(total=0, hits=[], facets={field: [] for field in facets})
        sql, params = search_sql(request, compiled if isinstance(compiled, str) else None)
        with self._search_settings(text=isinstance(compiled, str)) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        total = 0
        hits: list[tuple[int, Hit]] = []
        counts: dict[str, list[tuple[str, int]]] = {field: [] for field in facets}
        for part, ord_, num, score, value in rows:
            if part == 0:
                total = num
            elif part == 1:
                hits.append((ord_, Hit(record_id=num, score=score)))
            else:
                field, _, facet_value = value.partition(":")
                counts[field].append((facet_value, num))
        for values in counts.values():
            values.sort(key=lambda item: (-item[1], item[0]))
        return SearchResult(total=total, hits=[hit for _, hit in sorted(hits)], facets=counts)

    def explain(self, request: SearchRequest, analyze: bool = False) -> str:
        """The plan of ``request``'s search statement, under the settings search uses."""
        self.require_access(request)
        compiled = compile_tsquery(request.query)
        if isinstance(compiled, MatchNoneQ):
            return "no statement: the query matches nothing"
        sql, params = search_sql(request, compiled if isinstance(compiled, str) else None)
        with self._search_settings(text=isinstance(compiled, str)) as cursor:
            cursor.execute(("EXPLAIN ANALYZE " if analyze else "EXPLAIN ") + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())

    @contextmanager
    def _search_settings(self, *, text: bool) -> Iterator[Any]:
        """A cursor in a savepoint with planner settings for one search, rolled back afterwards.

        ``SET LOCAL`` would otherwise last until the caller's transaction ends; rolling back the
        read-only savepoint undoes it. With a text query sequential scans are off: the planner
        does not cost detoasting ``full_vector`` and would pick a scan 25x slower for common
        terms. JIT is off because that inflated cost would otherwise trigger compilation.
        """
        with transaction.atomic(using=self.database), self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('work_mem', %s, true), set_config('enable_seqscan', %s, true), "
                "set_config('jit', 'off', true)",
                [self.work_mem, "off" if text else "on"],
            )
            try:
                yield cursor
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
