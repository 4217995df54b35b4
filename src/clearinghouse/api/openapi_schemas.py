"""Component schemas of the OpenAPI document (kept beside ``openapi.py``, which uses them)."""

from __future__ import annotations

from typing import Any

from clearinghouse.catalog.models import Record, RecordCreator, RecordText

NULLABLE_STRING = {"type": ["string", "null"]}
LANGUAGE_TEXTS = {"type": "object", "additionalProperties": {"type": "string"}}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string"},
            "detail": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    },
    "Hit": {
        "type": "object",
        "required": ["id", "kind", "title", "url"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": Record.Kind.values},
            "title": {"type": "string"},
            "language": {"type": "string"},
            "year": {"type": ["integer", "null"]},
            "access": {"type": "string"},
            "sample": {"type": "boolean"},
            "url": {"type": "string"},
            "score": {"type": "number"},
        },
    },
    "SearchPage": {
        "type": "object",
        "required": ["total", "hits", "facets"],
        "properties": {
            "query": {"type": "string"},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "page_size": {"type": "integer"},
            "filters": {"type": "array", "items": {"type": "object"}},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "facets": {
                "type": "object",
                "additionalProperties": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"value": {"type": "string"}, "count": {"type": "integer"}},
                    },
                },
            },
        },
    },
    "Text": {
        "type": "object",
        "required": ["title"],
        "properties": {
            "language": {"type": "string", "maxLength": 35},
            "title": {"type": "string", "minLength": 1, "maxLength": 1000},
            "subtitle": {"type": "string", "maxLength": 1000},
            "abstract": {"type": "string"},
            "original": {"type": "boolean"},
            "translation": {
                "type": ["object", "null"],
                "properties": {
                    "method": {"type": "string", "enum": RecordText.Method.values},
                    "source_language": {"type": "string", "maxLength": 35},
                    "translator": {"type": "string", "maxLength": 200},
                    "reviewed": {"type": "boolean"},
                },
            },
        },
    },
    "Record": {
        "type": "object",
        "description": "Our JSON v1 record. Write requests send the same shape; read-only "
        "keys (id, year, files, updated_at…) are ignored.",
        "required": ["kind", "texts"],
        "properties": {
            "format_version": {"type": "integer", "readOnly": True},
            "id": {"type": "integer", "readOnly": True},
            "identifier": NULLABLE_STRING,
            "kind": {"type": "string", "enum": Record.Kind.values},
            "status": {"type": "string", "enum": Record.Status.values},
            "access": {"type": "string", "enum": Record.Tier.values},
            "original_language": {"type": "string", "maxLength": 35},
            "resource_type": NULLABLE_STRING,
            "texts": {
                "type": "array",
                "minItems": 1,
                "items": {"$ref": "#/components/schemas/Text"},
            },
            "creators": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "maxLength": 300},
                        "role": {"type": "string", "enum": RecordCreator.Role.values},
                        "agent": NULLABLE_STRING,
                    },
                },
            },
            "concepts": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "date_issued": {"type": "string"},
            "year": {"type": ["integer", "null"], "readOnly": True},
            "publisher": {"type": "string"},
            "place": {"type": "string"},
            "container": {"type": "string"},
            "duration": {"type": "string"},
            "depth": {"type": "string"},
            "licence": {"type": "string"},
            "links": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"url": {"type": "string"}, "note": {"type": "string"}},
                },
            },
            "physical_copy": {
                "type": ["object", "null"],
                "properties": {
                    "holding_library": {"type": "string"},
                    "shelfmark": {"type": "string"},
                },
            },
            "provenance": {"type": "string"},
            "supersedes": {"type": ["integer", "null"], "readOnly": True},
            "sample": {"type": "boolean", "readOnly": True},
            "files": {"type": "array", "items": {"type": "object"}, "readOnly": True},
            "updated_at": {"type": "string", "readOnly": True},
        },
    },
    "File": {
        "type": "object",
        "required": ["id", "record", "name", "sha256", "size", "download"],
        "properties": {
            "id": {"type": "integer"},
            "record": {"type": "integer"},
            "name": {"type": "string"},
            "label": {"type": "string"},
            "language": {"type": "string"},
            "sha256": {"type": "string"},
            "size": {"type": "integer"},
            "media_type": {"type": "string"},
            "download": {"type": "string"},
        },
    },
    "Concept": {
        "type": "object",
        "required": ["code", "scheme", "labels"],
        "properties": {
            "code": {"type": "string"},
            "scheme": {"type": "string"},
            "labels": LANGUAGE_TEXTS,
            "alt_labels": {"type": "object"},
            "scope_note": {"type": "object"},
            "broader": NULLABLE_STRING,
        },
    },
    "Vocabulary": {
        "type": "object",
        "required": ["id", "labels", "url"],
        "properties": {
            "id": {"type": "string"},
            "labels": LANGUAGE_TEXTS,
            "url": {"type": "string"},
        },
    },
    "Organisation": {
        "type": "object",
        "required": ["key", "name"],
        "properties": {
            "key": {"type": "string"},
            "name": {"type": "string"},
            "names": LANGUAGE_TEXTS,
            "acronym": {"type": "string"},
            "type": {"type": "string"},
            "country": {"type": "string"},
            "url": {"type": "string"},
            "parent": NULLABLE_STRING,
            "sample": {"type": "boolean"},
        },
    },
    "Expert": {
        "type": "object",
        "required": ["key", "name", "disciplines", "languages", "available_as_trainer"],
        "properties": {
            "key": {"type": "string"},
            "name": {"type": "string"},
            "names": LANGUAGE_TEXTS,
            "title": {"type": "string"},
            "affiliation": NULLABLE_STRING,
            "city": {"type": "string"},
            "country": {"type": "string"},
            "disciplines": {"type": "array", "items": {"type": "string"}},
            "topics": {"type": "array", "items": {"type": "string"}},
            "audiences": {"type": "array", "items": {"type": "string"}},
            "languages": {"type": "array", "items": {"type": "object"}},
            "regions": {"type": "array", "items": {"type": "string"}},
            "available_as_trainer": {"type": "boolean"},
            "sample_profile": {"type": "boolean"},
            "url": {"type": "string"},
            "private": {
                "description": "Only for administrators, analysts and trainers",
                "type": "object",
                "properties": {
                    k: {"type": "string"} for k in ("email", "phone", "address", "notes")
                },
            },
            "score": {"type": "number"},
            "why": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Match": {
        "type": "object",
        "required": ["materials", "providers", "team", "uncovered"],
        "properties": {
            "materials": {"type": "array", "items": {"type": "object"}},
            "providers": {"type": "array", "items": {"type": "object"}},
            "team": {"type": "array", "items": {"$ref": "#/components/schemas/Expert"}},
            "uncovered": {
                "type": "object",
                "properties": {
                    "disciplines": {"type": "array", "items": {"type": "string"}},
                    "languages": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
    "ImportReport": {
        "type": "object",
        "required": ["format", "dry_run", "total", "created", "updated", "rejected", "entries"],
        "properties": {
            "run": {"type": ["integer", "null"]},
            "format": {"type": "string"},
            "dry_run": {"type": "boolean"},
            "total": {"type": "integer"},
            "created": {"type": "integer"},
            "updated": {"type": "integer"},
            "rejected": {"type": "integer"},
            "entries": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "number": {"type": "integer"},
                        "line": {"type": ["integer", "null"]},
                        "action": {"type": "string", "enum": ["create", "update", "reject"]},
                        "key": {"type": "string"},
                        "title": {"type": "string"},
                        "reason": {"type": "string"},
                        "record": {"type": ["integer", "null"]},
                    },
                },
            },
        },
    },
}


def page_of(item_ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["total", "page", "page_size", "results"],
        "properties": {
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "page_size": {"type": "integer"},
            "next": NULLABLE_STRING,
            "previous": NULLABLE_STRING,
            "results": {"type": "array", "items": {"$ref": item_ref}},
        },
    }
