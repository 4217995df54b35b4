"""Reading and validating write requests: our JSON v1 record shape → ``RecordInput``.

The body a client PUTs is the body it GETs (``record_full``); read-only keys (id, year,
files, updated_at…) are ignored. Every error names its field.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpRequest

from clearinghouse.catalog.models import Record, RecordCreator, RecordText
from clearinghouse.catalog.services import TEXT_SCHEMES, CreatorInput, RecordInput, TextInput
from clearinghouse.directory.models import Agent
from clearinghouse.vocabularies.models import Concept

from .base import ApiError

MAX_BODY = 2 * 1024 * 1024
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, path: str, message: str) -> None:
        self.fields.setdefault(path, message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ApiError(400, "bad_request", "The request body is not valid.", fields=self.fields)


def read_json(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY:
        raise ApiError(413, "too_large", f"Bodies over {MAX_BODY} bytes are not accepted.")
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "bad_request", "The body is not JSON.") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "The body must be a JSON object.")
    return body


def _string(
    body: dict, key: str, errors: _Errors, limit: int = 0, *, required: bool = False, path: str = ""
) -> str:
    value = body.get(key)
    where = path or key
    if value is None:
        if required:
            errors.add(where, "required")
        return ""
    if not isinstance(value, str):
        errors.add(where, "must be a string")
        return ""
    if "\x00" in value:
        errors.add(where, "must not contain NUL characters")
        return ""
    if limit and len(value) > limit:
        errors.add(where, f"at most {limit} characters")
    if required and not value.strip():
        errors.add(where, "must not be empty")
    return value.strip()


def _choice(body: dict, key: str, choices, errors: _Errors, default: str = "") -> str:
    value = body.get(key, default)
    if value is None:
        value = default
    if value not in choices:
        errors.add(key, f"one of {', '.join(sorted(c for c in choices if c))}")
        return default
    return value


def text_input_from(
    body: dict[str, Any], language: str, errors: _Errors | None = None, path: str = ""
) -> TextInput:
    own = errors is None
    errors = errors or _Errors()
    if not isinstance(body, dict):
        errors.add(path or "text", "must be an object")
        body = {}
    if not language or len(language) > 35 or not re.fullmatch(r"[A-Za-z0-9-]+", language):
        errors.add(f"{path}language", "a BCP 47 language tag")
    translation = body.get("translation") or {}
    if not isinstance(translation, dict):
        errors.add(f"{path}translation", "must be an object or null")
        translation = {}
    original = body.get("original", body.get("is_original", False))
    if not isinstance(original, bool):
        errors.add(f"{path}original", "must be true or false")
        original = False
    method = translation.get("method") or (
        RecordText.Method.ORIGINAL if original else RecordText.Method.HUMAN
    )
    if method not in RecordText.Method.values:
        errors.add(f"{path}translation.method", f"one of {', '.join(RecordText.Method.values)}")
        method = RecordText.Method.HUMAN
    reviewed = translation.get("reviewed", False)
    text = TextInput(
        language=language,
        title=_string(body, "title", errors, 1000, required=True, path=f"{path}title"),
        subtitle=_string(body, "subtitle", errors, 1000, path=f"{path}subtitle"),
        abstract=_string(body, "abstract", errors, 100_000, path=f"{path}abstract"),
        is_original=original,
        method=method,
        source_language=_string(
            translation, "source_language", errors, 35, path=f"{path}translation.source_language"
        ),
        translator=_string(
            translation, "translator", errors, 200, path=f"{path}translation.translator"
        ),
        reviewed=reviewed if isinstance(reviewed, bool) else False,
    )
    if own:
        errors.raise_if_any()
    return text


def record_input_from(body: dict[str, Any]) -> RecordInput:
    errors = _Errors()
    texts_raw = body.get("texts")
    texts: list[TextInput] = []
    if not isinstance(texts_raw, list) or not texts_raw:
        errors.add("texts", "a non-empty list of texts")
    else:
        for i, raw in enumerate(texts_raw[:50]):
            language = raw.get("language") if isinstance(raw, dict) else None
            texts.append(
                text_input_from(
                    raw, language if isinstance(language, str) else "", errors, f"texts[{i}]."
                )
            )
    languages = [t.language.lower() for t in texts]
    if len(set(languages)) != len(languages):
        errors.add("texts", "one text per language")
    if texts and not any(t.is_original for t in texts):
        texts[0].is_original = True
    originals = [t for t in texts if t.is_original]
    if len(originals) > 1:
        errors.add("texts", "exactly one original text")
    original_language = _string(body, "original_language", errors, 35) or (
        originals[0].language if originals else ""
    )
    physical = body.get("physical_copy") or {}
    if not isinstance(physical, dict):
        errors.add("physical_copy", "must be an object or null")
        physical = {}
    data = RecordInput(
        kind=_choice(body, "kind", Record.Kind.values, errors),
        original_language=original_language,
        texts=texts,
        identifier=_string(body, "identifier", errors, 200) or None,
        resource_type=_string(body, "resource_type", errors, 64) or None,
        status=_choice(body, "status", Record.Status.values, errors, Record.Status.DRAFT),
        access_tier=_choice(body, "access", Record.Tier.values, errors, Record.Tier.PUBLIC),
        concepts=_concepts(body.get("concepts"), errors),
        creators=_creators(body.get("creators"), errors),
        attributes={
            "date_issued": _string(body, "date_issued", errors, 10),
            "publisher": _string(body, "publisher", errors, 300),
            "place": _string(body, "place", errors, 200),
            "container": _string(body, "container", errors, 400),
            "duration": _string(body, "duration", errors, 40),
            "depth": _choice(body, "depth", {"", *Record.Depth.values}, errors, ""),
            "licence": _string(body, "licence", errors, 100),
            "links": _links(body.get("links"), errors),
            "holding_library": _string(
                physical, "holding_library", errors, 200, path="physical_copy.holding_library"
            ),
            "shelfmark": _string(
                physical, "shelfmark", errors, 100, path="physical_copy.shelfmark"
            ),
            "provenance": _string(body, "provenance", errors, 10_000),
        },
    )
    if data.attributes["date_issued"] and not _DATE.match(data.attributes["date_issued"]):
        errors.add("date_issued", "an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD")
    if (
        data.resource_type
        and not Concept.objects.filter(scheme_id="resource_type", code=data.resource_type).exists()
    ):
        errors.add("resource_type", "unknown resource type code")
    errors.raise_if_any()
    return data


def _concepts(value: Any, errors: _Errors) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.add("concepts", "an object of scheme → list of codes")
        return {}
    out: dict[str, list[str]] = {}
    for scheme, codes in value.items():
        if scheme not in TEXT_SCHEMES:
            errors.add(f"concepts.{scheme}", f"scheme one of {', '.join(TEXT_SCHEMES)}")
        elif not isinstance(codes, list) or not all(isinstance(c, str) and c for c in codes):
            errors.add(f"concepts.{scheme}", "a list of codes")
        else:
            out[scheme] = list(dict.fromkeys(codes))[:200]
    return out


def _creators(value: Any, errors: _Errors) -> list[CreatorInput]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add("creators", "a list")
        return []
    keys = [
        c.get("agent") for c in value if isinstance(c, dict) and isinstance(c.get("agent"), str)
    ]
    agents = dict(Agent.objects.filter(key__in=keys).values_list("key", "pk"))
    out = []
    for i, raw in enumerate(value[:200]):
        if not isinstance(raw, dict):
            errors.add(f"creators[{i}]", "an object")
            continue
        role = raw.get("role", RecordCreator.Role.AUTHOR)
        if role not in RecordCreator.Role.values:
            errors.add(f"creators[{i}].role", f"one of {', '.join(RecordCreator.Role.values)}")
        key = raw.get("agent")
        if key is not None and key not in agents:
            errors.add(f"creators[{i}].agent", "unknown agent key")
        name = _string(raw, "name", errors, 300, path=f"creators[{i}].name")
        if key is None and not name:
            errors.add(f"creators[{i}].name", "a name or an agent key")
        out.append(
            CreatorInput(role=role, agent_id=agents.get(key), name="" if key in agents else name)
        )
    return out


def _links(value: Any, errors: _Errors) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add("links", "a list of {url, note}")
        return []
    out = []
    for i, raw in enumerate(value[:100]):
        if not isinstance(raw, dict):
            errors.add(f"links[{i}]", "an object with url")
            continue
        url = _string(raw, "url", errors, 2000, required=True, path=f"links[{i}].url")
        if url and not re.match(r"^(https?://|urn:|doi:)", url, re.IGNORECASE):
            errors.add(f"links[{i}].url", "an http(s) URL or a URN")
        note = _string(raw, "note", errors, 300, path=f"links[{i}].note")
        out.append({"url": url, "note": note} if note else {"url": url})
    return out
