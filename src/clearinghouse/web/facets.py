"""Facet values as a reader sees them: labels in the UI language, links that add or remove."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from clearinghouse.catalog.models import Record
from clearinghouse.directory.models import Agent
from clearinghouse.vocabularies.lookups import vocabulary_cache

FACET_TITLES = {
    "kind": _("Kind"),
    "resource_type": _("Resource type"),
    "audience": _("Audience"),
    "purpose": _("Purpose"),
    "topic": _("Topic"),
    "method": _("Method"),
    "language": _("Language"),
    "country": _("Country"),
    "region": _("Region"),
    "year": _("Year"),
    "organisation": _("Organisation"),
}
_SCHEME_OF = {
    "resource_type": "resource_type",
    "audience": "audience",
    "purpose": "purpose",
    "topic": "topic",
    "method": "method",
    "language": "language",
    "country": "country",
    "region": "region",
}


@dataclass
class FacetValue:
    code: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class Facet:
    name: str
    title: str
    values: list[FacetValue]


def facet_label(name: str, code: str, language: str, agents: dict[str, str] | None = None) -> str:
    if name == "kind":
        try:
            return str(Record.Kind(code).label)
        except ValueError:
            return code
    if name in _SCHEME_OF:
        return vocabulary_cache.label(_SCHEME_OF[name], code, language)
    if name == "organisation" and agents is not None:
        return agents.get(code, code)
    return code


def query_string(q: str, filters: list[tuple[str, str]], sort: str = "relevance") -> str:
    params: list[tuple[str, str]] = []
    if q:
        params.append(("q", q))
    params += [("f", f"{name}:{value}") for name, value in filters]
    if sort and sort != "relevance":
        params.append(("sort", sort))
    return urlencode(params)


def build_facets(outcome, language: str, base_url: str) -> list[Facet]:
    agent_keys = [code for code, _ in outcome.facets.get("organisation", [])]
    agents = {
        a.key: a.display_name(language)
        for a in Agent.objects.filter(key__in=agent_keys).only("key", "name", "names")
    }
    facets = []
    for name, values in outcome.facets.items():
        if not values:
            continue
        entries = []
        for code, count in values:
            selected = (name, code) in outcome.filters
            new_filters = [f for f in outcome.filters if f != (name, code)]
            if not selected:
                new_filters.append((name, code))
            entries.append(
                FacetValue(
                    code=code,
                    label=facet_label(name, code, language, agents),
                    count=count,
                    selected=selected,
                    url=f"{base_url}?{query_string(outcome.query, new_filters, outcome.sort)}",
                )
            )
        if name == "year":
            entries.sort(key=lambda e: e.code, reverse=True)
        facets.append(Facet(name=name, title=str(FACET_TITLES.get(name, name)), values=entries))
    return facets


def chosen_filters(outcome, language: str, base_url: str) -> list[FacetValue]:
    """The filters in force, each with the link that removes it."""
    chosen = []
    for name, code in outcome.filters:
        rest = [f for f in outcome.filters if f != (name, code)]
        chosen.append(
            FacetValue(
                code=f"{FACET_TITLES.get(name, name)}",
                label=facet_label(name, code, language, _agent_names([code], language)),
                count=0,
                selected=True,
                url=f"{base_url}?{query_string(outcome.query, rest, outcome.sort)}",
            )
        )
    return chosen


def _agent_names(keys: list[str], language: str) -> dict[str, str]:
    return {a.key: a.display_name(language) for a in Agent.objects.filter(key__in=keys)}
