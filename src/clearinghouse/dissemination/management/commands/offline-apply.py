"""clearinghouse offline-apply DELTA EDITION: update a copy of the edition, atomically."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.dissemination.offline.delta import apply_delta
from clearinghouse.dissemination.offline.selection import EditionRefused


class Command(BaseCommand):
    help = "Apply an offline-edition delta to a copy: all of it or nothing (safe to interrupt)."

    def add_arguments(self, parser):
        parser.add_argument("delta")
        parser.add_argument("edition")

    def handle(self, *args, **options):
        try:
            summary = apply_delta(Path(options["delta"]), Path(options["edition"]))
        except (EditionRefused, OSError, KeyError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{options['edition']}: now version {summary['to_version']} "
            f"({len(summary['added'])} new, {len(summary['changed'])} changed, "
            f"{len(summary['removed'])} removed files)"
        )
