"""The language of a search query: by its script and telling letters, else the UI language.

Queries are a few words, too short for a statistical detector to be trusted, so the
rules are deliberately simple and deterministic: the script decides between language
families (Han → zh, Arabic → ar, Cyrillic → ru/sr/mk/uk…), letters found in one language
only decide inside a family (ђ → sr, ѓ → mk, ñ → es, ß → de), then a handful of function
words ("des", "los", "und", "të") and word endings ("-ción", "-ung", "-ima"); when nothing
tells, or the clues tie with it, the reader's UI language wins.
"""

from __future__ import annotations

import unicodedata

# Letters that, inside their script, point to one language (checked in this order).
_CYRILLIC_MARKERS = (("ђћ", "sr"), ("ѓќѕ", "mk"), ("ыэёъ", "ru"), ("іїєґ", "uk"))
_SOUTH_SLAVIC_CYRILLIC = "јљњџ"  # Serbian and Macedonian both
_LATIN_MARKERS = (
    ("ñ¿¡", "es"),
    ("ßäöü", "de"),
    ("çœæàèêîôûùâï", "fr"),
    ("ë", "sq"),
    ("čćđšž", "hr"),
    ("áíóú", "es"),
    ("é", "fr"),
)
# Function words frequent in short queries; a word listed for two languages counts for both.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and for in to with on by from against".split()),
    "fr": frozenset("des les du et pour dans aux une au sur par le la de contre".split()),
    "es": frozenset("los las del y para en una el la de con por contra".split()),
    "de": frozenset("der die das und für von mit im zur zum den dem des gegen".split()),
    "sq": frozenset("të dhe në për nga me i e një".split()),
    "hr": frozenset("i u za od na s sa je protiv".split()),
}
# Word endings typical of one language (a weaker clue than a function word).
_ENDINGS: dict[str, tuple[str, ...]] = {
    "en": ("ing", "tion", "ness", "ship"),
    "fr": ("tion", "tions", "eux", "ment", "ments", "aux", "ées", "eur", "eurs"),
    "es": ("ción", "cion", "ciones", "dad", "dades", "os", "as"),
    "de": ("ung", "ungen", "heit", "keit", "schaft", "lich"),
    "sq": ("imi", "imit", "ve", "ët", "uar"),
    "hr": ("ima", "ama", "ija", "anje", "enje", "ost", "ovi", "skih"),
}
_LATIN_LANGUAGES = frozenset({"en", "fr", "es", "de", "sq", "hr", "bs", "sr-latn"})
_CYRILLIC_LANGUAGES = frozenset({"ru", "sr", "mk", "uk", "bg"})
# The Snowball "serbian" stemmer serves bs, hr and sr-latn alike: keep the reader's choice.
_SAME_ANALYSIS = {"hr": frozenset({"hr", "bs", "sr-latn"})}


def _script(char: str) -> str | None:
    try:
        name = unicodedata.name(char)
    except ValueError:
        return None
    for script in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "ARABIC", "HEBREW", "GREEK"):
        if name.startswith(script):
            return script
    if name.startswith("CYRILLIC"):
        return "CYRILLIC"
    if name.startswith("LATIN"):
        return "LATIN"
    return None


_SCRIPT_LANGUAGE = {
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "ARABIC": "ar",
    "HEBREW": "he",
    "GREEK": "el",
}


def ui_base(language: str) -> str:
    """A Django UI language as an analysis language: zh-hans → zh, sr-latn stays."""
    language = (language or "en").lower()
    return language if language == "sr-latn" else language.split("-")[0]


def detect_query_language(query: str, ui_language: str = "en") -> str:
    """The language ``query`` is most likely written in (a BCP 47 primary tag, or sr-latn)."""
    ui = ui_base(ui_language)
    counts: dict[str, int] = {}
    for char in query:
        if char.isalpha():
            script = _script(char)
            if script:
                counts[script] = counts.get(script, 0) + 1
    if not counts:
        return ui
    script = max(counts, key=lambda s: counts[s])
    if script in _SCRIPT_LANGUAGE:
        if script == "ARABIC" and ui in {"fa", "ur"}:
            return ui
        return _SCRIPT_LANGUAGE[script]
    text = query.lower()
    if script == "CYRILLIC":
        return _cyrillic(text, ui)
    return _latin(text, ui)


def _cyrillic(text: str, ui: str) -> str:
    for letters, language in _CYRILLIC_MARKERS:
        if any(c in text for c in letters):
            return language
    if any(c in text for c in _SOUTH_SLAVIC_CYRILLIC):
        return "mk" if ui == "mk" else "sr"
    return ui if ui in _CYRILLIC_LANGUAGES else "ru"


def _latin(text: str, ui: str) -> str:
    for letters, language in _LATIN_MARKERS:
        if any(c in text for c in letters):
            return _prefer_ui(language, ui)
    words = [w.strip(".,;:!?\"'()") for w in text.split()]
    scores = {
        language: 2 * sum(word in vocabulary for word in words)
        + sum(word.endswith(_ENDINGS[language]) for word in words if len(word) > 4)
        for language, vocabulary in _FUNCTION_WORDS.items()
    }
    best = max(scores.values())
    if best:
        leaders = [language for language, score in scores.items() if score == best]
        if ui in leaders or any(ui in _SAME_ANALYSIS.get(lang, ()) for lang in leaders):
            return ui
        if len(leaders) == 1:
            return leaders[0]
    return ui if ui in _LATIN_LANGUAGES else "en"


def _prefer_ui(language: str, ui: str) -> str:
    return ui if ui in _SAME_ANALYSIS.get(language, ()) else language
