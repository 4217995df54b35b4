"""Filling a ``GapMatrix`` from the database, for one viewer (the selectors of C6).

Everything starts from ``catalog.policies.filter_records(actor)``: the matrix, the
recommendations and the drill-down only ever count what the viewer may see, and only
published material. The cell counts come from the coverage tables (``coverage``), kept
from the index outbox: one grouped read of (audience, topic, purpose, year) counts per
access class the viewer's rule allows, or of the member rows of the visible records when
the slice filters by language, region or resource type. Python then weighs a few thousand
groups, never the records themselves. Effectiveness scores are fetched in bulk and only
reviewed records are looked at one by one (their member rows, to correct their cells'
weights).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Q, QuerySet

from clearinghouse.catalog.models import Record, RecordText
from clearinghouse.catalog.policies import access_filter, filter_records
from clearinghouse.core.policy import Actor
from clearinghouse.directory.models import Agent
from clearinghouse.vocabularies.lookups import vocabulary_cache
from clearinghouse.vocabularies.models import Concept

from ..models import (
    CoverageCount,
    CoverageCredit,
    CoverageCreditCount,
    CoverageLanguage,
    CoverageLanguageCount,
    CoverageMember,
)
from . import coverage
from .matrix import DEVELOP, Axis, Gap, GapFilters, GapMatrix, neighbours_of, recommend
from .weights import GapSettings, quality, recency

AXES = ("audience", "topic", "purpose")
_CHUNK = 900  # ids per IN (...) list: far below every database's parameter limit
Links = Record.concepts.through


def visible_records(actor: Actor, filters: GapFilters) -> QuerySet[Record]:
    """The published records ``actor`` may see, narrowed to the slice (purpose excepted:
    the matrix splits by purpose instead)."""
    queryset = filter_records(actor).filter(status=Record.Status.PUBLISHED)
    if filters.language:
        lang = filters.language
        queryset = queryset.filter(
            Q(original_language__iexact=lang)
            | Q(pk__in=RecordText.objects.filter(language__iexact=lang).values("record_id"))
            | Q(
                pk__in=Links.objects.filter(
                    concept__scheme_id="language", concept__code__iexact=lang
                ).values("record_id")
            )
        )
    if filters.region:
        queryset = queryset.filter(
            pk__in=Links.objects.filter(
                concept__scheme_id="region", concept__code=filters.region
            ).values("record_id")
        )
    if filters.resource_type:
        queryset = queryset.filter(
            resource_type__scheme_id="resource_type", resource_type__code=filters.resource_type
        )
    if filters.year_from:
        queryset = queryset.filter(year__gte=filters.year_from)
    if filters.year_to:
        queryset = queryset.filter(year__lte=filters.year_to)
    return queryset.order_by()


def _axes(config: GapSettings, filters: GapFilters, language: str) -> dict[str, list[Axis]]:
    """Rows, columns and tables in vocabulary order, with their database ids."""
    wanted = {"audience": config.audiences, "topic": config.topics}
    rows = Concept.objects.filter(scheme_id__in=AXES).values_list(
        "pk", "scheme_id", "code", "broader__code", "position"
    )
    found: dict[str, list[tuple[int, int, Axis]]] = defaultdict(list)
    for pk, scheme, code, broader, position in sorted(rows, key=lambda r: (r[4], r[2])):
        chosen = wanted.get(scheme)
        if chosen is not None and code not in chosen:
            continue
        if scheme == "purpose" and filters.purpose and code != filters.purpose:
            continue
        label = vocabulary_cache.label(scheme, code, language)
        found[scheme].append((pk, position, Axis(code, label, broader or "")))
    return {scheme: found.get(scheme, []) for scheme in AXES}


def _subquery(queryset: QuerySet[Record]) -> tuple[str, tuple]:
    sql, params = queryset.values("pk").query.sql_with_params()
    return sql, tuple(params)


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def links_grouped_sql(
    queryset: QuerySet[Record], ids: dict[str, list[int]], *, by_year: bool = True
) -> tuple[str, list]:
    """The same counts straight from the record ↔ concept relation, joined three times:
    what the coverage tables save (the benchmark times it beside them)."""
    records = Record._meta.db_table
    links = Links._meta.db_table
    visible_sql, visible_params = _subquery(queryset)
    marks = {s: _marks(ids[s]) for s in AXES}
    year = ", r.year" if by_year else ""
    # Table names come from the models and every value is a bound parameter.
    # "+col IN (…)" keeps SQLite walking each record's links by record id instead of
    # probing the index once per concept id (several times slower); PostgreSQL reads the
    # same expression as a plain integer.
    sql = (
        f"SELECT a.concept_id, t.concept_id, p.concept_id{year}, COUNT(*) "  # noqa: S608
        f"FROM {records} r "
        f"JOIN {links} a ON a.record_id = r.id AND +a.concept_id IN ({marks['audience']}) "
        f"JOIN {links} t ON t.record_id = r.id AND +t.concept_id IN ({marks['topic']}) "
        f"JOIN {links} p ON p.record_id = r.id AND +p.concept_id IN ({marks['purpose']}) "
        f"WHERE r.id IN ({visible_sql}) "
        f"GROUP BY a.concept_id, t.concept_id, p.concept_id{year}"
    )
    return sql, [*ids["audience"], *ids["topic"], *ids["purpose"], *visible_params]


def _axes_where(ids: dict[str, list[int]], prefix: str = "") -> str:
    return " AND ".join(f"{prefix}{s}_id IN ({_marks(ids[s])})" for s in AXES)


def grouped_sql(
    actor: Actor, filters: GapFilters, ids: dict[str, list[int]], *, by_year: bool = True
) -> list[tuple[str, list]]:
    """The grouped reads that count the cells: rows of (audience id, topic id, purpose id
    [, year], count), to be summed. Call ``coverage.sync()`` first.

    With a region or resource-type filter: the member rows of the records
    ``visible_records`` returns (the policy's queryset). Otherwise: the counts (per language,
    with a language filter) of the access classes the viewer's rule allows, plus the member
    rows of records opened to the viewer one by one that no allowed class holds (see
    ``coverage``)."""
    members = CoverageMember._meta.db_table
    group = "audience_id, topic_id, purpose_id" + (", year" if by_year else "")
    axes = _axes_where(ids)
    axes_params = [*ids["audience"], *ids["topic"], *ids["purpose"]]
    if filters.region or filters.resource_type:
        visible_sql, visible_params = _subquery(visible_records(actor, filters))
        # "+col": seek by record only; SQLite would otherwise probe the covering index once
        # per record × audience × topic × purpose.
        by_record = _axes_where(ids, prefix="+")
        sql = (
            f"SELECT {group}, COUNT(*) FROM {members} "  # noqa: S608 -- names from the models
            f"WHERE {by_record} AND record_id IN ({visible_sql}) GROUP BY {group}"
        )
        return [(sql, [*axes_params, *visible_params])]
    period, period_params = "", []
    if filters.year_from:
        period, period_params = " AND year >= %s", [filters.year_from]
    if filters.year_to:
        period, period_params = period + " AND year <= %s", [*period_params, filters.year_to]
    rule = access_filter(actor)
    count = connection.ops.quote_name("count")
    if filters.language:
        languages = CoverageLanguage._meta.db_table
        return _class_statements(
            rule,
            coverage.allowed_classes(rule),
            CoverageLanguageCount._meta.db_table,
            f"{group}, SUM({count})",
            f"language = %s AND {axes}{period} GROUP BY {group}",
            [filters.language, *axes_params, *period_params],
            per_record=(
                members,
                f"{group}, COUNT(*)",
                f"record_id IN (SELECT record_id FROM {languages} "  # noqa: S608 -- model names
                f"WHERE language = %s) AND {axes}{period} GROUP BY {group}",
            ),
        )
    return _class_statements(
        rule,
        coverage.allowed_classes(rule),
        CoverageCount._meta.db_table,
        f"{group}, SUM({count})",
        f"{axes}{period} GROUP BY {group}",
        [*axes_params, *period_params],
        per_record=(members, f"{group}, COUNT(*)", f"{axes}{period} GROUP BY {group}"),
    )


def grouped_counts(
    actor: Actor, filters: GapFilters, ids: dict[str, list[int]], *, by_year: bool = True
) -> list[tuple]:
    """The cells' counts: every row of ``grouped_sql``, summed per key."""
    statements = grouped_sql(actor, filters, ids, by_year=by_year)
    if len(statements) == 1:
        return _run(*statements[0])
    totals: dict[tuple, int] = defaultdict(int)
    for sql, params in statements:
        for *key, n in _run(sql, params):
            totals[tuple(key)] += int(n)
    return [(*key, n) for key, n in totals.items()]


def _run(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _chunks(values: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _effectiveness(queryset: QuerySet[Record]) -> dict[int, float]:
    """Scores of the visible records that have a completed review, in bulk.

    Only those ids are handed to ``effectiveness_scores`` (reviews are few; visible records
    may be 100,000); the selector still decides which reviews count and how.
    """
    from clearinghouse.analysis.models import Review
    from clearinghouse.analysis.selectors import effectiveness_scores

    reviewed = queryset.filter(
        pk__in=Review.objects.filter(status=Review.Status.COMPLETED).values("record_id")
    ).values_list("pk", flat=True)
    return effectiveness_scores(list(reviewed))


def _recencies(config: GapSettings):
    """``recency`` computed once per year within one matrix."""
    known: dict[int | None, float] = {}

    def recency_of(year: int | None) -> float:
        if year not in known:
            known[year] = recency(year, config)
        return known[year]

    return recency_of


def _reviewed_corrections(
    matrix: GapMatrix,
    scores: dict[int, float],
    code_of: dict[int, tuple[str, str]],
    config: GapSettings,
    recency_of,
) -> None:
    """Reviewed records count by their own score, not the unreviewed default.

    ``scores`` only holds records the actor may see (``_effectiveness`` took them from the
    visible queryset)."""
    default = quality(None, config)
    gain = {pk: quality(score, config) - default for pk, score in scores.items()}
    members = CoverageMember._meta.db_table
    for chunk in _chunks(sorted(scores)):
        rows = _run(
            "SELECT record_id, audience_id, topic_id, purpose_id, year "  # noqa: S608
            f"FROM {members} WHERE record_id IN ({_marks(chunk)})",
            chunk,
        )
        for record_id, a, t, p, year in rows:
            if a in code_of and t in code_of and p in code_of:
                delta = recency_of(year) * gain[record_id]
                matrix.cell(code_of[p][1], code_of[a][1], code_of[t][1]).raw += delta


def _class_statements(
    rule,
    classes: list[int],
    table: str,
    select: str,
    where: str,
    params: list,
    *,
    per_record: tuple[str, str, str] | None = None,
) -> list[tuple[str, list]]:
    """Rows of ``table`` the viewer may see: those of the allowed classes, and those of
    records opened to the viewer one by one that no allowed class holds (read with
    ``per_record``'s (table, select, where) when ``table`` has no record column; ``params``
    fill either ``where``)."""
    statements = []
    if classes:
        statements.append(
            (
                f"SELECT {select} FROM {table} "  # noqa: S608 -- names from the models
                f"WHERE coverage_class_id IN ({_marks(classes)}) AND {where}",
                [*classes, *params],
            )
        )
    others = f" AND coverage_class_id NOT IN ({_marks(classes)})" if classes else ""
    table, select, where = per_record or (table, select, where)
    for chunk in _chunks(sorted(rule.record_ids) if not rule.allow_all else []):
        statements.append(
            (
                f"SELECT {select} FROM {table} "  # noqa: S608
                f"WHERE record_id IN ({_marks(chunk)}){others} AND {where}",
                [*chunk, *classes, *params],
            )
        )
    return statements


def _advisers(
    actor: Actor, topic_ids: dict[str, int], limit: int
) -> dict[str, list[tuple[int, str]]]:
    """Per topic, the organisations and people credited on the most visible published
    material about it (any audience, any language): who to ask."""
    if not topic_ids or limit <= 0:
        return {}
    rule = access_filter(actor)
    code_of = {pk: code for code, pk in topic_ids.items()}
    counted: dict[tuple[int, int], int] = defaultdict(int)
    wanted = f"topic_id IN ({_marks(code_of)}) GROUP BY topic_id, agent_id"
    for sql, params in _class_statements(
        rule,
        coverage.allowed_classes(rule),
        CoverageCreditCount._meta.db_table,
        f"topic_id, agent_id, SUM({connection.ops.quote_name('count')})",
        wanted,
        list(code_of),
        per_record=(CoverageCredit._meta.db_table, "topic_id, agent_id, COUNT(*)", wanted),
    ):
        for topic_id, agent_id, n in _run(sql, params):
            counted[(topic_id, agent_id)] += n
    ranked: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (concept_id, agent_id), n in counted.items():
        ranked[code_of[concept_id]].append((n, agent_id))
    names = dict(
        Agent.objects.filter(
            pk__in={a for pairs in ranked.values() for _n, a in pairs}
        ).values_list("pk", "name")
    )
    result = {}
    for topic, pairs in ranked.items():
        pairs.sort(key=lambda p: (-p[0], names.get(p[1], "")))
        result[topic] = [(agent_id, names.get(agent_id, "")) for _n, agent_id in pairs[:limit]]
    return result


def compute_matrix(
    *, actor: Actor, filters: GapFilters, language: str, config: GapSettings | None = None
) -> GapMatrix:
    config = config or GapSettings.current()
    axes = _axes(config, filters, language)
    matrix = GapMatrix(
        filters=filters,
        config=config,
        language=language,
        purposes=[a for _pk, _pos, a in axes["purpose"]],
        audiences=[a for _pk, _pos, a in axes["audience"]],
        topics=[a for _pk, _pos, a in axes["topic"]],
    )
    if not all(axes[s] for s in AXES):
        return matrix
    ids = {s: [pk for pk, _pos, _a in axes[s]] for s in AXES}
    code_of = {pk: (s, a.code) for s in AXES for pk, _pos, a in axes[s]}
    coverage.sync()
    default_quality = quality(None, config)
    recency_of = _recencies(config)
    for a_id, t_id, p_id, year, n in grouped_counts(actor, filters, ids):
        cell = matrix.cell(code_of[p_id][1], code_of[a_id][1], code_of[t_id][1])
        cell.count += n
        cell.raw += n * recency_of(year) * default_quality

    scores = _effectiveness(visible_records(actor, filters))
    if scores:
        _reviewed_corrections(matrix, scores, code_of, config, recency_of)

    all_languages = None
    if filters.language:
        all_languages = {
            (code_of[p][1], code_of[a][1], code_of[t][1]): n
            for a, t, p, n in grouped_counts(actor, filters.without_language(), ids, by_year=False)
        }
    cells = [cell for *_axes, cell in matrix.iter_cells() if matrix.is_gap(cell)]
    neighbours = neighbours_of(matrix.audiences)
    first = {
        cell.key: recommend(
            matrix, cell, all_languages=all_languages, neighbours=neighbours, advisers={}
        )
        for cell in cells
    }
    # Only gaps with nothing to translate or adapt need to know who to ask.
    topic_ids = {code_of[pk][1]: pk for pk in ids["topic"]}
    wanted = {c.topic: topic_ids[c.topic] for c in cells if first[c.key].kind == DEVELOP}
    advisers = _advisers(actor, wanted, config.advisers)
    matrix.gaps = [
        Gap(
            cell,
            recommend(
                matrix, cell, all_languages=all_languages, neighbours=neighbours, advisers=advisers
            )
            if first[cell.key].kind == DEVELOP
            else first[cell.key],
        )
        for cell in cells
    ]
    return matrix


def cell_records(
    *, actor: Actor, filters: GapFilters, purpose: str, audience: str, topic: str
) -> QuerySet[Record]:
    """The materials one cell counts (the drill-down), through the same policy."""
    queryset = visible_records(actor, filters)
    for scheme, code in (("purpose", purpose), ("audience", audience), ("topic", topic)):
        queryset = queryset.filter(
            pk__in=Links.objects.filter(concept__scheme_id=scheme, concept__code=code).values(
                "record_id"
            )
        )
    return queryset
