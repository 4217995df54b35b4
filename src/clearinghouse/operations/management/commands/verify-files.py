"""``clearinghouse verify-files``: every file the database references is present and intact."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.operations.restore import files_problems


class Command(BaseCommand):
    help = "Check that every file a database row references is in the store with its hash."

    def handle(self, *args, **options):
        problems = files_problems()
        if problems:
            shown = "\n  ".join(problems[:50])
            raise CommandError(f"{len(problems)} file problem(s):\n  {shown}")
        self.stdout.write("Every referenced file is present and matches its hash.")
