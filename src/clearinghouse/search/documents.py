"""From catalogue records to IndexDocuments: the only place that decides what is searchable."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import Prefetch

from clearinghouse.catalog.models import Record, RecordCreator, RecordFile
from clearinghouse.catalog.policies import indexable_files, record_access_fields

from .analysis import analyze
from .types import IndexDocument

#: Records are read from the database in chunks of this size when indexing.
CHUNK = 200
_CONCEPT_FACETS = ("audience", "purpose", "topic", "method", "country", "region")


#: A concept's analysed labels, keyed by the labels themselves (an edited label is a new
#: key): thousands of records share a few hundred concepts, so each is analysed once.
_CONCEPT_TERMS: dict[tuple, tuple[str, ...]] = {}
_CONCEPT_TERMS_MAX = 20_000


def _concept_terms(concept) -> tuple[str, ...]:
    """Labels and alternative labels in every language: cross-language retrieval.

    Indexed apart from the record's own words (``IndexDocument.concept_terms``), so a
    match through the vocabulary ranks below a match in the record's title or text.
    """
    labels = tuple((concept.labels or {}).items())
    alt_labels = tuple(
        (lang, tuple(alts or ())) for lang, alts in (concept.alt_labels or {}).items()
    )
    key = (labels, alt_labels)
    cached = _CONCEPT_TERMS.get(key)
    if cached is not None:
        return cached
    terms: list[str] = []
    for lang, label in labels:
        terms += analyze(label, lang)
    for lang, alts in alt_labels:
        for alt in alts:
            terms += analyze(alt, lang)
    if len(_CONCEPT_TERMS) >= _CONCEPT_TERMS_MAX:
        _CONCEPT_TERMS.clear()
    _CONCEPT_TERMS[key] = result = tuple(terms)
    return result


def _language_codes(record: Record) -> list[str]:
    codes = {record.original_language.lower()} if record.original_language else set()
    codes.update(t.language.lower() for t in record.texts.all())
    codes.update(c.code.lower() for c in record.concepts.all() if c.scheme_id == "language")
    return sorted(c for c in codes if c)


def build_document(record: Record) -> IndexDocument:
    """The document for one record (prefetch texts, concepts, creators, files first)."""
    texts = list(record.texts.all())
    title_terms: list[str] = []
    compact: list[str] = []
    for text in texts:
        title_terms += analyze(f"{text.title} {text.subtitle}", text.language)
    compact += title_terms
    for text in texts:
        compact += analyze(text.abstract, text.language)
        compact += analyze(text.annotation, text.language)
    organisations = []
    for creator in record.creators.all():
        compact += analyze(creator.display_name, None)
        if creator.agent_id and creator.agent.acronym:
            compact += analyze(creator.agent.acronym, None)
        if creator.agent_id and creator.agent.kind == "organisation":
            organisations.append(creator.agent.key)
    concepts = list(record.concepts.all())
    concept_terms: list[str] = []
    for concept in concepts:
        if concept.scheme_id in ("audience", "purpose", "topic", "method"):
            concept_terms += _concept_terms(concept)
    full = list(compact)
    for record_file in indexable_files(record):
        blob = record_file.blob
        if blob.text:
            lang = blob.text_language or record_file.language or record.original_language
            full += analyze(blob.text, lang)

    facets: dict[str, list[str]] = {name: [] for name in _CONCEPT_FACETS}
    for concept in concepts:
        if concept.scheme_id in facets:
            facets[concept.scheme_id].append(concept.code)
    facets["kind"] = [record.kind]
    facets["resource_type"] = [record.resource_type.code] if record.resource_type_id else []
    facets["language"] = _language_codes(record)
    facets["year"] = [str(record.year)] if record.year else []
    facets["organisation"] = sorted(set(organisations))
    original = next((t for t in texts if t.is_original), texts[0] if texts else None)
    return IndexDocument(
        record_id=record.pk,
        title_terms=title_terms,
        compact_terms=compact,
        full_terms=full,
        facets=facets,
        access=record_access_fields(record),
        year=record.year,
        sort_title=(original.title.casefold()[:200] if original else ""),
        concept_terms=concept_terms,
    )


def records_for_indexing(ids: Iterable[int] | None = None):
    queryset = Record.objects.select_related("resource_type").prefetch_related(
        "texts",
        "concepts",
        "access_groups",
        Prefetch("creators", queryset=RecordCreator.objects.select_related("agent")),
        Prefetch("files", queryset=RecordFile.objects.select_related("blob")),
    )
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.order_by("pk")


def iter_documents(ids: Iterable[int] | None = None) -> Iterator[IndexDocument]:
    """Documents for ``ids`` (or every record), read in chunks to bound memory."""
    queryset = records_for_indexing(ids)
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        for record in chunk:
            yield build_document(record)
        last = chunk[-1].pk
