"""The Appendix C matrix as a living view (C6): audiences × framework columns.

Filled from the current annotation version of every record the viewer may see
(through the one record policy), so the public and an analyst see different
counts when restricted material exists, and nothing of what is hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from clearinghouse.catalog.models import Record
from clearinghouse.catalog.policies import filter_records
from clearinghouse.core.policy import Actor
from clearinghouse.vocabularies.lookups import vocabulary_cache
from clearinghouse.vocabularies.models import Concept

from .models import Annotation, AnnotationVersion
from .rubric import FRAMEWORK_COLUMNS, FRAMEWORK_PARTS
from .selectors import best_practice_ids

#: How many best-practice titles an audience row lists.
BEST_PRACTICE_LIMIT = 5


@dataclass
class FrameworkRow:
    code: str
    label: str
    materials: int = 0
    cells: list[int] = field(default_factory=list)
    best_practices: list[tuple[int, str]] = field(default_factory=list)
    best_practice_count: int = 0


@dataclass
class FrameworkMatrix:
    columns: list[tuple[str, str, str]]
    parts: list[tuple[str, str]]
    rows: list[FrameworkRow]
    annotated: int


def _current_versions(actor: Actor) -> dict[int, tuple[int, dict]]:
    """{version id: (record id, framework)} of the annotations of visible records."""
    visible = filter_records(actor, Record.objects.all()).values("pk")
    current = Annotation.objects.filter(record__in=visible, current__isnull=False).values(
        "current_id"
    )
    return {
        pk: (record_id, framework or {})
        for pk, record_id, framework in AnnotationVersion.objects.filter(
            pk__in=current
        ).values_list("pk", "annotation__record_id", "framework")
    }


def framework_matrix(actor: Actor, language: str) -> FrameworkMatrix:
    versions = _current_versions(actor)
    through = AnnotationVersion.audiences.through
    by_audience: dict[int, set[int]] = {}
    for version_id, concept_id in through.objects.filter(
        annotationversion_id__in=list(versions)
    ).values_list("annotationversion_id", "concept_id"):
        by_audience.setdefault(concept_id, set()).add(version_id)
    record_ids = {record_id for record_id, _framework in versions.values()}
    best = best_practice_ids(record_ids)
    titles = _titles(best, language)
    cells = [(c, p) for c, _l, _q in FRAMEWORK_COLUMNS for p, _pl in FRAMEWORK_PARTS]
    rows = []
    for concept_id, code in (
        Concept.objects.filter(scheme_id="audience")
        .order_by("position", "code")
        .values_list("pk", "code")
    ):
        members = by_audience.get(concept_id, set())
        row = FrameworkRow(code=code, label=vocabulary_cache.label("audience", code, language))
        row.materials = len(members)
        row.cells = [
            sum(1 for v in members if str(versions[v][1].get(c, {}).get(p, "")).strip())
            for c, p in cells
        ]
        row_best = sorted({versions[v][0] for v in members} & best)
        row.best_practice_count = len(row_best)
        row.best_practices = [(pk, titles.get(pk, "")) for pk in row_best[:BEST_PRACTICE_LIMIT]]
        rows.append(row)
    return FrameworkMatrix(
        columns=[(c, str(label), str(question)) for c, label, question in FRAMEWORK_COLUMNS],
        parts=[(p, str(label)) for p, label in FRAMEWORK_PARTS],
        rows=rows,
        annotated=len(record_ids),
    )


def _titles(record_ids: set[int], language: str) -> dict[int, str]:
    """Titles of the given (already visible) records in the reader's language or original."""
    if not record_ids:
        return {}
    titles: dict[int, str] = {}
    rows = (
        Record.objects.filter(pk__in=record_ids)
        .values_list("pk", "texts__language", "texts__title", "texts__is_original")
        .filter(Q(texts__is_original=True) | Q(texts__language=language))
    )
    for pk, text_language, title, _original in rows:
        if text_language == language or pk not in titles:
            titles[pk] = title
    return titles
