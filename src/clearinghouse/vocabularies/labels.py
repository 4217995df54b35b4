"""Choosing a label in the reader's language, with a documented fallback chain.

For a reader of language L, the first of these that has a label wins:

1. L itself (``sr-latn``, ``zh-hans``…);
2. L's alias in vocabulary data (``zh-hans`` → ``zh``, ``sr-cyrl`` → ``sr``);
3. the same language in its other script, transliterated: Serbian Cyrillic ↔ Latin;
4. the closest languages a reader of L reads without effort: Bosnian, Croatian and
   Serbian (Latin) for one another;
5. the base language (``pt-br`` → ``pt``);
6. English;
7. any label, by language code, so the choice is stable.

``clearinghouse vocab-check`` lists every concept that needs a step past 3 for a
required language, and exits non-zero when there is one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .transliteration import serbian_to_cyrillic, serbian_to_latin

# Django's language codes and the codes vocabulary data uses.
_ALIASES = {"zh-hans": "zh", "zh-cn": "zh", "zh-hant": "zh", "sr-cyrl": "sr"}
# (reader's language, label language) → how to turn the label into the reader's script.
_TRANSLITERATIONS: dict[tuple[str, str], Callable[[str], str]] = {
    ("sr-latn", "sr"): serbian_to_latin,
    ("sr", "sr-latn"): serbian_to_cyrillic,
}
_NEIGHBOURS = {"bs": ("hr", "sr-latn"), "hr": ("bs", "sr-latn"), "sr-latn": ("bs", "hr")}


def normal_code(language: str) -> str:
    """A BCP 47 tag as vocabulary data spells it: lower case, ``zh-Hans`` → ``zh``."""
    lang = (language or "").strip().replace("_", "-").lower()
    return _ALIASES.get(lang, lang)


def fallback_chain(language: str) -> list[str]:
    """Label languages to try, best first, for a reader of ``language``; ends with English."""
    lang = (language or "en").lower()
    chain = [lang]
    if lang in _ALIASES:
        chain.append(_ALIASES[lang])
    chain += [source for reader, source in _TRANSLITERATIONS if reader == lang]
    chain += _NEIGHBOURS.get(lang, ())
    base = lang.split("-")[0]
    if base not in chain:
        chain.append(base)
    if "en" not in chain:
        chain.append("en")
    return chain


def label_source(labels: Mapping[str, str], language: str) -> tuple[str, str]:
    """(label, language code it was taken from) for a reader of ``language``."""
    if not labels:
        return "", ""
    lang = (language or "en").lower()
    for code in fallback_chain(lang):
        value = labels.get(code)
        if value:
            convert = _TRANSLITERATIONS.get((lang, code))
            return (convert(value) if convert else value), code
    for code in sorted(labels):
        if labels[code]:
            return labels[code], code
    return "", ""


def pick_label(labels: Mapping[str, str], language: str) -> str:
    """The best label in ``labels`` for ``language`` ('' when there is none)."""
    return label_source(labels, language)[0]


def is_own_label(reader: str, source: str) -> bool:
    """Whether a label taken from ``source`` is in the reader's own language (steps 1–3)."""
    reader = (reader or "en").lower()
    return source in (reader, _ALIASES.get(reader)) or (reader, source) in _TRANSLITERATIONS
