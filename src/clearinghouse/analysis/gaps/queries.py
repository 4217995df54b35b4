"""Filling a ``GapMatrix`` from the database, for one viewer (the selectors of C6).

Everything starts from ``catalog.policies.filter_records(actor)``: the matrix, the
recommendations and the drill-down only ever count what the viewer may see, and only
published material. The cell counts come from one grouped SQL query over the
record ↔ concept relation joined three times (audience, topic, purpose), grouped by
(audience, topic, purpose, year): Python then weighs a few thousand groups, never the
records themselves. Effectiveness scores are fetched in bulk and only reviewed
records are looked at one by one (their links, to correct their cells' weights).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Q, QuerySet

from clearinghouse.catalog.models import Record, RecordCreator, RecordText
from clearinghouse.catalog.policies import filter_records
from clearinghouse.core.policy import Actor
from clearinghouse.directory.models import Agent
from clearinghouse.vocabularies.lookups import vocabulary_cache
from clearinghouse.vocabularies.models import Concept

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


def grouped_sql(
    queryset: QuerySet[Record], ids: dict[str, list[int]], *, by_year: bool = True
) -> tuple[str, list]:
    """The one grouped query: (audience id, topic id, purpose id[, year], count)."""
    records = Record._meta.db_table
    links = Links._meta.db_table
    visible_sql, visible_params = _subquery(queryset)
    marks = {s: ", ".join(["%s"] * len(ids[s])) for s in AXES}
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


def _reviewed_corrections(
    matrix: GapMatrix,
    scores: dict[int, float],
    code_of: dict[int, tuple[str, str]],
    config: GapSettings,
) -> None:
    """Reviewed records count by their own score, not the unreviewed default.

    ``scores`` only holds records the actor may see (``_effectiveness`` took them from the
    visible queryset)."""
    reviewed = sorted(scores)
    for chunk in _chunks(reviewed):
        rows = Links.objects.filter(record_id__in=chunk, concept_id__in=list(code_of)).values_list(
            "record_id", "concept_id", "record__year"
        )
        per_record: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        years: dict[int, int | None] = {}
        for record_id, concept_id, year in rows:
            scheme, code = code_of[concept_id]
            per_record[record_id][scheme].append(code)
            years[record_id] = year
        for record_id, codes in per_record.items():
            delta = recency(years[record_id], config) * (
                quality(scores[record_id], config) - quality(None, config)
            )
            for a in codes["audience"]:
                for t in codes["topic"]:
                    for p in codes["purpose"]:
                        matrix.cell(p, a, t).raw += delta


def _advisers(
    actor: Actor, topic_ids: dict[str, int], limit: int
) -> dict[str, list[tuple[int, str]]]:
    """Per topic, the organisations and people credited on the most visible published
    material about it (any audience, any language): who to ask."""
    if not topic_ids or limit <= 0:
        return {}
    visible = filter_records(actor).filter(status=Record.Status.PUBLISHED).order_by()
    visible_sql, visible_params = _subquery(visible)
    code_of = {pk: code for code, pk in topic_ids.items()}
    marks = ", ".join(["%s"] * len(code_of))
    sql = (
        "SELECT t.concept_id, c.agent_id, COUNT(DISTINCT c.record_id) "  # noqa: S608
        f"FROM {RecordCreator._meta.db_table} c "
        f"JOIN {Links._meta.db_table} t ON t.record_id = c.record_id "
        f"AND +t.concept_id IN ({marks}) "
        f"WHERE c.agent_id IS NOT NULL AND c.record_id IN ({visible_sql}) "
        "GROUP BY t.concept_id, c.agent_id"
    )
    ranked: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for concept_id, agent_id, n in _run(sql, [*code_of, *visible_params]):
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
    queryset = visible_records(actor, filters)

    default_quality = quality(None, config)
    for a_id, t_id, p_id, year, n in _run(*grouped_sql(queryset, ids)):
        cell = matrix.cell(code_of[p_id][1], code_of[a_id][1], code_of[t_id][1])
        cell.count += n
        cell.raw += n * recency(year, config) * default_quality

    scores = _effectiveness(queryset)
    if scores:
        _reviewed_corrections(matrix, scores, code_of, config)

    all_languages = None
    if filters.language:
        wider = visible_records(actor, filters.without_language())
        all_languages = {
            (code_of[p][1], code_of[a][1], code_of[t][1]): n
            for a, t, p, n in _run(*grouped_sql(wider, ids, by_year=False))
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
