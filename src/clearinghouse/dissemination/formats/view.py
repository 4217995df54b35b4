"""From catalogue records to ``BibRecord``: the one place that reads a Record for export.

Records always come from ``catalog.policies.filter_records`` (see ``selectors``); a
related record (supersedes / superseded by) is named only when the same actor may see it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from clearinghouse.catalog.models import Record, RecordCreator, RecordFile
from clearinghouse.catalog.policies import filter_records
from clearinghouse.core.policy import Actor

from .bibrecord import BibRecord, BibText, Creator, normalise_doi, normalise_isbn

ORGANISATION_ROLES = {"corporate-author", "publisher", "provider"}
CHUNK = 200


def base_url() -> str:
    return getattr(settings, "CLEARINGHOUSE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def oai_identifier(record_id: int) -> str:
    repository = getattr(settings, "CLEARINGHOUSE_OAI_REPOSITORY_ID", "clearinghouse.localhost")
    return f"oai:{repository}:{record_id}"


def record_identifier(record: Record) -> str:
    """The record's natural key, or its OAI identifier (globally unique) when it has none."""
    return record.identifier or oai_identifier(record.pk)


def export_queryset(actor: Actor, queryset: QuerySet[Record] | None = None) -> QuerySet[Record]:
    """What ``actor`` may see of ``queryset``, with everything a serializer reads prefetched."""
    return (
        filter_records(actor, queryset)
        .select_related("resource_type", "supersedes", "superseded_by")
        .prefetch_related(
            "texts",
            "concepts",
            "access_groups",
            Prefetch("creators", queryset=RecordCreator.objects.select_related("agent")),
            Prefetch("files", queryset=RecordFile.objects.select_related("blob")),
        )
    )


def bib_records(
    actor: Actor, records: Iterable[Record], *, root: str | None = None
) -> Iterator[BibRecord]:
    """``records`` (already policy-filtered and prefetched) as ``BibRecord``s, in chunks."""
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= CHUNK:
            yield from _chunk(actor, chunk, root)
            chunk = []
    if chunk:
        yield from _chunk(actor, chunk, root)


def _chunk(actor: Actor, records: list[Record], root: str | None) -> Iterator[BibRecord]:
    related = set()
    for record in records:
        if record.supersedes_id:
            related.add(record.supersedes_id)
        successor = _successor(record)
        if successor is not None:
            related.add(successor.pk)
    visible = set(
        filter_records(actor, Record.objects.filter(pk__in=related)).values_list("pk", flat=True)
    )
    for record in records:
        yield bib_record(record, visible_related=visible, root=root)


def bib_record(
    record: Record, *, visible_related: set[int] | None = None, root: str | None = None
) -> BibRecord:
    texts = list(record.texts.all())
    main = next((t for t in texts if t.is_original), None) or (texts[0] if texts else None)
    concepts: dict[str, list[str]] = {}
    for concept in record.concepts.all():
        concepts.setdefault(concept.scheme_id, []).append(concept.code)
    identifier = record_identifier(record)
    links = [dict(link) for link in record.links or [] if isinstance(link, dict)]
    doi = normalise_doi(identifier) if identifier.startswith("doi:") else ""
    doi = doi or next((normalise_doi(lk["url"]) for lk in links if "doi.org/" in lk["url"]), "")
    visible_related = visible_related or set()
    successor = _successor(record)
    return BibRecord(
        title=main.title if main else "",
        subtitle=main.subtitle if main else "",
        abstract=main.abstract if main else "",
        language=main.language if main else record.original_language,
        translations=[
            BibText(t.language, t.title, t.subtitle, t.abstract) for t in texts if t is not main
        ],
        identifier=identifier,
        kind=record.kind,
        resource_type=record.resource_type.code if record.resource_type_id else "",
        creators=[_creator(c) for c in record.creators.all()],
        date_issued=record.date_issued,
        publisher=record.publisher,
        place=record.place,
        container=record.container,
        doi=doi,
        isbn=normalise_isbn(identifier[5:]) if identifier.startswith("isbn:") else "",
        links=links,
        licence=record.licence,
        duration=record.duration,
        depth=record.depth,
        concepts={scheme: sorted(codes) for scheme, codes in sorted(concepts.items())},
        holding_library=record.holding_library,
        shelfmark=record.shelfmark,
        provenance=record.provenance,
        supersedes=record_identifier(record.supersedes)
        if record.supersedes_id and record.supersedes_id in visible_related
        else "",
        superseded_by=record_identifier(successor)
        if successor is not None and successor.pk in visible_related
        else "",
        is_sample=record.is_sample,
        record_id=record.pk,
        page_url=(root if root is not None else base_url())
        + reverse("web:record", args=[record.pk]),
        updated=record.updated_at.isoformat() if record.updated_at else "",
        status=record.status,
        access=record.access_tier,
    )


def _successor(record: Record) -> Record | None:
    try:
        return record.superseded_by
    except Record.DoesNotExist:
        return None


def _creator(credit: RecordCreator) -> Creator:
    if credit.agent_id:
        return Creator(
            name=credit.agent.name,
            role=credit.role,
            is_organisation=credit.agent.kind == "organisation",
        )
    return Creator(
        name=credit.name, role=credit.role, is_organisation=credit.role in ORGANISATION_ROLES
    )
