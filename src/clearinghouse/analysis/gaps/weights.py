"""How much one material counts in a cell of the gap matrix: the documented formula.

    weight   = recency × quality
    recency  = max(RECENCY_FLOOR, 0.5 ** (age / HALF_LIFE_YEARS)),
               age = max(0, REFERENCE_YEAR − year)   (undated material: RECENCY_FLOOR)
    quality  = QUALITY_FLOOR + (1 − QUALITY_FLOOR) × score
               score = the consolidated effectiveness score in [0, 1] of the material's
               completed review, or UNREVIEWED_SCORE when it has none
    cell     = Σ weight over the published materials the viewer may see that carry the
               cell's audience, topic and purpose, rounded to 2 decimals
    gap      = cell < THRESHOLD

Every constant comes from ``settings.CLEARINGHOUSE_GAPS`` (defaults below, documented in
docs/analysis.md), read when a matrix is computed, never at import time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

DEFAULTS = {
    "THRESHOLD": 0.5,
    "HALF_LIFE_YEARS": 20.0,
    "RECENCY_FLOOR": 0.1,
    "QUALITY_FLOOR": 0.5,
    "UNREVIEWED_SCORE": 0.5,
    # None: the current year.
    "REFERENCE_YEAR": None,
    # None: every concept of the scheme, in the vocabulary's order.
    "AUDIENCES": None,
    "TOPICS": None,
    # How many organisations or experts an "ask" recommendation names.
    "ADVISERS": 3,
    # How long a computed matrix may be reused (see gaps.cache); 0: never cached.
    "CACHE_SECONDS": 300,
}


@dataclass(frozen=True)
class GapSettings:
    threshold: float
    half_life_years: float
    recency_floor: float
    quality_floor: float
    unreviewed_score: float
    reference_year: int
    audiences: tuple[str, ...] | None
    topics: tuple[str, ...] | None
    advisers: int
    cache_seconds: int = 300

    @classmethod
    def current(cls) -> GapSettings:
        merged = {**DEFAULTS, **getattr(settings, "CLEARINGHOUSE_GAPS", {})}
        return cls(
            threshold=float(merged["THRESHOLD"]),
            half_life_years=max(float(merged["HALF_LIFE_YEARS"]), 0.01),
            recency_floor=float(merged["RECENCY_FLOOR"]),
            quality_floor=float(merged["QUALITY_FLOOR"]),
            unreviewed_score=float(merged["UNREVIEWED_SCORE"]),
            reference_year=int(merged["REFERENCE_YEAR"] or dt.date.today().year),
            audiences=tuple(merged["AUDIENCES"]) if merged["AUDIENCES"] else None,
            topics=tuple(merged["TOPICS"]) if merged["TOPICS"] else None,
            advisers=int(merged["ADVISERS"]),
            cache_seconds=int(merged["CACHE_SECONDS"]),
        )

    def as_dict(self) -> dict:
        return {
            "threshold": self.threshold,
            "half_life_years": self.half_life_years,
            "recency_floor": self.recency_floor,
            "quality_floor": self.quality_floor,
            "unreviewed_score": self.unreviewed_score,
            "reference_year": self.reference_year,
        }


def recency(year: int | None, config: GapSettings) -> float:
    if year is None:
        return config.recency_floor
    age = max(0, config.reference_year - year)
    return max(config.recency_floor, 0.5 ** (age / config.half_life_years))


def quality(score: float | None, config: GapSettings) -> float:
    if score is None:
        score = config.unreviewed_score
    score = min(1.0, max(0.0, float(score)))
    return config.quality_floor + (1.0 - config.quality_floor) * score


def weight(year: int | None, score: float | None, config: GapSettings) -> float:
    """What one material adds to each of its cells."""
    return recency(year, config) * quality(score, config)


def rounded(value: float) -> float:
    """The cell's published value: every output (page, CSV, SVG, PDF) shows this number."""
    return round(value + 0.0, 2)
