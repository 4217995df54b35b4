"""Offline edition benchmark: build time and size at 10k synthetic records, and search
latency in headless Chromium from file:// (three queries; target p95 < 100 ms).

    python bench/offline_bench.py [--size 10000] [--workdir DIR] [--repeat 20] [--no-files]

The synthetic catalogue (``catalog.demo.synthetic``) is written once into a SQLite database
in the workdir (default /tmp/clearinghouse-offline-bench) and reused by later runs. Latency
is measured in the page: ``OfflineSearch.search`` from the typed query to ranked hits and
facet counts. "cold" opens a fresh page for each run (index shards loaded from disk), "warm"
repeats the query in the same page (shards cached).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUERIES = ("trafficking", "victims protection", "police*")
TARGET_P95_MS = 100.0


def setup(workdir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.demo"
    os.environ["CLEARINGHOUSE_DATA_DIR"] = str(workdir)
    os.environ["CLEARINGHOUSE_DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    for path in (REPO / "src", REPO):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    import django

    django.setup()


def ensure_catalogue(size: int) -> None:
    from django.core.management import call_command

    from clearinghouse.catalog.demo.synthetic import add_synthetic_records
    from clearinghouse.catalog.models import Record
    from clearinghouse.vocabularies.loader import load_vocabularies

    call_command("migrate", verbosity=0)
    if not Record.objects.exists():
        load_vocabularies()
    have = Record.objects.filter(is_synthetic=True).count()
    if have < size:
        add_synthetic_records(size - have)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def measure(root: Path, repeat: int) -> dict[str, dict[str, list[float]]]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    url = (root / "en" / "search.html").as_uri()
    results: dict[str, dict[str, list[float]]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = browser.new_context(offline=True)
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith("file://") else route.abort()
            ),
        )
        for query in QUERIES:
            cold, warm = [], []
            for _ in range(max(3, repeat // 4)):
                page = context.new_page()
                page.goto(url)
                page.wait_for_function(
                    "() => document.getElementById('offline-search').dataset.done"
                )
                cold.append(page.evaluate(_TIMED, query))
                page.close()
            page = context.new_page()
            page.goto(url)
            page.wait_for_function("() => document.getElementById('offline-search').dataset.done")
            for _ in range(repeat):
                warm.append(page.evaluate(_TIMED, query))
            page.close()
            results[query] = {"cold": cold, "warm": warm}
        browser.close()
    return results


# The page has loaded meta and docs for the empty query; a search then loads its shards.
_TIMED = """async (q) => {
  const started = performance.now();
  const result = await OfflineSearch.search(q, [], "en");
  return [performance.now() - started, result.total];
}"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/clearinghouse-offline-bench"))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-files", action="store_true")
    parser.add_argument(
        "--measure-only", type=Path, default=None, help="only time searches in this edition"
    )
    args = parser.parse_args(argv)
    if args.measure_only:
        print_latency(measure(args.measure_only, args.repeat))
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    setup(args.workdir)
    ensure_catalogue(args.size)
    from clearinghouse.catalog.models import Record
    from clearinghouse.dissemination.offline import packaging
    from clearinghouse.dissemination.offline.build import build_edition
    from clearinghouse.dissemination.offline.selection import EditionOptions

    out = args.workdir / "edition"
    options = EditionOptions(files=not args.no_files, version="bench", date="2026-01-01")
    started = time.perf_counter()
    report = build_edition(out, options)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    zipped = packaging.write_zip(out, args.workdir / "edition.zip")
    zip_s = time.perf_counter() - started
    index_bytes = sum(p.stat().st_size for p in (out / "assets" / "index").iterdir())
    print(
        f"Offline edition: {Record.objects.count()} records in the database, "
        f"{report.records} public in the edition, {report.files} files"
    )
    print(f"  build       {build_s:8.1f} s   ({report.records / build_s:.0f} records/s)")
    print(
        f"  tree        {report.size / 1e6:8.1f} MB  (search index {index_bytes / 1e6:.1f} MB, "
        f"{report.index['terms']} terms, {report.index['forms']} forms)"
    )
    print(f"  zip         {zipped.stat().st_size / 1e6:8.1f} MB  ({zip_s:.1f} s)")
    print_latency(measure(out, args.repeat))
    return 0


def print_latency(results: dict) -> None:
    print(f"\nSearch in headless Chromium from file:// (ms; target p95 < {TARGET_P95_MS:.0f})")
    print(
        f"  {'query':22} {'hits':>6} {'cold p50':>9} {'cold p95':>9} "
        f"{'warm p50':>9} {'warm p95':>9}"
    )
    ok = True
    for query, runs in results.items():
        cold = [ms for ms, _n in runs["cold"]]
        warm = [ms for ms, _n in runs["warm"]]
        hits = runs["warm"][0][1]
        ok = ok and p95(warm) < TARGET_P95_MS
        print(
            f"  {query:22} {hits:6d} {statistics.median(cold):9.1f} {p95(cold):9.1f} "
            f"{statistics.median(warm):9.1f} {p95(warm):9.1f}"
        )
    print(f"  warm p95 under target: {'yes' if ok else 'NO'}")


if __name__ == "__main__":
    raise SystemExit(main())
