"""``clearinghouse backup OUT``: a consistent copy of the running instance."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.operations.backup import BackupError, backup_create
from clearinghouse.operations.progress import stage_progress


class Command(BaseCommand):
    help = (
        "Back up the database and the files it references into a new directory, with a "
        "manifest of checksums (safe while the service runs)."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path, help="a new (or empty) directory")

    def handle(self, *args, **options):
        with stage_progress(self, options["verbosity"]) as tick:
            try:
                report = backup_create(options["out"], progress=tick)
            except BackupError as exc:
                raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in report.counts.items())
        self.stdout.write(
            f"Backed up {report.vendor} to {report.path} in {report.seconds:.1f} s: "
            f"database {report.bytes_database:,} bytes, {report.files} files "
            f"({report.bytes_files:,} bytes); {counts}."
        )
