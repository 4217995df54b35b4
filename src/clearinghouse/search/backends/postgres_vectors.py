"""Writing ``tsvector`` literals for the PostgreSQL backend, within PostgreSQL's limits.

Terms are quoted one by one and positions wrap around at 16383 (see the backend's module
docstring for why), so the literal is cast with ``::tsvector`` and never re-parsed.
"""

from __future__ import annotations

import itertools
import operator
from collections import defaultdict
from collections.abc import Container, Iterator, Sequence

from ..pairs import PAIR_SEPARATOR, pair

MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
MAX_LEXEME_BYTES = 2047
# PostgreSQL refuses a tsvector whose lexemes and positions take over 1,048,575 bytes.
MAX_VECTOR_BYTES = 1_040_000


def usable_lexeme(term: str) -> bool:
    """Whether PostgreSQL can store ``term`` as one lexeme."""
    return bool(term) and "\x00" not in term and len(term.encode()) <= MAX_LEXEME_BYTES


def quote_lexeme(term: str) -> str:
    """``term`` quoted for a tsvector/tsquery literal: quotes doubled, backslashes escaped."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


_WEIGHT_CODES = {"D": 0, "C": 1, "B": 2, "A": 3}
# Position p with weight code w is stored as p * 4 + w, which sorts by position; its text:
_POSITION_TEXTS = [f"{p}{w}" for p in range(MAX_POSITION + 1) for w in ("", "C", "B", "A")]


def tsvector_literal(
    parts: Sequence[tuple[Sequence[str], str]],
    common: Container[str] = (),
    *,
    sentinel: bool = False,
) -> str:
    """A tsvector literal of ``(terms, weight)`` parts laid out one after another.

    A one-position gap separates the parts so that a phrase never spans, say, the end of the
    title and the start of the body. Past 16383 positions wrap around (see the module docstring).
    Adjacent ``common`` terms of a part are also written as their pair (``..pairs``), without
    positions: pairs only decide what matches. ``sentinel`` adds the lone separator, a lexeme
    every document holds, first.
    """
    entries: defaultdict[str, list[int]] = defaultdict(list)
    if sentinel:
        entries[PAIR_SEPARATOR] = []
    pairs: dict[str, list[int]] = {}
    end = 0  # the last position used
    for terms, weight in parts:
        if not terms:
            continue
        start = end + 2 if end else 1
        end = start + len(terms) - 1
        code = _WEIGHT_CODES[weight]
        for term, stored in zip(terms, range(start * 4 + code, (end + 1) * 4, 4), strict=True):
            entries[term].append(stored)
        if common:
            pairs.update((token, []) for token in _pairs(terms, common))
    entries.update(pairs)  # after the terms: the size budget cuts pairs first
    pieces = []
    budget = MAX_VECTOR_BYTES
    for term, entry in entries.items():
        size = len(term.encode())
        if not size or size > MAX_LEXEME_BYTES or "\x00" in term:
            continue
        del entry[MAX_POSITIONS_PER_LEXEME:]
        if entry and entry[-1] >> 2 > MAX_POSITION:
            entry = _wrapped(entry)
        # PostgreSQL counts each lexeme short-aligned, plus a position count and the positions.
        budget -= size + size % 2 + 2 + 2 * len(entry)
        if budget < 0:
            break
        quoted = quote_lexeme(term) if "'" in term or "\\" in term else f"'{term}'"
        if entry:
            pieces.append(f"{quoted}:{','.join([_POSITION_TEXTS[c] for c in entry])}")
        else:
            pieces.append(quoted)
    return " ".join(pieces)


def _pairs(terms: Sequence[str], common: Container[str]) -> Iterator[str]:
    """The pairs of adjacent common terms (``..pairs.common_pairs``, faster on long texts)."""
    flags = [term in common for term in terms]
    adjacent = map(operator.and_, flags, flags[1:])
    for offset in itertools.compress(range(len(terms) - 1), adjacent):
        yield pair(terms[offset], terms[offset + 1])


def _wrapped(entry: list[int]) -> list[int]:
    """Stored positions wrapped into 1..16383, the first weight kept where two coincide."""
    kept: dict[int, int] = {}
    for stored in entry:
        position = ((stored >> 2) - 1) % MAX_POSITION + 1
        kept.setdefault(position, position * 4 + (stored & 3))
    return sorted(kept.values())
