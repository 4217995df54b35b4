"""From a parsed ``BibRecord`` to the catalogue's ``RecordInput``.

A new record gets everything the entry says. An existing record (same natural key) is
updated only in the fields the format carries: re-importing a RIS file corrects titles
and authors without wiping the audiences a cataloguer added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clearinghouse.catalog.models import Record, RecordCreator, RecordText
from clearinghouse.catalog.services import CreatorInput, RecordInput, TextInput
from clearinghouse.directory.models import Agent
from clearinghouse.dissemination.formats.bibrecord import BibRecord, Creator, fold, person_key
from clearinghouse.dissemination.formats.concepts import ConceptMatcher

ATTRIBUTES = {
    # field: model max length (0: no limit)
    "date_issued": 10,
    "publisher": 300,
    "place": 200,
    "container": 400,
    "licence": 100,
    "duration": 40,
    "holding_library": 200,
    "shelfmark": 100,
    "provenance": 0,
}
CONCEPT_SCHEMES = ("audience", "purpose", "topic", "method", "country", "region", "language")
ROLES = {role.value for role in RecordCreator.Role}
DEPTHS = {depth.value for depth in Record.Depth}
KINDS = {kind.value for kind in Record.Kind}
_ISO_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


class EntryRejected(ValueError):
    """The entry cannot become a record; the message says why, for the import report."""


class AgentIndex:
    """Directory agents by folded name, acronym and inverted name (one query per import)."""

    def __init__(self) -> None:
        self.by_name: dict[str, int] = {}
        for pk, kind, name, acronym in Agent.objects.values_list("pk", "kind", "name", "acronym"):
            self.by_name.setdefault(fold(name), pk)
            if kind == Agent.Kind.PERSON:
                self.by_name.setdefault(person_key(Creator(name)), pk)
            elif acronym:
                self.by_name.setdefault(fold(acronym), pk)

    def find(self, creator: Creator) -> int | None:
        if creator.is_organisation:
            return self.by_name.get(fold(creator.name))
        return self.by_name.get(person_key(creator)) or self.by_name.get(fold(creator.name))


def input_from_record(record: Record) -> RecordInput:
    """The current state of ``record`` as a ``RecordInput`` (the base an update starts from)."""
    concepts: dict[str, list[str]] = {}
    for concept in record.concepts.all():
        concepts.setdefault(concept.scheme_id, []).append(concept.code)
    return RecordInput(
        kind=record.kind,
        original_language=record.original_language,
        identifier=record.identifier,
        resource_type=record.resource_type.code if record.resource_type_id else None,
        status=record.status,
        access_tier=record.access_tier,
        access_group_ids=[g.pk for g in record.access_groups.all()],
        concepts=concepts,
        texts=[
            TextInput(
                language=t.language,
                title=t.title,
                subtitle=t.subtitle,
                abstract=t.abstract,
                is_original=t.is_original,
                method=t.method,
                source_language=t.source_language,
                translator=t.translator,
                reviewed=t.reviewed,
            )
            for t in record.texts.all()
        ],
        creators=[
            CreatorInput(role=c.role, agent_id=c.agent_id, name=c.name)
            for c in record.creators.all()
        ],
        attributes={
            "date_issued": record.date_issued,
            "publisher": record.publisher,
            "place": record.place,
            "container": record.container,
            "duration": record.duration,
            "depth": record.depth,
            "licence": record.licence,
            "links": record.links,
            "holding_library": record.holding_library,
            "shelfmark": record.shelfmark,
            "provenance": record.provenance,
            "is_sample": record.is_sample,
        },
    )


@dataclass
class InputContext:
    """What building inputs needs besides the entry: lookups made once per run."""

    matcher: ConceptMatcher
    agents: AgentIndex
    status: str = Record.Status.IN_REVIEW
    access: str = Record.Tier.PUBLIC
    provenance: str = ""


def record_input(
    entry: BibRecord,
    *,
    key: str,
    carries: frozenset[str],
    existing: Record | None,
    context: InputContext,
) -> RecordInput:
    """The input that creates (or updates ``existing``) from ``entry``; raises EntryRejected."""
    title = " ".join((entry.title or "").split())
    if not title:
        raise EntryRejected("the entry has no title")
    if len(key) > 200:
        raise EntryRejected("the entry's identifier is longer than 200 characters")
    data = (
        input_from_record(existing)
        if existing
        else RecordInput(
            kind="",
            original_language="",
            texts=[],
            identifier=key,
            status=context.status,
            access_tier=context.access,
            attributes={"provenance": context.provenance},
        )
    )
    _texts(data, entry, title, carries)
    _kind_and_type(data, entry, carries, context.matcher)
    _concepts(data, entry, carries, context.matcher)
    if "creators" in carries:
        data.creators = [_creator(c, context.agents) for c in entry.creators if c.name.strip()]
    for name, limit in ATTRIBUTES.items():
        if name in carries:
            value = (getattr(entry, name) or "").strip()
            data.attributes[name] = value[:limit] if limit else value
    date = data.attributes.get("date_issued", "")
    if date and not _ISO_DATE.match(date):
        data.attributes["date_issued"] = ""
    if "depth" in carries:
        data.attributes["depth"] = entry.depth if entry.depth in DEPTHS else ""
    if "is_sample" in carries:
        data.attributes["is_sample"] = entry.is_sample
    if carries & {"links.urls", "links.first", "doi", "isbn"}:
        data.attributes["links"] = _links(entry, key, carries, data.attributes.get("links") or [])
    return data


def _texts(data: RecordInput, entry: BibRecord, title: str, carries: frozenset[str]) -> None:
    language = (entry.language or "").strip()[:35] if "language" in carries else ""
    language = language or data.original_language or "und"
    main = TextInput(
        language=language,
        title=title[:1000],
        subtitle=" ".join((entry.subtitle or "").split())[:1000],
        abstract=(entry.abstract or "").strip(),
        is_original=True,
    )
    if "translations" in carries:
        others = [
            TextInput(
                language=t.language[:35],
                title=t.title[:1000],
                subtitle=t.subtitle[:1000],
                abstract=t.abstract,
                method=RecordText.Method.HUMAN,
                source_language=language,
            )
            for t in entry.translations
            if t.title.strip() and t.language.lower() != language.lower()
        ]
    else:
        others = [t for t in data.texts if t.language.lower() != language.lower()]
        for text in others:
            text.is_original = False
    data.texts = [main, *others]
    data.original_language = language


def _kind_and_type(
    data: RecordInput, entry: BibRecord, carries: frozenset[str], matcher: ConceptMatcher
) -> None:
    if "resource_type" in carries:
        by_label = matcher.match("resource_type", entry.type_label) if entry.type_label else ""
        chosen = by_label or entry.resource_type
        if chosen in matcher.kinds:
            data.resource_type = chosen
    if "kind" in carries and entry.kind in KINDS:
        data.kind = entry.kind
    elif data.resource_type and not data.kind:
        data.kind = (matcher.kinds.get(data.resource_type) or ["publication"])[0]
    if data.resource_type and data.kind not in (
        matcher.kinds.get(data.resource_type) or [data.kind]
    ):
        data.kind = matcher.kinds[data.resource_type][0]
    data.kind = data.kind or Record.Kind.PUBLICATION


def _concepts(
    data: RecordInput, entry: BibRecord, carries: frozenset[str], matcher: ConceptMatcher
) -> None:
    found, _unmatched = matcher.split_keywords(entry.keywords)
    for scheme in CONCEPT_SCHEMES:
        known = matcher.codes.get(scheme, set())
        codes = [c for c in entry.concepts.get(scheme, []) if c in known]
        codes += [c for c in found.get(scheme, []) if c not in codes]
        if f"concepts.{scheme}" in carries:
            data.concepts[scheme] = codes
        elif codes:
            current = data.concepts.setdefault(scheme, [])
            current += [c for c in codes if c not in current]


def _creator(creator: Creator, agents: AgentIndex) -> CreatorInput:
    role = creator.role if creator.role in ROLES else RecordCreator.Role.AUTHOR
    agent_id = agents.find(creator)
    if agent_id:
        return CreatorInput(role=role, agent_id=agent_id)
    return CreatorInput(role=role, name=creator.name.strip()[:300])


def _links(entry: BibRecord, key: str, carries: frozenset[str], current: list) -> list[dict]:
    """Links from the entry; notes of links already known are kept."""
    notes = {lk.get("url"): lk.get("note", "") for lk in current if isinstance(lk, dict)}
    incoming = [
        {"url": u, "note": notes.get(u) or lk.get("note", "")}
        if (notes.get(u) or lk.get("note"))
        else {"url": u}
        for lk in entry.links
        if (u := (lk.get("url") or "").strip())
    ]
    if "links.urls" in carries:
        links = incoming
    elif "links.first" in carries and incoming:
        links = [incoming[0], *(lk for lk in current if lk.get("url") != incoming[0]["url"])]
    else:
        links = [dict(lk) for lk in current]
    urls = {lk["url"] for lk in links}
    if entry.doi and key != f"doi:{entry.doi}" and not any(entry.doi in u.lower() for u in urls):
        links.append({"url": f"https://doi.org/{entry.doi}", "note": "DOI"})
    if entry.isbn and key != f"isbn:{entry.isbn}" and f"urn:isbn:{entry.isbn}" not in urls:
        links.append({"url": f"urn:isbn:{entry.isbn}", "note": "ISBN"})
    return links
