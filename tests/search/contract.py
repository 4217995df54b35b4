"""The behaviour every search backend promises, as one test suite.

A backend's test module subclasses ``SearchBackendContract`` and provides a
``backend`` fixture returning an empty backend. Documents are built from plain
words (already "analysed": lowercase, no stemming), so the suite tests the
engine, not the analysis.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearinghouse.search.backends.base import AccessFilterMissing, SearchBackend
from clearinghouse.search.tree import (
    AndQ,
    MatchAllQ,
    MatchNoneQ,
    Node,
    NotQ,
    OrQ,
    PhraseQ,
    PrefixQ,
    TermQ,
)
from clearinghouse.search.types import (
    FACET_FIELDS,
    AccessFields,
    AccessFilter,
    IndexDocument,
    SearchRequest,
    SearchResult,
)

from .contract_languages import LanguageContract

NOW = dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC)
EVERYTHING = AccessFilter(now=NOW, allow_all=True)
ANONYMOUS = AccessFilter(now=NOW)
REGISTERED = AccessFilter(now=NOW, tiers=frozenset({"public", "registered"}))


def member_of(*group_ids: int) -> AccessFilter:
    """A registered user in ``group_ids``."""
    return AccessFilter(
        now=NOW, tiers=frozenset({"public", "registered"}), group_ids=frozenset(group_ids)
    )


def make_doc(
    record_id: int,
    title: str = "",
    body: str = "",
    *,
    facets: dict[str, list[str]] | None = None,
    tier: str = "public",
    status: str = "published",
    groups: tuple[int, ...] = (),
    embargo_until: dt.datetime | None = None,
    year: int | None = None,
    sort_title: str | None = None,
) -> IndexDocument:
    """A document whose terms are the given words, lowercased; the body follows the title."""
    title_terms = title.lower().split()
    body_terms = body.lower().split()
    return IndexDocument(
        record_id=record_id,
        title_terms=title_terms,
        compact_terms=title_terms,
        full_terms=title_terms + body_terms,
        facets=facets or {},
        access=AccessFields(tier=tier, status=status, groups=groups, embargo_until=embargo_until),
        year=year,
        sort_title=title.lower() if sort_title is None else sort_title,
    )


def term(*variants: str) -> TermQ:
    return TermQ(tuple(variants))


def run(backend: SearchBackend, query: Node | None = None, **kwargs) -> SearchResult:
    """Search (match-all by default) with everything visible unless the test says otherwise."""
    kwargs.setdefault("access", EVERYTHING)
    kwargs.setdefault("limit", 100)
    return backend.search(SearchRequest(query=query or MatchAllQ(), **kwargs))


def ids(result: SearchResult) -> list[int]:
    return [hit.record_id for hit in result.hits]


# --- a random corpus with a Python oracle, for the facet property ----------------

WORDS = ("alpha", "beta", "gamma", "delta", "epsilon")
FACET_POOL = {name: [f"{name}-{i}" for i in range(4)] for name in FACET_FIELDS}
FACET_POOL["year"] = ["2019", "2020", "2021", "2022"]


def random_corpus(seed: int, size: int = 60) -> list[IndexDocument]:
    rng = random.Random(seed)
    documents = []
    for record_id in range(1, size + 1):
        facets = {
            name: rng.sample(pool, rng.choice((0, 1, 1, 2))) for name, pool in FACET_POOL.items()
        }
        embargo = rng.choice((None, None, NOW - dt.timedelta(days=9), NOW + dt.timedelta(days=9)))
        documents.append(
            make_doc(
                record_id,
                rng.choice(WORDS),
                " ".join(rng.choices(WORDS, k=rng.randint(1, 8))),
                facets=facets,
                tier=rng.choice(("public", "public", "registered", "restricted")),
                status=rng.choice(("published", "published", "published", "draft")),
                groups=tuple(rng.sample((1, 2, 3), rng.randint(0, 2))),
                embargo_until=embargo,
                year=int(facets["year"][0]) if facets["year"] else None,
            )
        )
    return documents


def oracle_visible(doc: IndexDocument, access: AccessFilter) -> bool:
    """The AccessFilter rule, spelled out in Python."""
    if access.allow_all or doc.record_id in access.record_ids:
        return True
    fields = doc.access
    reach = fields.tier in access.tiers or (
        fields.tier == "restricted" and bool(set(fields.groups) & access.group_ids)
    )
    embargo_over = fields.embargo_until is None or fields.embargo_until <= access.now
    return fields.status in access.statuses and reach and embargo_over


ORACLE_QUERIES: list[tuple[Node, Callable[[set[str]], bool]]] = [
    (MatchAllQ(), lambda terms: True),
    (term("alpha"), lambda terms: "alpha" in terms),
    (OrQ((term("beta"), term("gamma"))), lambda terms: bool({"beta", "gamma"} & terms)),
    (AndQ((term("delta"), NotQ(term("epsilon")))), lambda t: "delta" in t and "epsilon" not in t),
]
ORACLE_ACCESS = [
    ANONYMOUS,
    REGISTERED,
    member_of(2),
    EVERYTHING,
    AccessFilter(now=NOW, record_ids=frozenset({3, 7, 11, 20, 41})),
]


class SearchBackendContract(LanguageContract):
    """Subclass and provide a ``backend`` fixture that returns an EMPTY backend."""

    @pytest.fixture
    def backend(self) -> SearchBackend:
        raise NotImplementedError("a backend's test module provides this fixture")

    # --- matching ---------------------------------------------------------------
    def test_term_matches_title_or_body(self, backend):
        backend.apply(
            [
                make_doc(1, "trafficking", "victims"),
                make_doc(2, "other", "trafficking routes"),
                make_doc(3, "unrelated", "words"),
            ],
            [],
        )
        assert sorted(ids(run(backend, term("trafficking")))) == [1, 2]
        assert run(backend, term("missing")).total == 0

    def test_term_variants_are_alternatives(self, backend):
        backend.apply(
            [make_doc(1, "", "trafic"), make_doc(2, "", "trafficking"), make_doc(3, "", "else")], []
        )
        assert sorted(ids(run(backend, term("trafic", "trafficking")))) == [1, 2]

    def test_terms_are_stored_verbatim(self, backend):
        """The engine must not stem or fold: analysis happened before indexing."""
        backend.apply([make_doc(1, "", "running café straße")], [])
        assert run(backend, term("running")).total == 1
        assert run(backend, term("café")).total == 1
        assert run(backend, term("run")).total == 0
        assert run(backend, term("cafe")).total == 0
        assert run(backend, term("strasse")).total == 0

    def test_and_or_not(self, backend):
        backend.apply(
            [make_doc(1, "", "red green"), make_doc(2, "", "red blue"), make_doc(3, "", "green")],
            [],
        )
        red, green, blue = term("red"), term("green"), term("blue")
        assert sorted(ids(run(backend, AndQ((red, green))))) == [1]
        assert sorted(ids(run(backend, OrQ((blue, green))))) == [1, 2, 3]
        assert sorted(ids(run(backend, AndQ((red, NotQ(green)))))) == [2]
        assert sorted(ids(run(backend, AndQ((NotQ(red),))))) == [3]
        assert sorted(ids(run(backend, OrQ((blue, AndQ((green, NotQ(red)))))))) == [2, 3]

    def test_phrase_needs_consecutive_positions(self, backend):
        backend.apply(
            [make_doc(1, "", "a b c d"), make_doc(2, "", "c b a d"), make_doc(3, "", "b x c")], []
        )
        assert ids(run(backend, PhraseQ(("b", "c")))) == [1]
        assert sorted(ids(run(backend, PhraseQ(("b",))))) == [1, 2, 3]

    def test_prefix(self, backend):
        backend.apply(
            [
                make_doc(1, "", "exploitation"),
                make_doc(2, "", "exploit"),
                make_doc(3, "", "export"),
                make_doc(4, "", "c++ code"),
                make_doc(5, "", "торговля"),
            ],
            [],
        )
        assert sorted(ids(run(backend, PrefixQ(("exploi",))))) == [1, 2]
        assert sorted(ids(run(backend, PrefixQ(("exp",))))) == [1, 2, 3]
        assert sorted(ids(run(backend, PrefixQ(("zz", "expo"))))) == [3]
        assert ids(run(backend, PrefixQ(("c+",)))) == [4]  # regex metacharacters are literal
        assert ids(run(backend, PrefixQ(("торг",)))) == [5]
        assert run(backend, PrefixQ(("x.",))).total == 0

    def test_prefix_with_many_expansions_misses_nothing(self, backend):
        backend.apply([make_doc(i, "", f"pre{i:03d} filler") for i in range(300)], [])
        assert run(backend, PrefixQ(("pre",)), limit=5).total == 300
        assert run(backend, PrefixQ(("pre1",)), limit=5).total == 100

    def test_bm25_title_and_frequency_rank_first(self, backend):
        filler = " ".join(f"word{i}" for i in range(200))
        backend.apply(
            [
                make_doc(1, "report", f"{filler} trafficking {filler}"),
                make_doc(2, "trafficking", "trafficking trafficking trafficking in persons"),
                make_doc(3, "unrelated", "nothing here"),
                make_doc(4, "another", "text without the word"),
            ],
            [],
        )
        result = run(backend, term("trafficking"))
        assert ids(result) == [2, 1]
        assert result.hits[0].score > result.hits[1].score

    def test_match_all_browses_every_visible_document(self, backend):
        backend.apply([make_doc(i, f"title {i}", year=2000 + i) for i in range(1, 6)], [])
        result = run(backend, MatchAllQ(), limit=3)
        assert result.total == 5
        assert len(result.hits) == 3

    def test_match_none_returns_nothing(self, backend):
        backend.apply([make_doc(1, "a", "b", facets={"kind": ["course"]})], [])
        result = run(backend, MatchNoneQ())
        assert result.total == 0 and result.hits == []
        assert all(counts == [] for counts in result.facets.values())
        assert run(backend, OrQ((MatchNoneQ(), term("b")))).total == 1

    def test_large_document(self, backend):
        words = [f"w{i}" for i in range(20_000)]
        backend.apply([make_doc(1, "big", " ".join(words)), make_doc(2, "small", "w5")], [])
        assert ids(run(backend, term("w19999"))) == [1]
        assert ids(run(backend, PhraseQ(("w19998", "w19999")))) == [1]
        assert run(backend, term("w5")).total == 2

    # --- filters and facets -----------------------------------------------------
    def test_filters_are_conjunctive(self, backend):
        backend.apply(
            [
                make_doc(1, "a", facets={"topic": ["t1", "t2"], "language": ["en"]}),
                make_doc(2, "a", facets={"topic": ["t1"], "language": ["fr"]}),
                make_doc(3, "a", facets={"topic": ["t2"], "language": ["en"]}),
            ],
            [],
        )
        assert sorted(ids(run(backend, filters=(("topic", "t1"),)))) == [1, 2]
        assert ids(run(backend, filters=(("topic", "t1"), ("topic", "t2")))) == [1]
        assert ids(run(backend, filters=(("topic", "t1"), ("language", "fr")))) == [2]
        assert run(backend, filters=(("topic", "t3"),)).total == 0

    def test_unknown_filter_field_is_ignored(self, backend):
        backend.apply([make_doc(1, "a"), make_doc(2, "b")], [])
        result = run(backend, filters=(("no_such_field", "x"),), facets=("no_such_field",))
        assert result.total == 2

    def test_facet_counts_cover_all_matches_sorted(self, backend):
        docs = [make_doc(i, "x", facets={"kind": ["course"], "year": ["2020"]}) for i in range(5)]
        docs += [make_doc(i, "x", facets={"kind": ["manual"], "year": ["2021"]}) for i in (5, 6)]
        docs += [make_doc(i, "x", facets={"kind": ["brief"], "year": ["2019"]}) for i in (7, 8)]
        docs += [make_doc(9, "x", facets={"kind": ["video"], "year": ["2018"]})]
        backend.apply(docs, [])
        result = run(backend, term("x"), limit=2, facets=("kind", "year"), facet_limit=3)
        assert result.total == 10 and len(result.hits) == 2
        assert result.facets["kind"] == [("course", 5), ("brief", 2), ("manual", 2)]
        # year is never cut by facet_limit
        assert result.facets["year"] == [("2020", 5), ("2019", 2), ("2021", 2), ("2018", 1)]

    def test_only_requested_facets(self, backend):
        backend.apply([make_doc(1, "x", facets={"kind": ["a"], "topic": ["b"]})], [])
        result = run(backend, facets=("topic",))
        assert result.facets == {"topic": [("b", 1)]}

    @settings(
        max_examples=4,
        deadline=None,
        # Each example rebuilds the backend, so the fixture's state does not leak; and the
        # test runs once per backend subclass, which replaying a seed across them is fine for.
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
        ],
    )
    @given(seed=st.integers(min_value=0, max_value=2**32 - 1))
    def test_facet_count_equals_total_with_that_filter(self, backend, seed):
        """Every facet count is exactly the number of hits the same filter would give."""
        corpus = random_corpus(seed)
        backend.rebuild(corpus)
        for query, matches in ORACLE_QUERIES:
            for access in ORACLE_ACCESS:
                expected = [
                    doc
                    for doc in corpus
                    if oracle_visible(doc, access) and matches(set(doc.full_terms))
                ]
                result = run(backend, query, access=access, facet_limit=100)
                assert result.total == len(expected)
                for name in FACET_FIELDS:
                    oracle: dict[str, int] = {}
                    for doc in expected:
                        for value in doc.facets.get(name, []):
                            oracle[value] = oracle.get(value, 0) + 1
                    assert dict(result.facets[name]) == oracle, (name, query, access)
                    for value, count in result.facets[name]:
                        narrowed = run(
                            backend, query, access=access, filters=((name, value),), facets=()
                        )
                        assert narrowed.total == count

    # --- access ---------------------------------------------------------------------
    def test_missing_access_filter_is_refused(self, backend):
        backend.apply([make_doc(1, "a")], [])
        with pytest.raises(AccessFilterMissing):
            backend.search(SearchRequest(query=MatchAllQ()))

    def test_access_rules(self, backend):
        past, future = NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=1)
        backend.apply(
            [
                make_doc(1, "x", facets={"kind": ["public"]}),
                make_doc(2, "x", tier="registered", facets={"kind": ["registered"]}),
                make_doc(3, "x", tier="restricted", groups=(5, 6), facets={"kind": ["group"]}),
                make_doc(4, "x", status="draft", facets={"kind": ["draft"]}),
                make_doc(5, "x", embargo_until=past, facets={"kind": ["past"]}),
                make_doc(6, "x", embargo_until=future, facets={"kind": ["future"]}),
                make_doc(7, "x", tier="restricted", facets={"kind": ["nogroup"]}),
                make_doc(8, "x", tier="registered", groups=(5,), facets={"kind": ["reg5"]}),
            ],
            [],
        )
        cases = {
            ANONYMOUS: [1, 5],
            REGISTERED: [1, 2, 5, 8],
            member_of(6): [1, 2, 3, 5, 8],
            member_of(7): [1, 2, 5, 8],
            # groups open restricted records only, never a tier the actor lacks
            AccessFilter(now=NOW, group_ids=frozenset({5})): [1, 3, 5],
            AccessFilter(now=NOW, statuses=frozenset({"published", "draft"})): [1, 4, 5],
            AccessFilter(now=NOW + dt.timedelta(days=2)): [1, 5, 6],
            AccessFilter(now=NOW, statuses=frozenset()): [],
            AccessFilter(now=NOW, tiers=frozenset()): [],
            EVERYTHING: [1, 2, 3, 4, 5, 6, 7, 8],
        }
        kind_of = {
            1: "public",
            2: "registered",
            3: "group",
            4: "draft",
            5: "past",
            6: "future",
            7: "nogroup",
            8: "reg5",
        }
        for access, visible in cases.items():
            for query in (MatchAllQ(), term("x")):
                result = run(backend, query, access=access, facets=("kind",))
                assert sorted(ids(result)) == visible, access
                assert result.total == len(visible)
                assert sorted(result.facets["kind"]) == sorted((kind_of[i], 1) for i in visible)

    def test_record_ids_open_single_records_whatever_their_access(self, backend):
        future = NOW + dt.timedelta(days=1)
        backend.apply(
            [
                make_doc(1, "x", facets={"kind": ["public"]}),
                make_doc(2, "x", tier="restricted", groups=(5,), facets={"kind": ["group"]}),
                make_doc(3, "x", status="in_review", facets={"kind": ["review"]}),
                make_doc(4, "x", tier="registered", embargo_until=future, facets={"kind": ["e"]}),
                make_doc(5, "x", tier="restricted", facets={"kind": ["other"]}),
            ],
            [],
        )
        cases = {
            AccessFilter(now=NOW, record_ids=frozenset({2, 3, 4})): [1, 2, 3, 4],
            # no tier at all: only the records opened one by one
            AccessFilter(now=NOW, tiers=frozenset(), record_ids=frozenset({5})): [5],
            AccessFilter(now=NOW, statuses=frozenset(), record_ids=frozenset({3, 99})): [3],
            member_of(5): [1, 2],
        }
        for access, visible in cases.items():
            for query in (MatchAllQ(), term("x")):
                result = run(backend, query, access=access, facets=("kind",))
                assert sorted(ids(result)) == visible, access
                assert result.total == len(visible)
                assert sum(n for _, n in result.facets["kind"]) == len(visible)

    def test_embargo_naive_and_aware_now_agree(self, backend):
        backend.apply([make_doc(1, "x", embargo_until=NOW)], [])
        assert run(backend, access=AccessFilter(now=NOW)).total == 1
        assert run(backend, access=AccessFilter(now=NOW - dt.timedelta(seconds=1))).total == 0

    # --- paging and sorting -------------------------------------------------------
    def test_paging_is_stable_and_complete(self, backend):
        backend.apply(
            [make_doc(i, f"doc {i}", "topic " * (i % 4 + 1), year=2000 + i % 7) for i in range(25)],
            [],
        )
        for sort in ("relevance", "newest", "title"):
            for query in (term("topic"), MatchAllQ()):
                seen: list[int] = []
                for offset in (0, 10, 20, 30):
                    page = run(backend, query, offset=offset, limit=10, sort=sort)
                    assert page.total == 25
                    seen += ids(page)
                assert sorted(seen) == list(range(25)), (sort, query)

    def test_limit_zero_still_counts(self, backend):
        backend.apply([make_doc(1, "a", facets={"kind": ["k"]}), make_doc(2, "a")], [])
        result = run(backend, limit=0, facets=("kind",))
        assert result.total == 2 and result.hits == []
        assert result.facets["kind"] == [("k", 1)]

    def test_relevance_order_descends(self, backend):
        backend.apply([make_doc(i, "", "hit " * i + "pad " * 10) for i in range(1, 8)], [])
        scores = [hit.score for hit in run(backend, term("hit")).hits]
        assert scores == sorted(scores, reverse=True)

    def test_sort_newest_and_title(self, backend):
        backend.apply(
            [
                make_doc(1, "charlie", year=2023),
                make_doc(2, "alpha", year=2019),
                make_doc(3, "bravo", year=2021),
                make_doc(4, "delta", year=None),
            ],
            [],
        )
        assert ids(run(backend, sort="newest")) == [1, 3, 2, 4]
        assert ids(run(backend, sort="title")) == [2, 3, 1, 4]
        assert ids(run(backend, MatchAllQ(), sort="title", offset=1, limit=2)) == [3, 1]

    # --- writing ------------------------------------------------------------------------
    def test_apply_is_idempotent(self, backend):
        doc = make_doc(1, "once", "only")
        backend.apply([doc], [])
        backend.apply([doc], [])
        backend.apply([doc, doc], [])
        result = run(backend, term("once"))
        assert ids(result) == [1] and result.total == 1
        assert backend.count() == 1

    def test_replace_changes_terms(self, backend):
        backend.apply([make_doc(1, "old", "words"), make_doc(2, "old", "stays")], [])
        backend.apply([make_doc(1, "new", "content")], [])
        assert ids(run(backend, term("old"))) == [2]
        assert ids(run(backend, term("new"))) == [1]
        assert backend.count() == 2

    def test_delete_removes(self, backend):
        backend.apply([make_doc(1, "a"), make_doc(2, "a"), make_doc(3, "a")], [])
        backend.apply([], [2, 99])
        assert sorted(ids(run(backend, term("a")))) == [1, 3]
        assert backend.count() == 2
        backend.apply([make_doc(4, "a")], [1])
        assert sorted(ids(run(backend, term("a")))) == [3, 4]

    def test_delete_wins_over_upsert_in_one_batch(self, backend):
        backend.apply([make_doc(1, "a")], [])
        backend.apply([make_doc(1, "b")], [1])
        assert backend.count() == 0

    def test_rebuild_replaces_everything(self, backend):
        backend.apply([make_doc(1, "gone"), make_doc(2, "kept")], [])
        seen: list[int] = []
        backend.rebuild([make_doc(2, "kept again"), make_doc(3, "new")], seen.append)
        assert run(backend, term("gone")).total == 0
        assert sorted(ids(run(backend))) == [2, 3]
        assert ids(run(backend, term("again"))) == [2]
        assert backend.count() == 2
        assert seen and seen[-1] == 2

    def test_clear_and_count(self, backend):
        assert backend.count() == 0
        assert run(backend).total == 0
        backend.apply([make_doc(i, "a") for i in range(7)], [])
        assert backend.count() == 7
        backend.clear()
        assert backend.count() == 0 and run(backend).total == 0

    def test_check_reports_nothing_when_healthy(self, backend):
        backend.apply([make_doc(1, "a")], [])
        assert backend.check() == []
