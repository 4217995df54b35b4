"""What every backend promises about what it derives at index time: the pairs of common terms
that answer phrases, and (where a backend keeps them) counts that answer browsing.

Mixed into each backend's contract class beside ``SearchBackendContract``. Both tests compare
with a Python oracle after a rebuild and again after incremental changes, so a shortcut that
is over-applied, or counts that drift on update or delete, fail on every backend alike.
"""

from __future__ import annotations

import datetime as dt
import random

from clearinghouse.search.tree import MatchAllQ, PhraseQ
from clearinghouse.search.types import FACET_FIELDS, AccessFilter

from .contract import (
    EVERYTHING,
    NOW,
    ORACLE_ACCESS,
    ORACLE_QUERIES,
    ids,
    make_doc,
    oracle_visible,
    random_corpus,
    run,
)

PHRASE_WORDS = ["law", "enforcement", "victims", "trafficking", "police", "rare", "seldom"]
PHRASE_WEIGHTS = [30, 30, 30, 30, 30, 1, 0.05]
PHRASES = [
    ["law", "enforcement"],
    ["enforcement", "law"],
    ["victims", "law", "enforcement"],
    ["police", "rare"],
    ["rare", "seldom"],
    ["law", "law"],
    ["trafficking", "victims", "police", "law"],
]


def has_phrase(sequence: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(sequence[i : i + n] == phrase for i in range(len(sequence) - n + 1))


class DerivedContract:
    """Needs the ``backend`` fixture of ``SearchBackendContract``."""

    def test_phrases_of_common_terms_match_exactly_what_positions_match(self, backend):
        """A rebuild chooses common terms and indexes their pairs; phrases found through them
        are exactly the documents holding the words in a row, before and after updates."""
        rng = random.Random(7)

        def document(record_id: int):
            title = " ".join(rng.choices(PHRASE_WORDS, PHRASE_WEIGHTS, k=rng.randint(1, 5)))
            body = " ".join(rng.choices(PHRASE_WORDS, PHRASE_WEIGHTS, k=rng.randint(0, 40)))
            return make_doc(record_id, title, body)

        documents = {i: document(i) for i in range(1, 301)}
        backend.rebuild(documents.values())

        def check() -> None:
            for phrase in PHRASES:
                expected = sorted(
                    i for i, doc in documents.items() if has_phrase(doc.full_terms, phrase)
                )
                result = run(backend, PhraseQ(tuple(phrase)), limit=1000)
                assert sorted(ids(result)) == expected, phrase
                assert result.total == len(expected), phrase

        check()
        # incremental changes use the common terms of the last rebuild too
        for record_id in rng.sample(sorted(documents), 60):
            documents[record_id] = document(record_id)
        documents.update({i: document(i) for i in range(301, 331)})
        removed = rng.sample(sorted(documents), 20)
        backend.apply([documents[i] for i in documents if i not in removed], removed)
        for record_id in removed:
            del documents[record_id]
        check()

    def test_browse_counts_follow_every_change(self, backend):
        """Browsing (no text, no filter) and broad queries after upserts that move records
        between access classes and facet values, deletes, and a record both upserted and
        deleted: totals, pages and every facet count equal the oracle's, for every kind of
        viewer and sort."""
        rng = random.Random(11)
        corpus = {doc.record_id: doc for doc in random_corpus(5, size=80)}
        backend.rebuild(corpus.values())
        fresh = {doc.record_id: doc for doc in random_corpus(6, size=100)}
        for _round in range(3):
            changed = [fresh[i] for i in rng.sample(sorted(fresh), 25)]
            for doc in changed:  # the same record, elsewhere: new facets, access, embargo
                corpus[doc.record_id] = doc
            removed = rng.sample(sorted(corpus), 6)
            backend.apply(changed + [corpus[removed[0]]], removed)
            for record_id in removed:
                corpus.pop(record_id, None)
            self._check_browse(backend, corpus)
        backend.apply([], sorted(corpus))
        assert run(backend, MatchAllQ()).total == 0
        assert all(not values for values in run(backend, MatchAllQ()).facets.values())

    @staticmethod
    def _check_browse(backend, corpus) -> None:
        for access in [*ORACLE_ACCESS, EVERYTHING]:
            visible = sorted(i for i, doc in corpus.items() if oracle_visible(doc, access))
            for sort in ("relevance", "newest", "title"):
                result = run(backend, MatchAllQ(), access=access, sort=sort, limit=500)
                assert sorted(ids(result)) == visible, (access, sort)
                assert result.total == len(visible)
            for query, matches in ORACLE_QUERIES:  # broad terms too: counted by complement
                found = [i for i in visible if matches(set(corpus[i].full_terms))]
                result = run(backend, query, access=access, facet_limit=100, limit=500)
                assert sorted(ids(result)) == found and result.total == len(found), query
                assert type(result.total) is int, type(result.total)  # not Decimal: JSON
                assert all(type(n) is int for values in result.facets.values() for _, n in values)
                for name in FACET_FIELDS:
                    oracle: dict[str, int] = {}
                    for record_id in found:
                        for value in corpus[record_id].facets.get(name, []):
                            oracle[value] = oracle.get(value, 0) + 1
                    assert dict(result.facets[name]) == oracle, (name, query, access)
        later = AccessFilter(now=NOW + dt.timedelta(days=30))  # embargoes over
        expected = sum(oracle_visible(doc, later) for doc in corpus.values())
        assert run(backend, MatchAllQ(), access=later).total == expected
