"""``clearinghouse collect-orphans``: remove stored files no row references."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.operations.orphans import DEFAULT_GRACE_HOURS, StoreBusy, orphans_collect


class Command(BaseCommand):
    help = (
        "Remove stored files that no database row references and temporary files left by "
        "a crash, once older than the grace period."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list, remove nothing")
        parser.add_argument(
            "--grace",
            type=float,
            default=DEFAULT_GRACE_HOURS,
            metavar="HOURS",
            help=f"keep files younger than this (default {DEFAULT_GRACE_HOURS:g})",
        )

    def handle(self, *args, **options):
        if options["grace"] < 0:
            raise CommandError("--grace must not be negative")
        try:
            report = orphans_collect(grace_hours=options["grace"], dry_run=options["dry_run"])
        except StoreBusy as exc:
            raise CommandError(str(exc)) from exc
        verb = "would remove" if report.dry_run else "removed"
        if options["verbosity"] > 1:
            for path in report.orphans + report.temporary:
                self.stdout.write(f"  {verb} {path}")
        self.stdout.write(
            f"{verb} {len(report.orphans)} orphaned files ({report.orphan_bytes:,} bytes) and "
            f"{len(report.temporary)} temporary files ({report.temporary_bytes:,} bytes); "
            f"kept {report.kept_young} younger than {report.grace_hours:g} h."
        )
