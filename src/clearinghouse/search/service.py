"""Searching the catalogue for an actor: the one entry point for the portal and the API.

Raw input is parsed into a query tree and analysed once; the access filter
comes from the catalogue policy and is applied inside the engine (so totals
and facet counts never include hidden records); every returned hit is then
re-checked against the database, so an access change holds at once even
before the index catches up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch

from clearinghouse.catalog.models import Record, RecordCreator
from clearinghouse.catalog.policies import access_filter, filter_records
from clearinghouse.core.policy import Actor

from .analysis import analyze_tree
from .handler import search_backends
from .parser import parse_user_query
from .snippets import highlight, snippet
from .tree import Node
from .types import FACET_FIELDS, SearchRequest

MAX_FILTERS = 20
MAX_VALUE_LENGTH = 100
MAX_PAGE = 500
SORTS = ("relevance", "newest", "title")


@dataclass
class SearchHitView:
    record: Record
    score: float
    language: str
    title_html: str
    snippet_html: str


@dataclass
class SearchOutcome:
    query: str
    filters: list[tuple[str, str]]
    total: int
    page: int
    page_size: int
    sort: str
    hits: list[SearchHitView]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def clean_filters(pairs) -> list[tuple[str, str]]:
    """Known facet fields only, bounded in number and length, without duplicates."""
    cleaned: list[tuple[str, str]] = []
    for name, value in pairs:
        if name not in FACET_FIELDS or not isinstance(value, str):
            continue
        value = value.strip()[:MAX_VALUE_LENGTH]
        if value and (name, value) not in cleaned:
            cleaned.append((name, value))
        if len(cleaned) >= MAX_FILTERS:
            break
    return cleaned


def query_languages(ui_language: str) -> tuple[str, ...]:
    configured = getattr(settings, "CLEARINGHOUSE_QUERY_LANGUAGES", ("en", "fr", "es", "ru", "de"))
    ui = (ui_language or "en").split("-")[0] if ui_language != "sr-latn" else "sr-latn"
    return tuple(dict.fromkeys((ui, *configured)))


def analysed_query(q: str, ui_language: str) -> Node:
    return analyze_tree(parse_user_query(q or ""), query_languages(ui_language))


def search_records(
    *,
    actor: Actor,
    q: str = "",
    filters=(),
    page: int = 1,
    page_size: int = 20,
    language: str = "en",
    sort: str = "relevance",
    alias: str = "default",
) -> SearchOutcome:
    filters = clean_filters(filters)
    page = min(max(1, page), MAX_PAGE)
    page_size = min(max(1, page_size), 100)
    sort = sort if sort in SORTS else "relevance"
    tree = analysed_query(q, language)
    request = SearchRequest(
        query=tree,
        filters=tuple(filters),
        access=access_filter(actor),
        offset=(page - 1) * page_size,
        limit=page_size,
        sort=sort,
    )
    result = search_backends[alias].search(request)
    ids = [hit.record_id for hit in result.hits]
    visible = {
        r.pk: r
        for r in filter_records(actor, Record.objects.filter(pk__in=ids))
        .select_related("resource_type")
        .prefetch_related(
            "texts",
            "concepts",
            Prefetch("creators", queryset=RecordCreator.objects.select_related("agent")),
        )
    }
    hits = []
    for hit in result.hits:
        record = visible.get(hit.record_id)
        if record is None:
            continue
        text = record.text_for(language)
        lang = text.language if text else record.original_language
        title = text.title if text else ""
        hits.append(
            SearchHitView(
                record=record,
                score=hit.score,
                language=lang,
                title_html=highlight(title, tree, lang),
                snippet_html=snippet(text.abstract if text else "", tree, lang),
            )
        )
    return SearchOutcome(
        query=q or "",
        filters=filters,
        total=result.total,
        page=page,
        page_size=page_size,
        sort=sort,
        hits=hits,
        facets=result.facets,
    )
