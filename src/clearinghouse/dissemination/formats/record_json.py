"""Our own JSON representation of a record (version 1), shared by the API and exports."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.urls import reverse

from clearinghouse.catalog.models import Record, RecordFile
from clearinghouse.catalog.policies import visible_files
from clearinghouse.core.policy import Actor

FORMAT_VERSION = 1
NAME = "json"
MEDIA_TYPE = "application/json"
CARRIES: frozenset[str] = frozenset()  # export only


def record_summary(record: Record, language: str) -> dict[str, Any]:
    text = record.text_for(language)
    return {
        "id": record.pk,
        "kind": record.kind,
        "title": text.title if text else "",
        "language": text.language if text else record.original_language,
        "year": record.year,
        "access": record.access_tier,
        "sample": record.is_sample,
        "url": reverse("api-record", args=[record.pk]),
    }


def record_full(record: Record, files: list[RecordFile]) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "id": record.pk,
        "kind": record.kind,
        "status": record.status,
        "access": record.access_tier,
        "original_language": record.original_language,
        "resource_type": record.resource_type.code if record.resource_type_id else None,
        "texts": [
            {
                "language": t.language,
                "title": t.title,
                "subtitle": t.subtitle,
                "abstract": t.abstract,
                "original": t.is_original,
                "translation": None
                if t.is_original
                else {
                    "method": t.method,
                    "source_language": t.source_language,
                    "translator": t.translator,
                    "reviewed": t.reviewed,
                },
            }
            for t in record.texts.all()
        ],
        "creators": [
            {
                "name": c.display_name,
                "role": c.role,
                "agent": c.agent.key if c.agent_id else None,
            }
            for c in record.creators.all()
        ],
        "concepts": _concepts(record),
        "date_issued": record.date_issued,
        "year": record.year,
        "publisher": record.publisher,
        "place": record.place,
        "container": record.container,
        "duration": record.duration,
        "depth": record.depth,
        "licence": record.licence,
        "links": record.links,
        "physical_copy": {"holding_library": record.holding_library, "shelfmark": record.shelfmark}
        if record.holding_library or record.shelfmark
        else None,
        "provenance": record.provenance,
        "supersedes": record.supersedes_id,
        "sample": record.is_sample,
        "synthetic": record.is_synthetic,
        "files": [
            {
                "name": f.original_name,
                "sha256": f.blob_id,
                "size": f.blob.size,
                "media_type": f.blob.media_type,
                "language": f.language,
                "download": reverse("web:download", args=[f.pk]),
            }
            for f in files
        ],
        "updated_at": record.updated_at.isoformat(),
    }


def _concepts(record: Record) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for concept in record.concepts.all():
        out.setdefault(concept.scheme_id, []).append(concept.code)
    return {k: sorted(v) for k, v in sorted(out.items())}


def serialize_records(actor: Actor, records: Iterable[Record]) -> Iterator[str]:
    """A JSON array of ``record_full`` documents, with the files ``actor`` may download."""
    yield "["
    for index, record in enumerate(records):
        document = record_full(record, visible_files(actor, record))
        yield ("," if index else "") + "\n" + json.dumps(document, ensure_ascii=False)
    yield "\n]\n"
