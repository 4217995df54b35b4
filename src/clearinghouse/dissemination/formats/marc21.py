"""MARC 21: MARCXML (slim) export for library catalogues, import of MARCXML and ISO 2709.

Export (valid against MARC21slim.xsd): 001/003 our identifier and organisation code,
008 date and language, 020 ISBN, 024 DOI, 041 languages, 100/110/700/710 creators with
relator terms and codes, 245 title, 264 publication, 490/773 series or host, 520 abstract,
521 audiences, 540 licence, 650 topics, 651 places, 653 purposes and methods, 655 resource
type, 780/785 supersedes / superseded by, 852 holdings (library and shelfmark), 856 links.
Import reads the same fields and their common variants (260, 440, 830, 111, $e/$4 relators,
ISBD punctuation); MARC-8 is converted to Unicode; XML is read with defusedxml.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from xml.etree.ElementTree import Element

import pymarc
from defusedxml import ElementTree as SafeET
from django.conf import settings
from pymarc import Field, Indicators, Subfield

from .bibrecord import (
    IMPORT_CORE,
    BibRecord,
    Creator,
    ParsedEntry,
    inverted_name,
    normalise_doi,
    normalise_isbn,
    own_identifier,
    parse_loose_date,
)
from .concepts import labels
from .text import decode_bytes, language_code, marc_language

NAME = "marcxml"
MEDIA_TYPE = "application/marcxml+xml"
EXTENSION = "xml"
NAMESPACE = "http://www.loc.gov/MARC21/slim"
SCHEMA_LOCATION = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
CARRIES = IMPORT_CORE | frozenset(
    {
        "title",
        "subtitle",
        "links.urls",
        "licence",
        "concepts.purpose",
        "concepts.method",
        "concepts.country",
        "concepts.region",
        "concepts.language",
        "holding_library",
        "shelfmark",
        "supersedes",
        "superseded_by",
    }
)
RELATORS = {
    "author": ("author", "aut"),
    "corporate-author": ("author", "aut"),
    "editor": ("editor", "edt"),
    "organiser": ("organizer", "orm"),
    "publisher": ("publisher", "pbl"),
    "provider": ("provider", "prv"),
}
ROLE_BY_RELATOR = {
    "aut": "author",
    "author": "author",
    "edt": "editor",
    "editor": "editor",
    "ed": "editor",
    "orm": "organiser",
    "organizer": "organiser",
    "organiser": "organiser",
    "pbl": "publisher",
    "publisher": "publisher",
    "prv": "provider",
    "provider": "provider",
}
RECORD_TYPES = {"video": "g", "slide-deck": "g", "dataset": "m"}
LEVELS = {"article": "a", "news-article": "a", "webpage": "i"}
_TRAILING = " /:;,.="
_BCP47_SOURCES = {"rfc5646", "rfc4646", "rfc3066", "bcp47"}


def org_code() -> str:
    return getattr(settings, "CLEARINGHOUSE_MARC_ORG_CODE", "TIPCH")


# --- export ----------------------------------------------------------------------------------


def marc_record(record: BibRecord) -> pymarc.Record:
    marc = pymarc.Record(force_utf8=True)
    kind = RECORD_TYPES.get(record.resource_type, "a")
    marc.leader = f"00000n{kind}{LEVELS.get(record.resource_type, 'm')} a2200000   4500"
    add = marc.add_field
    add(Field(tag="001", data=record.identifier))
    add(Field(tag="003", data=org_code()))
    if record.updated:
        add(Field(tag="005", data=re.sub(r"\D", "", record.updated[:19]) + ".0"))
    year = record.year or "uuuu"
    fixed = f"{'000000'}{'s' if record.year else 'n'}{year}    xx {' ' * 17}"
    add(Field(tag="008", data=f"{fixed}{marc_language(record.language)} d"))
    if record.isbn:
        add(_field("020", "  ", a=record.isbn))
    if record.doi:
        add(_field("024", "7 ", a=record.doi, _2="doi"))
    languages = record.concepts.get("language", [])
    if languages:
        # ISO 639-2 for catalogues, and the exact BCP 47 tags (sr-latn) beside them.
        add(
            Field(
                tag="041",
                indicators=Indicators("0", " "),
                subfields=[Subfield("a", c) for c in dict.fromkeys(map(marc_language, languages))],
            )
        )
    tags = list(dict.fromkeys([record.language, *languages]))
    if any("-" in tag for tag in tags if tag):
        add(
            Field(
                tag="041",
                indicators=Indicators("0", "7"),
                subfields=[*(Subfield("a", t) for t in tags if t), Subfield("2", "rfc5646")],
            )
        )
    creators = list(record.creators)
    main = (
        creators.pop(0) if creators and creators[0].role in ("author", "corporate-author") else None
    )
    if main:
        add(_creator_field("110" if main.is_organisation else "100", main))
    title = {"a": record.title, "b": record.subtitle} if record.subtitle else {"a": record.title}
    add(_field("245", ("1" if main else "0") + "0", **title))
    if record.publisher or record.place or record.date_issued:
        add(_field("264", " 1", a=record.place, b=record.publisher, c=record.date_issued))
    if record.container:
        host = LEVELS.get(record.resource_type) == "a"
        add(
            _field(
                "773" if host else "490",
                "0 ",
                **({"t": record.container} if host else {"a": record.container}),
            )
        )
    if record.abstract:
        add(_field("520", "  ", a=record.abstract))
    for label in labels("audience", record.concepts.get("audience", [])):
        add(_field("521", "  ", a=label))
    if record.licence:
        add(_field("540", "  ", a=record.licence))
    for label in labels("topic", record.concepts.get("topic", [])):
        add(_field("650", " 7", a=label, _2="local"))
    for scheme in ("country", "region"):
        for label in labels(scheme, record.concepts.get(scheme, [])):
            add(_field("651", " 7", a=label, _2="local"))
    for scheme in ("purpose", "method"):
        for label in labels(scheme, record.concepts.get(scheme, [])):
            add(_field("653", "  ", a=label))
    if record.resource_type:
        add(_field("655", " 7", a=labels("resource_type", [record.resource_type])[0], _2="local"))
    for credit in creators:
        add(_creator_field("710" if credit.is_organisation else "700", credit))
    if record.supersedes:
        add(_field("780", "02", w=record.supersedes))
    if record.superseded_by:
        add(_field("785", "02", w=record.superseded_by))
    if record.holding_library or record.shelfmark:
        add(_field("852", "  ", a=record.holding_library, h=record.shelfmark))
    for link in record.links:
        if link.get("url"):
            add(_field("856", "40", u=link["url"], z=link.get("note", "")))
    return marc


def _field(tag: str, indicators: str, **subfields: str) -> Field:
    return Field(
        tag=tag,
        indicators=Indicators(indicators[0], indicators[1]),
        subfields=[
            Subfield(code=code.lstrip("_"), value=" ".join(str(value).split()))
            for code, value in subfields.items()
            if value
        ],
    )


def _creator_field(tag: str, creator: Creator) -> Field:
    term, code = RELATORS.get(creator.role, ("author", "aut"))
    first = "2" if creator.is_organisation else "1"
    return _field(tag, first + " ", a=inverted_name(creator), e=term, _4=code)


def serialize(records: Iterable[BibRecord]) -> Iterator[str]:
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<collection xmlns="{NAMESPACE}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{NAMESPACE} {SCHEMA_LOCATION}">\n'
    )
    for record in records:
        yield record_xml(record) + "\n"
    yield "</collection>\n"


def record_xml(record: BibRecord) -> str:
    """One ``<record>`` in the MARCXML namespace (no XML declaration)."""
    return pymarc.record_to_xml(marc_record(record), namespace=True).decode("utf-8")


def record_element(record: BibRecord) -> Element:
    return pymarc.record_to_xml_node(marc_record(record), namespace=True)


# --- import ----------------------------------------------------------------------------------


def parse(data: bytes) -> Iterator[ParsedEntry]:
    """MARCXML (a collection, a bare record, or OAI debris around records)."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except Exception as exc:  # noqa: BLE001 - defusedxml and expat raise several types
        yield ParsedEntry(number=1, error=f"not well-formed XML: {exc}"[:300])
        return
    records = (
        [root]
        if _local(root.tag) == "record"
        else [el for el in root.iter() if _local(el.tag) == "record"]
    )
    if not records:
        yield ParsedEntry(number=1, error="no MARC record found in the XML")
    for number, element in enumerate(records, start=1):
        try:
            yield ParsedEntry(number=number, entry=bib_from_marc(record_from_xml(element)))
        except ValueError as exc:
            yield ParsedEntry(number=number, error=str(exc)[:300])


def parse_binary(data: bytes) -> Iterator[ParsedEntry]:
    """ISO 2709 ("binary MARC", MARC-8 or UTF-8); a broken record is reported and skipped."""
    reader = pymarc.MARCReader(
        io.BytesIO(data),
        to_unicode=True,
        force_utf8=False,
        hide_utf8_warnings=True,
        utf8_handling="replace",
        permissive=True,
    )
    number = 0
    while True:
        try:
            marc = next(reader)
        except StopIteration:
            break
        except Exception as exc:  # noqa: BLE001 - a corrupt stream can fail anywhere
            number += 1
            yield ParsedEntry(number=number, error=f"unreadable MARC data: {exc}"[:300])
            break
        number += 1
        if marc is None:
            reason = reader.current_exception or "unreadable record"
            yield ParsedEntry(number=number, error=f"unreadable MARC record: {reason}"[:300])
            continue
        try:
            yield ParsedEntry(number=number, entry=bib_from_marc(marc))
        except (ValueError, TypeError, IndexError) as exc:
            yield ParsedEntry(number=number, error=str(exc)[:300])


def parse_json(data: bytes) -> Iterator[ParsedEntry]:
    """MARC-in-JSON (one record or an array of records)."""
    try:
        records = list(pymarc.JSONReader(decode_bytes(data)))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        yield ParsedEntry(number=1, error=f"not MARC-in-JSON: {exc}"[:300])
        return
    for number, marc in enumerate(records, start=1):
        try:
            yield ParsedEntry(number=number, entry=bib_from_marc(marc))
        except (ValueError, TypeError, IndexError) as exc:
            yield ParsedEntry(number=number, error=str(exc)[:300])


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def record_from_xml(element: Element) -> pymarc.Record:
    marc = pymarc.Record(force_utf8=True)
    for child in element:
        name = _local(child.tag)
        if name == "leader":
            marc.leader = (child.text or "").ljust(24)[:24]
        elif name == "controlfield":
            marc.add_field(Field(tag=child.get("tag", "000")[:3], data=child.text or ""))
        elif name == "datafield":
            subfields = [
                Subfield(code=(sub.get("code") or "?")[:1], value=sub.text or "")
                for sub in child
                if _local(sub.tag) == "subfield"
            ]
            indicators = Indicators((child.get("ind1") or " ")[:1], (child.get("ind2") or " ")[:1])
            marc.add_field(
                Field(tag=child.get("tag", "999")[:3], indicators=indicators, subfields=subfields)
            )
    return marc


def _clean(value: str) -> str:
    value = " ".join((value or "").split())
    while value and value[-1] in _TRAILING and not value.endswith("..."):
        value = value[:-1].rstrip()
    return value.strip()


def _first(marc: pymarc.Record, tags: tuple[str, ...], code: str) -> str:
    for tag in tags:
        for field in marc.get_fields(tag):
            if field.is_control_field():
                continue
            values = field.get_subfields(code)
            if values and _clean(values[0]):
                return _clean(values[0])
    return ""


def _all(marc: pymarc.Record, tag: str, code: str) -> list[str]:
    return [
        _clean(v)
        for f in marc.get_fields(tag)
        if not f.is_control_field()
        for v in f.get_subfields(code)
        if _clean(v)
    ]


def _control(marc: pymarc.Record, tag: str) -> str:
    fields = marc.get_fields(tag)
    return (fields[0].data or "").strip() if fields and fields[0].is_control_field() else ""


def bib_from_marc(marc: pymarc.Record) -> BibRecord:
    title = _first(marc, ("245",), "a")
    if not title:
        raise ValueError("the record has no title (245 $a)")
    parts = _all(marc, "245", "n") + _all(marc, "245", "p")
    if parts:
        title = ". ".join([title, *parts])
    control, source = _control(marc, "001"), _control(marc, "003")
    fixed = _control(marc, "008")
    language = language_code(fixed[35:38]) if len(fixed) >= 38 and fixed[35:38].strip() else ""
    language = language or language_code(_first(marc, ("041",), "a"))
    date = _first(marc, ("264", "260"), "c")
    date = parse_loose_date(date.lstrip("c©p")) if date else ""
    if not date and len(fixed) >= 11 and fixed[7:11].isdigit():
        date = fixed[7:11]
    doi = next(
        (
            normalise_doi(f.get("a") or "")
            for f in marc.get_fields("024")
            if not f.is_control_field() and (f.get("2") or "").lower() == "doi"
        ),
        "",
    )
    links = []
    for field in marc.get_fields("856"):
        for url in field.get_subfields("u"):
            note = field.get("z") or field.get("y") or field.get("3") or ""
            links.append(
                {"url": url.strip(), "note": note.strip()} if note else {"url": url.strip()}
            )
    keywords = (
        _all(marc, "650", "a")
        + _all(marc, "651", "a")
        + _all(marc, "653", "a")
        + _all(marc, "521", "a")
    )
    tagged = [
        code.lower()
        for f in marc.get_fields("041")
        if not f.is_control_field() and (f.get("2") or "").lower() in _BCP47_SOURCES
        for code in f.get_subfields("a")
    ]
    coded = [
        language_code(code)
        for f in marc.get_fields("041")
        if not f.is_control_field() and not f.get("2")
        for code in f.get_subfields("a")
    ]
    language = next((t for t in tagged if t.split("-")[0] == language), language)
    languages = [next((t for t in tagged if t.split("-")[0] == c), c) for c in coded]
    return BibRecord(
        title=title,
        subtitle=_first(marc, ("245",), "b"),
        abstract="\n\n".join(" ".join(v.split()) for v in _raw(marc, "520", "a")),
        language=language,
        identifier=own_identifier(control) if source == org_code() else "",
        source_id=f"marc:{source or 'local'}:{control}"[:200] if control else "",
        creators=_creators(marc),
        date_issued=date,
        publisher=_first(marc, ("264", "260"), "b"),
        place=_first(marc, ("264", "260"), "a"),
        container=_first(marc, ("773",), "t") or _first(marc, ("490", "440", "830"), "a"),
        doi=doi or next((normalise_doi(lk["url"]) for lk in links if "doi.org/" in lk["url"]), ""),
        isbn=next((normalise_isbn(v) for v in _raw(marc, "020", "a") if normalise_isbn(v)), ""),
        links=links,
        licence=_first(marc, ("540",), "a"),
        keywords=keywords,
        concepts={"language": [c for c in languages if c]},
        type_label=_first(marc, ("655",), "a"),
        holding_library=_first(marc, ("852",), "a") or _first(marc, ("852",), "b"),
        shelfmark=" ".join(_all(marc, "852", "h") + _all(marc, "852", "i"))
        or _first(marc, ("852",), "j"),
        supersedes=_linked(marc, "780"),
        superseded_by=_linked(marc, "785"),
    )


def _raw(marc: pymarc.Record, tag: str, code: str) -> list[str]:
    return [
        v
        for f in marc.get_fields(tag)
        if not f.is_control_field()
        for v in f.get_subfields(code)
        if v.strip()
    ]


def _linked(marc: pymarc.Record, tag: str) -> str:
    for field in marc.get_fields(tag):
        if not field.is_control_field() and field.indicator2 == "2":
            value = field.get("w") or field.get("o") or ""
            if value.strip():
                return value.strip()
    return ""


def _creators(marc: pymarc.Record) -> list[Creator]:
    creators = []
    for field in marc.fields:
        tag = field.tag
        if tag in ("100", "110", "111", "700", "710", "711") and not field.is_control_field():
            codes = ("a", "b") if tag[1:] == "10" else ("a",)
            name = _clean(" ".join(field.get_subfields(*codes)))
            if not name:
                continue
            relator = (field.get("4") or field.get("e") or "").strip(" .,").lower()
            role = ROLE_BY_RELATOR.get(relator, "author")
            is_org = tag[1:] in ("10", "11")
            if is_org and role == "author":
                role = "corporate-author"
            creators.append(Creator(name, role, is_org))
    return creators
