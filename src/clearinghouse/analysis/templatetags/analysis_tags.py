"""Template filters of the analysis pages: concept labels and rubric rows in the UI language."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from ..models import Review
from ..rubric import RUBRIC

register = template.Library()


@register.filter
def concept_label(concept) -> str:
    return concept.label(get_language() or "en")


@register.filter
def rubric_rows(review: Review) -> list[tuple[str, int | None, str, int]]:
    """(criterion label, score or None, evidence, top of the scale) in rubric order."""
    rows = []
    for criterion in RUBRIC:
        entry = review.scores.get(criterion.id) or {}
        rows.append(
            (
                str(criterion.label),
                entry.get("score"),
                entry.get("evidence", ""),
                criterion.scale[1],
            )
        )
    return rows
