"""``clearinghouse ingest PATH... [--record ID] [--json]``: files and folders into the catalogue.

Each file is stored once (by SHA-256) and extracted in the sandbox; the summary
lists what was ingested, what was a duplicate and what was quarantined and why.
Running it again over the same files creates nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.catalog.models import Record
from clearinghouse.ingestion.models import IngestJob
from clearinghouse.ingestion.services import (
    batch_create,
    batch_discard_if_empty,
    file_submit,
    job_process,
    jobs_recover,
    near_records,
)


def collect(paths: list[str]) -> list[Path]:
    """Regular files under ``paths`` in a stable order; symbolic links are not followed."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_symlink():
            continue
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs.sort()
                found.extend(
                    Path(folder, name)
                    for name in sorted(files)
                    if not Path(folder, name).is_symlink()
                )
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"no such file or folder: {raw}")
    return found


class Command(BaseCommand):
    help = "Ingest files and folders: extract text in the sandbox, detect duplicates, report."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--record", type=int, help="attach every file to this record")
        parser.add_argument("--language", default="", help="language hint for OCR (e.g. fr)")
        parser.add_argument("--json", action="store_true", help="print one JSON report")
        parser.add_argument(
            "--background", action="store_true", help="only queue the jobs for the job worker"
        )

    def handle(self, *args, **options):
        record = None
        if options["record"]:
            record = Record.objects.filter(pk=options["record"]).first()
            if record is None:
                raise CommandError(f"no record {options['record']}")
        files = collect(options["paths"])
        jobs_recover()
        batch = batch_create(source="cli", record=record, language_hint=options["language"])
        rows = []
        with self._progress(len(files), options["json"]) as advance:
            for path in files:
                with path.open("rb") as fh:
                    sub = file_submit(
                        batch=batch,
                        stream=fh,
                        name=os.fsdecode(path.name),
                        enqueue=options["background"],
                    )
                if sub.job and sub.outcome == "queued" and not options["background"]:
                    job_process(job_id=sub.job.pk)
                rows.append(self._row(path, sub))
                advance(path.name)
        batch_id = None if batch_discard_if_empty(batch) else batch.pk
        if options["json"]:
            self.stdout.write(json.dumps({"batch": batch_id, "files": rows}, ensure_ascii=False))
        else:
            self._summary(rows)

    def _progress(self, total: int, quiet: bool):
        from contextlib import contextmanager

        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        @contextmanager
        def progress():
            console = Console(stderr=True)
            if quiet or not console.is_terminal:
                yield lambda name: None
                return
            with Progress(
                TextColumn("ingesting"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}"),
                console=console,
            ) as bar:
                task = bar.add_task("", total=total)
                yield lambda name: bar.update(task, advance=1, description=name[:40])

        return progress()

    def _row(self, path: Path, sub) -> dict:
        row = {
            "path": os.fsdecode(path),
            "name": sub.name,
            "sha256": sub.sha256,
            "outcome": sub.outcome,
            "reason": sub.detail,
            "records": sub.record_ids,
            "job": sub.job.pk if sub.job else None,
        }
        if sub.job and sub.outcome == "queued":
            job = IngestJob.objects.select_related("record_file", "blob").get(pk=sub.job.pk)
            row["outcome"] = "queued" if job.status == "pending" else job.status
            row["reason"] = job.reason
            row["records"] = [job.record_file.record_id] if job.record_file_id else []
            row["language"] = job.blob.text_language
            row["pages"] = job.blob.page_count
            extraction = getattr(job.blob, "extraction", None)
            if extraction:
                row["near_duplicates"] = [
                    {**near, "records": near_records(near["sha256"])}
                    for near in extraction.near_duplicates
                ]
        return row

    def _summary(self, rows: list[dict]) -> None:
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
        self.stdout.write(
            "ingested {ingested}, duplicates {duplicate}, quarantined {quarantined}, "
            "too large {too_large}, queued {queued}".format(
                **{
                    k: counts.get(k, 0)
                    for k in ("ingested", "duplicate", "quarantined", "too_large", "queued")
                }
            )
        )
        for row in rows:
            if row["outcome"] in ("quarantined", "too_large", "duplicate"):
                self.stdout.write(f"  {row['outcome']:11} {row['name']}: {row['reason']}")
            for near in row.get("near_duplicates", []):
                if near["records"]:
                    self.stdout.write(
                        f"  similar     {row['name']}: looks like a version of record "
                        f"{', '.join(map(str, near['records']))} "
                        f"(similarity {near['similarity']:.2f})"
                    )
