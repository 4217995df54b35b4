"""BibTeX (with the biblatex fields BibTeX tools tolerate: subtitle, date, language).

Export: one entry per record, keyed by our identifier when it is a valid key; persons as
"Family, Given", organisations in braces; vocabulary topics and audiences as keywords;
the resource type's label in ``type``. Import: bibtexparser v2 splits the file into
entries (a broken entry is reported with its line, the rest still imports); LaTeX in
values is decoded with pylatexenc; ``@string`` macros resolve; crossrefs are not followed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import bibtexparser
from bibtexparser.model import Entry
from pylatexenc.latex2text import LatexNodes2Text

from .bibrecord import (
    IMPORT_CORE,
    BibRecord,
    Creator,
    ParsedEntry,
    inverted_name,
    month_of,
    normalise_doi,
    normalise_isbn,
    own_identifier,
    parse_loose_date,
)
from .concepts import labels
from .text import decode_bytes, language_code

NAME = "bibtex"
MEDIA_TYPE = "application/x-bibtex"
EXTENSION = "bib"
CARRIES = IMPORT_CORE | frozenset(
    {
        "title",
        "subtitle",
        "links.first",
    }
)
#: Creator roles BibTeX has a field for (corporate authors are braced authors).
ROLES = {"author": "author", "corporate-author": "author", "editor": "editor"}

ENTRY_TYPES = {
    "book": "book",
    "handbook": "book",
    "article": "article",
    "news-article": "article",
    "research-report": "techreport",
    "conference-report": "proceedings",
    "manual": "manual",
}
RESOURCE_TYPES = {
    "book": "book",
    "article": "article",
    "techreport": "research-report",
    "report": "research-report",
    "phdthesis": "research-report",
    "mastersthesis": "research-report",
    "thesis": "research-report",
    "proceedings": "conference-report",
    "inproceedings": "conference-report",
    "conference": "conference-report",
    "manual": "manual",
    "online": "webpage",
    "www": "webpage",
    "electronic": "webpage",
    "dataset": "dataset",
    "legislation": "legal-instrument",
    "legal": "legal-instrument",
    "video": "video",
    "movie": "video",
    "incollection": "article",
    "inbook": "book",
}
_KEY_OK = re.compile(r"^[^\s,{}()\"#%'=~\\]+$")
_SPECIAL = re.compile(r"([&%$#_{}])")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_latex = LatexNodes2Text(math_mode="verbatim", keep_comments=False)


# --- export ----------------------------------------------------------------------------------


def serialize(records: Iterable[BibRecord]) -> Iterator[str]:
    for record in records:
        yield entry(record) + "\n"


def entry(record: BibRecord) -> str:
    key = record.identifier if _KEY_OK.match(record.identifier or "") else f"rec{record.record_id}"
    fields: list[tuple[str, str]] = []
    add = fields.append
    add(("title", "{" + escape(record.title) + "}"))
    if record.subtitle:
        add(("subtitle", "{" + escape(record.subtitle) + "}"))
    for field, role_names in (("author", ("author", "corporate-author")), ("editor", ("editor",))):
        names = [_name(c) for c in record.creators if c.role in role_names]
        if names:
            add((field, " and ".join(names)))
    if record.year:
        add(("year", record.year))
    if month_of(record.date_issued):
        add(("month", str(int(month_of(record.date_issued)))))
    if record.date_issued:
        add(("date", record.date_issued))
    container_field = "journal" if ENTRY_TYPES.get(record.resource_type) == "article" else "series"
    for name, value in (
        (container_field, record.container),
        ("publisher", record.publisher),
        ("address", record.place),
        ("abstract", record.abstract),
        ("language", record.language),
        (
            "type",
            labels("resource_type", [record.resource_type])[0] if record.resource_type else "",
        ),
    ):
        if value:
            add((name, escape(value)))
    keywords = labels("topic", record.concepts.get("topic", [])) + labels(
        "audience", record.concepts.get("audience", [])
    )
    if keywords:
        add(("keywords", escape(", ".join(keywords))))
    if record.doi:
        add(("doi", record.doi))
    if record.isbn:
        add(("isbn", record.isbn))
    if record.urls:
        add(("url", record.urls[0].replace("}", "%7D").replace("{", "%7B")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{ENTRY_TYPES.get(record.resource_type, 'misc')}{{{key},\n{body}\n}}\n"


def _name(creator: Creator) -> str:
    if creator.is_organisation:
        return "{" + escape(creator.name) + "}"
    return escape(inverted_name(creator))


def escape(value: str) -> str:
    """Text → BibTeX value text: LaTeX specials escaped, whitespace on one line."""
    value = " ".join((value or "").split())
    value = value.replace("\\", "\x00")
    value = _SPECIAL.sub(r"\\\1", value)
    value = value.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")
    return value.replace("\x00", r"\textbackslash{}")


# --- import ----------------------------------------------------------------------------------


def parse(data: bytes) -> Iterator[ParsedEntry]:
    library = bibtexparser.parse_string(decode_bytes(data))
    blocks = sorted([*library.entries, *library.failed_blocks], key=lambda b: b.start_line or 0)
    for number, block in enumerate(blocks, start=1):
        line = (block.start_line or 0) + 1
        if not isinstance(block, Entry):
            error = getattr(block, "error", None)
            reason = f"not a valid BibTeX entry ({error})" if error else "not a valid entry"
            yield ParsedEntry(number=number, line=line, error=reason[:300])
            continue
        try:
            yield ParsedEntry(number=number, line=line, entry=_entry(block))
        except ValueError as exc:
            yield ParsedEntry(number=number, line=line, error=str(exc))


def _entry(block: Entry) -> BibRecord:
    raw = {f.key.lower(): f.value for f in block.fields if isinstance(f.value, str)}

    def text(name: str) -> str:
        value = raw.get(name, "")
        return " ".join(_decode(value).split()) if value else ""

    date = parse_loose_date(raw.get("date", "")) or parse_loose_date(
        " ".join(filter(None, (text("year"), text("month"))))
    )
    if not date and text("year"):
        date = parse_loose_date(text("year"))
    keywords = [k.strip() for k in re.split(r"[;,]", text("keywords")) if k.strip()]
    entry_type = block.entry_type.lower()
    resource_type = RESOURCE_TYPES.get(entry_type, "")
    creators = [
        *_names(raw.get("author", ""), "author"),
        *_names(raw.get("editor", ""), "editor"),
    ]
    record = BibRecord(
        title=text("title"),
        subtitle=text("subtitle"),
        abstract=text("abstract"),
        language=language_code(text("language") or text("langid")),
        identifier=own_identifier(block.key),
        source_id="",
        resource_type=resource_type,
        creators=creators,
        date_issued=date,
        publisher=text("publisher") or text("institution") or text("organization"),
        place=text("address") or text("location"),
        container=text("journal") or text("journaltitle") or text("booktitle") or text("series"),
        doi=normalise_doi(raw.get("doi", "")),
        isbn=normalise_isbn(raw.get("isbn", "")),
        links=[{"url": raw["url"].strip()}] if raw.get("url", "").strip() else [],
        keywords=keywords,
        type_label=text("type"),
    )
    return record


def _decode(value: str) -> str:
    try:
        return _latex.latex_to_text(value)
    except Exception:  # noqa: BLE001 - pylatexenc may fail on odd input; keep the raw text
        return value.replace("{", "").replace("}", "")


def _names(value: str, role: str) -> list[Creator]:
    creators = []
    for name in _split_and(value):
        name = name.strip()
        if not name:
            continue
        braced = name.startswith("{") and name.endswith("}") and _balanced(name[1:-1])
        decoded = " ".join(_decode(name).split())
        if braced:
            creators.append(
                Creator(decoded, "corporate-author" if role == "author" else role, True)
            )
        else:
            creators.append(Creator(decoded, role))
    return creators


def _split_and(value: str) -> list[str]:
    """Split a BibTeX name list on ' and ' outside braces."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(value):
        char = value[i]
        depth += {"{": 1, "}": -1}.get(char, 0)
        depth = max(depth, 0)
        match = _AND.match(value, i) if depth == 0 and char.isspace() else None
        if match:
            parts.append(value[start:i])
            i = start = match.end()
            continue
        i += 1
    parts.append(value[start:])
    return parts


def _balanced(value: str) -> bool:
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0
