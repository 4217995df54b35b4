"""Common pairs ("common grams"), shared by the search backends.

Adjacent terms that are both *common* in an index are also indexed as one token, the pair, so
a phrase of common words is a term lookup instead of a check of the positions of tens of
thousands of candidates. A rebuild chooses the common terms from its first documents
(``sample_common``); the index keeps them (tantivy in its generation, PostgreSQL in a table)
and every later write and every query uses that same set, so a pair is either indexed in
every document that holds it or looked up by no query.

Terms are runs of word characters (``analysis``), so the separator, an invisible format
character, never occurs in one; alone, it is the sentinel that every document holds.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence

from .types import IndexDocument

PAIR_SEPARATOR = "\u2063"
COMMON_SAMPLE_DOCS = 1000  # a rebuild chooses the common terms from its first documents
COMMON_SAMPLE_TERMS = 1_500_000  # ... or fewer, when they hold this many terms
COMMON_SHARE = 0.02  # common: in at least this share of the sampled documents
COMMON_MIN_DOCS = 3
COMMON_MAX = 2000


def pair(first: str, second: str) -> str:
    """The token of two adjacent terms."""
    return f"{first}{PAIR_SEPARATOR}{second}"


def common_pairs(terms: Sequence[str], common: frozenset[str] | dict[str, float]) -> list[str]:
    """The pair tokens of adjacent ``terms`` that are both common."""
    return [
        pair(a, b) for a, b in zip(terms, terms[1:], strict=False) if a in common and b in common
    ]


def choose_common(sample: Sequence[IndexDocument]) -> dict[str, float]:
    """The terms found in at least ``COMMON_SHARE`` of ``sample`` (most frequent first, at most
    ``COMMON_MAX``), each with its share of the sample: the terms whose phrases are costly to
    check by position."""
    frequency: dict[str, int] = {}
    for document in sample:
        for term in set(document.full_terms):
            frequency[term] = frequency.get(term, 0) + 1
    floor = max(COMMON_MIN_DOCS, COMMON_SHARE * len(sample))
    ranked = sorted((-n, term) for term, n in frequency.items() if n >= floor)
    return {term: -n / len(sample) for n, term in ranked[:COMMON_MAX]}


def sample_common(
    documents: Iterable[IndexDocument],
) -> tuple[dict[str, float], Iterator[IndexDocument]]:
    """The common terms of a rebuild's first documents, and all of ``documents`` again (the
    sample is held in memory, the rest is still read lazily)."""
    documents = iter(documents)
    sample: list[IndexDocument] = []
    terms = 0
    for document in documents:
        sample.append(document)
        terms += len(document.full_terms)
        if len(sample) >= COMMON_SAMPLE_DOCS or terms >= COMMON_SAMPLE_TERMS:
            break
    return choose_common(sample), itertools.chain(sample, documents)
