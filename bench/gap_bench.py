"""Gap-analysis benchmark: the coverage matrix at 10k / 100k synthetic records on SQLite,
beside the single grouped SQL query that is its floor.

    python bench/gap_bench.py [--sizes 10000,100000] [--repeat 15] [--max-seconds 120]
                              [--workdir DIR]

Each size has its own SQLite database in the workdir (built once, then reused): synthetic
records (``SyntheticCorpus``, 85% public; no full texts — the matrix never reads them),
their audience/topic/purpose/region links, a creator organisation on most records
(labelled synthetic) and a completed effectiveness review on 2% of them. Each size runs in
its own process (Django binds one database per process). Timings are cold: the matrix is
not cached, every run computes it from the database. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = 2002
REVIEWED_SHARE = 0.02
TARGET_P95_MS = 300.0
WARMUP = 2


def log(message: str) -> None:
    print(f"[gap_bench] {message}", file=sys.stderr, flush=True)


def setup_django(workdir: Path, size: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.demo"
    os.environ["CLEARINGHOUSE_DATA_DIR"] = str(workdir)
    os.environ["CLEARINGHOUSE_DATABASE_URL"] = f"sqlite:///{workdir}/gaps-{size}.sqlite3"
    for path in (REPO / "src", REPO):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    import django

    django.setup()


def build(size: int) -> None:
    """Migrate and fill the database up to ``size`` synthetic records (idempotent)."""
    import itertools
    import random

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from clearinghouse.analysis.models import Review
    from clearinghouse.catalog.demo.synthetic import ORGANISATIONS, SyntheticCorpus
    from clearinghouse.catalog.models import Record, RecordCreator, RecordText
    from clearinghouse.directory.models import Agent
    from clearinghouse.search.models import IndexOutbox
    from clearinghouse.vocabularies.loader import load_vocabularies
    from clearinghouse.vocabularies.models import Concept

    have = Record.objects.filter(is_synthetic=True).count()
    if have >= size:
        return
    if not Concept.objects.exists():
        load_vocabularies()
    concepts = {(c.scheme_id, c.code): c.pk for c in Concept.objects.all()}
    agents = {}
    for key in ORGANISATIONS:
        agents[key], _ = Agent.objects.get_or_create(
            key=f"synthetic-{key}",
            defaults={"kind": "organisation", "name": f"Synthetic organisation ({key})"},
        )
    reviewer, _ = get_user_model().objects.get_or_create(username="synthetic-reviewer")
    rng = random.Random(SEED)
    corpus = SyntheticCorpus(SEED)
    generated = corpus.records(size)
    for _ in range(have):
        next(generated)
    links_model = Record.concepts.through
    started = time.perf_counter()
    while True:
        chunk = list(itertools.islice(generated, 2000))
        if not chunk:
            break
        with transaction.atomic():
            records = Record.objects.bulk_create(
                Record(
                    kind=s.kind,
                    status=Record.Status.PUBLISHED,
                    access_tier=s.access,
                    original_language=s.language,
                    date_issued=str(s.year),
                    year=s.year,
                    identifier=f"synthetic:{SEED}:{s.key}",
                    is_synthetic=True,
                    provenance="Synthetic record generated for benchmarks; not real data.",
                    resource_type_id=concepts.get(("resource_type", s.facets["resource_type"][0])),
                )
                for s in chunk
            )
            RecordText.objects.bulk_create(
                RecordText(record=r, language=s.language, title=s.title[:1000], is_original=True)
                for r, s in zip(records, chunk, strict=True)
            )
            links = [
                links_model(record_id=r.pk, concept_id=concepts[(scheme, code)])
                for r, s in zip(records, chunk, strict=True)
                for scheme in ("audience", "topic", "purpose", "method", "region")
                for code in s.facets.get(scheme, [])
                if (scheme, code) in concepts
            ]
            links_model.objects.bulk_create(links, ignore_conflicts=True)
            # As every write path does: the outbox says these records changed.
            IndexOutbox.objects.bulk_create(IndexOutbox(record_id=r.pk) for r in records)
            RecordCreator.objects.bulk_create(
                RecordCreator(record=r, agent=agents[key], role="corporate-author")
                for r, s in zip(records, chunk, strict=True)
                for key in s.facets.get("organisation", [])
            )
            Review.objects.bulk_create(
                Review(
                    record=r,
                    reviewer=reviewer,
                    status=Review.Status.COMPLETED,
                    score=round(rng.random(), 2),
                    summary="Synthetic review for benchmarks; not a real evaluation.",
                )
                for r in records
                if rng.random() < REVIEWED_SHARE
            )
        have += len(chunk)
        log(f"{size}: {have} records ({time.perf_counter() - started:.0f} s)")


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def timed(fn, repeat: int, budget: float) -> list[float]:
    """``repeat`` timed runs after the warm-up, fewer (at least 3) past ``budget`` seconds."""
    deadline = time.perf_counter() + budget
    for _ in range(WARMUP):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
        if time.perf_counter() > deadline and len(samples) >= 3:
            break
    return samples


def measure(size: int, repeat: int, max_seconds: float) -> dict:
    """p50/p95 of the matrix and of its floor, public and analyst, in this process."""
    from django.db import connection

    from clearinghouse.analysis.gaps import coverage, gap_matrix
    from clearinghouse.analysis.gaps.matrix import GapFilters
    from clearinghouse.analysis.gaps.queries import (
        AXES,
        _axes,
        compute_matrix,
        grouped_sql,
        links_grouped_sql,
        visible_records,
    )
    from clearinghouse.analysis.gaps.weights import GapSettings
    from clearinghouse.catalog.models import Record
    from clearinghouse.core.policy import ANONYMOUS, Actor

    analyst = Actor(role="analyst", is_staff=True, is_registered=True)
    config = GapSettings.current()
    results = {"records": Record.objects.count(), "rows": {}}
    started = time.perf_counter()
    applied = coverage.sync()
    results["sync_s"] = round(time.perf_counter() - started, 2)
    results["sync"] = "rebuilt" if applied < 0 else f"{applied} outbox rows"
    log(f"{size}: coverage tables synced ({results['sync']}) in {results['sync_s']} s")
    budget = max_seconds / 16  # two viewers × two filters × (links, floor, cold, warm)
    for who, actor in (("public", ANONYMOUS), ("analyst", analyst)):
        for label, filters in (("all", {}), ("language=fr", {"language": "fr"})):
            axes = _axes(config, GapFilters(**filters), "en")
            ids = {s: [pk for pk, _p, _a in axes[s]] for s in AXES}
            statements = grouped_sql(actor, GapFilters(**filters), ids)
            direct = links_grouped_sql(visible_records(actor, GapFilters(**filters)), ids)

            def floor(statements=statements):
                with connection.cursor() as cursor:
                    for sql, params in statements:
                        cursor.execute(sql, params)
                        cursor.fetchall()

            def links(direct=direct):
                with connection.cursor() as cursor:
                    cursor.execute(*direct)
                    return cursor.fetchall()

            def cold(actor=actor, filters=filters):
                return compute_matrix(actor=actor, filters=GapFilters(**filters), language="en")

            def warm(actor=actor, filters=filters):
                return gap_matrix(actor=actor, ui_language="en", **filters)

            m = warm()
            links_ms = timed(links, max(3, repeat // 5), budget)
            floor_ms = timed(floor, repeat, budget)
            matrix_ms = timed(cold, repeat, budget)
            warm_ms = timed(warm, repeat, budget)
            results["rows"][f"{who}, {label}"] = {
                "links_p50": statistics.median(links_ms),
                "floor_p50": statistics.median(floor_ms),
                "floor_p95": percentile(floor_ms, 0.95),
                "matrix_p50": statistics.median(matrix_ms),
                "matrix_p95": percentile(matrix_ms, 0.95),
                "warm_p50": statistics.median(warm_ms),
                "warm_p95": percentile(warm_ms, 0.95),
                "runs": len(matrix_ms),
                "cells": len(m.cells),
                "gaps": len(m.gaps),
            }
            log(f"{size} {who} {label}: {results['rows'][f'{who}, {label}']}")
    results["load_average"] = os.getloadavg()[0]
    return results


def one_size(args) -> int:
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    setup_django(workdir, args.one)
    build(args.one)
    print(json.dumps(measure(args.one, args.repeat, args.max_seconds)))
    return 0


def print_table(size: int, result: dict) -> None:
    print(
        f"\nGap matrix, {result['records']:,} records (SQLite), "
        f"load average {result['load_average']:.1f}; coverage tables synced "
        f"({result['sync']}) in {result['sync_s']:.1f} s"
    )
    header = (
        f"{'viewer, filter':<20} {'links p50':>9} {'floor p50':>9} {'floor p95':>9} "
        f"{'cold p50':>9} {'cold p95':>9} {'cold/floor':>10} {'warm p50':>9} {'warm p95':>9} "
        f"{'cells':>6} {'gaps':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, row in result["rows"].items():
        print(
            f"{name:<20} {row['links_p50']:>7.1f}ms "
            f"{row['floor_p50']:>7.1f}ms {row['floor_p95']:>7.1f}ms "
            f"{row['matrix_p50']:>7.1f}ms {row['matrix_p95']:>7.1f}ms "
            f"{row['matrix_p50'] / max(row['floor_p50'], 0.001):>9.2f}x "
            f"{row['warm_p50']:>7.1f}ms {row['warm_p95']:>7.1f}ms "
            f"{row['cells']:>6} {row['gaps']:>6}"
        )
    print(
        "links: the counts straight from the record-concept links (joined three times); "
        "floor: the grouped read of the coverage tables that the matrix runs; cold: the whole "
        "matrix computed (no cache); warm: from the cache (unchanged catalogue)"
    )
    print(f"target: matrix p95 < {TARGET_P95_MS:.0f} ms at 100,000 records (SQLite)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="record counts, comma separated")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per measurement")
    parser.add_argument(
        "--max-seconds", type=float, default=120.0, help="time budget for the timed runs per size"
    )
    parser.add_argument("--workdir", type=Path, default=REPO / "var" / "bench")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        return one_size(args)
    for size in [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]:
        command = [
            sys.executable,
            __file__,
            "--one",
            str(size),
            "--repeat",
            str(args.repeat),
            "--max-seconds",
            str(args.max_seconds),
            "--workdir",
            str(args.workdir),
        ]
        done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
        print_table(size, json.loads(done.stdout.strip().splitlines()[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
