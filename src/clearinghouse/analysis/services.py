"""Writes of the analysis (C5): annotations (a new version per edit) and reviews.

Each function checks the policy, runs in one transaction and writes an audit row
against the record, so the record's history shows the analysis next to its changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from clearinghouse.accounts.services.audit import audit_denied, audit_write
from clearinghouse.catalog.durations import _DURATION
from clearinghouse.catalog.models import Record
from clearinghouse.core.policy import Actor
from clearinghouse.search.outbox import record_index_changed
from clearinghouse.vocabularies.models import Concept

from .models import Annotation, AnnotationText, AnnotationVersion, Review
from .policies import can_annotate, can_review
from .rubric import FRAMEWORK_COLUMNS, FRAMEWORK_PARTS, RUBRIC, RUBRIC_BY_ID, review_score

TEXT_LIMIT = 20_000


@dataclass
class AnnotationInput:
    """What an analyst writes about a material; texts are {language: (abstract, annotation)}."""

    texts: dict[str, tuple[str, str]] = field(default_factory=dict)
    framework: dict[str, dict[str, str]] = field(default_factory=dict)
    audiences: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    purpose: str = ""
    depth: str = ""
    duration: str = ""
    note: str = ""
    is_sample: bool = False


def _clean_text(name: str, value: object) -> str:
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError(f"{name}: a string without NUL characters")
    if len(value) > TEXT_LIMIT:
        raise ValueError(f"{name}: at most {TEXT_LIMIT} characters")
    return value.strip()


def _clean_framework(framework: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    known = {column for column, _label, _question in FRAMEWORK_COLUMNS}
    unknown = set(framework) - known
    if unknown:
        raise ValueError(f"unknown framework column(s): {', '.join(sorted(unknown))}")
    cleaned: dict[str, dict[str, str]] = {}
    for column, parts in framework.items():
        for part, _label in FRAMEWORK_PARTS:
            value = _clean_text(f"{column}.{part}", parts.get(part, ""))
            if value:
                cleaned.setdefault(column, {})[part] = value
    return cleaned


def _concepts(scheme_ids: Iterable[str], codes: list[str]) -> list[Concept]:
    found = list(Concept.objects.filter(scheme_id__in=list(scheme_ids), code__in=codes))
    missing = set(codes) - {c.code for c in found}
    if missing:
        raise ValueError(f"unknown concept(s): {', '.join(sorted(missing))}")
    return found


def _check_input(data: AnnotationInput) -> dict[str, dict[str, str]]:
    if data.purpose and data.purpose not in AnnotationVersion.Purpose.values:
        raise ValueError(f"unknown purpose {data.purpose!r}")
    if data.depth and data.depth not in Record.Depth.values:
        raise ValueError(f"unknown depth {data.depth!r}")
    if data.duration and not _DURATION.match(data.duration.strip().upper()):
        raise ValueError("duration: ISO 8601 duration expected, e.g. PT8H or P4D")
    for language, (abstract, annotation) in data.texts.items():
        _clean_text("language", language)
        if not language or len(language) > 35:
            raise ValueError("language: a BCP 47 tag expected")
        _clean_text("abstract", abstract)
        _clean_text("annotation", annotation)
    _clean_text("note", data.note)
    return _clean_framework(data.framework)


def annotation_save(
    *, actor: Actor, record: Record, data: AnnotationInput, ip: str | None = None
) -> AnnotationVersion:
    """Save the analyst's annotation as a new version; earlier versions stay as they were."""
    if not can_annotate(actor, record):
        raise audit_denied(
            actor=actor, action="annotation.save", target=record, summary="may not annotate", ip=ip
        )
    framework = _check_input(data)
    audiences = _concepts(["audience"], data.audiences)
    regions = _concepts(["region", "country"], data.regions)
    with transaction.atomic():
        head, _created = Annotation.objects.select_for_update().get_or_create(record=record)
        previous = head.versions.order_by("-number").values_list("number", flat=True).first()
        version = AnnotationVersion.objects.create(
            annotation=head,
            number=(previous or 0) + 1,
            author=actor.user,
            note=data.note.strip()[:300],
            purpose=data.purpose,
            depth=data.depth,
            duration=data.duration,
            framework=framework,
            is_sample=data.is_sample,
        )
        version.audiences.set(audiences)
        version.regions.set(regions)
        AnnotationText.objects.bulk_create(
            AnnotationText(
                version=version,
                language=language,
                abstract=abstract.strip(),
                annotation=annotation.strip(),
            )
            for language, (abstract, annotation) in sorted(data.texts.items())
            if abstract.strip() or annotation.strip()
        )
        head.current = version
        head.save(update_fields=["current", "updated_at"])
        audit_write(
            actor=actor,
            action="annotation.save",
            target=record,
            summary=f"annotation version {version.number}",
            ip=ip,
        )
        record_index_changed(record.pk)
    return version


@dataclass
class ReviewInput:
    """Scores are {criterion id: (score or None, evidence)}; None means not applicable."""

    scores: dict[str, tuple[int | None, str]] = field(default_factory=dict)
    best_practice: bool = False
    best_practice_reason: str = ""
    summary: str = ""
    is_sample: bool = False


def _check_scores(scores: Mapping[str, tuple[int | None, str]]) -> dict[str, dict]:
    unknown = set(scores) - set(RUBRIC_BY_ID)
    if unknown:
        raise ValueError(f"unknown criterion(s): {', '.join(sorted(unknown))}")
    cleaned = {}
    for criterion in RUBRIC:
        score, evidence = scores.get(criterion.id, (None, ""))
        low, high = criterion.scale
        if score is not None and (
            isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high
        ):
            raise ValueError(f"{criterion.id}: a score from {low} to {high} expected")
        cleaned[criterion.id] = {"score": score, "evidence": _clean_text(criterion.id, evidence)}
    return cleaned


def review_incomplete(review: Review) -> list[str]:
    """What a review lacks to be completed: evidence for every score, a reason for a flag."""
    missing = [
        criterion.id
        for criterion in RUBRIC
        if (review.scores.get(criterion.id) or {}).get("score") is not None
        and not (review.scores.get(criterion.id) or {}).get("evidence")
    ]
    if review.score is None:
        missing.append("score")
    if review.best_practice and not review.best_practice_reason:
        missing.append("best_practice_reason")
    return missing


def review_save(
    *,
    actor: Actor,
    record: Record,
    data: ReviewInput,
    complete: bool = False,
    ip: str | None = None,
) -> Review:
    """Save the actor's own review of ``record``; ``complete`` submits it (dated, public).

    A completed review refuses to complete without evidence for each score and a
    reason for a best-practice flag (ValueError listing what is missing).
    """
    if not can_review(actor, record):
        raise audit_denied(
            actor=actor, action="review.save", target=record, summary="may not review", ip=ip
        )
    scores = _check_scores(data.scores)
    with transaction.atomic():
        review, _created = Review.objects.select_for_update().get_or_create(
            record=record, reviewer=actor.user
        )
        review.scores = scores
        review.score = review_score(scores)
        review.best_practice = bool(data.best_practice)
        review.best_practice_reason = _clean_text("best_practice_reason", data.best_practice_reason)
        review.summary = _clean_text("summary", data.summary)
        review.is_sample = data.is_sample
        if complete:
            missing = review_incomplete(review)
            if missing:
                raise ValueError("incomplete review: " + ", ".join(missing))
            review.status = Review.Status.COMPLETED
            review.reviewed_at = timezone.now()
        review.save()
        audit_write(
            actor=actor,
            action="review.submit" if complete else "review.save",
            target=record,
            summary=f"review by {actor.user.get_username()}: {review.status}",
            changes={"score": review.score, "best_practice": review.best_practice},
            ip=ip,
        )
    return review


def review_submit(
    *, actor: Actor, record: Record, data: ReviewInput, ip: str | None = None
) -> Review:
    """Save and complete the actor's review in one step."""
    return review_save(actor=actor, record=record, data=data, complete=True, ip=ip)
