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

from ..tree import (
    AndQ,
    MatchAllQ,
    MatchNoneQ,
    Node,
    NotQ,
    OrQ,
    PhraseQ,
    PrefixQ,
    TermQ,
)
from ..types import FACET_FIELDS, Hit, IndexDocument, SearchRequest, SearchResult
from .base import SearchBackend
from .postgres_vectors import (
    quote_lexeme,
    tsvector_literal,
    usable_lexeme,
)

TABLE = "search_document"
# Facet values ("field:value" keys) numbered once: rows keep arrays of these small integers,
# which PostgreSQL unnests and counts 2-3x faster than arrays of text (measured in bench/).
FACET_TABLE = "search_facet_value"
# The year facet lists every year (a timeline), other facets their ``facet_limit`` largest values.
UNLIMITED_FACETS = frozenset({"year"})

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


def facet_key(field: str, value: str) -> str:
    """One facet value as numbered in ``search_facet_value``: ``field:value`` (fields have no
    colon)."""
    return f"{field}:{value}"


def install_schema(connection: Any) -> None:
    """Create the search table and its indexes on ``connection``; idempotent, run by a migration."""
    with connection.cursor() as cursor:
        for statement in POSTGRES_DDL:
            cursor.execute(statement)


# --- queries -------------------------------------------------------------------------------

Compiled = str | MatchAllQ | MatchNoneQ


def compile_tsquery(node: Node) -> Compiled:
    """The tsquery literal of an analysed tree, or MatchAllQ/MatchNoneQ if it needs no text test."""
    match node:
        case TermQ(variants=variants):
            lexemes = [quote_lexeme(v) for v in dict.fromkeys(variants) if usable_lexeme(v)]
            return _join(lexemes, " | ") if lexemes else MatchNoneQ()
        case PhraseQ(terms=terms):
            if not terms or not all(usable_lexeme(t) for t in terms):
                return MatchNoneQ()
            return " <-> ".join(quote_lexeme(t) for t in terms)
        case PrefixQ(prefixes=prefixes):
            lexemes = [f"{quote_lexeme(p)}:*" for p in dict.fromkeys(prefixes) if usable_lexeme(p)]
            return _join(lexemes, " | ") if lexemes else MatchNoneQ()
        case AndQ(children=children):
            parts: list[str] = []
            for child in children:
                compiled = compile_tsquery(child)
                if isinstance(compiled, MatchNoneQ):
                    return compiled
                if isinstance(compiled, str):
                    parts.append(compiled)
            return _join(parts, " & ") if parts else MatchAllQ()
        case OrQ(children=children):
            parts = []
            for child in children:
                compiled = compile_tsquery(child)
                if isinstance(compiled, MatchAllQ):
                    return compiled
                if isinstance(compiled, str):
                    parts.append(compiled)
            return _join(parts, " | ") if parts else MatchNoneQ()
        case NotQ(child=child):
            compiled = compile_tsquery(child)
            if isinstance(compiled, MatchAllQ):
                return MatchNoneQ()
            if isinstance(compiled, MatchNoneQ):
                return MatchAllQ()
            return f"!({compiled})"
        case MatchAllQ() | MatchNoneQ():
            return node
    raise TypeError(f"cannot compile {type(node).__name__}: analyse the query tree first")


def _join(parts: list[str], operator: str) -> str:
    return parts[0] if len(parts) == 1 else operator.join(f"({part})" for part in parts)


# Weights of D, C, B, A in ranking: title A, metadata and abstract B, and the vocabulary labels
# of the record's concepts D, so a record found only through another language's label ranks
# below every record that matches in its own title or metadata.
RANK = "ts_rank_cd('{0.01, 0.2, 0.4, 1.0}'::float4[], d.compact_vector, %(q)s::tsquery)"

_ORDER_BY = {
    "relevance": "rank DESC, record_id",
    "newest": 'year DESC NULLS LAST, sort_title COLLATE "C", record_id',
    "title": 'sort_title COLLATE "C", record_id',
}


def search_sql(request: SearchRequest, tsquery: str | None) -> tuple[str, dict[str, Any]]:
    """One statement returning the total, the page of hits and every facet count.

    Rows are ``(part, ord, num, score, value)``: part 0 is the total (``num``), part 1 a hit
    (``ord`` its place on the page, ``num`` its record id, ``score`` its rank), part 2 a facet
    value (``value`` its facet key, ``num`` its count).
    """
    if request.sort not in _ORDER_BY:
        raise ValueError(f"unknown sort {request.sort!r}")
    params: dict[str, Any] = {
        "limit": max(request.limit, 0),
        "offset": max(request.offset, 0),
        "facet_limit": max(request.facet_limit, 0),
    }
    where: list[str] = []
    if tsquery is not None:
        params["q"] = tsquery
        where.append("d.full_vector @@ %(q)s::tsquery")
    access = request.access
    if access is not None and not access.allow_all:
        params |= {
            "statuses": sorted(access.statuses),
            "tiers": sorted(access.tiers),
            "group_ids": sorted(access.group_ids),
            "now": access.now,
        }
        rule = (
            "d.status = ANY(%(statuses)s::text[])"
            " AND (d.tier = ANY(%(tiers)s::text[])"
            " OR (d.tier = 'restricted' AND d.groups && %(group_ids)s::bigint[]))"
            " AND (d.embargo_until IS NULL OR d.embargo_until <= %(now)s)"
        )
        if access.record_ids:
            # Records opened one by one (grants, a partner's own submissions).
            params["record_ids"] = sorted(access.record_ids)
            rule = f"({rule}) OR d.record_id = ANY(%(record_ids)s::bigint[])"
        where.append(f"({rule})")
    filter_keys = sorted({facet_key(f, v) for f, v in request.filters if f in FACET_FIELDS})
    if filter_keys:
        params["filters"] = filter_keys
        # An unknown value becomes id 0, which no row holds: the filter then matches nothing.
        where.append(
            f"d.facet_ids @> ARRAY(SELECT coalesce((SELECT v.id FROM {FACET_TABLE} v"  # noqa: S608
            " WHERE v.key = f), 0) FROM unnest(%(filters)s::text[]) AS f)"
        )

    facets = [field for field in FACET_FIELDS if field in request.facets]
    ranked_here = tsquery is not None and request.sort == "relevance"
    rank = RANK if ranked_here else "0::real"
    facet_column = ", d.facet_ids" if facets else ""
    if tsquery is not None and not ranked_here:
        # Sorted by year or title: rank only the page, not the whole matching set.
        hit_score = f"{RANK}::float8"
        hit_source = "page p JOIN search_document d ON d.record_id = p.record_id"
    else:
        hit_score = "p.rank::float8"
        hit_source = "page p"
    order_by = _ORDER_BY[request.sort]
    page_order = ", ".join(f"p.{term}" for term in order_by.split(", "))
    facet_part = ""
    if facets:
        params["unlimited"] = sorted(UNLIMITED_FACETS)
        wanted = ""
        if len(facets) < len(FACET_FIELDS):
            params["facets"] = facets
            wanted = "WHERE field = ANY(%(facets)s::text[])"
        # One unnest and one hash aggregate of integers for all fields (2-4x faster than a
        # branch per field, 2-3x faster than text keys); only the few hundred counted values
        # are then looked up by id.
        facet_part = f"""
UNION ALL
SELECT 2, 0, n, NULL, key FROM (
    SELECT key, n, field,
           row_number() OVER (PARTITION BY field ORDER BY n DESC, key COLLATE "C") AS rn
    FROM (
        SELECT v.key, split_part(v.key, ':', 1) AS field, counts.n
        FROM (
            SELECT id, count(*) AS n
            FROM (SELECT unnest(m.facet_ids) AS id FROM matched m) AS ids GROUP BY id
        ) AS counts
        JOIN {FACET_TABLE} v ON v.id = counts.id
    ) AS counts
    {wanted}
) AS ranked
WHERE rn <= %(facet_limit)s OR field = ANY(%(unlimited)s::text[])"""  # noqa: S608 -- constant
    sql = f"""
WITH matched AS MATERIALIZED (
    SELECT d.record_id, {rank} AS rank, d.year, d.sort_title{facet_column}
    FROM search_document d
    WHERE {" AND ".join(where) or "TRUE"}
),
page AS (
    SELECT * FROM matched ORDER BY {order_by} LIMIT %(limit)s OFFSET %(offset)s
)
SELECT 0 AS part, 0::bigint AS ord, (SELECT count(*) FROM matched) AS num,
       NULL::float8 AS score, NULL::text AS value
UNION ALL
SELECT 1, row_number() OVER (ORDER BY {page_order}), p.record_id, {hit_score}, NULL
FROM {hit_source}{facet_part}"""  # noqa: S608 -- identifiers are constants; values are parameters
    return sql, params


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
