"""The PostgreSQL backend's SQL: tsquery compilation and the one search statement.

``search_sql`` returns the total, the page of hits and every facet count in one statement;
``compile_tsquery`` turns an analysed query tree into a tsquery literal (see ``postgres``
for why terms are quoted lexemes and never re-parsed).
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from ..pairs import PAIR_SEPARATOR, common_pairs
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
from ..types import FACET_FIELDS, AccessFilter, SearchRequest
from .postgres_counts import CLASS_TABLE, COUNT_TABLE, TOTAL
from .postgres_vectors import quote_lexeme, usable_lexeme

TABLE = "search_document"
# Facet values ("field:value" keys) numbered once: rows keep arrays of these small integers,
# which PostgreSQL unnests and counts 2-3x faster than arrays of text (measured in bench/).
FACET_TABLE = "search_facet_value"
COMMON_TABLE = "search_common_term"
# The year facet lists every year (a timeline), other facets their ``facet_limit`` largest values.
UNLIMITED_FACETS = frozenset({"year"})


def facet_key(field: str, value: str) -> str:
    """One facet value as numbered in ``search_facet_value``: ``field:value`` (fields have no
    colon)."""
    return f"{field}:{value}"


# --- queries -------------------------------------------------------------------------------

Compiled = str | MatchAllQ | MatchNoneQ


def query_terms(node: Node) -> set[str]:
    """The terms and phrase terms of ``node``: the ones whose share of the index (if common)
    decides how it is counted, and whose common pairs a phrase may look up."""
    match node:
        case PhraseQ(terms=terms):
            return set(terms)
        case TermQ(variants=variants):
            return set(variants)
        case AndQ(children=children) | OrQ(children=children):
            return set().union(*(query_terms(child) for child in children))
        case NotQ(child=child):
            return query_terms(child)
    return set()


def estimated_share(node: Node, shares: dict[str, float]) -> float:
    """A rough share of the documents ``node`` matches, from the common terms' shares of the
    last rebuild's sample (a term that is not common counts as rare). It only chooses how
    facets are counted; both ways give the same counts."""
    match node:
        case TermQ(variants=variants):
            return max((shares.get(v, 0.0) for v in variants), default=0.0)
        case AndQ(children=children):
            return min((estimated_share(child, shares) for child in children), default=1.0)
        case OrQ(children=children):
            return min(1.0, sum(estimated_share(child, shares) for child in children))
        case NotQ(child=child):
            return 1.0 - estimated_share(child, shares)
        case MatchAllQ():
            return 1.0
    return 0.0  # phrases, prefixes, nothing


def compile_tsquery(node: Node, common: Container[str] = ()) -> Compiled:
    """The tsquery literal of an analysed tree, or MatchAllQ/MatchNoneQ if it needs no text test.

    ``common`` are the index's common terms (``..pairs``): every document holds the pairs of
    its adjacent common terms as lexemes, so a two-term phrase of common terms is its pair
    lexeme (no positions to check), and a longer one first requires its pairs, leaving the
    position check to the few documents holding them all.
    """
    match node:
        case TermQ(variants=variants):
            lexemes = [quote_lexeme(v) for v in dict.fromkeys(variants) if usable_lexeme(v)]
            return _join(lexemes, " | ") if lexemes else MatchNoneQ()
        case PhraseQ(terms=terms):
            if not terms or not all(usable_lexeme(t) for t in terms):
                return MatchNoneQ()
            positional = " <-> ".join(quote_lexeme(t) for t in terms)
            pairs = [p for p in dict.fromkeys(common_pairs(terms, common)) if usable_lexeme(p)]
            if len(terms) == 2 and pairs:
                return quote_lexeme(pairs[0])
            if pairs:
                return _join([*map(quote_lexeme, pairs), positional], " & ")
            return positional
        case PrefixQ(prefixes=prefixes):
            lexemes = [f"{quote_lexeme(p)}:*" for p in dict.fromkeys(prefixes) if usable_lexeme(p)]
            return _join(lexemes, " | ") if lexemes else MatchNoneQ()
        case AndQ(children=children):
            parts: list[str] = []
            for child in children:
                compiled = compile_tsquery(child, common)
                if isinstance(compiled, MatchNoneQ):
                    return compiled
                if isinstance(compiled, str):
                    parts.append(compiled)
            return _join(parts, " & ") if parts else MatchAllQ()
        case OrQ(children=children):
            parts = []
            for child in children:
                compiled = compile_tsquery(child, common)
                if isinstance(compiled, MatchAllQ):
                    return compiled
                if isinstance(compiled, str):
                    parts.append(compiled)
            return _join(parts, " | ") if parts else MatchNoneQ()
        case NotQ(child=child):
            compiled = compile_tsquery(child, common)
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
# The compact vector holds no pairs: ranking reads the query as written (``%(rq)s``, phrases by
# position), matching reads it with its pairs (``%(q)s``). Pairs in the compact vector made it
# ~75% larger, and ranking several times slower once rows passed the ~2 kB at which PostgreSQL
# compresses them.
RANK = "ts_rank_cd('{0.01, 0.2, 0.4, 1.0}'::float4[], d.compact_vector, %(rq)s::tsquery)"

_ORDER_BY = {
    "relevance": "rank DESC, record_id",
    "newest": 'year DESC NULLS LAST, sort_title COLLATE "C", record_id',
    "title": 'sort_title COLLATE "C", record_id',
}


def access_rule(access: AccessFilter | None, params: dict[str, Any], alias: str = "d") -> str:
    """The access filter as SQL over ``alias``'s access columns (``TRUE`` for ``allow_all``),
    without ``record_ids``; adds its parameters to ``params``."""
    if access is None or access.allow_all:
        return "TRUE"
    params |= {
        "statuses": sorted(access.statuses),
        "tiers": sorted(access.tiers),
        "group_ids": sorted(access.group_ids),
        "now": access.now,
    }
    return (
        f"{alias}.status = ANY(%(statuses)s::text[])"
        f" AND ({alias}.tier = ANY(%(tiers)s::text[])"
        f" OR ({alias}.tier = 'restricted' AND {alias}.groups && %(group_ids)s::bigint[]))"
        f" AND ({alias}.embargo_until IS NULL OR {alias}.embargo_until <= %(now)s)"
    )


def _visible(access: AccessFilter | None, params: dict[str, Any]) -> str:
    """The whole access filter over ``d``: the rule, or a record opened one by one."""
    rule = access_rule(access, params)
    if access is not None and not access.allow_all and access.record_ids:
        # Records opened one by one (grants, a partner's own submissions).
        params["record_ids"] = sorted(access.record_ids)
        rule = f"({rule}) OR d.record_id = ANY(%(record_ids)s::bigint[])"
    return f"({rule})"


def _base_params(request: SearchRequest) -> dict[str, Any]:
    if request.sort not in _ORDER_BY:
        raise ValueError(f"unknown sort {request.sort!r}")
    return {
        "limit": max(request.limit, 0),
        "offset": max(request.offset, 0),
        "facet_limit": max(request.facet_limit, 0),
    }


def _facet_part(facets: list[str], counts: str, params: dict[str, Any]) -> str:
    """``UNION ALL`` rows of part 2 from ``counts``, a subquery of ``(id, n)`` per facet value
    id: each field's ``facet_limit`` largest values, every year."""
    if not facets:
        return ""
    params["unlimited"] = sorted(UNLIMITED_FACETS)
    wanted = ""
    if len(facets) < len(FACET_FIELDS):
        params["facets"] = facets
        wanted = "WHERE field = ANY(%(facets)s::text[])"
    return f"""
UNION ALL
SELECT 2, 0, n, NULL, key FROM (
    SELECT key, n, field,
           row_number() OVER (PARTITION BY field ORDER BY n DESC, key COLLATE "C") AS rn
    FROM (
        SELECT v.key, split_part(v.key, ':', 1) AS field, counts.n
        FROM ({counts}) AS counts
        JOIN {FACET_TABLE} v ON v.id = counts.id
    ) AS counts
    {wanted}
) AS ranked
WHERE rn <= %(facet_limit)s OR field = ANY(%(unlimited)s::text[])"""  # noqa: S608 -- constant


def search_sql(
    request: SearchRequest,
    tsquery: str | None,
    *,
    rank_tsquery: str | None = None,
    complement: bool = False,
) -> tuple[str, dict[str, Any]]:
    """One statement returning the total, the page of hits and every facet count.

    Rows are ``(part, ord, num, score, value)``: part 0 is the total (``num``), part 1 a hit
    (``ord`` its place on the page, ``num`` its record id, ``score`` its rank), part 2 a facet
    value (``value`` its facet key, ``num`` its count). ``tsquery`` decides what matches,
    ``rank_tsquery`` (the same query without common pairs; default ``tsquery``) how it ranks.

    With ``complement`` (a text query without filters that matches most documents), facets
    are the kept counts of every visible document (``postgres_counts``) minus those of the
    few visible documents the query does *not* match, found through the sentinel lexeme
    every full vector holds: ``'⁣' & !(query)``, a GIN lookup without rechecks.
    """
    params = _base_params(request)
    where: list[str] = []
    if tsquery is not None:
        params["q"] = tsquery
        params["rq"] = rank_tsquery or tsquery
        where.append("d.full_vector @@ %(q)s::tsquery")
    if request.access is not None and not request.access.allow_all:
        where.append(_visible(request.access, params))
    filter_keys = sorted({facet_key(f, v) for f, v in request.filters if f in FACET_FIELDS})
    if filter_keys:
        params["filters"] = filter_keys
        # An unknown value becomes id 0, which no row holds: the filter then matches nothing.
        where.append(
            f"d.facet_ids @> ARRAY(SELECT coalesce((SELECT v.id FROM {FACET_TABLE} v"  # noqa: S608
            " WHERE v.key = f), 0) FROM unnest(%(filters)s::text[]) AS f)"
        )
    complement = complement and tsquery is not None and not filter_keys

    facets = [field for field in FACET_FIELDS if field in request.facets]
    ranked_here = tsquery is not None and request.sort == "relevance"
    rank = RANK if ranked_here else "0::real"
    facet_column = ", d.facet_ids" if facets and not complement else ""
    if tsquery is not None and not ranked_here:
        # Sorted by year or title: rank only the page, not the whole matching set.
        hit_score = f"{RANK}::float8"
        hit_source = "page p JOIN search_document d ON d.record_id = p.record_id"
    else:
        hit_score = "p.rank::float8"
        hit_source = "page p"
    order_by = _ORDER_BY[request.sort]
    page_order = ", ".join(f"p.{term}" for term in order_by.split(", "))
    kept = ""
    if complement and facets:
        params["rest"] = f"{quote_lexeme(PAIR_SEPARATOR)} & !({tsquery})"
        rest = ["d.full_vector @@ %(rest)s::tsquery", *where[1:]]
        kept = ",\n" + _kept_counts(request, params, minus=" AND ".join(rest))
        counts = f"SELECT id, n FROM counts WHERE id <> {TOTAL}"  # noqa: S608 -- constant
    else:
        # One unnest and one hash aggregate of integers for all fields (2-4x faster than a
        # branch per field, 2-3x faster than text keys); only the few hundred counted values
        # are then looked up by id.
        counts = (
            "SELECT id, count(*) AS n"
            " FROM (SELECT unnest(m.facet_ids) AS id FROM matched m) AS ids GROUP BY id"
        )
    sql = f"""
WITH matched AS MATERIALIZED (
    SELECT d.record_id, {rank} AS rank, d.year, d.sort_title{facet_column}
    FROM search_document d
    WHERE {" AND ".join(where) or "TRUE"}
),
page AS (
    SELECT * FROM matched ORDER BY {order_by} LIMIT %(limit)s OFFSET %(offset)s
){kept}
SELECT 0 AS part, 0::bigint AS ord, (SELECT count(*) FROM matched) AS num,
       NULL::float8 AS score, NULL::text AS value
UNION ALL
SELECT 1, row_number() OVER (ORDER BY {page_order}), p.record_id, {hit_score}, NULL
FROM {hit_source}{_facet_part(facets, counts, params)}"""  # noqa: S608 -- identifiers are constants; values are parameters
    return sql, params


def _kept_counts(request: SearchRequest, params: dict[str, Any], minus: str = "") -> str:
    """The CTEs ``classes`` (the access classes the rule admits), ``extra`` (records opened one
    by one outside them) and ``counts`` (``(id, n)``: facet value ids, and ``TOTAL``, counted
    over the visible documents from the kept class counts), less the rows ``minus`` selects."""
    rule = access_rule(request.access, params, "c")
    classes = f"SELECT c.id FROM {CLASS_TABLE} c WHERE {rule}"  # noqa: S608 -- constants
    extra = "SELECT NULL::integer[] AS facet_ids WHERE FALSE"
    if request.access is not None and not request.access.allow_all and request.access.record_ids:
        params["record_ids"] = sorted(request.access.record_ids)
        extra = (
            "SELECT d.facet_ids FROM search_document d"  # noqa: S608 -- constants
            " WHERE d.record_id = ANY(%(record_ids)s::bigint[])"
            " AND d.access_class NOT IN (SELECT id FROM classes)"
        )
    rest_cte = rest_part = ""
    if minus:
        rest_cte = f",\nrest AS MATERIALIZED (SELECT d.facet_ids FROM {TABLE} d WHERE {minus})"  # noqa: S608
        rest_part = f"\n    UNION ALL SELECT unnest(r.facet_ids || {TOTAL}), -1 FROM rest r"  # noqa: S608
    return f"""classes AS MATERIALIZED ({classes}),
extra AS MATERIALIZED ({extra}){rest_cte},
counts AS MATERIALIZED (
    SELECT id, sum(n)::bigint AS n FROM (
        SELECT k.facet_id AS id, k.n FROM {COUNT_TABLE} k
        WHERE k.class_id IN (SELECT id FROM classes)
        UNION ALL
        SELECT unnest(e.facet_ids || {TOTAL}), 1 FROM extra e{rest_part}
    ) AS parts
    GROUP BY id HAVING sum(n) > 0
)"""  # noqa: S608 -- identifiers are constants; values are parameters


def browse_sql(request: SearchRequest) -> tuple[str, dict[str, Any]]:
    """``search_sql`` for a request with neither text nor filters, from the counts kept per
    access class (``postgres_counts``): the classes the access rule admits are summed, and
    records opened one by one outside them are added row by row. Same rows as ``search_sql``.
    """
    params = _base_params(request)
    kept = _kept_counts(request, params)
    # Nothing is ranked: "relevance" is record order, read from the primary key's index.
    order_by = "record_id" if request.sort == "relevance" else _ORDER_BY[request.sort]
    facets = [field for field in FACET_FIELDS if field in request.facets]
    counts = f"SELECT id, n FROM counts WHERE id <> {TOTAL}"  # noqa: S608 -- constant
    sql = f"""
WITH {kept},
page AS (
    SELECT d.record_id, 0::real AS rank, d.year, d.sort_title
    FROM search_document d
    WHERE {_visible(request.access, params)}
    ORDER BY {order_by} LIMIT %(limit)s OFFSET %(offset)s
)
SELECT 0 AS part, 0::bigint AS ord, coalesce((SELECT n FROM counts WHERE id = {TOTAL}), 0)::bigint,
       NULL::float8 AS score, NULL::text AS value
UNION ALL
SELECT 1, row_number() OVER (ORDER BY {", ".join(f"p.{t}" for t in order_by.split(", "))}),
       p.record_id, 0::float8, NULL
FROM page p{_facet_part(facets, counts, params)}"""  # noqa: S608 -- identifiers are constants; values are parameters
    return sql, params
