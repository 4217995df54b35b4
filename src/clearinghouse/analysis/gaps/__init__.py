"""Gap analysis (C6): the coverage matrix audience × topic per purpose, its gaps and
what to do about each (translate, adapt, ask, develop new).

    gap_matrix(actor=…, language="fr", region="south-eastern-europe") → GapMatrix
    render_fragment(matrix) → self-contained HTML (the offline edition's snapshot)

``weights`` holds the formula, ``matrix`` the data and the recommendation rules (pure),
``queries`` the SQL (through the access policy), ``..reports`` the outputs.
"""

from __future__ import annotations

from django.utils.translation import get_language

from clearinghouse.core.policy import Actor

from .matrix import KINDS, Cell, Gap, GapFilters, GapMatrix, Recommendation
from .weights import GapSettings

__all__ = [
    "KINDS",
    "Cell",
    "Gap",
    "GapFilters",
    "GapMatrix",
    "GapSettings",
    "Recommendation",
    "gap_matrix",
    "render_fragment",
]


def gap_matrix(
    *,
    actor: Actor,
    ui_language: str | None = None,
    language: str = "",
    region: str = "",
    resource_type: str = "",
    year_from: int | None = None,
    year_to: int | None = None,
    purpose: str = "",
) -> GapMatrix:
    """The matrix ``actor`` may see, labels in ``ui_language`` (default: the active one)."""
    from .cache import cached_matrix

    filters = GapFilters(
        language=language,
        region=region,
        resource_type=resource_type,
        year_from=year_from,
        year_to=year_to,
        purpose=purpose,
    )
    return cached_matrix(actor=actor, filters=filters, language=ui_language or get_language())


def render_fragment(matrix: GapMatrix) -> str:
    """The matrix and its gaps as one HTML fragment with inline styles and no external
    reference (no script, stylesheet, image or link outside the fragment)."""
    from clearinghouse.analysis.reports import html_fragment

    return html_fragment(matrix)
