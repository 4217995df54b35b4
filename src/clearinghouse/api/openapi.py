"""The OpenAPI 3.1 description of API v1, written by hand next to the views it describes."""

from __future__ import annotations

from typing import Any

from clearinghouse.search.types import FACET_FIELDS


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
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "TIP Clearinghouse API",
            "version": "1",
            "description": "Search and read the catalogue of anti-trafficking training materials. "
            "Results follow the same access policy as the portal.",
        },
        "servers": [{"url": request.build_absolute_uri("/api/v1")}],
        "paths": {
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
                            "schema": {"type": "string", "enum": ["relevance", "newest", "title"]},
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
                }
            },
        },
    }
