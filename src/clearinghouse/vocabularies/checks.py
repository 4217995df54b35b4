"""Which concepts lack a label in a required language, and what readers see instead.

Curated schemes (audiences, topics…) must be complete in every required language. The
ISO 3166 / 639 schemes hold every country and language of the world, named from
pycountry's translations, which have gaps; there the concepts that matter are checked:
those tagged on a record, and the UI languages themselves (``everything`` checks all).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from .labels import is_own_label, label_source
from .loader import LABEL_LANGUAGES
from .models import Concept, Scheme

ISO_SCHEMES = ("country", "language")


@dataclass(frozen=True)
class MissingLabel:
    scheme: str
    code: str
    language: str
    #: What a reader of ``language`` sees, and the language it comes from.
    shown: str
    shown_from: str


def required_languages() -> tuple[str, ...]:
    """The label languages every concept needs (``CLEARINGHOUSE_VOCABULARY_LANGUAGES``)."""
    return tuple(getattr(settings, "CLEARINGHOUSE_VOCABULARY_LANGUAGES", LABEL_LANGUAGES))


def ui_language_codes() -> set[str]:
    """The UI languages as language-scheme codes (zh-hans → zh)."""
    return {code.lower().replace("zh-hans", "zh") for code, _name in settings.LANGUAGES}


def concepts_to_check(schemes: list[str] | None = None, *, everything: bool = False):
    queryset = Concept.objects.all()
    if schemes:
        queryset = queryset.filter(scheme_id__in=schemes)
    concepts = list(queryset.order_by("scheme_id", "position", "code"))
    if everything:
        return concepts
    in_use = set(
        Concept.objects.filter(scheme_id__in=ISO_SCHEMES, records__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    ui = ui_language_codes()
    return [
        c
        for c in concepts
        if c.scheme_id not in ISO_SCHEMES
        or c.pk in in_use
        or (c.scheme_id == "language" and c.code in ui)
    ]


def missing_labels(
    languages: tuple[str, ...] | None = None,
    schemes: list[str] | None = None,
    *,
    everything: bool = False,
) -> list[MissingLabel]:
    """Every (concept, language) pair whose label falls back to another language."""
    languages = languages or required_languages()
    missing = []
    for concept in concepts_to_check(schemes, everything=everything):
        for language in languages:
            shown, source = label_source(concept.labels, language)
            if not is_own_label(language, source):
                missing.append(
                    MissingLabel(concept.scheme_id, concept.code, language, shown, source)
                )
    return missing


def missing_scheme_labels(languages: tuple[str, ...] | None = None) -> list[MissingLabel]:
    """Scheme titles (facet headings) that fall back to another language."""
    languages = languages or required_languages()
    missing = []
    for scheme in Scheme.objects.order_by("id"):
        for language in languages:
            shown, source = label_source(scheme.labels, language)
            if not is_own_label(language, source):
                missing.append(MissingLabel(scheme.id, "", language, shown, source))
    return missing
