"""Search benchmark: both backends through our search layer, beside the same queries written raw.

    python bench/search_bench.py [--sizes 10000,100000] [--backends tantivy,postgres]
                                 [--repeat 30] [--workdir DIR]

For each size, synthetic records (``SyntheticCorpus``) are analysed once into a cache file in
the workdir, indexed into each backend with ``backend.rebuild``, and five query types are timed
through our layer (``analysed_query`` + ``SearchRequest`` + ``backend.search``) and written
directly against the engine (tantivy's Python API; raw SQL on the ``search_document`` table).
See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import marshal
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/clearinghouse_bench"
SEED = 2002
CACHE_FORMAT = 1  # bump when the cached rows change shape
CACHE_BATCH = 250  # records per marshalled batch in the cache file
WARMUP = 3
PAGE = 20
FACET_SIZE = 50
# The term separator in the cache: analysis yields runs of word characters, never a newline.
TERM_SEPARATOR = "\n"
# The phrase (c) is the first of these domain phrases that matches 1-25% of the documents
# (--phrase overrides). The corpus draws words at random, so frequent pairs occur by chance in
# every long text: "trafficking victims" (the commonest word, ~11% of all words) is in about
# half the records, where a phrase query checks the most positions of any pair.
PHRASE_CANDIDATES = ("trafficking victims", "law enforcement", "code conduct", "police training")
PHRASE_SHARE = (0.01, 0.25)
# The single term of (a): a mid-frequency term, as a subject word such as "repatriation" is
# in a real catalogue. Every domain word of the synthetic vocabulary is in over a third of the
# records (any long text holds them all; "shelter" matched 56%), so (a) uses the generated
# word at Zipf rank 2,000 of the corpus of seed 2002, in about 9% of the records; (a*) keeps
# the term found almost everywhere.
SINGLE_TERM = "antarich"
# Targets at 100k records (the acceptance criteria), shown at every size.
TANTIVY_P95_MS, TANTIVY_MAX_RATIO, POSTGRES_P95_MS = 50.0, 2.0, 200.0

_START = time.perf_counter()


def log(message: str) -> None:
    """Progress on stderr, so stdout keeps only the tables."""
    print(f"[{time.perf_counter() - _START:8.1f} s] {message}", file=sys.stderr, flush=True)


# --- setup ----------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database if it is missing."""
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            log(f"created database {name}")


def setup_django(workdir: Path, postgres_url: str | None, *, reuse: bool = False) -> None:
    """Demo settings over the workdir; Django's default database is the benchmark's own.

    The database URL is always set here, so an exported CLEARINGHOUSE_DATABASE_URL (the demo's
    or a real site's) is never written to.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.demo"
    os.environ["CLEARINGHOUSE_DATA_DIR"] = str(workdir)
    os.environ["CLEARINGHOUSE_DATABASE_URL"] = postgres_url or f"sqlite:///{workdir}/bench.sqlite3"
    for path in (REPO / "src", REPO):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    if postgres_url:
        ensure_database(postgres_url)
    import django

    django.setup()
    if postgres_url:
        from django.db import connections

        from clearinghouse.search.backends.postgres import install_schema

        # The table is the backend's current layout: this database is ours and every size
        # rebuilds it anyway, so an older layout left by an earlier run is dropped.
        if not reuse:
            with connections["default"].cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS search_document")
        install_schema(connections["default"])


# --- the corpus, analysed once and cached ---------------------------------------------------


@dataclass
class Corpus:
    size: int
    path: Path
    meta: dict[str, Any]


def _timed(items: Iterable[Any], clock: list[float]) -> Iterator[Any]:
    """Yield ``items``, adding the time spent producing them to ``clock[0]``."""
    iterator = iter(items)
    while True:
        started = time.perf_counter()
        try:
            item = next(iterator)
        except StopIteration:
            clock[0] += time.perf_counter() - started
            return
        clock[0] += time.perf_counter() - started
        yield item


def _analysed_row(record: Any) -> tuple:
    """One synthetic record as cached: analysed terms per part, facets, access, sort keys."""
    from clearinghouse.search.analysis import analyze

    lang = record.language
    facets = {name: list(values) for name, values in record.facets.items()}
    facets |= {"kind": [record.kind], "year": [str(record.year)], "language": [lang.lower()]}
    return (
        record.key + 1,
        TERM_SEPARATOR.join(analyze(record.title, lang)),
        TERM_SEPARATOR.join(analyze(record.abstract, lang)),
        TERM_SEPARATOR.join(analyze(record.full_text, lang)),
        facets,
        record.access,
        record.year,
        record.title.casefold()[:200],
    )


def corpus_cache(workdir: Path, size: int) -> Corpus:
    """The analysed corpus of ``size`` records, built on first use (the expensive part)."""
    from clearinghouse.catalog.demo.synthetic import SyntheticCorpus

    path = workdir / f"docs-{size}.bin"
    meta_path = workdir / f"docs-{size}.json"
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("format") == CACHE_FORMAT and meta.get("seed") == SEED:
            log(f"{size:,} records: analysed documents cached in {path}")
            return Corpus(size, path, meta)
    log(f"{size:,} records: generating and analysing (cached in {path})")
    generate, analyse = [0.0], 0.0
    terms = long_records = 0
    temp = path.with_suffix(".bin.tmp")
    with temp.open("wb") as out:
        started = time.perf_counter()
        corpus = SyntheticCorpus(SEED)
        generate[0] += time.perf_counter() - started
        batch: list[tuple] = []
        for done, record in enumerate(_timed(corpus.records(size), generate), 1):
            started = time.perf_counter()
            row = _analysed_row(record)
            analyse += time.perf_counter() - started
            terms += sum(part.count(TERM_SEPARATOR) + 1 for part in row[1:4] if part)
            long_records += bool(row[3])
            batch.append(row)
            if len(batch) >= CACHE_BATCH or done == size:
                marshal.dump(batch, out)
                batch = []
            if done % max(size // 10, 1) == 0:
                spent = f"{generate[0]:.0f} s generating, {analyse:.0f} s analysing"
                log(f"  {done:,} analysed ({spent})")
    os.replace(temp, path)
    meta = {
        "format": CACHE_FORMAT,
        "seed": SEED,
        "documents": size,
        "long_records": long_records,
        "terms": terms,
        "generate_s": round(generate[0], 2),
        "analyse_s": round(analyse, 2),
        "bytes": path.stat().st_size,
    }
    meta_path.write_text(json.dumps(meta, indent=2))
    return Corpus(size, path, meta)


def load_documents(path: Path) -> Iterator[Any]:
    """IndexDocuments from a cache file, a batch at a time: memory stays bounded."""
    from clearinghouse.search.types import AccessFields, IndexDocument

    def split(text: str) -> list[str]:
        return text.split(TERM_SEPARATOR) if text else []

    with path.open("rb") as cache:
        while True:
            try:
                batch = marshal.load(cache)  # noqa: S302 -- our own cache file, written above
            except EOFError:
                return
            for record_id, title, abstract, full, facets, tier, year, sort_title in batch:
                title_terms = split(title)
                compact = title_terms + split(abstract)
                yield IndexDocument(
                    record_id=record_id,
                    title_terms=title_terms,
                    compact_terms=compact,
                    full_terms=compact + split(full),
                    facets=facets,
                    access=AccessFields(tier=tier, status="published"),
                    year=year,
                    sort_title=sort_title,
                )


# --- backends and indexing ------------------------------------------------------------------


def make_backend(name: str, workdir: Path, size: int) -> Any:
    if name == "tantivy":
        from clearinghouse.search.backends.tantivy import TantivyBackend

        return TantivyBackend("bench", {"PATH": str(workdir / f"tantivy-{size}")})
    from clearinghouse.search.backends.postgres import PostgresBackend

    return PostgresBackend("bench", {"DATABASE": "default"})


def _directory_bytes(path: Path) -> int:
    return sum(entry.stat().st_size for entry in path.rglob("*") if entry.is_file())


def index_corpus(
    name: str, backend: Any, corpus: Corpus, raw: Any, *, reuse: bool = False
) -> dict[str, Any]:
    """``backend.rebuild`` from the cache; the time spent reading the cache is not counted.

    With ``reuse``, an index left by an earlier run that holds exactly ``corpus.size``
    documents is kept, and indexing is not measured (its figures are left out of the table).
    """
    if reuse and backend.count() == corpus.size:
        log(f"{name}: reusing the {corpus.size:,} documents indexed by an earlier run")
        return {"documents": corpus.size, "reused": True}
    if name == "postgres":
        raw.execute("TRUNCATE search_document")  # untimed: the rebuild starts from an empty table
    log(f"{name}: indexing {corpus.size:,} documents")
    step = max(corpus.size // 10, 1)
    reported = [0]

    def progress(done: int) -> None:
        if done - reported[0] >= step:
            reported[0] = done
            log(f"  {name}: {done:,} indexed")

    loading = [0.0]
    started = time.perf_counter()
    backend.rebuild(_timed(load_documents(corpus.path), loading), progress=progress)
    rebuild_s = time.perf_counter() - started - loading[0]
    if name == "postgres":
        raw.execute("VACUUM ANALYZE search_document")  # untimed: a settled table, as in service
        size_bytes = raw.execute("SELECT pg_total_relation_size('search_document')").fetchone()[0]
    else:
        size_bytes = _directory_bytes(backend.path)
    analyse_s = corpus.meta["analyse_s"]
    stats = {
        "documents": backend.count(),
        "analyse_s": analyse_s,
        "cache_read_s": round(loading[0], 2),
        "rebuild_s": round(rebuild_s, 2),
        "docs_per_s": round(corpus.size / (analyse_s + rebuild_s), 1),
        "docs_per_s_rebuild_only": round(corpus.size / rebuild_s, 1),
        "index_bytes": size_bytes,
    }
    log(f"{name}: indexed in {rebuild_s:.1f} s (+{loading[0]:.1f} s reading the cache)")
    return stats


# --- the queries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuerySpec:
    """One query type: as typed in the search box, and as the raw side spells it out.

    ``clauses`` is what the analysed tree means, written as plain term lists: every clause is
    required, and a clause matches any of its alternatives (a term, or a phrase of several).
    Raw queries use exactly these index terms, so both sides match the same documents.
    """

    key: str
    label: str
    text: str
    clauses: tuple[tuple[tuple[str, ...], ...], ...]
    filters: tuple[tuple[str, str], ...] = ()


def query_specs(phrase: str) -> list[QuerySpec]:
    from clearinghouse.search.analysis import analyze_query_word
    from clearinghouse.search.service import query_languages

    languages = query_languages("en")

    def clause(text: str) -> tuple[tuple[str, ...], ...]:
        return analyze_query_word(text, languages)

    filters = (
        ("kind", "training_material"),
        ("audience", "law-enforcement"),
        ("purpose", "capacity-building"),
    )
    return [
        QuerySpec("a", "one term (~9%) + facets", SINGLE_TERM, (clause(SINGLE_TERM),)),
        QuerySpec("a*", "common term + facets", "trafficking", (clause("trafficking"),)),
        QuerySpec(
            "b",
            "3 terms + 3 filters + facets",
            "police evidence witness",
            tuple(clause(word) for word in ("police", "evidence", "witness")),
            filters,
        ),
        QuerySpec("c", f'phrase "{phrase}" + facets', f'"{phrase}"', (clause(phrase),)),
        QuerySpec("d", "browse: facets only", "", ()),
    ]


def public_access() -> Any:
    from clearinghouse.search.types import AccessFilter

    return AccessFilter(now=dt.datetime.now(dt.UTC))  # published, public tier: an anonymous user


def search_ours(backend: Any, spec: QuerySpec, *, facets: bool = True, limit: int = PAGE) -> int:
    """The query through our layer, as the search service issues it; returns the total."""
    from clearinghouse.search.service import analysed_query
    from clearinghouse.search.types import FACET_FIELDS, SearchRequest

    request = SearchRequest(
        query=analysed_query(spec.text, "en"),
        filters=spec.filters,
        access=public_access(),
        facets=FACET_FIELDS if facets else (),
        limit=limit,
    )
    return backend.search(request).total


def choose_phrase(backend: Any, size: int) -> tuple[str, dict[str, int]]:
    """The first candidate phrase in the wanted share of documents, and every candidate's total."""
    low, high = PHRASE_SHARE
    totals = {
        phrase: search_ours(backend, QuerySpec("c", "", f'"{phrase}"', ()), facets=False, limit=1)
        for phrase in PHRASE_CANDIDATES
    }
    log(f"phrase candidates (documents matched): {totals}")
    chosen = next((p for p, n in totals.items() if low <= n / size <= high), None)
    return chosen or max(totals, key=totals.__getitem__), totals


class RawTantivy:
    """The same queries built by hand with tantivy's Python API on the backend's index."""

    def __init__(self, path: Path):
        import tantivy

        self.tantivy = tantivy
        generation = (path / "CURRENT").read_text().strip()
        self.index = tantivy.Index.open(str(path / generation))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        # The fields the backend searches, with its boosts; "concepts" (vocabulary labels,
        # empty in this corpus) exists from schema 2 on.
        self.fields = [("title", 2.5), ("body", 1.0)]
        try:
            tantivy.Query.term_query(self.schema, "concepts", "")
            self.fields.append(("concepts", 0.1))
        except ValueError:
            pass

    def query(self, spec: QuerySpec) -> Any:
        tv, schema = self.tantivy, self.schema
        Query, Occur = tv.Query, tv.Occur  # noqa: N806 -- tantivy's class names

        def text_query(field: str, terms: tuple[str, ...]) -> Any:
            if len(terms) == 1:
                return Query.term_query(schema, field, terms[0])
            return Query.phrase_query(schema, field, list(terms))

        def in_fields(terms: tuple[str, ...]) -> Iterator[Any]:
            for field, boost in self.fields:
                query = text_query(field, terms)
                yield query if boost == 1.0 else Query.boost_query(query, boost)

        required = [
            Query.boolean_query(
                [(Occur.Should, q) for terms in alternatives for q in in_fields(terms)]
            )
            for alternatives in spec.clauses
        ] or [Query.all_query()]
        now = int(time.time())
        filters = [
            Query.term_query(schema, "status", "published"),
            Query.term_query(schema, "tier", "public"),
            Query.range_query(schema, "embargo", tv.FieldType.Integer, upper_bound=now),
            *(Query.term_query(schema, f"f_{field}", value) for field, value in spec.filters),
        ]
        return Query.boolean_query(
            [(Occur.Must, q) for q in required]
            + [(Occur.Must, Query.const_score_query(q, 0.0)) for q in filters]
        )

    def run(self, spec: QuerySpec) -> int:
        from clearinghouse.search.types import FACET_FIELDS

        query = self.query(spec)
        order_by = None if spec.clauses else "newest_key"  # browse lists the newest first
        result = self.searcher.search(query, limit=PAGE, count=True, order_by_field=order_by)
        self.searcher.fast_field_values("record_id", [address for _, address in result.hits])
        self.searcher.aggregate(
            query,
            {name: {"terms": {"field": f"f_{name}", "size": FACET_SIZE}} for name in FACET_FIELDS},
        )
        return int(result.count)


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


class RawPostgres:
    """The same queries as plain SQL on ``search_document``, with PostgreSQL's default settings.

    The naive form: ``ts_rank`` on the full-text vector for the page, then a count, then one
    statement of facet GROUP BYs over ``unnest`` of the matching rows. Facet values live in a
    ``facet_ids`` array of numbered ``field:value`` keys (``search_facet_value``), in one
    ``facet_keys`` array of the keys themselves or in a ``facet_<field>`` array per field,
    whichever layout the backend's table has.
    """

    def __init__(self, conn: Any):
        self.conn = conn
        columns = conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'search_document'"
        ).fetchall()
        self.keyed = ("facet_keys",) in columns
        self.numbered = ("facet_ids",) in columns

    def _facet_parts(self, spec: QuerySpec, params: dict[str, Any]) -> tuple[list[str], str]:
        """The filter conditions and the facet-count statement (its WHERE left as ``{}``)."""
        from clearinghouse.search.types import FACET_FIELDS

        conditions = []
        for number, (field, value) in enumerate(spec.filters):
            if self.numbered:
                params[f"f{number}"] = f"{field}:{value}"
                conditions.append(
                    "facet_ids @> ARRAY[(SELECT id FROM search_facet_value "  # noqa: S608
                    f"WHERE key = %(f{number})s)]"
                )
            elif self.keyed:
                params[f"f{number}"] = f"{field}:{value}"
                conditions.append(f"facet_keys @> ARRAY[%(f{number})s::text]")
            else:
                params[f"f{number}"] = value
                conditions.append(f"facet_{field} @> ARRAY[%(f{number})s::text]")
        if self.numbered:
            counts = (
                "SELECT v.key, c.n FROM (SELECT k, count(*) AS n FROM search_document, "
                "unnest(facet_ids) AS k WHERE {} GROUP BY k) AS c "
                "JOIN search_facet_value v ON v.id = c.k"
            )
        elif self.keyed:
            counts = (
                "SELECT k, count(*) FROM search_document, unnest(facet_keys) AS k "
                "WHERE {} GROUP BY k"
            )
        else:
            columns = ", ".join(f"facet_{f}" for f in FACET_FIELDS)
            selects = " UNION ALL ".join(
                f"SELECT '{f}', v, count(*) FROM m, unnest(facet_{f}) v GROUP BY v"  # noqa: S608
                for f in FACET_FIELDS
            )
            counts = f"WITH m AS (SELECT {columns} FROM search_document WHERE {{}}) {selects}"  # noqa: S608
        return conditions, counts

    def run(self, spec: QuerySpec) -> int:
        params: dict[str, Any] = {"now": dt.datetime.now(dt.UTC)}
        where = [
            "status = 'published'",
            "tier = 'public'",
            "(embargo_until IS NULL OR embargo_until <= %(now)s)",
        ]
        if spec.clauses:
            params["q"] = " & ".join(
                "(" + " | ".join(" <-> ".join(map(_lexeme, terms)) for terms in alts) + ")"
                for alts in spec.clauses
            )
            where.insert(0, "full_vector @@ %(q)s::tsquery")
        filters, counts = self._facet_parts(spec, params)
        condition = " AND ".join(where + filters)
        if spec.clauses:
            hits = (
                "SELECT record_id, ts_rank(full_vector, %(q)s::tsquery) AS rank "  # noqa: S608
                f"FROM search_document WHERE {condition} ORDER BY rank DESC LIMIT {PAGE}"
            )
        else:
            hits = (
                f"SELECT record_id FROM search_document WHERE {condition} "  # noqa: S608
                f"ORDER BY year DESC NULLS LAST, sort_title LIMIT {PAGE}"
            )
        with self.conn.cursor() as cursor:
            cursor.execute(hits, params).fetchall()
            total = cursor.execute(
                f"SELECT count(*) FROM search_document WHERE {condition}",  # noqa: S608
                params,
            ).fetchone()[0]
            cursor.execute(counts.format(condition), params).fetchall()
        return int(total)


# --- timing ---------------------------------------------------------------------------------


def measure(call: Callable[[], int], repeat: int) -> tuple[list[float], int]:
    """Milliseconds of ``repeat`` calls after a warm-up, and the last call's total."""
    total = 0
    for _ in range(WARMUP):
        total = call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter_ns()
        total = call()
        samples.append((time.perf_counter_ns() - started) / 1e6)
    return samples, total


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def meets_target(backend: str, ours_p95: float, ratio: float) -> bool:
    if backend == "tantivy":
        return ours_p95 < TANTIVY_P95_MS and ratio <= TANTIVY_MAX_RATIO
    return ours_p95 < POSTGRES_P95_MS


def run_queries(name: str, backend: Any, raw: Any, specs: list[QuerySpec], repeat: int) -> dict:
    results = {}
    for spec in specs:
        ours, ours_total = measure(lambda spec=spec: search_ours(backend, spec), repeat)
        direct, raw_total = measure(lambda spec=spec: raw.run(spec), repeat)
        row = {
            "label": spec.label,
            "query": spec.text,
            "filters": [list(pair) for pair in spec.filters],
            "ours_p50_ms": round(statistics.median(ours), 2),
            "ours_p95_ms": round(p95(ours), 2),
            "raw_p50_ms": round(statistics.median(direct), 2),
            "raw_p95_ms": round(p95(direct), 2),
            "hits_ours": ours_total,
            "hits_raw": raw_total,
            "ours_ms": [round(s, 3) for s in ours],
            "raw_ms": [round(s, 3) for s in direct],
        }
        row["ratio_p50"] = round(row["ours_p50_ms"] / max(row["raw_p50_ms"], 1e-6), 2)
        row["meets_target"] = meets_target(name, row["ours_p95_ms"], row["ratio_p50"])
        log(f"  {name} ({spec.key}) p50 ours {row['ours_p50_ms']} ms, raw {row['raw_p50_ms']} ms")
        results[spec.key] = row
    return results


# --- reporting ------------------------------------------------------------------------------


def _console() -> Any:
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=140)


def print_index_table(console: Any, size: int, corpus: Corpus, backends: dict) -> None:
    from rich.table import Table

    meta = corpus.meta
    table = Table(
        title=f"{size:,} records: indexing ({meta['long_records']:,} with full text, "
        f"{meta['terms'] / 1e6:,.1f}M terms; analysis {meta['analyse_s']:.1f} s)",
        title_justify="left",
    )
    for column in ("backend", "analysis s", "rebuild s", "docs/s (analysis+rebuild)"):
        table.add_column(column, justify="right" if column != "backend" else "left")
    table.add_column("docs/s (rebuild only)", justify="right")
    table.add_column("index size", justify="right")
    for name, result in backends.items():
        stats = result["index"]
        if stats.get("reused"):
            table.add_row(name, "reused: not measured", "", "", "", "")
            continue
        table.add_row(
            name,
            f"{stats['analyse_s']:.1f}",
            f"{stats['rebuild_s']:.1f}",
            f"{stats['docs_per_s']:,.0f}",
            f"{stats['docs_per_s_rebuild_only']:,.0f}",
            f"{stats['index_bytes'] / 2**20:,.0f} MiB",
        )
    console.print(table)


def print_query_table(console: Any, size: int, name: str, result: dict) -> None:
    from rich.table import Table

    queries = result["queries"]
    load = result["load_average"]

    target = (
        f"p95 < {TANTIVY_P95_MS:g} ms and ≤ {TANTIVY_MAX_RATIO:g}× raw"
        if name == "tantivy"
        else f"p95 < {POSTGRES_P95_MS:g} ms"
    )
    table = Table(
        title=f"{size:,} records, {name}: ms through our layer vs raw (target at 100k: {target})",
        caption=f"1-minute load average {load[0]:.1f} before timing, {load[1]:.1f} after",
        title_justify="left",
        caption_justify="left",
    )
    table.add_column("query")
    table.add_column("what")
    for column in ("ours p50", "ours p95", "raw p50", "raw p95", "ours/raw", "hits ours"):
        table.add_column(column, justify="right")
    table.add_column("hits raw", justify="right")
    table.add_column("target")
    for key, row in queries.items():
        table.add_row(
            f"({key})",
            row["label"],
            f"{row['ours_p50_ms']:,.1f}",
            f"{row['ours_p95_ms']:,.1f}",
            f"{row['raw_p50_ms']:,.1f}",
            f"{row['raw_p95_ms']:,.1f}",
            f"{row['ratio_p50']:.2f}×",
            f"{row['hits_ours']:,}",
            f"{row['hits_raw']:,}",
            "ok" if row["meets_target"] else "OVER",
        )
    console.print(table)


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "tantivy": version("tantivy"),
    }
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        info["cpu"] = models[0] if models else ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        info["memory_kib"] = int(meminfo.read_text().split()[1])
    return info


# --- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="record counts, comma separated")
    parser.add_argument("--backends", default="tantivy,postgres", help="tantivy and/or postgres")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per query")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=REPO / "var" / "bench",
        help="data dir for caches and indexes (default: var/bench, apart from the demo's data)",
    )
    parser.add_argument(
        "--postgres-url", default=DEFAULT_POSTGRES_URL, help="the benchmark's own database"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep an index of the same size left by an earlier run (indexing is not measured)",
    )
    parser.add_argument("--phrase", help="the phrase for query (c), instead of the first candidate")
    args = parser.parse_args(argv)
    args.sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    args.backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    unknown = set(args.backends) - {"tantivy", "postgres"}
    if unknown:
        parser.error(f"unknown backends: {', '.join(sorted(unknown))}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if "bench" not in urlparse(args.postgres_url).path:
        # Its search table is dropped and refilled: never point this at a site's database.
        parser.error("--postgres-url must name a benchmark database (with 'bench' in its name)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    use_postgres = "postgres" in args.backends
    setup_django(workdir, args.postgres_url if use_postgres else None, reuse=args.reuse)
    raw_pg = None
    if use_postgres:
        import psycopg

        raw_pg = psycopg.connect(args.postgres_url, autocommit=True)
    console = _console()
    RESULTS.mkdir(parents=True, exist_ok=True)
    output = RESULTS / f"{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    report: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "repeat": args.repeat,
        "warmup": WARMUP,
        "sizes": {},
    }
    if raw_pg is not None:
        report["machine"]["postgres"] = raw_pg.execute("SHOW server_version").fetchone()[0]

    for size in args.sizes:
        corpus = corpus_cache(workdir, size)
        entry: dict[str, Any] = {"corpus": corpus.meta, "backends": {}}
        report["sizes"][str(size)] = entry
        specs: list[QuerySpec] | None = None
        for name in args.backends:
            backend = make_backend(name, workdir, size)
            started = time.perf_counter()
            index = index_corpus(name, backend, corpus, raw_pg, reuse=args.reuse)
            if specs is None:
                if args.phrase:
                    entry["phrase"] = args.phrase
                else:
                    entry["phrase"], entry["phrase_candidates"] = choose_phrase(backend, size)
                log(f"phrase (c): {entry['phrase']!r}")
                specs = query_specs(entry["phrase"])
            raw = RawTantivy(backend.path) if name == "tantivy" else RawPostgres(raw_pg)
            log(f"{name}: timing {len(specs)} query types × {args.repeat} runs, each side")
            timing_started = time.perf_counter()
            load_before = os.getloadavg()[0]
            queries = run_queries(name, backend, raw, specs, args.repeat)
            entry["backends"][name] = {
                "index": index,
                "queries": queries,
                "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                "phase_s": {
                    "index": round(timing_started - started, 1),
                    "queries": round(time.perf_counter() - timing_started, 1),
                },
            }
            output.write_text(json.dumps(report, indent=2))  # after every backend: partial runs
        print_index_table(console, size, corpus, entry["backends"])
        for name, result in entry["backends"].items():
            print_query_table(console, size, name, result)
    report["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    output.write_text(json.dumps(report, indent=2))
    console.print(f"Results: {output.relative_to(REPO)}  (figures depend on the machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
