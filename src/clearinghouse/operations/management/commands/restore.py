"""``clearinghouse restore IN``: restore a backup into an empty instance, verify, reindex."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.operations.progress import stage_progress
from clearinghouse.operations.restore import (
    RestoreError,
    backup_check,
    backup_restore,
    instance_verify,
)


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty instance, verify files, counts and access against "
        "its manifest, and rebuild the search index."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="a directory made by `clearinghouse backup`")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--check", action="store_true", help="only check the backup's own checksums"
        )
        mode.add_argument(
            "--verify",
            action="store_true",
            help="change nothing: compare this instance with the backup (files, counts, access)",
        )

    def handle(self, *args, **options):
        source = options["source"]
        with stage_progress(self, options["verbosity"]) as tick:
            try:
                if options["check"]:
                    manifest = backup_check(source, tick)
                    message = f"The backup is intact: {len(manifest['files'])} files checked."
                elif options["verify"]:
                    instance_verify(source)
                    message = "This instance matches the backup: files, counts and access."
                else:
                    report = backup_restore(source, progress=tick)
                    indexed = ", ".join(f"{a}: {n}" for a, n in report.indexed.items())
                    message = (
                        f"Restored {report.manifest['vendor']} backup of "
                        f"{report.manifest['created_at']}: {report.files} files; verified "
                        f"(files, counts, access); search index rebuilt ({indexed} records)."
                    )
            except RestoreError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(message)
