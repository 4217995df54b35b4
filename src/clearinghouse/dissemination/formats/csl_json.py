"""CSL-JSON: the data model of Citation Style Language processors (Zotero, Pandoc, citeproc).

Export is valid against the official ``csl-data.json`` schema and feeds the citation
renderer (``citations``). Import takes an array or a single item (and the INPUT block of a
CSL test-suite fixture); extra keys are ignored, bad dates are dropped, HTML/JATS markup in
abstracts is stripped.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from .bibrecord import (
    IMPORT_CORE,
    BibRecord,
    Creator,
    ParsedEntry,
    day_of,
    iso_date,
    month_of,
    normalise_doi,
    normalise_isbn,
    own_identifier,
    parse_loose_date,
)
from .concepts import labels
from .text import decode_bytes, language_code

NAME = "csl-json"
MEDIA_TYPE = "application/vnd.citationstyles.csl+json"
EXTENSION = "json"
CARRIES = IMPORT_CORE | frozenset(
    {
        "full_title",
        "links.first",
        "holding_library",
        "shelfmark",
        "duration",
    }
)
ROLES = {
    "author": "author",
    "corporate-author": "author",
    "editor": "editor",
    "organiser": "organizer",
}
TYPES = {
    "book": "book",
    "handbook": "book",
    "manual": "book",
    "article": "article-journal",
    "news-article": "article-newspaper",
    "research-report": "report",
    "conference-report": "report",
    "testimony": "hearing",
    "legal-instrument": "legislation",
    "regulation": "regulation",
    "dataset": "dataset",
    "webpage": "webpage",
    "video": "motion_picture",
}
RESOURCE_TYPES = {
    "book": "book",
    "article-journal": "article",
    "article": "article",
    "article-magazine": "article",
    "article-newspaper": "news-article",
    "report": "research-report",
    "thesis": "research-report",
    "paper-conference": "conference-report",
    "hearing": "testimony",
    "legislation": "legal-instrument",
    "bill": "legal-instrument",
    "treaty": "legal-instrument",
    "regulation": "regulation",
    "dataset": "dataset",
    "webpage": "webpage",
    "post-weblog": "webpage",
    "motion_picture": "video",
    "broadcast": "video",
}
_TAGS = re.compile(r"<[^>]{0,200}>")
_FIXTURE_INPUT = re.compile(r">>=+ INPUT =+>>(.*?)<<=+ INPUT =+<<", re.DOTALL)


# --- export ----------------------------------------------------------------------------------


def item(record: BibRecord) -> dict[str, Any]:
    """One record as a CSL-JSON item."""
    out: dict[str, Any] = {
        "id": record.identifier or f"rec{record.record_id}",
        "type": TYPES.get(record.resource_type, "document"),
        "title": record.full_title,
    }
    for role, variable in ROLES.items():
        names = [_name(c) for c in record.creators if c.role == role]
        if names:
            out.setdefault(variable, []).extend(names)
    if record.year:
        valid = iso_date(record.year, month_of(record.date_issued), day_of(record.date_issued))
        parts = [int(p) for p in valid.split("-")]
        out["issued"] = {"date-parts": [parts]}
    for key, value in (
        ("container-title", record.container),
        ("publisher", record.publisher),
        ("publisher-place", record.place),
        ("abstract", record.abstract),
        ("language", record.language),
        ("DOI", record.doi),
        ("ISBN", record.isbn),
        ("URL", record.urls[0] if record.urls else ""),
        ("archive", record.holding_library),
        ("call-number", record.shelfmark),
        ("dimensions", record.duration),
        (
            "genre",
            labels("resource_type", [record.resource_type])[0] if record.resource_type else "",
        ),
    ):
        if value:
            out[key] = value
    keywords = labels("topic", record.concepts.get("topic", [])) + labels(
        "audience", record.concepts.get("audience", [])
    )
    if keywords:
        out["keyword"] = ", ".join(keywords)
    return out


def _name(creator: Creator) -> dict[str, str]:
    if creator.is_organisation:
        return {"literal": creator.name}
    family, given = creator.split()
    return {"family": family, "given": given} if given else {"family": family}


def serialize(records: Iterable[BibRecord]) -> Iterator[str]:
    yield "["
    for index, record in enumerate(records):
        yield ("," if index else "") + "\n" + json.dumps(item(record), ensure_ascii=False)
    yield "\n]\n"


# --- import ----------------------------------------------------------------------------------


def parse(data: bytes) -> Iterator[ParsedEntry]:
    text = decode_bytes(data)
    fixture = _FIXTURE_INPUT.search(text)
    try:
        document = json.loads(fixture.group(1) if fixture else text)
    except ValueError as exc:
        yield ParsedEntry(number=1, error=f"not CSL-JSON: {exc}"[:300])
        return
    items = document if isinstance(document, list) else [document]
    for number, value in enumerate(items, start=1):
        if not isinstance(value, dict):
            yield ParsedEntry(number=number, error="the item is not a JSON object")
            continue
        yield _entry(number, value)


def _entry(number: int, value: dict[str, Any]) -> ParsedEntry:
    def text(key: str) -> str:
        raw = value.get(key)
        if isinstance(raw, list):
            raw = raw[0] if raw else ""
        return " ".join(str(raw).split()) if isinstance(raw, str | int | float) else ""

    title = text("title")
    if not title:
        return ParsedEntry(number=number, error="the item has no title")
    creators: list[Creator] = []
    for variable, role in (("author", "author"), ("editor", "editor"), ("organizer", "organiser")):
        for name in value.get(variable) or []:
            creator = _creator(name, role)
            if creator:
                creators.append(creator)
    record = BibRecord(
        title=title,
        abstract=html.unescape(_TAGS.sub(" ", text("abstract"))).strip(),
        language=language_code(text("language")),
        identifier=own_identifier(text("id")),
        resource_type=RESOURCE_TYPES.get(text("type"), ""),
        type_label=text("genre"),
        creators=creators,
        date_issued=_date(value.get("issued")),
        publisher=text("publisher"),
        place=text("publisher-place"),
        container=text("container-title") or text("collection-title"),
        doi=normalise_doi(text("DOI")),
        isbn=normalise_isbn(text("ISBN")),
        links=[{"url": text("URL")}] if "://" in text("URL") else [],
        holding_library=text("archive"),
        shelfmark=text("call-number"),
        duration=text("dimensions")[:40],
        keywords=[k.strip() for k in re.split(r"[,;]", text("keyword")) if k.strip()],
    )
    return ParsedEntry(number=number, entry=record)


def _creator(name: Any, role: str) -> Creator | None:
    if isinstance(name, str):
        return Creator(name, role) if name.strip() else None
    if not isinstance(name, dict):
        return None
    literal = str(name.get("literal") or "").strip()
    if literal:
        return Creator(literal, "corporate-author" if role == "author" else role, True)
    family = " ".join(
        str(p) for p in (name.get("non-dropping-particle"), name.get("family")) if p
    ).strip()
    given = str(name.get("given") or "").strip()
    if not family and not given:
        return None
    return Creator(f"{family}, {given}" if given else family, role)


def _date(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = [str(p) for p in parts[0][:3] if p is not None and str(p).strip()]
        if first:
            return iso_date(*first)
    for key in ("raw", "literal"):
        if isinstance(value.get(key), str):
            return parse_loose_date(value[key])
    return ""
