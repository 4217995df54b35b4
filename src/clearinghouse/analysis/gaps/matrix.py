"""The gap matrix as data: cells, gaps and their recommendations (pure, no database).

``queries`` fills a ``GapMatrix`` from SQL; everything here only arranges numbers, so the
page, the CSV, the SVG/PNG heatmap, the PDF report and the offline edition all read the
same object and cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .weights import GapSettings, rounded

TRANSLATE, ADAPT, ASK, DEVELOP = "translate", "adapt", "ask", "develop"
KINDS = (TRANSLATE, ADAPT, ASK, DEVELOP)
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8}){0,3}$")


@dataclass(frozen=True)
class GapFilters:
    """The slice of the catalogue a matrix covers (every field optional)."""

    language: str = ""
    region: str = ""
    resource_type: str = ""
    year_from: int | None = None
    year_to: int | None = None
    purpose: str = ""

    def items(self) -> list[tuple[str, str]]:
        """The filters as query-string pairs (links keep the slice)."""
        pairs = [
            ("language", self.language),
            ("region", self.region),
            ("resource_type", self.resource_type),
            ("year_from", str(self.year_from or "")),
            ("year_to", str(self.year_to or "")),
            ("purpose", self.purpose),
        ]
        return [(k, v) for k, v in pairs if v]

    def without_language(self) -> GapFilters:
        return replace(self, language="")

    @property
    def is_empty(self) -> bool:
        return not self.items()


def clean_language(value: str) -> str:
    """A BCP 47 tag in lower case, or '' when ``value`` is not one."""
    value = (value or "").strip().replace("_", "-").lower()[:35]
    return value if _LANGUAGE_TAG.match(value) else ""


def clean_year(value) -> int | None:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return year if 1000 <= year <= 2999 else None


@dataclass(frozen=True)
class Axis:
    """One row (audience), column (topic) or table (purpose): a concept and its label."""

    code: str
    label: str
    broader: str = ""


@dataclass
class Cell:
    purpose: str
    audience: str
    topic: str
    count: int = 0
    raw: float = 0.0

    @property
    def value(self) -> float:
        return rounded(self.raw)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.purpose, self.audience, self.topic)


@dataclass(frozen=True)
class Recommendation:
    kind: str
    #: translate: how many materials of the cell exist in other languages
    elsewhere: int = 0
    #: adapt: neighbouring audiences with material for the same topic and purpose
    neighbours: tuple[Axis, ...] = ()
    #: ask: organisations or experts who authored visible material on the topic
    advisers: tuple[tuple[int, str], ...] = ()

    @property
    def kind_label(self) -> str:
        return {
            TRANSLATE: _("translate"),
            ADAPT: _("adapt"),
            ASK: _("ask"),
            DEVELOP: _("develop new"),
        }[self.kind]

    @property
    def text(self) -> str:
        """The recommendation as a sentence in the active UI language."""
        if self.kind == TRANSLATE:
            return ngettext(
                "Translate: %(count)s material exists in another language.",
                "Translate: %(count)s materials exist in other languages.",
                self.elsewhere,
            ) % {"count": self.elsewhere}
        if self.kind == ADAPT:
            names = ", ".join(n.label for n in self.neighbours)
            return _("Adapt material made for %(audiences)s.") % {"audiences": names}
        if self.kind == ASK:
            names = ", ".join(name for _pk, name in self.advisers)
            return _("Ask %(names)s, who have published on this topic.") % {"names": names}
        return _("Develop new material: the catalogue has nothing to build on.")


@dataclass(frozen=True)
class Gap:
    cell: Cell
    recommendation: Recommendation


@dataclass
class GapMatrix:
    """Audience × topic, one table per purpose, for one viewer and one slice."""

    filters: GapFilters
    config: GapSettings
    language: str
    purposes: list[Axis]
    audiences: list[Axis]
    topics: list[Axis]
    cells: dict[tuple[str, str, str], Cell] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)

    def cell(self, purpose: str, audience: str, topic: str) -> Cell:
        key = (purpose, audience, topic)
        if key not in self.cells:
            self.cells[key] = Cell(purpose, audience, topic)
        return self.cells[key]

    def is_gap(self, cell: Cell) -> bool:
        return cell.value < self.config.threshold

    def gap_index(self) -> dict[tuple[str, str, str], Gap]:
        return {gap.cell.key: gap for gap in self.gaps}

    def rows(self, purpose: str) -> list[tuple[Axis, list[Cell]]]:
        return [
            (audience, [self.cell(purpose, audience.code, t.code) for t in self.topics])
            for audience in self.audiences
        ]

    def iter_cells(self) -> Iterable[tuple[Axis, Axis, Axis, Cell]]:
        """Every cell in table order: purpose, audience (row), topic (column)."""
        for purpose in self.purposes:
            for audience in self.audiences:
                for topic in self.topics:
                    cell = self.cell(purpose.code, audience.code, topic.code)
                    yield purpose, audience, topic, cell

    def label(self, scheme: str, code: str) -> str:
        axis = {"purpose": self.purposes, "audience": self.audiences, "topic": self.topics}[scheme]
        return next((a.label for a in axis if a.code == code), code)


def neighbours_of(audiences: list[Axis]) -> dict[str, list[Axis]]:
    """Neighbouring audiences: the broader concept, the narrower ones and the siblings
    (same broader concept), in vocabulary order. Only audiences on the matrix count."""
    by_code = {a.code: a for a in audiences}
    result: dict[str, list[Axis]] = {}
    for audience in audiences:
        near = []
        for other in audiences:
            if other.code == audience.code:
                continue
            if (
                other.code == audience.broader
                or other.broader == audience.code
                or (audience.broader and other.broader == audience.broader)
            ):
                near.append(by_code[other.code])
        result[audience.code] = near
    return result


def recommend(
    matrix: GapMatrix,
    cell: Cell,
    *,
    all_languages: Mapping[tuple[str, str, str], int] | None,
    neighbours: Mapping[str, list[Axis]],
    advisers: Mapping[str, list[tuple[int, str]]],
) -> Recommendation:
    """The first that applies: translate, adapt, ask, develop new.

    - translate: with a language filter, the same cell (audience, topic, purpose and the
      other filters) has material in other languages;
    - adapt: a neighbouring audience has material for the same topic and purpose;
    - ask: organisations or experts authored visible material on the topic (any audience,
      any language);
    - develop new: none of these.
    """
    if all_languages is not None:
        elsewhere = all_languages.get(cell.key, 0) - cell.count
        if elsewhere > 0:
            return Recommendation(TRANSLATE, elsewhere=elsewhere)
    near = [
        n
        for n in neighbours.get(cell.audience, [])
        if matrix.cell(cell.purpose, n.code, cell.topic).count > 0
    ]
    if near:
        return Recommendation(ADAPT, neighbours=tuple(near))
    names = advisers.get(cell.topic, [])
    if names:
        return Recommendation(ASK, advisers=tuple(names))
    return Recommendation(DEVELOP)
