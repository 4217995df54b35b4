"""Choosing a label in the reader's language, with a documented fallback chain.

Chain: the exact language tag; its Django alias (zh-hans → zh, sr-latn ↔ sr);
the base language (pt-br → pt); English; then any label, alphabetically by
language code so the choice is stable.
"""

from __future__ import annotations

from collections.abc import Mapping

# Django's language codes and the codes vocabulary data uses.
_ALIASES = {"zh-hans": "zh", "zh-cn": "zh", "zh-hant": "zh", "sr-cyrl": "sr"}


def fallback_chain(language: str) -> list[str]:
    """Language codes to try, best first, for a reader of ``language``."""
    lang = (language or "en").lower()
    chain = [lang]
    if lang in _ALIASES:
        chain.append(_ALIASES[lang])
    base = lang.split("-")[0]
    if base not in chain:
        chain.append(base)
    if "en" not in chain:
        chain.append("en")
    return chain


def pick_label(labels: Mapping[str, str], language: str) -> str:
    """The best label in ``labels`` for ``language`` ('' when there is none)."""
    if not labels:
        return ""
    for code in fallback_chain(language):
        value = labels.get(code)
        if value:
            return value
    for code in sorted(labels):
        if labels[code]:
            return labels[code]
    return ""
