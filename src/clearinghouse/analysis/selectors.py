"""Reads of the analysis (C5): consolidated scores, best practices, reviews and annotations.

``effectiveness_scores`` and ``best_practice_ids`` are the contract the gap analysis
relies on: bulk, one query each, whatever the number of records. Callers pass ids
they already filtered through the record access policy; the visibility of each
review (completed vs draft) is decided here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from clearinghouse.core.policy import Actor
from clearinghouse.vocabularies.labels import fallback_chain

from .models import Annotation, AnnotationText, AnnotationVersion, Review
from .rubric import FRAMEWORK_COLUMNS, RUBRIC, consolidated_score, is_best_practice

#: Postgres and SQLite limit bound parameters; ids are sent in chunks of this size.
CHUNK = 5000


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


def effectiveness_scores(record_ids: Iterable[int]) -> dict[int, float]:
    """The consolidated score in [0, 1] of each record with at least one completed review."""
    result: dict[int, float] = {}
    for chunk in _chunks(record_ids):
        rows = (
            Review.objects.filter(
                record_id__in=chunk, status=Review.Status.COMPLETED, score__isnull=False
            )
            .values("record_id")
            .annotate(mean=Avg("score"))
            .values_list("record_id", "mean")
        )
        result.update({record_id: round(float(mean), 4) for record_id, mean in rows})
    return result


def best_practice_ids(record_ids: Iterable[int]) -> set[int]:
    """Records a strict majority of whose completed reviews flag them as a best practice."""
    found: set[int] = set()
    for chunk in _chunks(record_ids):
        rows = (
            Review.objects.filter(record_id__in=chunk, status=Review.Status.COMPLETED)
            .values("record_id")
            .annotate(total=Count("id"), flagged=Count("id", filter=Q(best_practice=True)))
            .values_list("record_id", "total", "flagged")
        )
        found.update(record_id for record_id, total, flagged in rows if 2 * flagged > total)
    return found


def reviews_visible(actor: Actor, record_id: int) -> list[Review]:
    """The reviews of one (already visible) record ``actor`` may read.

    Everyone reads completed reviews; drafts are working papers for staff only.
    """
    queryset = Review.objects.filter(record_id=record_id).select_related("reviewer")
    if not actor.is_staff:
        queryset = queryset.filter(status=Review.Status.COMPLETED)
    return list(queryset.order_by("reviewed_at", "id"))


def annotation_current(record_id: int) -> AnnotationVersion | None:
    """The latest version of a record's annotation, with its texts and concepts."""
    head = Annotation.objects.filter(record_id=record_id).values_list("current_id", flat=True)
    version_id = next(iter(head), None)
    if version_id is None:
        return None
    return (
        AnnotationVersion.objects.select_related("author")
        .prefetch_related("texts", "audiences", "regions")
        .get(pk=version_id)
    )


def annotation_versions(record_id: int) -> list[AnnotationVersion]:
    """Every version of a record's annotation, newest first."""
    return list(
        AnnotationVersion.objects.filter(annotation__record_id=record_id)
        .select_related("author")
        .order_by("-number")
    )


def annotation_version(record_id: int, number: int) -> AnnotationVersion | None:
    return (
        AnnotationVersion.objects.filter(annotation__record_id=record_id, number=number)
        .select_related("author")
        .prefetch_related("texts", "audiences", "regions")
        .first()
    )


__all__ = [
    "RUBRIC",
    "annotation_current",
    "annotation_version",
    "annotation_versions",
    "best_practice_ids",
    "effectiveness_scores",
    "record_analysis",
    "reviews_visible",
]


@dataclass
class RecordAnalysis:
    """What the record page shows of the analysis, for one reader."""

    version: AnnotationVersion | None
    text: AnnotationText | None
    framework: list[tuple[str, str, str]]
    reviews: list[Review]
    score: float | None
    best_practice: bool
    completed: int


def record_analysis(actor: Actor, record_id: int, language: str) -> RecordAnalysis | None:
    """The consolidated analysis and each review of a record the caller showed ``actor``."""
    version = annotation_current(record_id)
    reviews = reviews_visible(actor, record_id)
    if version is None and not reviews:
        return None
    completed = [r for r in reviews if r.status == Review.Status.COMPLETED]
    return RecordAnalysis(
        version=version,
        text=annotation_text_for(version, language) if version else None,
        framework=framework_cells(version) if version else [],
        reviews=reviews,
        score=consolidated_score([r.score for r in completed if r.score is not None]),
        best_practice=is_best_practice([r.best_practice for r in completed]),
        completed=len(completed),
    )


def annotation_text_for(version: AnnotationVersion, language: str) -> AnnotationText | None:
    """The analyst's text in the reader's language, else its closest kin, else any."""
    texts = {t.language.lower(): t for t in version.texts.all()}
    for code in fallback_chain(language):
        if code in texts:
            return texts[code]
    return next(iter(texts.values()), None)


def framework_cells(version: AnnotationVersion) -> list[tuple[str, str, str]]:
    """(column label, goal, strategy) for each filled framework column."""
    rows = []
    for column, label, _question in FRAMEWORK_COLUMNS:
        goal, strategy = version.cell(column, "goal"), version.cell(column, "strategy")
        if goal or strategy:
            rows.append((str(label), goal, strategy))
    return rows
