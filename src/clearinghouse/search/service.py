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

from clearinghouse.catalog.models import Record, RecordCreator, RecordText
from clearinghouse.catalog.policies import access_filter, filter_records
from clearinghouse.core.policy import Actor

from .analysis import analyze_tree
from .handler import search_backends
from .parser import parse_user_query
from .query_language import detect_query_language, ui_base
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
    #: The shown text is a translation (``text`` says by whom, and whether reviewed).
    text: RecordText | None = None


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
    #: The language the query was analysed in first (detected, else the UI language).
    query_language: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def clean_filters(pairs) -> list[tuple[str, str]]:
    """Known facet fields only, bounded in number and length, without duplicates."""
    cleaned: list[tuple[str, str]] = []
    for name, value in pairs:
        if name not in FACET_FIELDS or not isinstance(value, str):
            continue
        # NUL is never part of a code, and PostgreSQL text cannot hold it.
        value = value.replace("\x00", "").strip()[:MAX_VALUE_LENGTH]
        if value and (name, value) not in cleaned:
            cleaned.append((name, value))
        if len(cleaned) >= MAX_FILTERS:
            break
    return cleaned


def query_languages(ui_language: str, query_language: str | None = None) -> tuple[str, ...]:
    """The query's own language first, then the UI language, then the catalogue's main ones.

    Each contributes its stems as variants of every word, since a query in one language
    also looks for documents that use the same word in another.
    """
    configured = getattr(settings, "CLEARINGHOUSE_QUERY_LANGUAGES", ("en", "fr", "es", "ru", "de"))
    first = (query_language,) if query_language else ()
    return tuple(dict.fromkeys((*first, ui_base(ui_language), *configured)))


def analysed_query(q: str, ui_language: str, query_language: str | None = None) -> Node:
    """The analysed tree of ``q``; its language is detected unless given."""
    language = query_language or detect_query_language(q or "", ui_language)
    return analyze_tree(parse_user_query(q or ""), query_languages(ui_language, language))


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
    query_language = detect_query_language(q or "", language)
    tree = analysed_query(q, language, query_language)
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
                text=text,
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
        query_language=query_language if q and q.strip() else "",
    )
