"""RIS (the tagged format of EndNote, Zotero, Mendeley and library discovery systems).

Export: ``TY`` from the resource type, our identifier in ``ID``, title and subtitle joined
in ``TI`` (RIS has no subtitle), persons as "Family, Given" and organisations without a
comma, topics and audiences as ``KW``, the resource type's label in ``M3``.
Import: a small line-numbered reader (tolerates BOMs, junk between records, empty tags,
continuation lines and unknown tags); an ``AU`` without a comma is an organisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .bibrecord import (
    IMPORT_CORE,
    BibRecord,
    Creator,
    ParsedEntry,
    day_of,
    inverted_name,
    month_of,
    normalise_doi,
    normalise_isbn,
    own_identifier,
    parse_loose_date,
)
from .concepts import labels
from .text import decode_bytes, language_code

NAME = "ris"
MEDIA_TYPE = "application/x-research-info-systems"
EXTENSION = "ris"
CARRIES = IMPORT_CORE | frozenset(
    {
        "full_title",
        "links.urls",
    }
)
ROLES = {"author": "AU", "corporate-author": "AU", "editor": "ED"}

TYPES = {
    "book": "BOOK",
    "handbook": "BOOK",
    "manual": "BOOK",
    "article": "JOUR",
    "news-article": "NEWS",
    "research-report": "RPRT",
    "conference-report": "CONF",
    "testimony": "HEAR",
    "slide-deck": "SLIDE",
    "video": "VIDEO",
    "legal-instrument": "LEGAL",
    "regulation": "LEGAL",
    "national-plan": "GOVDOC",
    "policy-document": "GOVDOC",
    "guidelines": "GOVDOC",
    "dataset": "DATA",
    "webpage": "ELEC",
}
RESOURCE_TYPES = {
    "BOOK": "book",
    "EBOOK": "book",
    "JOUR": "article",
    "EJOUR": "article",
    "MGZN": "article",
    "NEWS": "news-article",
    "RPRT": "research-report",
    "THES": "research-report",
    "CONF": "conference-report",
    "CPAPER": "conference-report",
    "HEAR": "testimony",
    "SLIDE": "slide-deck",
    "VIDEO": "video",
    "MPCT": "video",
    "LEGAL": "legal-instrument",
    "STAT": "legal-instrument",
    "BILL": "legal-instrument",
    "GOVDOC": "policy-document",
    "DATA": "dataset",
    "ELEC": "webpage",
    "WEB": "webpage",
}
_LINE = re.compile(r"^([A-Z][A-Z0-9])  -( (.*))?$")


# --- export ----------------------------------------------------------------------------------


def serialize(records: Iterable[BibRecord]) -> Iterator[str]:
    for record in records:
        yield entry(record) + "\n"


def entry(record: BibRecord) -> str:
    lines = [("TY", TYPES.get(record.resource_type, "GEN"))]
    add = lines.append
    if record.identifier:
        add(("ID", record.identifier))
    add(("TI", record.full_title))
    for creator in record.creators:
        if creator.role in ROLES:
            add((ROLES[creator.role], inverted_name(creator)))
    if record.year:
        add(("PY", record.year))
        add(
            (
                "DA",
                "/".join(
                    (record.year, month_of(record.date_issued), day_of(record.date_issued), "")
                ),
            )
        )
    for tag, value in (
        ("T2", record.container),
        ("PB", record.publisher),
        ("CY", record.place),
        ("AB", record.abstract),
        ("LA", record.language),
        ("DO", record.doi),
        ("SN", record.isbn),
        ("M3", labels("resource_type", [record.resource_type])[0] if record.resource_type else ""),
    ):
        if value:
            add((tag, value))
    for url in record.urls:
        add(("UR", url))
    for keyword in labels("topic", record.concepts.get("topic", [])) + labels(
        "audience", record.concepts.get("audience", [])
    ):
        add(("KW", keyword))
    add(("ER", ""))
    return (
        "\n".join(f"{tag}  - {' '.join(str(value).split())}".rstrip() for tag, value in lines)
        + "\n"
    )


# --- import ----------------------------------------------------------------------------------


def parse(data: bytes) -> Iterator[ParsedEntry]:
    number = 0
    tags: list[tuple[str, str]] | None = None
    start = 0
    for index, raw_line in enumerate(decode_bytes(data).splitlines(), start=1):
        line = raw_line.rstrip()
        match = _LINE.match(line.lstrip("\ufeff"))
        if match:
            tag, value = match.group(1), (match.group(3) or "").strip()
            if tag == "TY":
                if tags is not None:
                    number += 1
                    yield _entry(number, start, tags)
                tags, start = [("TY", value)], index
            elif tags is None:
                continue
            elif tag == "ER":
                number += 1
                yield _entry(number, start, tags)
                tags = None
            else:
                tags.append((tag, value))
        elif tags is not None and line.strip() and tags:
            tag, value = tags[-1]
            tags[-1] = (tag, f"{value} {line.strip()}")
    if tags is not None:
        number += 1
        yield _entry(number, start, tags)


def _entry(number: int, line: int, tags: list[tuple[str, str]]) -> ParsedEntry:
    values: dict[str, list[str]] = {}
    for tag, value in tags:
        if value:
            values.setdefault(tag, []).append(value)

    def first(*names: str) -> str:
        return next((values[n][0] for n in names if values.get(n)), "")

    if not first("TI", "T1", "CT", "BT"):
        return ParsedEntry(number=number, line=line, error="the record has no title (TI)")
    creators = [_creator(v, "author") for tag in ("AU", "A1") for v in values.get(tag, [])]
    creators += [_creator(v, "editor") for tag in ("ED", "A2") for v in values.get(tag, [])]
    keywords = [k.strip() for v in values.get("KW", []) for k in v.split(";") if k.strip()]
    urls = [u for tag in ("UR", "L2", "LK") for u in values.get(tag, []) if "://" in u]
    isbn = next((normalise_isbn(v) for v in values.get("SN", []) if normalise_isbn(v)), "")
    record = BibRecord(
        title=first("TI", "T1", "CT", "BT"),
        abstract=first("AB", "N2"),
        language=language_code(first("LA")),
        identifier=own_identifier(first("ID")),
        resource_type=RESOURCE_TYPES.get(first("TY").upper(), ""),
        type_label=first("M3"),
        creators=creators,
        date_issued=parse_loose_date(first("DA", "PY", "Y1"))
        or parse_loose_date(first("PY", "Y1")),
        publisher=first("PB"),
        place=first("CY", "PP"),
        container=first("T2", "JF", "JO", "JA", "J2", "T3"),
        doi=normalise_doi(first("DO")),
        isbn=isbn,
        links=[{"url": u} for u in dict.fromkeys(urls)],
        keywords=keywords,
    )
    return ParsedEntry(number=number, line=line, entry=record, error="")


def _creator(value: str, role: str) -> Creator:
    value = " ".join(value.split())
    if "," in value:
        return Creator(value, role)
    return Creator(value, "corporate-author" if role == "author" else role, True)
