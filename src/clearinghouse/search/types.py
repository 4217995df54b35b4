"""Backend-neutral values that cross the search layer: documents, requests, results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .tree import MatchAllQ, Node

# Facet fields every backend indexes and can count. Values are stable codes
# (vocabulary concept ids, ISO codes, years), never labels, so one concept is
# never split into several values by language.
FACET_FIELDS: tuple[str, ...] = (
    "kind",
    "resource_type",
    "audience",
    "purpose",
    "topic",
    "method",
    "language",
    "country",
    "region",
    "year",
    "organisation",
)


@dataclass(frozen=True)
class AccessFields:
    """The access facts of one record, indexed so the engine can filter on them."""

    tier: str  # "public" | "registered" | "restricted"
    status: str  # "draft" | "in_review" | "published" | "withdrawn"
    groups: tuple[int, ...] = ()
    embargo_until: dt.datetime | None = None
    #: Only needed to evaluate ``AccessFilter.record_ids`` in Python; engines index it anyway.
    record_id: int | None = None


@dataclass(frozen=True)
class AccessFilter:
    """Which records an actor may see, as produced by the catalogue policy.

    A record is visible when ``allow_all`` is true, or when its status is in
    ``statuses`` and its embargo (if any) has passed at ``now`` and either its
    tier is in ``tiers`` or it is restricted to a group in ``group_ids``; or when
    its id is in ``record_ids`` (records opened to the actor one by one — access
    grants, a partner's own submissions — whatever their tier, status or embargo).
    """

    now: dt.datetime
    allow_all: bool = False
    statuses: frozenset[str] = frozenset({"published"})
    tiers: frozenset[str] = frozenset({"public"})
    group_ids: frozenset[int] = frozenset()
    record_ids: frozenset[int] = frozenset()

    def allows(self, access: AccessFields) -> bool:
        """The same rule the engines apply, evaluated for one record in Python."""
        if self.allow_all:
            return True
        if access.record_id is not None and access.record_id in self.record_ids:
            return True
        if access.status not in self.statuses:
            return False
        if access.embargo_until is not None and access.embargo_until > self.now:
            return False
        if access.tier in self.tiers:
            return True
        # Group membership opens records restricted to that group, nothing else.
        return access.tier == "restricted" and bool(self.group_ids & set(access.groups))


@dataclass
class IndexDocument:
    """One record as every backend indexes it; terms are already analysed."""

    record_id: int
    title_terms: list[str]
    compact_terms: list[str]  # title, subtitle, abstract, creators, annotation
    full_terms: list[str]  # compact plus extracted file text
    facets: dict[str, list[str]]
    access: AccessFields
    year: int | None = None
    sort_title: str = ""
    #: Labels and alternative labels, in every language, of the record's concepts: they
    #: match like any term but weigh less, so a record found only through the vocabulary
    #: (another language's word for one of its topics) ranks below direct matches.
    concept_terms: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SearchRequest:
    query: Node = MatchAllQ()
    # Conjunctive filters: a hit has every listed value of every field.
    filters: tuple[tuple[str, str], ...] = ()
    access: AccessFilter | None = None  # None is refused: deny by default
    facets: tuple[str, ...] = FACET_FIELDS
    facet_limit: int = 50
    offset: int = 0
    limit: int = 20
    sort: str = "relevance"  # "relevance" | "newest" | "title"


@dataclass(frozen=True)
class Hit:
    record_id: int
    score: float


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
