"""Analysis per language: text → index terms, computed once in Python.

Every backend (tantivy, PostgreSQL) and the offline edition store the terms
``analyze`` returns, and queries are analysed by the same code, so a stem never
depends on an engine's own tokenizer. Pipeline: NFKC, words (letters/digits and
their combining marks), jieba for Han runs and bigrams for other CJK runs,
lowercase, Snowball stem for the language, then ``fold``.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import Stemmer

from .tree import (
    AndQ,
    MatchAllQ,
    MatchNoneQ,
    Node,
    NotQ,
    OrQ,
    PhraseQ,
    PhraseWords,
    PrefixQ,
    PrefixWord,
    TermQ,
    Word,
)

#: Longer terms are noise (hashes, URLs without separators) and bloat the index.
MAX_TERM_LENGTH = 64
#: Shortest prefix a ``word*`` query expands; shorter ones match half the index.
MIN_PREFIX_LENGTH = 2
# Endings that complete a typed prefix into words whose stem may be shorter than
# the prefix ("educat" + "ion" → "educ"), and the shortest such stem worth
# matching (shorter ones are often stopwords: "par").
_ENDINGS = ("e", "s", "es", "ed", "er", "ing", "ion", "ions", "a", "o", "i", "y", "al")
_MIN_SHORTER_STEM = 4
# Words each thread's stemmer remembers per language (PyStemmer's own cache).
_STEM_CACHE_SIZE = 20_000
# Raw words longer than this cannot fold down to MAX_TERM_LENGTH; skip stemming them.
_MAX_RAW_LENGTH = 4 * MAX_TERM_LENGTH

# BCP 47 primary subtag → Snowball algorithm. The Snowball serbian stemmer
# transliterates Cyrillic to Latin, so both scripts (and Bosnian, Croatian,
# Montenegrin) meet on the same stems. Languages absent here are not stemmed.
# fmt: off
_ALGORITHMS: dict[str, str] = {
    "ar": "arabic", "bs": "serbian", "ca": "catalan", "cnr": "serbian", "cs": "czech",
    "da": "danish", "de": "german", "el": "greek", "en": "english", "eo": "esperanto",
    "es": "spanish", "et": "estonian", "eu": "basque", "fa": "persian", "fi": "finnish",
    "fr": "french", "ga": "irish", "hi": "hindi", "hr": "serbian", "hu": "hungarian",
    "hy": "armenian", "id": "indonesian", "it": "italian", "lt": "lithuanian", "nb": "norwegian",
    "ne": "nepali", "nl": "dutch", "nn": "norwegian", "no": "norwegian", "pl": "polish",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sh": "serbian", "sr": "serbian",
    "st": "sesotho", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}
# fmt: on

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Kana and Hangul: no segmenter at hand, so runs are indexed as character bigrams.
_OTHER_CJK = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff"
    "\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uff66-\uff9f"
)

# Characters NFKD leaves alone that readers treat as a plain letter or digit.
_EXTRA_FOLDS: dict[str, str] = {
    "ß": "ss",
    "ẞ": "ss",
    "đ": "d",
    "Đ": "d",
    "ħ": "h",
    "ı": "i",
    "ł": "l",
    "Ł": "l",
    "ø": "o",
    "Ø": "o",
    "ŧ": "t",
    # Arabic: alef maqsura and teh marbuta are spelt both ways; alef wasla is an alef;
    # Persian yeh and keheh are the same letters as Arabic yeh and kaf.
    "ى": "ي",
    "ة": "ه",
    "ٱ": "ا",
    "ی": "ي",
    "ک": "ك",
    "ـ": "",  # tatweel (elongation)
    "\u200c": "",  # zero-width non-joiner
    "\u200d": "",  # zero-width joiner
}


@dataclass(frozen=True)
class _Tables:
    """Character tables built from the running Python's Unicode database."""

    word: re.Pattern[str]
    cjk: re.Pattern[str]
    cjk_split: re.Pattern[str]
    marks: str  # regex class body of combining marks (Mn, Mc, Me)
    fold: dict[int, Any]  # str.translate table: drop diacritics, apply _EXTRA_FOLDS


def _class_body(code_points: Iterable[int]) -> str:
    """A regex character-class body covering ``code_points`` as ranges."""
    parts: list[str] = []
    start = prev = -2
    for cp in code_points:
        if cp != prev + 1:
            if start >= 0:
                parts.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
            start = cp
        prev = cp
    if start >= 0:
        parts.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
    return "".join(parts)


# Blocks whose nonspacing marks are diacritics (accents, Hebrew and Arabic vowel
# points). Elsewhere (Devanagari, Thai, kana voicing) a mark is part of the letter:
# dropping it would merge unrelated words, so it is kept.
_DIACRITIC_BLOCKS = (
    (0x0300, 0x036F),  # combining diacritical marks
    (0x0483, 0x0489),  # Cyrillic
    (0x0591, 0x05C7),  # Hebrew points
    (0x0610, 0x061A),  # Arabic
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06ED),
    (0x1AB0, 0x1AFF),  # combining diacritical marks extended
    (0x1DC0, 0x1DFF),  # ... supplement
    (0x20D0, 0x20FF),  # ... for symbols
    (0xFE20, 0xFE2F),  # combining half marks
)


def _is_diacritic_block(cp: int) -> bool:
    return any(low <= cp <= high for low, high in _DIACRITIC_BLOCKS)


@functools.cache
def _tables() -> _Tables:
    """Build the tables once, on first use (about 40 ms), not at import time."""
    scan = [*range(0x20000), *range(0xE0000, 0xE0200)]
    categories = [(cp, unicodedata.category(chr(cp))) for cp in scan]
    marks = [cp for cp, cat in categories if cat in ("Mn", "Mc", "Me")]
    diacritics = [cp for cp, cat in categories if cat == "Mn" and _is_diacritic_block(cp)]
    marks_body = _class_body(marks)
    fold: dict[int, Any] = dict.fromkeys(diacritics)
    fold.update({ord(k): v for k, v in _EXTRA_FOLDS.items()})
    # Arabic-Indic and extended Arabic-Indic digits: "٢٠٠١" and "2001" meet.
    fold.update({0x0660 + d: str(d) for d in range(10)})
    fold.update({0x06F0 + d: str(d) for d in range(10)})
    return _Tables(
        word=re.compile(f"[\\w\u200c\u200d{marks_body}]+"),
        cjk=re.compile(f"[{_HAN}{_OTHER_CJK}]"),
        cjk_split=re.compile(f"([{_HAN}]+)|([{_OTHER_CJK}]+)|([^{_HAN}{_OTHER_CJK}]+)"),
        marks=marks_body,
        fold=fold,
    )


# --- jieba (Chinese segmentation), loaded lazily ----------------------------

_jieba_lock = threading.Lock()
_jieba: Any = None


def _jieba_cut(run: str) -> list[str]:
    """Segment a run of Han characters into words with jieba (loaded once, quietly)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(60)
                jieba.initialize()
                _jieba = jieba
    return [piece for piece in _jieba.lcut(run) if piece.strip()]


def _bigrams(run: str) -> list[str]:
    """Overlapping character bigrams (a single character stays a unigram)."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _split_cjk(words: list[str], tables: _Tables) -> list[str]:
    """Replace CJK runs inside ``words`` by their segments, keeping order."""
    out: list[str] = []
    for word in words:
        if tables.cjk.search(word) is None:
            out.append(word)
            continue
        for han, other, rest in tables.cjk_split.findall(word):
            if han:
                out.extend(_jieba_cut(han))
            elif other:
                out.extend(_bigrams(other))
            else:
                out.append(rest)
    return out


# --- stemming ---------------------------------------------------------------

_local = threading.local()


@functools.lru_cache(maxsize=256)
def _algorithm(language: str | None) -> str | None:
    """The Snowball algorithm for a BCP 47 tag (``sr-Latn`` → serbian), or None."""
    if not language:
        return None
    primary = language.strip().lower().replace("_", "-").split("-", 1)[0]
    algorithm = _ALGORITHMS.get(primary)
    if algorithm is None or algorithm not in Stemmer.algorithms():
        return None
    return algorithm


def _stemmer(language: str | None) -> Any:
    """This thread's stemmer for ``language`` (PyStemmer objects are not thread-safe)."""
    algorithm = _algorithm(language)
    if algorithm is None:
        return None
    stemmers: dict[str, Any] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    stemmer = stemmers.get(algorithm)
    if stemmer is None:
        stemmer = stemmers[algorithm] = Stemmer.Stemmer(algorithm, _STEM_CACHE_SIZE)
    return stemmer


def mark_class() -> str:
    """Regex class body of combining marks, which belong to the word they follow."""
    return _tables().marks


def contains_cjk(text: str) -> bool:
    """Whether ``text`` has Han, kana or Hangul (segmented, not split on spaces)."""
    return _tables().cjk.search(text) is not None


def has_stemmer(language: str | None) -> bool:
    """Whether ``language`` is stemmed (otherwise only folded)."""
    return _algorithm(language) is not None


# --- the pipeline -----------------------------------------------------------


def fold(text: str) -> str:
    """Fold case and marks: NFKD, drop diacritics, Arabic and ß rules, lowercase.

    Applied after stemming (stemmers need the accents) so "Éducation" and
    "education" meet; also used on prefixes and by snippets.
    """
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKD", text).translate(_tables().fold).lower()
    if not folded.isascii() and not unicodedata.is_normalized("NFC", folded):
        folded = unicodedata.normalize("NFC", folded)  # recompose Hangul syllables
    return folded


_fold_word = functools.lru_cache(maxsize=65_536)(fold)


def tokenize(text: str) -> list[str]:
    """Lowercased words of ``text`` in order, before stemming and folding."""
    if not text:
        return []
    ascii_only = text.isascii()
    # NFKC rather than NFC: PDF extraction yields ligatures ("ﬁ") and Arabic
    # presentation forms that must meet the plain letters before stemming.
    if not ascii_only and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.replace("_", " ").lower()
    tables = _tables()
    words: list[str] = tables.word.findall(text)
    if not ascii_only and tables.cjk.search(text) is not None:
        words = _split_cjk(words, tables)
    return words


def _finish(stems: Iterable[str]) -> list[str]:
    """Fold stems and drop empty or over-long terms."""
    terms = [stem if stem.isascii() else _fold_word(stem) for stem in stems]
    return [term for term in terms if term and len(term) <= MAX_TERM_LENGTH]


def analyze(text: str, language: str | None) -> list[str]:
    """The index terms of ``text`` in order (positions matter for phrases)."""
    words = tokenize(text)
    if any(len(word) > _MAX_RAW_LENGTH for word in words):
        words = [word for word in words if len(word) <= _MAX_RAW_LENGTH]
    stemmer = _stemmer(language)
    if stemmer is not None:
        words = stemmer.stemWords(words)
    return _finish(words)


def _unique(items: Iterable[Any]) -> list[Any]:
    """Items without repeats, first occurrence first."""
    return list(dict.fromkeys(items))


def _query_languages(languages: Sequence[str | None]) -> tuple[str | None, ...]:
    """Query languages without repeats, plus None for the unstemmed form."""
    return (*_unique(lang for lang in languages if lang), None)


def analyze_query_word(word: str, languages: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """The term sequences a typed word may stand for, one per language plus unstemmed.

    We do not know the language of the documents, so each language's analysis
    is a variant. A sequence longer than one ("2001/4", Chinese, "anti-slavery")
    must be searched as a phrase. Deduplicated, in the order of ``languages``.
    """
    variants = (tuple(analyze(word, lang)) for lang in _query_languages(languages))
    return tuple(_unique(v for v in variants if v))


# --- query trees ------------------------------------------------------------


def _either(nodes: Sequence[Node]) -> Node | None:
    """One node, an OrQ of several, or None for none."""
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else OrQ(tuple(nodes))


def _word_query(text: str, languages: Sequence[str | None]) -> Node | None:
    """TermQ of the single-term variants, plus a PhraseQ per multi-term variant."""
    variants = analyze_query_word(text, [lang for lang in languages if lang])
    singles = tuple(v[0] for v in variants if len(v) == 1)
    nodes: list[Node] = [TermQ(singles)] if singles else []
    nodes.extend(PhraseQ(v) for v in variants if len(v) > 1)
    return _either(nodes)


def _prefix_query(text: str, languages: Sequence[str | None]) -> Node | None:
    """PrefixQ of the folded prefix and its stems; earlier words of "anti-traf*" are ANDed."""
    words = tokenize(text)
    if not words:
        return None
    *head, last = words
    tail = _prefix_tail(last, languages)
    if not head:
        return tail
    return _and([*(_word_query(word, languages) for word in head), tail])


def _prefix_tail(word: str, languages: Sequence[str | None]) -> Node | None:
    """The node for the ``*``-ended word itself."""
    folded = fold(word)
    if len(folded) < MIN_PREFIX_LENGTH or len(folded) > MAX_TERM_LENGTH:
        return _word_query(word, languages)
    stemmers = _unique(s for s in map(_stemmer, languages) if s is not None)
    candidates = [folded, *(fold(stemmer.stemWord(word)) for stemmer in stemmers)]
    prefixes: list[str] = []
    for prefix in sorted(_unique(p for p in candidates if len(p) >= MIN_PREFIX_LENGTH), key=len):
        if not prefix.startswith(tuple(prefixes)):  # a shorter prefix already covers it
            prefixes.append(prefix)
    query = PrefixQ(tuple(prefixes))
    # A stem can be shorter than the typed prefix: "education" is indexed as
    # "educ", which "educat*" does not start. Stemming the prefix with common
    # endings finds such stems; they are matched as exact terms.
    shorter = _unique(
        stem
        for stemmer in stemmers
        for stem in map(fold, stemmer.stemWords([word + ending for ending in _ENDINGS]))
        if len(stem) >= _MIN_SHORTER_STEM
        and not stem.startswith(query.prefixes)
        and folded.startswith(stem)
    )
    return OrQ((query, TermQ(tuple(shorter)))) if shorter else query


def _and(children: Iterable[Node | None]) -> Node | None:
    """Simplified conjunction: flattened, deduplicated, MatchAllQ-aware."""
    parts: list[Node] = []
    saw_all = False
    for child in children:
        if child is None:
            continue
        if isinstance(child, MatchNoneQ):
            return child
        if isinstance(child, MatchAllQ):
            saw_all = True
        elif isinstance(child, AndQ):
            parts.extend(c for c in child.children if not isinstance(c, MatchAllQ))
        else:
            parts.append(child)
    parts = _unique(parts)
    if not parts:
        return MatchAllQ() if saw_all else None
    if all(isinstance(p, NotQ) for p in parts):
        return AndQ((MatchAllQ(), *parts))
    return parts[0] if len(parts) == 1 else AndQ(tuple(parts))


def _or(children: Iterable[Node | None]) -> Node | None:
    """Simplified disjunction; a bare NotQ becomes "everything except"."""
    parts: list[Node] = []
    saw_none = False
    for child in children:
        if child is None:
            continue
        if isinstance(child, MatchAllQ):
            return child
        if isinstance(child, MatchNoneQ):
            saw_none = True
        elif isinstance(child, OrQ):
            parts.extend(child.children)
        elif isinstance(child, NotQ):
            parts.append(AndQ((MatchAllQ(), child)))
        else:
            parts.append(child)
    parts = _unique(parts)
    if not parts:
        return MatchNoneQ() if saw_none else None
    return _either(parts)


def _not(child: Node | None) -> Node | None:
    """Exclusion of ``child``; excluding nothing is no constraint at all."""
    if child is None or isinstance(child, MatchNoneQ):
        return None
    if isinstance(child, MatchAllQ):
        return MatchNoneQ()
    if isinstance(child, NotQ):
        return child.child
    return NotQ(child)


def _analyze_node(node: Node, languages: Sequence[str | None]) -> Node | None:
    """Analysed form of ``node``, or None when it holds nothing searchable."""
    if isinstance(node, Word):
        return _word_query(node.text, languages)
    if isinstance(node, PhraseWords):
        return _word_query(" ".join(node.words), languages)
    if isinstance(node, PrefixWord):
        return _prefix_query(node.text, languages)
    if isinstance(node, AndQ):
        return _and(_analyze_node(child, languages) for child in node.children)
    if isinstance(node, OrQ):
        return _or(_analyze_node(child, languages) for child in node.children)
    if isinstance(node, NotQ):
        return _not(_analyze_node(node.child, languages))
    return node  # already analysed, MatchAllQ or MatchNoneQ


def analyze_tree(node: Node, languages: Sequence[str]) -> Node:
    """Turn a raw tree from the parser into the analysed tree backends compile.

    ``languages`` are the candidate document languages (UI language, English,
    the catalogue's languages); each contributes its stems as variants.
    """
    result = _analyze_node(node, _query_languages(languages))
    if result is None:
        return MatchAllQ() if isinstance(node, MatchAllQ) else MatchNoneQ()
    if isinstance(result, NotQ):
        return AndQ((MatchAllQ(), result))
    return result
