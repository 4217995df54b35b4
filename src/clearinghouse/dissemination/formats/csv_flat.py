"""CSV: one row per record, one column per field (the documented columns below).

Lists inside a cell are separated by " ; " (creators, codes) or " | " (links). Creators are
written "Name [role]" and organisations "Name [role, organisation]". Vocabulary columns hold
codes (see /api/v1/vocabularies). A cell that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return) is prefixed with an apostrophe; import removes it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator

from .bibrecord import (
    BibRecord,
    Creator,
    ParsedEntry,
    normalise_doi,
    normalise_isbn,
    own_identifier,
)
from .text import decode_bytes, language_code

NAME = "csv"
MEDIA_TYPE = "text/csv"
EXTENSION = "csv"
CONCEPT_COLUMNS = {
    "audiences": "audience",
    "purposes": "purpose",
    "topics": "topic",
    "methods": "method",
    "countries": "country",
    "regions": "region",
    "languages": "language",
}
#: The columns, in order, with what each holds.
COLUMNS = {
    "identifier": "natural key (doi:…, isbn:…, oai:…, demo:…); re-importing updates that record",
    "kind": "training_material | publication | instrument | dataset",
    "resource_type": "resource type code",
    "title": "title in the original language",
    "subtitle": "subtitle",
    "abstract": "abstract",
    "language": "BCP 47 tag of the title and abstract",
    "creators": "'Family, Given [role]' or 'Organisation [role, organisation]', ' ; ' between",
    "date_issued": "ISO 8601 date: 2002, 2002-05 or 2002-05-09",
    "publisher": "publisher",
    "place": "place of publication",
    "container": "journal, series or hearing it was published in",
    "doi": "DOI (10.…)",
    "isbn": "ISBN-13",
    "links": "URLs, ' | ' between",
    "licence": "licence",
    "duration": "ISO 8601 duration (PT8H, P4D)",
    "depth": "briefing | one-day | multi-day | self-paced | reference",
    **{column: f"{scheme} codes, ' ; ' between" for column, scheme in CONCEPT_COLUMNS.items()},
    "holding_library": "library holding a physical copy",
    "shelfmark": "shelfmark of the physical copy",
    "provenance": "where the record comes from",
    "supersedes": "identifier of the record this one replaces",
    "superseded_by": "identifier of the record that replaces this one",
    "sample": "yes for sample content written for the demo",
    "url": "page of the record (export only)",
    "updated": "last change (export only)",
}
CARRIES = frozenset(
    {
        "identifier",
        "kind",
        "resource_type",
        "title",
        "subtitle",
        "abstract",
        "language",
        "creators",
        "date_issued",
        "publisher",
        "place",
        "container",
        "doi",
        "isbn",
        "links.urls",
        "licence",
        "duration",
        "depth",
        *(f"concepts.{scheme}" for scheme in CONCEPT_COLUMNS.values()),
        "holding_library",
        "shelfmark",
        "provenance",
        "supersedes",
        "superseded_by",
        "is_sample",
    }
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CREATOR = re.compile(r"^(?P<name>.*?)\s*\[(?P<role>[\w-]+)(?P<org>,\s*organisation)?\]$")


def neutralise(value: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def restore(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:2] in FORMULA_START else value


# --- export ----------------------------------------------------------------------------------


def row(record: BibRecord) -> list[str]:
    values = {
        "identifier": record.identifier,
        "kind": record.kind,
        "resource_type": record.resource_type,
        "title": record.title,
        "subtitle": record.subtitle,
        "abstract": record.abstract,
        "language": record.language,
        "creators": " ; ".join(
            f"{c.name} [{c.role}{', organisation' if c.is_organisation else ''}]"
            for c in record.creators
        ),
        "date_issued": record.date_issued,
        "publisher": record.publisher,
        "place": record.place,
        "container": record.container,
        "doi": record.doi,
        "isbn": record.isbn,
        "links": " | ".join(record.urls),
        "licence": record.licence,
        "duration": record.duration,
        "depth": record.depth,
        **{
            column: " ; ".join(record.concepts.get(scheme, []))
            for column, scheme in CONCEPT_COLUMNS.items()
        },
        "holding_library": record.holding_library,
        "shelfmark": record.shelfmark,
        "provenance": record.provenance,
        "supersedes": record.supersedes,
        "superseded_by": record.superseded_by,
        "sample": "yes" if record.is_sample else "",
        "url": record.page_url,
        "updated": record.updated,
    }
    return [
        neutralise(" ".join(str(values[c]).split()) if c != "abstract" else values[c])
        for c in COLUMNS
    ]


def serialize(records: Iterable[BibRecord]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow(row(record))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


# --- import ----------------------------------------------------------------------------------


def parse(data: bytes) -> Iterator[ParsedEntry]:
    text = decode_bytes(data)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "title" not in [f.strip() for f in reader.fieldnames]:
        yield ParsedEntry(number=1, line=1, error="the first row must name the columns, with title")
        return
    carries = columns_carried([f.strip() for f in reader.fieldnames])
    line = reader.line_num
    for number, values in enumerate(reader, start=1):
        clean = {
            (k or "").strip(): restore(v.strip()) if isinstance(v, str) else ""
            for k, v in values.items()
        }
        yield ParsedEntry(number=number, line=line + 1, entry=_entry(clean), carries=carries)
        line = reader.line_num


def columns_carried(columns: list[str]) -> frozenset[str]:
    """What a file with these columns can say: an absent column changes nothing on update."""
    names = {"links": "links.urls", "sample": "is_sample"}
    names.update({column: f"concepts.{scheme}" for column, scheme in CONCEPT_COLUMNS.items()})
    return frozenset(names.get(c, c) for c in columns) & CARRIES


def _entry(values: dict[str, str]) -> BibRecord:
    def get(name: str) -> str:
        return values.get(name, "") or ""

    creators = []
    for part in filter(None, (p.strip() for p in get("creators").split(" ; "))):
        match = _CREATOR.match(part)
        if match:
            creators.append(Creator(match["name"], match["role"], bool(match["org"])))
        else:
            creators.append(Creator(part))
    concepts = {
        scheme: [c.strip() for c in get(column).split(";") if c.strip()]
        for column, scheme in CONCEPT_COLUMNS.items()
    }
    return BibRecord(
        identifier=own_identifier(get("identifier")),
        kind=get("kind"),
        resource_type=get("resource_type"),
        title=get("title"),
        subtitle=get("subtitle"),
        abstract=get("abstract"),
        language=language_code(get("language")),
        creators=creators,
        date_issued=get("date_issued"),
        publisher=get("publisher"),
        place=get("place"),
        container=get("container"),
        doi=normalise_doi(get("doi")),
        isbn=normalise_isbn(get("isbn")),
        links=[{"url": u.strip()} for u in get("links").split("|") if u.strip()],
        licence=get("licence"),
        duration=get("duration"),
        depth=get("depth"),
        concepts={k: v for k, v in concepts.items() if v},
        holding_library=get("holding_library"),
        shelfmark=get("shelfmark"),
        provenance=get("provenance"),
        supersedes=get("supersedes"),
        superseded_by=get("superseded_by"),
        is_sample=get("sample").lower() in {"yes", "true", "1"},
    )
