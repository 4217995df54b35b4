"""The PostgreSQL backend's SQL: tsquery compilation and the one search statement.

``search_sql`` returns the total, the page of hits and every facet count in one statement;
``compile_tsquery`` turns an analysed query tree into a tsquery literal (see ``postgres``
for why terms are quoted lexemes and never re-parsed).
"""

from __future__ import annotations

from typing import Any

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
from ..types import FACET_FIELDS, SearchRequest
from .postgres_vectors import quote_lexeme, usable_lexeme

TABLE = "search_document"
# Facet values ("field:value" keys) numbered once: rows keep arrays of these small integers,
# which PostgreSQL unnests and counts 2-3x faster than arrays of text (measured in bench/).
FACET_TABLE = "search_facet_value"
# The year facet lists every year (a timeline), other facets their ``facet_limit`` largest values.
UNLIMITED_FACETS = frozenset({"year"})


def facet_key(field: str, value: str) -> str:
    """One facet value as numbered in ``search_facet_value``: ``field:value`` (fields have no
    colon)."""
    return f"{field}:{value}"


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
