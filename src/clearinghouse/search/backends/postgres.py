"""PostgreSQL full-text search backend: one table, tsvector/GIN matching, ranking and facets in SQL.

Terms arrive analysed (stemmed, folded) from Python, so PostgreSQL stores and queries them verbatim:
vectors and queries are written as ``tsvector``/``tsquery`` literals (each lexeme quoted) and cast,
never passed through ``to_tsvector``/``to_tsquery``, whose parser would split a term such as
``o'brien`` or re-tokenise scripts with combining marks. That is the ``'simple'`` configuration
without its parser: no stemming, no stop words, no re-tokenising.

Each document has two vectors. ``full_vector`` (title + every term, file text included) decides
*whether* a document matches, through its GIN index; ``compact_vector`` (title weight A, metadata
and abstract weight B) decides *how well*: ``ts_rank_cd`` on full texts measured 25-60x slower.
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

from collections.abc import Callable, Iterable, Iterator, Sequence
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

TABLE = "search_document"
# Identifiers come from this fixed mapping only; request fields are looked up in it, never quoted.
FACET_COLUMNS: dict[str, str] = {field: f"facet_{field}" for field in FACET_FIELDS}
# The year facet lists every year (a timeline), other facets their ``facet_limit`` largest values.
UNLIMITED_FACETS = frozenset({"year"})

POSTGRES_DDL: list[str] = [
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    record_id bigint PRIMARY KEY,
    compact_vector tsvector NOT NULL,
    full_vector tsvector NOT NULL,
    {", ".join(f"{column} text[] NOT NULL DEFAULT '{{}}'" for column in FACET_COLUMNS.values())},
    year integer,
    sort_title text NOT NULL DEFAULT '',
    tier text NOT NULL,
    status text NOT NULL,
    groups bigint[] NOT NULL DEFAULT '{{}}',
    embargo_until timestamptz
)""",
    # Ranking reads compact_vector for every match: keep it compressed in the row rather than
    # out of line, so a term found in most documents costs no TOAST lookups per row.
    f"ALTER TABLE {TABLE} ALTER COLUMN compact_vector SET STORAGE MAIN",
    # full_vector is read only to recheck phrases; lz4 decompresses several times faster than pglz.
    f"ALTER TABLE {TABLE} ALTER COLUMN full_vector SET COMPRESSION lz4",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_full_gin ON {TABLE} USING gin (full_vector)",
    *(
        f"CREATE INDEX IF NOT EXISTS {TABLE}_{column}_gin ON {TABLE} USING gin ({column})"
        for column in FACET_COLUMNS.values()
    ),
]


def install_schema(connection: Any) -> None:
    """Create the search table and its indexes on ``connection``; idempotent, run by a migration."""
    with connection.cursor() as cursor:
        for statement in POSTGRES_DDL:
            cursor.execute(statement)


# --- vectors -------------------------------------------------------------------------------

MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
MAX_LEXEME_BYTES = 2047
# PostgreSQL refuses a tsvector whose lexemes and positions take over 1,048,575 bytes.
MAX_VECTOR_BYTES = 1_040_000


def usable_lexeme(term: str) -> bool:
    """Whether PostgreSQL can store ``term`` as one lexeme."""
    return bool(term) and "\x00" not in term and len(term.encode()) <= MAX_LEXEME_BYTES


def quote_lexeme(term: str) -> str:
    """``term`` quoted for a tsvector/tsquery literal: quotes doubled, backslashes escaped."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(parts: Sequence[tuple[Sequence[str], str]]) -> str:
    """A tsvector literal of ``(terms, weight)`` parts laid out one after another.

    A one-position gap separates the parts so that a phrase never spans, say, the end of the
    title and the start of the body. Past 16383 positions wrap around (see the module docstring).
    """
    positions: dict[str, dict[int, str]] = {}
    budget = MAX_VECTOR_BYTES
    position = 0
    for terms, weight in parts:
        suffix = "" if weight == "D" else weight
        if position:
            position += 1
        for term in terms:
            position += 1
            wrapped = (position - 1) % MAX_POSITION + 1
            entry = positions.get(term)
            if entry is None:
                # PostgreSQL counts each lexeme short-aligned, plus a position count and positions.
                cost = len(term.encode()) + len(term.encode()) % 2 + 4
                if cost > budget or not usable_lexeme(term):
                    continue
                positions[term] = entry = {}
            elif len(entry) >= MAX_POSITIONS_PER_LEXEME or wrapped in entry:
                continue
            else:
                cost = 2
                if cost > budget:
                    continue
            budget -= cost
            entry[wrapped] = suffix
    return " ".join(
        f"{quote_lexeme(term)}:{','.join(f'{p}{w}' for p, w in sorted(entry.items()))}"
        for term, entry in positions.items()
    )


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


_ORDER_BY = {
    "relevance": "rank DESC, record_id",
    "newest": 'year DESC NULLS LAST, sort_title COLLATE "C", record_id',
    "title": 'sort_title COLLATE "C", record_id',
}


def search_sql(request: SearchRequest, tsquery: str | None) -> tuple[str, dict[str, Any]]:
    """One statement returning the total, the page of hits and every facet count.

    Rows are ``(part, ord, num, score, value)``: part 0 is the total (``num``), part 1 a hit
    (``ord`` its place on the page, ``num`` its record id, ``score`` its rank), part 2 a facet
    value (``ord`` the index of its field in FACET_FIELDS, ``num`` its count).
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
        where += [
            "d.status = ANY(%(statuses)s::text[])",
            "(d.tier = ANY(%(tiers)s::text[])"
            " OR (d.tier = 'restricted' AND d.groups && %(group_ids)s::bigint[]))",
            "(d.embargo_until IS NULL OR d.embargo_until <= %(now)s)",
        ]
    for number, (field, value) in enumerate(request.filters):
        if field in FACET_COLUMNS:
            params[f"filter{number}"] = [value]
            where.append(f"d.{FACET_COLUMNS[field]} @> %(filter{number})s::text[]")

    facets = [field for field in FACET_FIELDS if field in request.facets]
    ranked_here = tsquery is not None and request.sort == "relevance"
    rank = "ts_rank_cd(d.compact_vector, %(q)s::tsquery)" if ranked_here else "0::real"
    matched_columns = [
        "d.record_id",
        f"{rank} AS rank",
        "d.year",
        "d.sort_title",
        *(f"d.{FACET_COLUMNS[field]}" for field in facets),
    ]
    if tsquery is not None and not ranked_here:
        # Sorted by year or title: rank only the page, not the whole matching set.
        hit_score = "ts_rank_cd(d.compact_vector, %(q)s::tsquery)::float8"
        hit_source = "page p JOIN search_document d ON d.record_id = p.record_id"
    else:
        hit_score = "p.rank::float8"
        hit_source = "page p"
    order_by = _ORDER_BY[request.sort]
    page_order = ", ".join(f"p.{term}" for term in order_by.split(", "))

    facet_selects = [
        f"SELECT {FACET_FIELDS.index(field)} AS f, v, count(*) AS n "  # noqa: S608 -- constants
        f"FROM matched m CROSS JOIN LATERAL unnest(m.{FACET_COLUMNS[field]}) AS v GROUP BY v"
        for field in facets
    ]
    unlimited = [str(FACET_FIELDS.index(field)) for field in facets if field in UNLIMITED_FACETS]
    facet_keep = "rn <= %(facet_limit)s" + (
        f" OR f IN ({', '.join(unlimited)})" if unlimited else ""
    )
    facet_part = (
        f"""
UNION ALL
SELECT 2, f, n, NULL, v FROM (
    SELECT f, v, n, row_number() OVER (PARTITION BY f ORDER BY n DESC, v COLLATE "C") AS rn
    FROM ({" UNION ALL ".join(facet_selects)}) AS counts
) AS ranked WHERE {facet_keep}"""  # noqa: S608 -- identifiers and numbers are constants
        if facets
        else ""
    )
    sql = f"""
WITH matched AS MATERIALIZED (
    SELECT {", ".join(matched_columns)}
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

_UPSERT_COLUMNS = [
    "record_id",
    "compact_vector",
    "full_vector",
    *FACET_COLUMNS.values(),
    "year",
    "sort_title",
    "tier",
    "status",
    "groups",
    "embargo_until",
]
_CASTS = {"compact_vector": "::tsvector", "full_vector": "::tsvector", "groups": "::bigint[]"}
UPSERT_SQL = (
    f"INSERT INTO {TABLE} ({', '.join(_UPSERT_COLUMNS)}) VALUES ("  # noqa: S608 -- constants
    + ", ".join(
        f"%({c})s{_CASTS.get(c, '::text[]' if c.startswith('facet_') else '')}"
        for c in _UPSERT_COLUMNS
    )
    + ") ON CONFLICT (record_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _UPSERT_COLUMNS[1:])
)
BATCH_DOCUMENTS = 500
BATCH_BYTES = 16_000_000


def document_row(document: IndexDocument) -> dict[str, Any]:
    """The parameters of one ``search_document`` row."""
    row: dict[str, Any] = {
        "record_id": document.record_id,
        "compact_vector": tsvector_literal(
            ((document.title_terms, "A"), (document.compact_terms, "B"))
        ),
        "full_vector": tsvector_literal(((document.title_terms, "A"), (document.full_terms, "D"))),
        "year": document.year,
        "sort_title": document.sort_title,
        "tier": document.access.tier,
        "status": document.access.status,
        "groups": sorted(set(document.access.groups)),
        "embargo_until": document.access.embargo_until,
    }
    for field, column in FACET_COLUMNS.items():
        row[column] = sorted({str(value) for value in document.facets.get(field, ())})
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
                cursor.executemany(UPSERT_SQL, batch)
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
                cursor.executemany(UPSERT_SQL, batch)
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
                counts[FACET_FIELDS[ord_]].append((value, num))
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
        expected = set(_UPSERT_COLUMNS)
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = %s",
                    [TABLE],
                )
                present = {row[0] for row in cursor.fetchall()}
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
        return []
