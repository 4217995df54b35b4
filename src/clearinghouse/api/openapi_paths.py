"""OpenAPI paths of the interoperability endpoints: reading, staff writes, exports, imports."""

from __future__ import annotations

from typing import Any

from clearinghouse.catalog.models import Record
from clearinghouse.dissemination.formats.registry import EXPORTS, IMPORTS
from clearinghouse.search.types import FACET_FIELDS

from .openapi_schemas import SCHEMAS, page_of

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
STAFF = [{"token": []}, {"session": []}]
MAX_ID = 10**18 - 1


def _json(ref: str | dict, description: str) -> dict[str, Any]:
    schema = {"$ref": ref} if isinstance(ref, str) else ref
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": ERROR}


def _id(name: str = "id", kind: str = "integer") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": kind}
    if kind == "string":
        schema.update({"minLength": 1, "maxLength": 100, "pattern": "^[A-Za-z0-9_.:-]+$"})
    return {"name": name, "in": "path", "required": True, "schema": schema}


PAGE = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}},
    {
        "name": "page_size",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
    },
]
WRITE_ERRORS = {
    "400": _error("The body is not valid (fields say why)"),
    "401": _error("No or a bad token"),
    "403": _error("Not staff, or a session write without CSRF token"),
    "404": _error("No such record"),
    "429": _error("Rate limited (see Retry-After)"),
}
SEARCH_FILTERS = [
    {"name": "q", "in": "query", "schema": {"type": "string"}},
    {
        "name": "f",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
    },
    *(
        {
            "name": name,
            "in": "query",
            "schema": {"type": "array", "items": {"type": "string"}},
            "style": "form",
            "explode": True,
        }
        for name in FACET_FIELDS
    ),
]


def interop_paths() -> dict[str, dict[str, Any]]:
    export_names = sorted(EXPORTS)
    list_export_names = sorted(n for n, f in EXPORTS.items() if f.multi)
    return {
        "/records": {
            "post": {
                "operationId": "createRecord",
                "summary": "Create a record (staff), in our JSON v1 shape",
                "security": STAFF,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Record"}}
                    },
                },
                "responses": {
                    "201": _json("#/components/schemas/Record", "The new record"),
                    "409": _error("A record with this identifier exists"),
                    **WRITE_ERRORS,
                },
            }
        },
        "/records/{id}": {
            "put": {
                "operationId": "replaceRecord",
                "summary": "Replace a record (staff): every field from the body",
                "security": STAFF,
                "parameters": [_id()],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Record"}}
                    },
                },
                "responses": {
                    "200": _json("#/components/schemas/Record", "The record"),
                    **WRITE_ERRORS,
                },
            },
            "delete": {
                "operationId": "withdrawRecord",
                "summary": "Withdraw a record (staff); OAI-PMH then reports it deleted",
                "security": STAFF,
                "parameters": [_id()],
                "responses": {
                    "200": _json("#/components/schemas/Record", "The withdrawn record"),
                    **WRITE_ERRORS,
                },
            },
        },
        "/records/{id}/texts/{language}": {
            "put": {
                "operationId": "putRecordText",
                "summary": "Add or replace the record's text in one language (staff)",
                "security": STAFF,
                "parameters": [_id(), _id("language", "string")],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Text"}}
                    },
                },
                "responses": {
                    "200": _json("#/components/schemas/Record", "The record"),
                    **WRITE_ERRORS,
                },
            },
            "delete": {
                "operationId": "deleteRecordText",
                "summary": "Delete a translation (staff; the original stays)",
                "security": STAFF,
                "parameters": [_id(), _id("language", "string")],
                "responses": {
                    "204": {"description": "Deleted"},
                    "409": _error("The original text cannot be deleted"),
                    **WRITE_ERRORS,
                },
            },
        },
        "/records/{id}/files": {
            "get": {
                "operationId": "listRecordFiles",
                "summary": "The record's files you may download",
                "parameters": [_id()],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["results"],
                            "properties": {
                                "results": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/File"},
                                }
                            },
                        },
                        "The files",
                    ),
                    "404": _error("No such record, or not visible to you"),
                },
            },
            "post": {
                "operationId": "attachRecordFile",
                "summary": "Attach a file to a record (staff)",
                "security": STAFF,
                "parameters": [_id()],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "language": {"type": "string"},
                                    "label": {"type": "string"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": _json("#/components/schemas/File", "The file"),
                    "413": _error("Too large"),
                    **WRITE_ERRORS,
                },
            },
        },
        "/records/{id}/export/{format}": {
            "get": {
                "operationId": "exportRecord",
                "summary": "One record in an exchange format",
                "parameters": [
                    _id(),
                    {
                        "name": "format",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": export_names},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The record in that format",
                        "content": {
                            f.media_type.split(";")[0]: {"schema": {}} for f in EXPORTS.values()
                        },
                    },
                    "404": _error("No such record or format"),
                },
            }
        },
        "/export/{format}": {
            "get": {
                "operationId": "exportRecords",
                "summary": "Every visible record (or a search's hits) in an exchange format",
                "parameters": [
                    {
                        "name": "format",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": list_export_names},
                    },
                    *SEARCH_FILTERS,
                ],
                "responses": {
                    "200": {
                        "description": "The records",
                        "content": {
                            EXPORTS[n].media_type.split(";")[0]: {"schema": {}}
                            for n in list_export_names
                        },
                    },
                    "404": _error("No such format"),
                },
            }
        },
        "/files/{id}": {
            "get": {
                "operationId": "getFile",
                "summary": "A file's metadata and download address",
                "parameters": [_id()],
                "responses": {
                    "200": _json("#/components/schemas/File", "The file"),
                    "404": _error("No such file, or you may not download it"),
                },
            }
        },
        "/formats": {
            "get": {
                "operationId": "listFormats",
                "summary": "Export and import formats, and which fields each carries",
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "results": {"type": "array", "items": {"type": "object"}}
                            },
                        },
                        "The formats",
                    )
                },
            }
        },
        "/imports": {
            "post": {
                "operationId": "importFile",
                "summary": "Import a bibliographic file (staff); dry_run=true: what would change",
                "security": STAFF,
                "parameters": [
                    {
                        "name": "format",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "enum": sorted(IMPORTS)},
                    },
                    {"name": "dry_run", "in": "query", "schema": {"type": "boolean"}},
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {"type": "string", "enum": Record.Status.values},
                    },
                    {
                        "name": "access",
                        "in": "query",
                        "schema": {"type": "string", "enum": Record.Tier.values},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/octet-stream": {
                            "schema": {"type": "string", "format": "binary"}
                        }
                    },
                },
                "responses": {
                    "200": _json("#/components/schemas/ImportReport", "The report"),
                    **WRITE_ERRORS,
                },
            }
        },
        "/vocabularies": {
            "get": {
                "operationId": "listVocabularies",
                "summary": "The controlled vocabularies",
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["results"],
                            "properties": {
                                "results": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Vocabulary"},
                                }
                            },
                        },
                        "The vocabularies",
                    )
                },
            }
        },
        "/vocabularies/{scheme}": {
            "get": {
                "operationId": "getVocabulary",
                "summary": "A vocabulary's concepts, with labels in every language",
                "parameters": [
                    _id("scheme", "string"),
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                    *PAGE,
                ],
                "responses": {
                    "200": _json(page_of("#/components/schemas/Concept"), "The concepts"),
                    "400": _error("Bad paging"),
                    "404": _error("No such vocabulary"),
                },
            }
        },
        "/vocabularies/{scheme}/{code}": {
            "get": {
                "operationId": "getConcept",
                "summary": "One concept",
                "parameters": [_id("scheme", "string"), _id("code", "string")],
                "responses": {
                    "200": _json("#/components/schemas/Concept", "The concept"),
                    "404": _error("No such concept"),
                },
            }
        },
        "/organisations": {
            "get": {
                "operationId": "listOrganisations",
                "summary": "Organisations of the directory",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                    {"name": "type", "in": "query", "schema": {"type": "string"}},
                    {"name": "country", "in": "query", "schema": {"type": "string"}},
                    *PAGE,
                ],
                "responses": {
                    "200": _json(page_of("#/components/schemas/Organisation"), "The organisations"),
                    "400": _error("Bad paging"),
                },
            }
        },
        "/organisations/{key}": {
            "get": {
                "operationId": "getOrganisation",
                "summary": "One organisation",
                "parameters": [_id("key", "string")],
                "responses": {
                    "200": _json("#/components/schemas/Organisation", "The organisation"),
                    "404": _error("No such organisation"),
                },
            }
        },
        **roster_paths(),
    }


def _query(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema or {"type": "string"}}


def _codes(name: str) -> dict[str, Any]:
    return {
        **_query(name, {"type": "array", "items": {"type": "string"}}),
        "style": "form",
        "explode": True,
    }


def roster_paths() -> dict[str, dict[str, Any]]:
    """The roster (C8): experts' public profiles (private fields for staff and trainers
    only) and matching a training need."""
    return {
        "/experts": {
            "get": {
                "operationId": "listExperts",
                "summary": "Experts of the roster (private fields only for staff and trainers)",
                "parameters": [
                    *(
                        _query(n)
                        for n in ("q", "discipline", "topic", "audience", "language", "country")
                    ),
                    _query("available", {"type": "string", "enum": ["true", "false"]}),
                    *PAGE,
                ],
                "responses": {
                    "200": _json(page_of("#/components/schemas/Expert"), "The experts"),
                    "400": _error("Bad paging"),
                },
            }
        },
        "/experts/{key}": {
            "get": {
                "operationId": "getExpert",
                "summary": "One expert",
                "parameters": [_id("key", "string")],
                "responses": {
                    "200": _json("#/components/schemas/Expert", "The expert"),
                    "404": _error("No such expert"),
                },
            }
        },
        "/match": {
            "get": {
                "operationId": "matchNeed",
                "summary": "Materials, providers and a briefing team for a training need",
                "parameters": [
                    *(_codes(n) for n in ("audience", "topic", "language", "discipline")),
                    *(_query(n) for n in ("country", "mission", "purpose")),
                    *(_query(n, {"type": "string", "format": "date"}) for n in ("start", "end")),
                    _query("team_size", {"type": "integer", "minimum": 1, "maximum": 20}),
                ],
                "responses": {
                    "200": _json("#/components/schemas/Match", "The proposals, each with why"),
                    "400": _error("No need given"),
                },
            }
        },
    }


def with_interoperability(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the paths above merged in, the component schemas and security."""
    paths = document.setdefault("paths", {})
    for path, operations in interop_paths().items():
        paths.setdefault(path, {}).update(operations)
    for operations in paths.values():
        for operation in operations.values():
            # Every endpoint answers errors (bad request, auth, rate limit…) as Error.
            operation.setdefault("responses", {}).setdefault("default", _error("An error"))
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and schema.get("type") == "integer":
                    # What the URL converters accept: database ids, not any integer.
                    schema.update({"minimum": 0, "maximum": MAX_ID})
    components = document.setdefault("components", {})
    components.setdefault("schemas", {}).update(SCHEMAS)
    components.setdefault("securitySchemes", {}).update(
        {
            "token": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API token: `clearinghouse api_token USER`",
            },
            "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
        }
    )
    document["info"]["description"] += (
        " Staff write with a token (Authorization: Bearer …). Requests are rate limited "
        "(429 with Retry-After)."
    )
    return document
