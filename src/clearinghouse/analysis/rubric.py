"""The effectiveness rubric (C5) and the Appendix C framework columns, defined once.

The rubric, its scale and the consolidation formula are documented in docs/analysis.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Criterion:
    id: str
    label: Promise
    help: Promise
    scale: tuple[int, int]
    weight: float


SCALE = (0, 4)

#: The criteria in the order reviewers see them. Changing ids breaks stored reviews.
RUBRIC: list[Criterion] = [
    Criterion(
        "accuracy",
        _("accuracy and currency"),
        _("facts, law and figures are correct and up to date"),
        SCALE,
        2.0,
    ),
    Criterion(
        "protocol",
        _("alignment with the Trafficking Protocol definition"),
        _("act, means and purpose as in the Palermo Protocol, article 3"),
        SCALE,
        2.0,
    ),
    Criterion(
        "victim_centred",
        _("victim-centred and human-rights approach"),
        _("protection, non-punishment, consent, confidentiality"),
        SCALE,
        2.0,
    ),
    Criterion(
        "local_context",
        _("local context and language"),
        _("fits the mission area, its law and languages"),
        SCALE,
        1.0,
    ),
    Criterion(
        "instructional_design",
        _("instructional design"),
        _("clear objectives, sequence, exercises suited to the audience"),
        SCALE,
        1.0,
    ),
    Criterion(
        "assessment",
        _("assessment of learning"),
        _("the material measures what participants learnt"),
        SCALE,
        1.0,
    ),
    Criterion(
        "evidence_of_use",
        _("evidence of use"),
        _("documented delivery, evaluations, adoption by others"),
        SCALE,
        1.0,
    ),
]
RUBRIC_BY_ID = {criterion.id: criterion for criterion in RUBRIC}

#: The Appendix C columns, each with a goal and a strategy.
FRAMEWORK_COLUMNS: list[tuple[str, Promise, Promise]] = [
    (
        "information_exchange",
        _("information exchange"),
        _("develop and analyse current programmes and activities"),
    ),
    ("outcomes", _("outcomes"), _("what do you want them to do?")),
    ("content", _("content"), _("what do they need to know to do it?")),
    ("methods", _("methods"), _("how do you deliver the information?")),
    ("assessment", _("assessment"), _("what is the extent of accomplishment?")),
]
FRAMEWORK_PARTS: list[tuple[str, Promise]] = [("goal", _("goal")), ("strategy", _("strategy"))]
FRAMEWORK_CELLS = [
    f"{column}.{part}" for column, _l, _q in FRAMEWORK_COLUMNS for part, _p in FRAMEWORK_PARTS
]


def review_score(scores: Mapping[str, Mapping[str, object]]) -> float | None:
    """The weighted mean of the scored criteria, normalised to [0, 1] (None if none scored).

    A criterion left unscored ("not applicable") drops out with its weight.
    """
    total = weight = 0.0
    for criterion in RUBRIC:
        value = scores.get(criterion.id, {}).get("score")
        if value is None or value == "":
            continue
        low, high = criterion.scale
        total += criterion.weight * (int(value) - low) / (high - low)  # type: ignore[call-overload]
        weight += criterion.weight
    return round(total / weight, 4) if weight else None


def consolidated_score(review_scores: list[float]) -> float | None:
    """The record's score: the mean of its completed reviews' scores."""
    return round(sum(review_scores) / len(review_scores), 4) if review_scores else None


def is_best_practice(flags: list[bool]) -> bool:
    """Best practice when a strict majority of completed reviews flag it."""
    return bool(flags) and 2 * sum(flags) > len(flags)
