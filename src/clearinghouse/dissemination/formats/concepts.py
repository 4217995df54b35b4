"""Vocabulary labels in and out of the exchange formats.

Formats that cannot carry our codes (BibTeX keywords, MARC subjects, Dublin Core) carry
English labels; an import matches labels and alternative labels in every language back
to codes, so topics survive a round trip and a French keyword still finds its concept.
"""

from __future__ import annotations

from clearinghouse.vocabularies.lookups import vocabulary_cache
from clearinghouse.vocabularies.models import Concept

from .bibrecord import fold

#: Schemes whose labels stand in for codes in keyword-like fields, in matching order.
KEYWORD_SCHEMES = ("topic", "audience", "purpose", "method", "region", "country")


def label(scheme: str, code: str, language: str = "en") -> str:
    return vocabulary_cache.label(scheme, code, language)


def labels(scheme: str, codes: list[str], language: str = "en") -> list[str]:
    return [label(scheme, code, language) for code in codes]


class ConceptMatcher:
    """Folded label or alternative label (any language) → code, per scheme."""

    def __init__(self, schemes: tuple[str, ...]):
        self.index: dict[str, dict[str, str]] = {scheme: {} for scheme in schemes}
        rows = Concept.objects.filter(scheme_id__in=schemes).values_list(
            "scheme_id", "code", "labels", "alt_labels", "extra"
        )
        self.kinds: dict[str, list[str]] = {}
        self.codes: dict[str, set[str]] = {scheme: set() for scheme in schemes}
        for scheme, code, names, alt, extra in rows:
            self.codes[scheme].add(code)
            index = self.index[scheme]
            index.setdefault(fold(code), code)
            for value in (names or {}).values():
                index.setdefault(fold(value), code)
            for values in (alt or {}).values():
                for value in values or []:
                    index.setdefault(fold(value), code)
            if scheme == "resource_type":
                self.kinds[code] = list((extra or {}).get("kinds") or [])

    def match(self, scheme: str, text: str) -> str:
        return self.index.get(scheme, {}).get(fold(text), "")

    def split_keywords(self, keywords: list[str]) -> tuple[dict[str, list[str]], list[str]]:
        """Keywords → ({scheme: codes}, unmatched keywords)."""
        found: dict[str, list[str]] = {}
        rest: list[str] = []
        for keyword in keywords:
            for scheme in KEYWORD_SCHEMES:
                code = self.match(scheme, keyword)
                if code:
                    if code not in found.setdefault(scheme, []):
                        found[scheme].append(code)
                    break
            else:
                if keyword.strip():
                    rest.append(keyword.strip())
        return found, rest


def concept_matcher() -> ConceptMatcher:
    """A matcher over the vocabularies as they are now (one per import or harvest run)."""
    return ConceptMatcher((*KEYWORD_SCHEMES, "resource_type", "language"))
