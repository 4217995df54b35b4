"""Highlighted, HTML-escaped excerpts of a record's text for result lists.

Analysing a 100,000-character text per hit would be too slow, so a regex of the
query's terms (case- and accent-insensitive, minus their last letter because a
stem is usually a prefix of the word save its ending) finds candidate words in
the original text; only those words are analysed, as the index would, and kept
when they give a query term. CJK terms are marked where they occur.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .analysis import (
    MAX_TERM_LENGTH,
    analyze,
    analyze_tree,
    contains_cjk,
    fold,
    mark_class,
)
from .tree import (
    AndQ,
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

ELLIPSIS = "…"
_SURROGATES = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S")
# Candidate words a snippet checks at most: a stopword in the query would
# otherwise cost a verification per occurrence in a long text.
_SNIPPET_CANDIDATES = 500
# How far a window edge moves to land on a space instead of cutting a word.
_SNAP = 20

# Hebrew and Arabic vowel points and tatweel, which NFC leaves between letters.
_POINTS = "\u0591-\u05c7\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed"

# Serbian Latin (folded) → Cyrillic, so Latin stems find words in Cyrillic text.
_SERBIAN_DIGRAPHS = {"lj": "љ", "nj": "њ"}
# fmt: off
_SERBIAN_LETTERS = {
    "a": "а", "b": "б", "c": "цчћ", "d": "дђ", "e": "е", "f": "ф", "g": "г", "h": "х",
    "i": "и", "j": "ј", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п",
    "r": "р", "s": "сш", "t": "т", "u": "у", "v": "в", "z": "зж",
}
# fmt: on


@functools.cache
def _fold_variants() -> dict[str, str]:
    """Folded character → every character folding to it (``e`` → ``eEéÉèÈ…``).

    Covers the alphabetic scripts and the compatibility forms (about 75 ms,
    once); CJK characters fold to themselves and are matched exactly.
    """
    variants: dict[str, list[str]] = {}
    for cp in (*range(0x3000), *range(0xFB00, 0xFFF0)):
        char = chr(cp)
        folded = fold(char)
        if len(folded) == 1 and folded != char:
            variants.setdefault(folded, [folded]).append(char)
    return {key: "".join(chars) for key, chars in variants.items()}


@functools.cache
def _marks() -> str:
    """Class body of what may sit inside a word without being a letter: marks, tatweel, ZWJ."""
    return f"{mark_class()}\u0640\u200c\u200d"


@functools.cache
def _in_word() -> re.Pattern[str]:
    """One character that belongs to a word (letter, digit, mark, tatweel, ZWJ)."""
    return re.compile(f"[\\w{_marks()}]")


def _class(chars: str) -> str:
    """A character-class body matching ``chars`` and whatever folds to them."""
    variants = _fold_variants()
    return "".join(re.escape(variants.get(char, char)) for char in chars)


def _atoms(needle: str, serbian_cyrillic: bool) -> list[str]:
    """Character-class bodies, one per character of the text a needle must match."""
    atoms: list[str] = []
    index = 0
    while index < len(needle):
        pair = needle[index : index + 2]
        if serbian_cyrillic and pair in _SERBIAN_DIGRAPHS:
            atoms.append(_class(_SERBIAN_DIGRAPHS[pair]))
            index += 2
            continue
        char = needle[index]
        atoms.append(_class(_SERBIAN_LETTERS.get(char, char) if serbian_cyrillic else char))
        index += 1
    return atoms


def _is_pointed(needle: str) -> bool:
    """Whether a needle is Hebrew or Arabic script (matched mid-word, points skipped)."""
    return any("\u0590" <= char <= "\u08ff" for char in needle)


def _needle_regex(needle: str, serbian_cyrillic: bool) -> tuple[str, str, str]:
    """(first character's class body, start-of-word check, regex for the rest).

    Needles must start a word, except in Arabic and Hebrew, whose stems lose a
    clitic prefix (ال, و, ب) and whose words keep vowel points and tatweel
    between letters.
    """
    atoms = _atoms(needle, serbian_cyrillic)
    rest: list[str] = []
    index = 1
    while index < len(atoms):
        if not serbian_cyrillic and needle[index : index + 2] == "ss":
            rest.append(f"(?:[{atoms[index]}][{atoms[index]}]|[ßẞ])")  # ß folds to "ss"
            index += 2
            continue
        if not serbian_cyrillic and needle[index:] == "s":
            rest.append(f"[{atoms[index]}ßẞ]")  # the first half of a ß
        else:
            rest.append(f"[{atoms[index]}]")
        index += 1
    if _is_pointed(needle):
        skip = f"[{_POINTS}]*"
        return atoms[0], "", skip + skip.join(rest)
    # Checked after the first character is consumed: what precedes it is no letter.
    return atoms[0], "(?<!\\w[\\s\\S])", "".join(rest)


@dataclass(frozen=True)
class _Matcher:
    """What marks a word: the query's terms and prefixes, and the regexes that find them."""

    terms: frozenset[str]
    prefixes: tuple[str, ...]
    candidates: re.Pattern[str] | None  # words to verify by analysis
    exact: re.Pattern[str] | None  # CJK terms, marked where they occur


def _is_raw(node: Node) -> bool:
    """Whether the tree still holds words as typed (the caller did not analyse it)."""
    if isinstance(node, Word | PhraseWords | PrefixWord):
        return True
    if isinstance(node, AndQ | OrQ):
        return any(_is_raw(child) for child in node.children)
    return isinstance(node, NotQ) and _is_raw(node.child)


def _collect(node: Node, terms: set[str], prefixes: set[str]) -> None:
    """Gather the positive terms and prefixes of an analysed tree (NotQ subtrees are skipped)."""
    if isinstance(node, TermQ):
        terms.update(node.variants)
    elif isinstance(node, PhraseQ):
        terms.update(node.terms)
    elif isinstance(node, PrefixQ):
        prefixes.update(node.prefixes)
    elif isinstance(node, AndQ | OrQ):
        for child in node.children:
            _collect(child, terms, prefixes)


def _needles(words: Iterable[str]) -> list[str]:
    """What to search for: each word minus its last letter, minus needles another finds.

    A stem is usually the word's start save its ending ("happi" for "happy"). A
    needle found by a shorter one (its prefix; any substring for Arabic and
    Hebrew, matched mid-word) adds nothing.
    """
    kept: list[str] = []
    for needle in sorted({w[:-1] if len(w) >= 3 else w for w in words}, key=lambda n: (len(n), n)):
        if _is_pointed(needle):
            redundant = any(shorter in needle for shorter in kept)
        else:
            redundant = any(needle.startswith(shorter) for shorter in kept)
        if not redundant:
            kept.append(needle)
    return kept


@functools.lru_cache(maxsize=256)
def _matcher(query: Node, language: str | None) -> _Matcher:
    """Compile ``query`` (raw or analysed) for ``language``'s text; cached per query."""
    if _is_raw(query):
        query = analyze_tree(query, [language] if language else [])
    terms: set[str] = set()
    prefixes: set[str] = set()
    _collect(query, terms, prefixes)
    words = [w for w in terms | prefixes if w and len(w) <= MAX_TERM_LENGTH]
    cjk = sorted((w for w in words if contains_cjk(w)), key=len, reverse=True)
    other = [w for w in words if not contains_cjk(w)]
    serbian = (language or "").lower().split("-")[0] in ("sr", "bs", "hr", "sh", "cnr")
    groups: dict[tuple[str, str], list[str]] = {}
    for word in _needles(other):
        for cyrillic in (False, True) if serbian and word.isascii() else (False,):
            first, boundary, rest = _needle_regex(word, cyrillic)
            groups.setdefault((first, boundary), []).append(rest)
    candidates = None
    if groups:
        # A single leading character class lets the regex engine skip ahead fast;
        # each alternative then re-checks which first character it needs.
        firsts = "".join(dict.fromkeys(first for first, _ in groups))
        recheck = len(groups) > 1
        alternatives = "|".join(
            f"{f'(?<=[{first}])' if recheck else ''}{boundary}(?:{'|'.join(rests)})"
            for (first, boundary), rests in groups.items()
        )
        candidates = re.compile(f"[{firsts}](?:{alternatives})[\\w{_marks()}]*")
    exact = re.compile("|".join(map(re.escape, cjk))) if cjk else None
    return _Matcher(frozenset(terms), tuple(sorted(prefixes)), candidates, exact)


@functools.lru_cache(maxsize=65_536)
def _word_terms(word: str, language: str | None) -> tuple[str, ...]:
    """The index terms of one word of the text, as the index holds them."""
    return tuple(analyze(word, language))


def _prepare(text: str) -> str:
    """The text in NFC, the form the needles are written for."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def _clean(html_text: str) -> str:
    """Lone surrogates replaced: they cannot be encoded in a response."""
    return html_text if html_text.isascii() else _SURROGATES.sub("\ufffd", html_text)


def _spans(
    text: str, matcher: _Matcher, language: str | None, limit: int | None = None
) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) of the words to mark.

    ``limit`` bounds how many candidate words are checked, for speed when a
    query word (a stopword) occurs thousands of times.
    """
    found: list[tuple[int, int]] = []
    if matcher.candidates is not None:
        in_word = _in_word().match
        verdicts: dict[str, bool] = {}
        terms, prefixes = matcher.terms, matcher.prefixes
        for match in itertools.islice(matcher.candidates.finditer(text), limit):
            start, end = match.span()
            if start and in_word(text, start - 1):  # an Arabic needle found mid-word
                floor = max(0, start - 4 * MAX_TERM_LENGTH)
                while start > floor and in_word(text, start - 1):
                    start -= 1
            word = text[start:end]
            hit = verdicts.get(word)
            if hit is None:
                hit = verdicts[word] = any(
                    t in terms or t.startswith(prefixes) for t in _word_terms(word, language)
                )
            if hit:
                found.append((start, end))
    if matcher.exact is None:
        return found  # finditer's matches, each a whole word, are sorted and disjoint
    found.extend(match.span() for match in matcher.exact.finditer(text))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    """Escaped ``text[start:end]`` with the spans inside it wrapped in <mark>."""
    out: list[str] = []
    pos = start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        out.append(html.escape(text[pos:span_start]))
        out.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        pos = span_end
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def highlight(text: str, query: Node, language: str | None) -> str:
    """All of ``text``, HTML-escaped, with the words matching ``query`` in <mark>."""
    text = _prepare(text)
    spans = _spans(text, _matcher(query, language), language)
    return _clean(_render(text, spans, 0, len(text)))


def _densest(spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """Indexes (first, last) of the most spans fitting in ``width`` characters."""
    best, best_first, best_last = 0, 0, 0
    last = 0
    for first, (start, _) in enumerate(spans):
        last = max(last, first)
        while last + 1 < len(spans) and spans[last + 1][1] <= start + width:
            last += 1
        if last - first + 1 > best:
            best, best_first, best_last = last - first + 1, first, last
    return best_first, best_last


def _window(text: str, spans: list[tuple[int, int]], max_chars: int) -> tuple[int, int]:
    """Start and end of the excerpt: the densest matches with context, cut between words."""
    if not spans:
        first_start = last_end = 0
        start, end = 0, min(len(text), max_chars)
    else:
        first, last = _densest(spans, max_chars)
        first_start, last_end = spans[first][0], spans[last][1]
        slack = max(0, max_chars - (last_end - first_start))
        start = max(0, first_start - slack // 2)
        end = min(len(text), max(start + max_chars, last_end))
        start = max(0, min(start, end - max_chars))
    if start > 0 and not text[start - 1].isspace():
        space = _SPACES.search(text, start, min(start + _SNAP, max(first_start, start)))
        if space is not None:
            start = space.end()
    if end < len(text) and not text[end].isspace():
        floor = max(end - _SNAP, last_end)
        cut = max(text.rfind(space, floor, end) for space in " \n\t")
        if cut != -1:
            end = cut
    return start, end


def snippet(text: str, query: Node, language: str | None, *, max_chars: int = 240) -> str:
    """About ``max_chars`` of ``text`` around the densest matches, escaped, matches in <mark>.

    Falls back to the start of the text when nothing matches; "…" marks a cut.
    """
    text = _prepare(text)
    spans = _spans(text, _matcher(query, language), language, _SNIPPET_CANDIDATES)
    start, end = _window(text, spans, max(max_chars, 1))
    body = _clean(_SPACES.sub(" ", _render(text, spans, start, end)).strip())
    prefix = ELLIPSIS if _NON_SPACE.search(text, 0, start) else ""
    suffix = ELLIPSIS if _NON_SPACE.search(text, end) else ""
    return f"{prefix}{body}{suffix}"
