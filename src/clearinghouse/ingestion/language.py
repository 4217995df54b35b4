"""Language detection on extracted text with lingua, restricted to the catalogue's languages.

Runs in the sandbox. Models load lazily, only for the candidate languages of the
text's script, so memory stays small.
"""

from __future__ import annotations

from functools import cache

#: The UN six, German, the region's languages and the other usual languages of partners.
LANGUAGES = (
    "ENGLISH FRENCH SPANISH RUSSIAN ARABIC CHINESE GERMAN ALBANIAN SERBIAN CROATIAN BOSNIAN "
    "MACEDONIAN SLOVENE BULGARIAN UKRAINIAN ITALIAN PORTUGUESE DUTCH TURKISH ROMANIAN GREEK "
    "JAPANESE PERSIAN URDU"
).split()
MIN_CONFIDENCE = 0.01


@cache
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    # Low-accuracy mode uses trigrams only: the same answer for long texts, and short
    # texts do not load every 1- to 5-gram model (hundreds of MB, seconds).
    languages = (getattr(Language, n) for n in LANGUAGES)
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def sample(text: str, limit: int = 20_000) -> str:
    """Up to ``limit`` characters from the beginning, middle and end of ``text``."""
    if len(text) <= limit:
        return text
    third = limit // 3
    middle = len(text) // 2
    return " ".join((text[:third], text[middle : middle + third], text[-third:]))


def detect_languages(text: str, limit: int = 20_000) -> list[dict]:
    """[{"code": "fr", "confidence": 0.97}, …] best first; empty for text without words."""
    probe = sample(text, limit)
    if sum(ch.isalpha() for ch in probe[:5000]) < 20:
        return []
    values = _detector().compute_language_confidence_values(probe)
    return [
        {"code": v.language.iso_code_639_1.name.lower(), "confidence": round(v.value, 3)}
        for v in values[:3]
        if v.value >= MIN_CONFIDENCE
    ]
