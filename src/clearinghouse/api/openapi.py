"""The OpenAPI 3.1 description of API v1, written by hand next to the views it describes."""

from __future__ import annotations

from typing import Any

from clearinghouse.catalog.models import Record
from clearinghouse.ingestion.api import OPENAPI_PATHS as INGESTION_PATHS
from clearinghouse.search.types import FACET_FIELDS

from .openapi_paths import with_interoperability


def openapi_document(request) -> dict[str, Any]:
    facet_params = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": f"Only records with this {name} code (repeatable; all must hold).",
            "schema": {"type": "array", "items": {"type": "string", "maxLength": 100}},
            "style": "form",
            "explode": True,
        }
        for name in FACET_FIELDS
    ]
    hit = {
        "type": "object",
        "required": ["id", "kind", "title", "url"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {
                "type": "string",
                "enum": ["training_material", "publication", "instrument", "dataset"],
            },
            "title": {"type": "string"},
            "language": {"type": "string"},
            "year": {"type": ["integer", "null"]},
            "access": {"type": "string"},
            "sample": {"type": "boolean"},
            "url": {"type": "string"},
            "score": {"type": "number"},
        },
    }
    facet_counts = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"value": {"type": "string"}, "count": {"type": "integer"}},
        },
    }
    text = {"type": "string"}
    submission = {
        "type": "object",
        "required": ["kind", "original_language", "title"],
        "properties": {
            "kind": {"type": "string", "enum": Record.Kind.values},
            "original_language": text,
            "title": text,
            "subtitle": text,
            "abstract": text,
            "date_issued": text,
            "publisher": text,
            "place": text,
            "licence": text,
        },
        "additionalProperties": False,
    }
    change_schema = {
        "type": "object",
        "properties": {
            **{
                k: v
                for k, v in submission["properties"].items()
                if k not in ("kind", "original_language")
            },
            "status": {"type": "string", "enum": Record.Status.values},
            "access_tier": {"type": "string", "enum": Record.Tier.values},
            "access_group_ids": {"type": "array", "items": {"type": "integer"}},
            "embargo_until": {"type": ["string", "null"], "format": "date-time"},
        },
    }
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "TIP Clearinghouse API",
            "version": "1",
            "description": "Search and read the catalogue of anti-trafficking training materials. "
            "Results follow the same access policy as the portal.",
        },
        "servers": [{"url": request.build_absolute_uri("/api/v1")}],
        "paths": {
            **INGESTION_PATHS,
            "/records": {
                "get": {
                    "operationId": "searchRecords",
                    "summary": "Search records, with facet counts",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": 'Words, "phrases", prefix*, -exclusion, OR.',
                        },
                        {
                            "name": "f",
                            "in": "query",
                            "description": "Filter as field:value (repeatable).",
                            "schema": {"type": "array", "items": {"type": "string"}},
                            "style": "form",
                            "explode": True,
                        },
                        {
                            "name": "page",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "default": 1},
                        },
                        {
                            "name": "page_size",
                            "in": "query",
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": 100,
                                "default": 20,
                            },
                        },
                        {
                            "name": "sort",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "enum": ["relevance", "newest", "title"],
                            },
                        },
                        {
                            "name": "lang",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "Language for titles (BCP 47).",
                        },
                        *facet_params,
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of hits",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["total", "hits", "facets"],
                                        "properties": {
                                            "query": {"type": "string"},
                                            "total": {"type": "integer"},
                                            "page": {"type": "integer"},
                                            "page_size": {"type": "integer"},
                                            "filters": {
                                                "type": "array",
                                                "items": {"type": "object"},
                                            },
                                            "hits": {"type": "array", "items": hit},
                                            "facets": {
                                                "type": "object",
                                                "additionalProperties": facet_counts,
                                            },
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/records/{id}": {
                "get": {
                    "operationId": "getRecord",
                    "summary": "One record with every language version and its files",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The record",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "404": {"description": "No such record, or not visible to you"},
                    },
                },
                "patch": {
                    "operationId": "changeRecord",
                    "summary": "Change texts and descriptive fields; status and access: staff only",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "requestBody": {"content": {"application/json": {"schema": change_schema}}},
                    "responses": {
                        "200": {"description": "The changed record"},
                        "403": {"description": "Refused by the record policy (and audited)"},
                        "404": {"description": "No such record, or not visible to you"},
                    },
                },
            },
            "/submissions": {
                "post": {
                    "operationId": "submitRecord",
                    "summary": "Submit a record for review (partners and staff)",
                    "requestBody": {"content": {"application/json": {"schema": submission}}},
                    "responses": {
                        "201": {"description": "The new record, in review"},
                        "403": {"description": "Refused by the record policy (and audited)"},
                    },
                }
            },
        },
    }
    return with_interoperability(document)
