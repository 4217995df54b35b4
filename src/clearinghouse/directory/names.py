"""Name keys for finding the same person or organisation written differently.

A key folds what varies between spellings of one name and keeps what tells names apart:
Cyrillic is transliterated to Latin (Serbian first, then the Russian, Ukrainian, Bulgarian
and Macedonian letters Serbian lacks), accents and case are folded, punctuation dropped and
the tokens sorted (so "Radovanović, Mara" and "Mara Radovanović" meet).
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from clearinghouse.vocabularies.transliteration import serbian_to_latin

#: Cyrillic letters not in the Serbian alphabet, in a plain (passport-like) romanisation.
_OTHER_CYRILLIC = {
    "й": "j", "щ": "shch", "ы": "y", "э": "e", "ю": "ju", "я": "ja", "ё": "e", "ъ": "",
    "ь": "", "є": "je", "і": "i", "ї": "ji", "ґ": "g", "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
    "ш": "sh", "ч": "ch", "ж": "zh", "х": "h", "ц": "c",
}  # fmt: skip
#: Latin letters that do not decompose into a base letter and a mark.
_FOLD = {"đ": "dj", "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "ı": "i", "þ": "th"}
#: Digraphs that stand for one Slavic letter; after folding both spellings must agree.
_DIGRAPHS = (("dzh", "dz"), ("zh", "z"), ("sh", "s"), ("ch", "c"), ("kh", "h"), ("dj", "d"))
#: Letters romanisations disagree on (Юлия: Julija, Yulia, Iulia).
_VOWELISH = str.maketrans({"j": "i", "y": "i", "w": "v"})
_NOT_WORD = re.compile(r"[^\w]+")
#: Two keys at least this similar (0–1) make a duplicate candidate.
SIMILAR = 0.88


def to_latin(text: str) -> str:
    """Cyrillic letters to Latin; anything else unchanged."""
    text = "".join(_OTHER_CYRILLIC.get(ch, _OTHER_CYRILLIC.get(ch.lower(), ch)) for ch in text)
    return serbian_to_latin(text)


def fold(text: str) -> str:
    """Latin, lower case, without accents or punctuation."""
    text = to_latin(text).casefold()
    text = "".join(_FOLD.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for digraph, letter in _DIGRAPHS:
        text = text.replace(digraph, letter)
    text = text.translate(_VOWELISH).replace("ii", "i")
    return _NOT_WORD.sub(" ", text).strip()


def name_key(name: str) -> str:
    """The comparison key of a name: folded tokens, sorted."""
    return " ".join(sorted(fold(name).split()))


def similarity(a: str, b: str) -> float:
    """How alike two names are (0–1), on their keys."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    whole = SequenceMatcher(None, ka, kb, autojunk=False).ratio()
    ta, tb = ka.split(), kb.split()
    if len(ta) != len(tb):
        return whole
    # Token by token, each with its best partner: the order of the tokens does not matter.
    left = list(tb)
    total = 0.0
    for token in ta:
        best = max(left, key=lambda other: _ratio(token, other))
        total += _ratio(token, best)
        left.remove(best)
    return max(whole, total / len(ta))


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
