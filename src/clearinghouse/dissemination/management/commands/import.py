"""``clearinghouse import FORMAT FILE``: import a bibliographic file (dry run, resumable)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from clearinghouse.catalog.models import Record
from clearinghouse.core.policy import Actor
from clearinghouse.dissemination.formats.registry import IMPORTS
from clearinghouse.dissemination.imports.service import ImportRefused, import_file


class Command(BaseCommand):
    help = "Import a CSV, BibTeX, RIS, MARC (binary or MARCXML) or CSL-JSON file."

    def add_arguments(self, parser):
        parser.add_argument("format", choices=sorted(IMPORTS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="show what would change")
        parser.add_argument(
            "--status",
            default=Record.Status.IN_REVIEW,
            choices=Record.Status.values,
            help="status of new records (default: in_review)",
        )
        parser.add_argument("--access", default=Record.Tier.PUBLIC, choices=Record.Tier.values)
        parser.add_argument("--chunk", type=int, default=100, help="entries per transaction")
        parser.add_argument(
            "--restart",
            action="store_true",
            help="start over instead of resuming an interrupted import of this file",
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        # The command is run by the server's operator: it writes as staff.
        actor = Actor(role="administrator", is_staff=True, is_registered=True)
        with Progress(disable=options["verbosity"] == 0 or options["dry_run"]) as bar:
            task = bar.add_task(f"importing {path.name}", total=None)
            try:
                report = import_file(
                    actor=actor,
                    format_name=options["format"],
                    data=path.read_bytes(),
                    file_name=path.name,
                    dry_run=options["dry_run"],
                    status=options["status"],
                    access=options["access"],
                    chunk_size=options["chunk"],
                    restart=options["restart"],
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
            except ImportRefused as exc:
                raise CommandError(str(exc)) from exc
        verb = "would" if report.dry_run else ""
        if report.resumed_from:
            self.stdout.write(f"resumed after entry {report.resumed_from}")
        if report.dry_run:
            for outcome in report.outcomes:
                if outcome.action != "reject":
                    self.stdout.write(
                        f"  entry {outcome.number}: {outcome.action} {outcome.key}  {outcome.title}"
                    )
        for outcome in report.rejections:
            where = f"line {outcome.line}" if outcome.line else f"record {outcome.number}"
            self.stdout.write(f"  entry {outcome.number} ({where}) rejected: {outcome.reason}")
        counts = report.counts
        self.stdout.write(
            f"{report.total} entries: {verb} create {counts['create']}, "
            f"{verb} update {counts['update']}, reject {counts['reject']}".replace("  ", " ")
        )
