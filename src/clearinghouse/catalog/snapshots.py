"""A record as plain data, for its history (and later for exports)."""

from __future__ import annotations

from typing import Any

from .models import Record


def record_snapshot(record: Record) -> dict[str, Any]:
    return {
        "kind": record.kind,
        "status": record.status,
        "access_tier": record.access_tier,
        "access_groups": sorted(g.pk for g in record.access_groups.all()),
        "embargo_until": record.embargo_until.isoformat() if record.embargo_until else None,
        "original_language": record.original_language,
        "resource_type": record.resource_type.code if record.resource_type_id else None,
        "date_issued": record.date_issued,
        "publisher": record.publisher,
        "place": record.place,
        "container": record.container,
        "identifier": record.identifier,
        "duration": record.duration,
        "depth": record.depth,
        "licence": record.licence,
        "links": record.links,
        "holding_library": record.holding_library,
        "shelfmark": record.shelfmark,
        "provenance": record.provenance,
        "supersedes": record.supersedes_id,
        "is_sample": record.is_sample,
        "concepts": sorted(f"{c.scheme_id}:{c.code}" for c in record.concepts.all()),
        "texts": [
            {
                "language": t.language,
                "title": t.title,
                "subtitle": t.subtitle,
                "abstract": t.abstract,
                "annotation": t.annotation,
                "is_original": t.is_original,
                "method": t.method,
                "source_language": t.source_language,
                "translator": t.translator,
                "reviewed": t.reviewed,
            }
            for t in record.texts.all()
        ],
        "creators": [
            {"agent": c.agent_id, "name": c.name, "role": c.role} for c in record.creators.all()
        ],
        "files": [
            {
                "sha256": f.blob_id,
                "name": f.original_name,
                "access_tier": f.access_tier,
                "embargo_until": f.embargo_until.isoformat() if f.embargo_until else None,
            }
            for f in record.files.all()
        ],
    }
