"""Crash and backup benchmark: kill -9 during a bulk import (20 times by default), then the
outcome beside one clean import; and a backup taken under write load, restored, verified.

Part 1. A reference instance imports a RIS file (ENTRIES reports, every 20th a duplicate
the import must reject) and ingests a folder of FILES text files, uninterrupted. A second
instance does the same while being killed: each round starts ``clearinghouse import`` (the
service the staff page and the API run inside a web process) and a job worker ingesting the
folder, waits until the import has committed a chunk, waits a random moment more, and
SIGKILLs both; after the last round both run to completion. The tables list every kill and
compare the two instances.

Part 2. An instance with BACKUP_ENTRIES records and files is backed up while a writer adds
records with files; the backup is restored into an empty instance (checksums, files,
counts and access verified; index rebuilt); times and sizes are printed.

Loopback only; everything lives in a temporary directory (or --workdir) and in SQLite
files, or in PostgreSQL databases made and dropped by the benchmark (--database-url).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.operations import harness  # noqa: E402

RESULTS = REPO / "bench" / "results"


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def crash_part(work: Path, url: str, entries: int, files: int, kills: int, seed: int) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    ris = harness.ris_file(work / "bulk.ris", entries)
    folder = harness.text_files(work / "handouts", files)
    reference = harness.Instance(work, "reference", url)
    crashed = harness.Instance(work, "crashed", url)
    try:
        for instance in (reference, crashed):
            instance.run("migrate", "-v0")
        started = time.monotonic()
        harness.clean_import(reference, ris, folder)
        clean_seconds = time.monotonic() - started
        run = harness.crash_import(crashed, ris, folder, kills=kills, seed=seed)
        expected, actual = harness.state(reference), harness.state(crashed)
        dangling = harness.dangling(crashed)
        verify = crashed.run("verify-files", check=False).returncode == 0
    finally:
        reference.drop()
        crashed.drop()
    print(f"\n## kill -9 during a bulk import: {kills} kills, seed {seed}")
    print(f"{entries} RIS entries (chunks of 5), {files} files ingested by a job worker\n")
    print(
        table(
            ["kill", "killed", "after (s)", "import cursor", "import was running", "jobs running"],
            [
                [
                    k.number,
                    "serve (web + worker)" if k.via == "web" else "import + worker",
                    f"{k.after_seconds:.2f}",
                    f"{k.import_cursor}/{k.import_total}",
                    "yes" if k.import_alive else "no (done)",
                    k.jobs_running,
                ]
                for k in run.kills
            ],
        )
    )
    rows = []
    for name in expected:
        want, got = expected[name], actual[name]
        shown = (lambda v: f"{len(v)} values") if isinstance(want, list) else str
        rows.append([name, shown(want), shown(got), "yes" if want == got else "NO"])
    rows.append(["files referenced but missing", 0, len(dangling), "yes" if not dangling else "NO"])
    rows.append(["verify-files", "ok", "ok" if verify else "failed", "yes" if verify else "NO"])
    print()
    print(table(["", "one clean import", f"after {kills} kills", "equal"], rows))
    same = expected == actual and not dangling and verify
    print(
        f"\nclean import {clean_seconds:.1f} s; killed run {run.seconds:.1f} s in all; "
        f"outcome {'EQUAL to one clean import' if same else 'DIFFERENT'}"
    )
    return {
        "entries": entries,
        "files": files,
        "seed": seed,
        "kills": [vars(k) for k in run.kills],
        "equal": same,
        "clean_seconds": clean_seconds,
        "crash_seconds": run.seconds,
    }


def backup_part(work: Path, url: str, entries: int, files: int) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    source = harness.Instance(work, "source", url)
    target = harness.Instance(work, "target", url)
    try:
        source.run("migrate", "-v0")
        ris = harness.ris_file(work / "backup.ris", entries)
        source.run("import", "ris", str(ris), "--chunk", "500", "-v0", timeout=3600)
        source.python(
            "import io\n"
            "from clearinghouse.catalog.models import Record\n"
            "from clearinghouse.catalog.services import file_attach\n"
            f"for i, r in enumerate(Record.objects.order_by('id')[:{files}]):\n"
            "    file_attach(record=r, stream=io.BytesIO(f'sample file {i} '.encode() * 5000),\n"
            "                original_name=f'sample-{i}.txt')\n",
            timeout=3600,
        )
        stop = work / "stop"
        writer = harness.start_writer(source, stop, seconds=600)
        time.sleep(5)
        before = source.value("SELECT count(*) FROM catalog_record")
        started = time.monotonic()
        backup_out = source.run("backup", str(work / "backup")).stdout.strip()
        backup_seconds = time.monotonic() - started
        after = source.value("SELECT count(*) FROM catalog_record")
        stop.touch()
        writer.wait(timeout=120)
        manifest = json.loads((work / "backup" / "manifest.json").read_text())
        size = sum(p.stat().st_size for p in (work / "backup").rglob("*") if p.is_file())
        started = time.monotonic()
        restored = target.run("restore", str(work / "backup"), check=False)
        restore_seconds = time.monotonic() - started
    finally:
        source.drop()
        target.drop()
    counts = manifest["counts"]
    print(f"\n## backup under write load ({manifest['vendor']})\n")
    print(backup_out)
    print()
    print(
        table(
            ["", "value"],
            [
                ["records in the backup", counts["records"]],
                ["records written by the load during the backup", after - before],
                ["files in the backup", len(manifest["files"])],
                ["database in the backup (bytes)", f"{manifest['database']['size']:,}"],
                ["backup size (bytes)", f"{size:,}"],
                ["backup time (s)", f"{backup_seconds:.1f}"],
                ["restore + verify + reindex time (s)", f"{restore_seconds:.1f}"],
                ["restore verified", "yes" if restored.returncode == 0 else "NO"],
            ],
        )
    )
    if restored.returncode != 0:
        print(restored.stderr[-2000:])
    return {
        "vendor": manifest["vendor"],
        "counts": counts,
        "written_during_backup": after - before,
        "backup_bytes": size,
        "backup_seconds": backup_seconds,
        "restore_seconds": restore_seconds,
        "verified": restored.returncode == 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2002)
    parser.add_argument("--backup-entries", type=int, default=2000)
    parser.add_argument("--backup-files", type=int, default=200)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CLEARINGHOUSE_DATABASE_URL", ""),
        help="postgres://… to run on PostgreSQL (databases are made and dropped); "
        "default: SQLite files",
    )
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--parts", default="crash,backup", help="crash, backup or both")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="crash-bench-"))
    vendor = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"# crash and backup benchmark on {vendor} ({platform.node()}, {os.cpu_count()} cores)")
    parts = set(args.parts.split(","))
    results: dict = {"vendor": vendor, "when": dt.datetime.now(dt.UTC).isoformat()}
    if "crash" in parts:
        results["crash"] = crash_part(
            work / "crash", args.database_url, args.entries, args.files, args.kills, args.seed
        )
    if "backup" in parts:
        results["backup"] = backup_part(
            work / "backup", args.database_url, args.backup_entries, args.backup_files
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"crash-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"\nresults: {out}")
    ok = results.get("crash", {}).get("equal", True) and results.get("backup", {}).get(
        "verified", True
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
