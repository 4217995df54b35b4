"""Reads of the catalogue for an actor; everything goes through the policy."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch

from clearinghouse.core.policy import Actor
from clearinghouse.directory.models import Agent
from clearinghouse.vocabularies.labels import is_own_label, normal_code
from clearinghouse.vocabularies.lookups import vocabulary_cache

from .durations import describe_duration
from .models import Record, RecordCreator, RecordFile, RecordText
from .policies import filter_records

DETAIL_SCHEMES = ("audience", "purpose", "topic", "method", "country", "region", "language")


@dataclass
class RecordDetail:
    record: Record
    text: RecordText | None
    texts: list[RecordText]
    creators: list[RecordCreator]
    # scheme → (title in the UI language, [(code, label)])
    concepts: dict[str, tuple[str, list[tuple[str, str]]]] = field(default_factory=dict)
    resource_type: str = ""
    supersedes: Record | None = None
    superseded_by: Record | None = None
    duration: str = ""
    #: ``text`` is in the reader's language (else it is the original, shown for want of one).
    in_ui_language: bool = False
    #: The record's links whose URL is safe to put in an href (http, https, mailto).
    links: list[dict] = field(default_factory=list)


def visible_counts_by_kind(actor: Actor) -> list[tuple[str, str, int]]:
    rows = filter_records(actor).order_by().values("kind").annotate(n=Count("id", distinct=True))
    counts = {row["kind"]: row["n"] for row in rows}
    return [(kind.value, str(kind.label), counts.get(kind.value, 0)) for kind in Record.Kind]


def record_detail(actor: Actor, pk: int, language: str) -> RecordDetail | None:
    queryset = (
        filter_records(actor, Record.objects.filter(pk=pk))
        .select_related("resource_type")
        .prefetch_related(
            "texts",
            "concepts",
            Prefetch("creators", queryset=RecordCreator.objects.select_related("agent")),
            Prefetch("files", queryset=RecordFile.objects.select_related("blob")),
        )
    )
    record = queryset.first()
    if record is None:
        return None
    concepts: dict[str, list[tuple[str, str]]] = {}
    for concept in record.concepts.all():
        concepts.setdefault(concept.scheme_id, []).append(
            (concept.code, vocabulary_cache.label(concept.scheme_id, concept.code, language))
        )
    for values in concepts.values():
        values.sort(key=lambda v: v[1].casefold())
    related = {
        r.pk: r
        for r in filter_records(
            actor,
            Record.objects.filter(pk__in=[record.supersedes_id or 0])
            | Record.objects.filter(supersedes_id=record.pk),
        ).prefetch_related("texts")
    }
    superseded_by = next((r for r in related.values() if r.supersedes_id == record.pk), None)
    return RecordDetail(
        record=record,
        text=(text := record.text_for(language)),
        in_ui_language=text is not None and is_own_label(language, normal_code(text.language)),
        texts=list(record.texts.all()),
        creators=list(record.creators.all()),
        concepts={
            s: (vocabulary_cache.scheme_label(s, language), concepts[s])
            for s in DETAIL_SCHEMES
            if s in concepts
        },
        resource_type=(
            vocabulary_cache.label("resource_type", record.resource_type.code, language)
            if record.resource_type_id
            else ""
        ),
        supersedes=related.get(record.supersedes_id) if record.supersedes_id else None,
        superseded_by=superseded_by,
        duration=describe_duration(record.duration),
        links=safe_links(record.links),
    )


SAFE_LINK_SCHEMES = ("http://", "https://", "mailto:")


def safe_links(links) -> list[dict]:
    """Links fit for an href: a ``javascript:`` or ``data:`` URL is never rendered as one."""
    safe = []
    for link in links or []:
        if not isinstance(link, dict):
            continue
        url = str(link.get("url", "")).strip()
        if url.lower().startswith(SAFE_LINK_SCHEMES):
            safe.append({**link, "url": url})
    return safe


def agents_by_key(keys: list[str]) -> dict[str, Agent]:
    return {a.key: a for a in Agent.objects.filter(key__in=keys)}
