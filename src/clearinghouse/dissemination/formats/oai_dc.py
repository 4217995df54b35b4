"""Simple Dublin Core in the ``oai_dc`` container (OAI-PMH's mandatory format).

Export: titles and descriptions per language (xml:lang), creators (authors), contributors
(every other role), topics and audiences as subjects, DCMI type plus our resource type,
identifiers (page, DOI, ISBN), languages, links and supersession as relations ("Replaces:
…", "IsReplacedBy: …"), places as coverage, licence as rights. Import (the harvester) reads
them back; subjects and coverage are matched to the vocabularies.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from xml.etree import ElementTree as ET

from .bibrecord import (
    BibRecord,
    Creator,
    inverted_name,
    normalise_doi,
    normalise_isbn,
    parse_loose_date,
)
from .concepts import labels
from .text import language_code

NAME = "oai_dc"
MEDIA_TYPE = "application/xml"
EXTENSION = "xml"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
CARRIES = frozenset(
    {
        "title",
        "abstract",
        "language",
        "translations",
        "creators.author",
        "date_issued",
        "publisher",
        "doi",
        "isbn",
        "links.urls",
        "licence",
        "concepts.topic",
        "concepts.audience",
        "concepts.country",
        "concepts.region",
        "supersedes",
        "superseded_by",
    }
)
DCMI_TYPES = {
    "video": "MovingImage",
    "slide-deck": "Image",
    "dataset": "Dataset",
    "webpage": "Text",
}
REPLACES = ("replaces:", "supersedes:")
REPLACED_BY = ("isreplacedby:", "supersededby:", "is replaced by:", "superseded by:")

ET.register_namespace("oai_dc", OAI_DC)
ET.register_namespace("dc", DC)
ET.register_namespace("xsi", XSI)


def element(record: BibRecord) -> ET.Element:
    """The ``<oai_dc:dc>`` element of one record."""
    root = ET.Element(f"{{{OAI_DC}}}dc", {f"{{{XSI}}}schemaLocation": f"{OAI_DC} {SCHEMA}"})

    def add(name: str, value: str, language: str = "") -> None:
        value = " ".join((value or "").split()) if name != "description" else (value or "").strip()
        if value:
            child = ET.SubElement(root, f"{{{DC}}}{name}", {XML_LANG: language} if language else {})
            child.text = value

    add("title", record.full_title, record.language)
    for text in record.translations:
        add(
            "title",
            f"{text.title}: {text.subtitle}" if text.subtitle else text.title,
            text.language,
        )
    for creator in record.creators:
        is_author = creator.role in ("author", "corporate-author")
        add("creator" if is_author else "contributor", inverted_name(creator))
    for scheme in ("topic", "audience"):
        for label in labels(scheme, record.concepts.get(scheme, [])):
            add("subject", label, "en")
    add("description", record.abstract, record.language)
    for text in record.translations:
        add("description", text.abstract, text.language)
    add("publisher", record.publisher)
    add("date", record.date_issued)
    add("type", DCMI_TYPES.get(record.resource_type, "Text"))
    if record.resource_type:
        add("type", labels("resource_type", [record.resource_type])[0], "en")
    add("identifier", record.page_url)
    if record.doi:
        add("identifier", f"https://doi.org/{record.doi}")
    if record.isbn:
        add("identifier", f"urn:isbn:{record.isbn}")
    for language in dict.fromkeys([record.language, *record.concepts.get("language", [])]):
        add("language", language)
    for url in record.urls:
        add("relation", url)
    if record.supersedes:
        add("relation", f"Replaces: {record.supersedes}")
    if record.superseded_by:
        add("relation", f"IsReplacedBy: {record.superseded_by}")
    for scheme in ("country", "region"):
        for label in labels(scheme, record.concepts.get(scheme, [])):
            add("coverage", label, "en")
    add("rights", record.licence)
    return root


def serialize(records: Iterable[BibRecord]) -> Iterator[str]:
    """One record per document (OAI-PMH is the way to list many)."""
    for record in records:
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        yield ET.tostring(element(record), encoding="unicode") + "\n"
        return


# --- import (harvester) ----------------------------------------------------------------------


def parse_element(dc: ET.Element) -> BibRecord:
    """A ``<oai_dc:dc>`` element (already parsed safely) → BibRecord."""
    values: dict[str, list[tuple[str, str]]] = {}
    for child in dc:
        tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        text = (
            " ".join("".join(child.itertext()).split())
            if tag != "description"
            else ("".join(child.itertext()).strip())
        )
        if text:
            values.setdefault(tag, []).append((text, child.get(XML_LANG, "")))

    def texts(name: str) -> list[str]:
        return [v for v, _ in values.get(name, [])]

    record = BibRecord()
    if values.get("title"):
        record.title, lang = values["title"][0]
        record.language = language_code(lang)
    record.abstract = "\n\n".join(texts("description")[:1])
    languages = [language_code(v) for v in texts("language")]
    record.language = next((lang for lang in languages if lang), record.language)
    record.concepts["language"] = [lang for lang in languages if lang]
    record.creators = [_creator(v, "author") for v in texts("creator")]
    record.date_issued = next((d for d in map(parse_loose_date, texts("date")) if d), "")
    record.publisher = next(iter(texts("publisher")), "")
    record.licence = next(iter(texts("rights")), "")[:100]
    record.keywords = texts("subject") + texts("coverage")
    record.type_label = next((t for t in texts("type") if t.lower() not in _DCMI), "")
    links: list[str] = []
    for value in texts("identifier") + texts("relation"):
        lowered = value.lower()
        if lowered.startswith(REPLACES):
            record.supersedes = value.split(":", 1)[1].strip()
        elif lowered.startswith(REPLACED_BY):
            record.superseded_by = value.split(":", 1)[1].strip()
        elif normalise_doi(value) and ("doi" in lowered or lowered.startswith("10.")):
            record.doi = record.doi or normalise_doi(value)
        elif "isbn" in lowered and normalise_isbn(value):
            record.isbn = record.isbn or normalise_isbn(value)
        elif lowered.startswith(("http://", "https://")):
            links.append(value)
    record.links = [{"url": url} for url in dict.fromkeys(links)]
    return record


_DCMI = {
    "collection",
    "dataset",
    "event",
    "image",
    "interactiveresource",
    "movingimage",
    "physicalobject",
    "service",
    "software",
    "sound",
    "stillimage",
    "text",
}


def _creator(value: str, role: str) -> Creator:
    if "," in value:
        return Creator(value, role)
    return Creator(value, "corporate-author", True)
