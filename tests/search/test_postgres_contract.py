"""The search contract against PostgresBackend, plus what only PostgreSQL needs: limits, plans.

Runs on the "pgsearch" database of the test settings. When PostgreSQL is unreachable the module
is skipped, except on CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import os

import psycopg
import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from clearinghouse.search.backends.postgres import (
    PostgresBackend,
    compile_tsquery,
    install_schema,
)
from clearinghouse.search.backends.postgres_vectors import MAX_POSITION, tsvector_literal
from clearinghouse.search.tree import (
    AndQ,
    MatchAllQ,
    MatchNoneQ,
    NotQ,
    OrQ,
    PhraseQ,
    PrefixQ,
    TermQ,
    Word,
)
from clearinghouse.search.types import SearchRequest

from .contract import ANONYMOUS, SearchBackendContract, make_doc, run, term
from .contract_derived import DerivedContract

DATABASE = "pgsearch"


def _unreachable() -> str | None:
    """Why PostgreSQL cannot be used for these tests, or None when it can."""
    db = settings.DATABASES[DATABASE]
    try:
        psycopg.connect(
            host=db["HOST"],
            port=db["PORT"],
            user=db["USER"],
            password=db["PASSWORD"],
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as error:
        return f"PostgreSQL at {db['HOST']}:{db['PORT']} is unreachable: {error}"
    return None


_REASON = _unreachable()
if _REASON is not None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{_REASON} (CI=true: the PostgreSQL search tests must run)", pytrace=False)
    pytest.skip(_REASON, allow_module_level=True)

# "default" too: Django orders test databases after "default" unless TEST["DEPENDENCIES"] says
# otherwise, and refuses to set up "pgsearch" alone ("Circular dependency in TEST[DEPENDENCIES]").
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(databases=["default", DATABASE], transaction=True),
]


@pytest.fixture
def pg_backend():
    """An empty PostgresBackend on the test database, emptied again afterwards."""
    install_schema(connections[DATABASE])
    backend = PostgresBackend("default", {"DATABASE": DATABASE})
    backend.clear()
    yield backend
    backend.clear()


class TestPostgresContract(SearchBackendContract, DerivedContract):
    @pytest.fixture
    def backend(self, pg_backend):
        return pg_backend


# --- compiling queries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (TermQ(("a",)), "'a'"),
        (TermQ(("a", "b", "a")), "('a') | ('b')"),
        (PhraseQ(("a", "b", "c")), "'a' <-> 'b' <-> 'c'"),
        (PrefixQ(("ab",)), "'ab':*"),
        (AndQ((TermQ(("a",)), NotQ(TermQ(("b",))))), "('a') & (!('b'))"),
        (OrQ((TermQ(("a",)), MatchNoneQ())), "'a'"),
        (AndQ((TermQ(("a",)), MatchAllQ())), "'a'"),
        (OrQ((TermQ(("a",)), MatchAllQ())), MatchAllQ()),
        (AndQ((TermQ(("a",)), MatchNoneQ())), MatchNoneQ()),
        (NotQ(MatchAllQ()), MatchNoneQ()),
        (TermQ(()), MatchNoneQ()),
        (TermQ(("o'brien", "back\\slash")), "('o''brien') | ('back\\\\slash')"),
        (PhraseQ(("a", "x" * 3000)), MatchNoneQ()),
    ],
)
def test_compile_tsquery(node, expected):
    assert compile_tsquery(node) == expected


def test_phrases_of_common_terms_compile_to_their_pairs():
    common = {"law", "enforcement", "victims"}
    assert compile_tsquery(PhraseQ(("law", "enforcement")), common) == "'law\u2063enforcement'"
    assert compile_tsquery(PhraseQ(("law", "rare")), common) == "'law' <-> 'rare'"
    assert compile_tsquery(PhraseQ(("victims", "law", "enforcement")), common) == (
        "('victims\u2063law') & ('law\u2063enforcement') & ('victims' <-> 'law' <-> 'enforcement')"
    )
    assert compile_tsquery(NotQ(PhraseQ(("law", "enforcement"))), common) == (
        "!('law\u2063enforcement')"
    )


def test_tsvector_literal_pairs_and_sentinel():
    parts = ((["a", "b"], "A"), (["a", "b", "c"], "B"))
    assert tsvector_literal(parts, {"a", "b"}) == "'a':1A,4B 'b':2A,5B 'c':6B 'a\u2063b'"
    assert tsvector_literal(parts, {"a", "b"}, sentinel=True) == (
        "'\u2063' 'a':1A,4B 'b':2A,5B 'c':6B 'a\u2063b'"
    )


def test_raw_nodes_are_refused():
    with pytest.raises(TypeError, match="analyse"):
        compile_tsquery(Word("raw"))


def test_tsvector_literal_weights_gap_and_wraparound():
    assert tsvector_literal(((["a", "b"], "A"), (["a"], "B"))) == "'a':1A,4B 'b':2A"
    wrapped = tsvector_literal((([f"w{i}" for i in range(MAX_POSITION + 2)], "D"),))
    assert "'w16383':1 " in wrapped and wrapped.endswith("'w16384':2")


# --- what only PostgreSQL needs ----------------------------------------------------------------


def test_twenty_thousand_terms_index_and_match(pg_backend):
    words = [f"w{i % 7000}" for i in range(20_000)]
    pg_backend.apply([make_doc(1, "big", " ".join(words)), make_doc(2, "small", "w3")], [])
    assert run(pg_backend, term("w6999")).total == 1
    assert run(pg_backend, PhraseQ(("w6998", "w6999"))).total == 1
    assert run(pg_backend, term("w3")).total == 2


def test_a_megabyte_of_distinct_lexemes_is_truncated_not_refused(pg_backend):
    words = [f"lexeme{i:07d}" for i in range(100_000)]  # 1.3 MB of distinct lexemes
    pg_backend.apply([make_doc(1, "huge", " ".join(words))], [])
    assert run(pg_backend, term("lexeme0000001")).total == 1
    assert run(pg_backend, term("huge")).total == 1


def test_quotes_and_backslashes_are_data_not_syntax(pg_backend):
    awkward = ["o'brien", "back\\slash", "'); drop table search_document; --", "a:*", "!x|y"]
    docs = [make_doc(i) for i in range(1, len(awkward) + 1)]
    for doc, word in zip(docs, awkward, strict=True):
        doc.full_terms = [word]  # one term each, spaces and all
    pg_backend.apply(docs, [])
    for i, word in enumerate(awkward, start=1):
        assert [hit.record_id for hit in run(pg_backend, term(word)).hits] == [i], word
        assert run(pg_backend, PrefixQ((word,))).total >= 1, word
    assert run(pg_backend, term("brien")).total == 0
    assert pg_backend.count() == len(awkward)


def test_scripts_with_combining_marks_are_kept_whole(pg_backend):
    pg_backend.apply([make_doc(1, "", "हिन्दी 人口贩卖 الاتجار")], [])
    for word in ("हिन्दी", "人口贩卖", "الاتجار"):
        assert run(pg_backend, term(word)).total == 1, word


def test_facet_values_may_contain_the_key_separator(pg_backend):
    pg_backend.apply([make_doc(1, "a", facets={"topic": ["iso:3166"], "kind": ["k"]})], [])
    result = run(pg_backend, filters=(("topic", "iso:3166"),), facets=("topic", "kind"))
    assert result.total == 1
    assert result.facets == {"topic": [("iso:3166", 1)], "kind": [("k", 1)]}


def test_term_queries_use_the_gin_index(pg_backend):
    docs = [
        make_doc(i, f"title {i}", "common " + ("rare " if i % 500 == 0 else "") + f"w{i}")
        for i in range(3000)
    ]
    pg_backend.apply(docs, [])
    with connections[DATABASE].cursor() as cursor:
        cursor.execute("ANALYZE search_document")
    for word in ("rare", "common"):
        plan = pg_backend.explain(SearchRequest(query=term(word), access=ANONYMOUS))
        assert "search_document_full_gin" in plan, plan
        assert "Seq Scan on search_document" not in plan, plan


def test_search_is_one_statement_and_leaves_no_settings_behind(pg_backend):
    pg_backend.apply([make_doc(1, "a", facets={"kind": ["k"], "year": ["2020"]})], [])
    connection = connections[DATABASE]
    with transaction.atomic(using=DATABASE), connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        before = cursor.fetchone()
        with CaptureQueriesContext(connection) as queries:
            run(pg_backend, term("a"))
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == before
    statements = [
        q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))
    ]
    assert len(statements) == 2, statements  # planner settings, then the search itself


def test_a_rebuild_keeps_its_common_terms_for_later_writes(pg_backend):
    words = ["law enforcement victims"] * 40 + ["seldom"]
    pg_backend.rebuild(make_doc(i, text) for i, text in enumerate(words, 1))
    with connections[DATABASE].cursor() as cursor:
        cursor.execute("SELECT term FROM search_common_term")
        common = {row[0] for row in cursor.fetchall()}
    assert {"law", "enforcement", "victims"} <= common and "seldom" not in common
    plan = pg_backend.explain(
        SearchRequest(query=PhraseQ(("law", "enforcement")), access=ANONYMOUS)
    )
    assert "law\u2063enforcement" in plan, plan


def test_broad_queries_count_facets_by_complement_and_narrow_ones_do_not(pg_backend):
    docs = [make_doc(i, "common", "rare" if i % 10 == 0 else "") for i in range(1, 101)]
    pg_backend.rebuild(docs)
    broad = pg_backend.explain(SearchRequest(query=term("common"), access=ANONYMOUS))
    narrow = pg_backend.explain(SearchRequest(query=term("rare"), access=ANONYMOUS))
    assert "CTE rest" in broad and "CTE rest" not in narrow, broad


def test_rows_indexed_before_the_class_counts_are_counted_on_migration(pg_backend):
    docs = [
        make_doc(i, "x", facets={"kind": ["k"]}, tier=tier)
        for i, tier in enumerate(("public", "public", "registered", "public"), 1)
    ]
    pg_backend.apply(docs, [])
    connection = connections[DATABASE]
    with connection.cursor() as cursor:  # the layout of migration 0003
        cursor.execute("UPDATE search_document SET access_class = NULL")
        cursor.execute("DELETE FROM search_class_count")
        cursor.execute("DELETE FROM search_access_class")
    install_schema(connection)
    result = run(pg_backend, access=ANONYMOUS, facets=("kind",))
    assert result.total == 3 and result.facets == {"kind": [("k", 3)]}


def test_writes_join_the_callers_transaction(pg_backend):
    with transaction.atomic(using=DATABASE):
        pg_backend.apply([make_doc(1, "a")], [])
        assert pg_backend.count() == 1
        transaction.set_rollback(True, using=DATABASE)
    assert pg_backend.count() == 0


def test_failed_rebuild_keeps_old_index(pg_backend):
    pg_backend.apply([make_doc(1, "kept")], [])

    def broken():
        yield make_doc(2, "new")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        pg_backend.rebuild(broken())
    assert [hit.record_id for hit in run(pg_backend).hits] == [1]


def test_install_schema_is_idempotent(pg_backend):
    install_schema(connections[DATABASE])
    install_schema(connections[DATABASE])
    assert pg_backend.check() == []


def test_check_reports_missing_table_and_wrong_database(pg_backend):
    connection = connections[DATABASE]
    try:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE search_document")
        assert any("missing" in problem for problem in pg_backend.check())
    finally:
        install_schema(connection)
    assert PostgresBackend("default", {"DATABASE": "nope"}).check()
    if connections["default"].vendor != "postgresql":
        assert "needs PostgreSQL" in PostgresBackend("default", {}).check()[0]


def test_facet_values_are_numbered_once_and_unknown_values_match_nothing(pg_backend):
    pg_backend.apply(
        [make_doc(1, "a", facets={"kind": ["k"]}), make_doc(2, "b", facets={"kind": ["k"]})], []
    )
    pg_backend.apply([make_doc(3, "c", facets={"kind": ["k", "other"]})], [])
    with connections[DATABASE].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_facet_value WHERE key = 'kind:k'")
        assert cursor.fetchone()[0] == 1
    assert run(pg_backend, filters=(("kind", "k"),)).total == 3
    assert run(pg_backend, filters=(("kind", "nope"),)).total == 0
    assert run(pg_backend, filters=(("kind", "k"), ("kind", "nope"))).total == 0
    assert run(pg_backend, facets=("kind",)).facets == {"kind": [("k", 3), ("other", 1)]}
