"""``clearinghouse translation-engines``: is machine translation available, for which pairs."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from clearinghouse.translation.handler import DEFAULT, translation_backends


class Command(BaseCommand):
    help = "Report each configured machine translation engine and the language pairs it has."

    def handle(self, *args, **options):
        for alias in getattr(settings, "CLEARINGHOUSE_TRANSLATION", DEFAULT):
            backend = translation_backends[alias]
            problems = backend.check()
            if problems:
                for problem in problems:
                    self.stdout.write(self.style.WARNING(f"{alias}: {backend.engine}: {problem}"))
                continue
            pairs = ", ".join(f"{a}→{b}" for a, b in sorted(backend.pairs()))
            self.stdout.write(f"{alias}: {backend.engine}: {pairs or 'no language pair'}")
