"""OAI-PMH sets: by kind, audience and topic (``kind:training_material``, ``topic:demand``).

A set spec with no value (``audience``) holds every record of its sets below.
"""

from __future__ import annotations

from django.db.models import Q

from clearinghouse.catalog.models import Record
from clearinghouse.vocabularies.lookups import vocabulary_cache

SET_SCHEMES = ("audience", "topic")
SET_NAMES = {"kind": "Kind of record", "audience": "Audience", "topic": "Topic"}


def record_sets(record: Record) -> list[str]:
    specs = [f"kind:{record.kind}"]
    specs += sorted(
        f"{c.scheme_id}:{c.code}" for c in record.concepts.all() if c.scheme_id in SET_SCHEMES
    )
    return specs


def all_sets() -> list[tuple[str, str]]:
    """(setSpec, setName) of every set, parents first."""
    out = [("kind", SET_NAMES["kind"])]
    out += [(f"kind:{k.value}", str(k.label)) for k in Record.Kind]
    for scheme in SET_SCHEMES:
        out.append((scheme, SET_NAMES[scheme]))
        out += [
            (f"{scheme}:{code}", vocabulary_cache.label(scheme, code, "en"))
            for code in vocabulary_cache.codes(scheme)
        ]
    return out


def is_known(spec: str) -> bool:
    head, _, value = spec.partition(":")
    if head == "kind":
        return not value or value in Record.Kind.values
    if head in SET_SCHEMES:
        return not value or vocabulary_cache.exists(head, value)
    return False


def set_filter(spec: str) -> Q:
    head, _, value = spec.partition(":")
    if head == "kind":
        return Q(kind=value) if value else Q()
    through = Record.concepts.through.objects.filter(concept__scheme_id=head)
    if value:
        through = through.filter(concept__code=value)
    return Q(pk__in=through.values("record_id"))


def in_set(sets: list[str], spec: str) -> bool:
    return spec in sets or any(s.startswith(spec + ":") for s in sets)
