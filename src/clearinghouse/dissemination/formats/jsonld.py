"""schema.org JSON-LD: a LearningResource with LRMI properties, embedded in record pages.

Every catalogue record is material for training, so each is a ``LearningResource`` (typed
also as Book, Report, Legislation, Dataset… where one fits) with educationalAudience,
teaches, learningResourceType, educationalUse, inLanguage and timeRequired.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .bibrecord import BibRecord
from .concepts import label, labels

NAME = "jsonld"
MEDIA_TYPE = "application/ld+json"
EXTENSION = "jsonld"
CARRIES = frozenset()  # export only
TYPES = {
    "book": "Book",
    "handbook": "Book",
    "article": "ScholarlyArticle",
    "news-article": "NewsArticle",
    "research-report": "Report",
    "conference-report": "Report",
    "legal-instrument": "Legislation",
    "regulation": "Legislation",
    "dataset": "Dataset",
    "webpage": "WebPage",
    "video": "VideoObject",
    "slide-deck": "PresentationDigitalDocument",
    "course": "Course",
}


def document(record: BibRecord, language: str = "en") -> dict[str, Any]:
    types = ["LearningResource"]
    if TYPES.get(record.resource_type):
        types.append(TYPES[record.resource_type])
    out: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": types if len(types) > 1 else types[0],
        "@id": record.page_url,
        "url": record.page_url,
        "name": record.full_title,
        "inLanguage": record.language,
    }
    if record.abstract:
        out["description"] = record.abstract
    for prop, roles in (
        ("author", ("author", "corporate-author")),
        ("editor", ("editor",)),
        ("contributor", ("organiser", "provider")),
    ):
        people = [_agent(c.name, c.is_organisation) for c in record.creators if c.role in roles]
        if people:
            out[prop] = people
    if record.publisher:
        out["publisher"] = _agent(record.publisher, True)
    if record.date_issued:
        out["datePublished"] = record.date_issued
    if record.updated:
        out["dateModified"] = record.updated
    audiences = record.concepts.get("audience", [])
    if audiences:
        out["educationalAudience"] = [
            {"@type": "EducationalAudience", "educationalRole": label("audience", c, language)}
            for c in audiences
        ]
    topics = record.concepts.get("topic", [])
    if topics:
        out["teaches"] = [_term("topic", c, language) for c in topics]
        out["keywords"] = labels("topic", topics, language)
    if record.resource_type:
        out["learningResourceType"] = label("resource_type", record.resource_type, language)
    purposes = record.concepts.get("purpose", [])
    if purposes:
        out["educationalUse"] = labels("purpose", purposes, language)
    if record.duration.startswith("P"):
        out["timeRequired"] = record.duration
    if record.licence:
        out["license"] = record.licence
    if record.access:
        out["isAccessibleForFree"] = record.access == "public"
    places = [
        label(s, c, language) for s in ("country", "region") for c in record.concepts.get(s, [])
    ]
    if places:
        out["spatialCoverage"] = [{"@type": "Place", "name": p} for p in places]
    if record.container:
        out["isPartOf"] = {"@type": "CreativeWork", "name": record.container}
    identifiers = []
    if record.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": record.doi})
    if record.isbn:
        out["isbn"] = record.isbn
    if identifiers:
        out["identifier"] = identifiers
    # Only web addresses: a javascript: or data: "link" in imported data stays out.
    web_urls = [u for u in record.urls if u.lower().startswith(("http://", "https://"))]
    if web_urls:
        out["sameAs"] = web_urls
    return out


def _agent(name: str, organisation: bool) -> dict[str, str]:
    return {"@type": "Organization" if organisation else "Person", "name": name}


def _term(scheme: str, code: str, language: str) -> dict[str, str]:
    return {
        "@type": "DefinedTerm",
        "name": label(scheme, code, language),
        "termCode": code,
        "inDefinedTermSet": f"/api/v1/vocabularies/{scheme}",
    }


def script_json(data: dict[str, Any]) -> str:
    """JSON safe inside ``<script type="application/ld+json">`` (no ``</script>`` breakout)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def serialize(records: Iterable[BibRecord]) -> Iterator[str]:
    items = [document(record) for record in records]
    if len(items) == 1:
        yield json.dumps(items[0], ensure_ascii=False, indent=2)
    else:
        yield json.dumps(
            {"@context": "https://schema.org", "@graph": items}, ensure_ascii=False, indent=2
        )
