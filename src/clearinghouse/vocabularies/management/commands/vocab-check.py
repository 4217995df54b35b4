"""``clearinghouse vocab-check``: report labels that fall back; non-zero exit when one does."""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.vocabularies.checks import (
    concepts_to_check,
    missing_labels,
    missing_scheme_labels,
    required_languages,
)


class Command(BaseCommand):
    help = (
        "Check that every concept has a label in every required language "
        "(CLEARINGHOUSE_VOCABULARY_LANGUAGES); list the fallbacks readers see instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--language", action="append", help="check only this language (repeatable)"
        )
        parser.add_argument("--scheme", action="append", help="check only this scheme")
        parser.add_argument(
            "--all",
            action="store_true",
            help="check every ISO country and language, not only those in use",
        )

    def handle(self, *args, **options):
        languages = tuple(options["language"] or required_languages())
        checked = concepts_to_check(options["scheme"], everything=options["all"])
        missing = missing_scheme_labels(languages) + missing_labels(
            languages, options["scheme"], everything=options["all"]
        )
        for gap in missing:
            name = f"{gap.scheme}:{gap.code}" if gap.code else f"{gap.scheme} (scheme title)"
            fallback = f"{gap.shown_from}: {gap.shown}" if gap.shown else "the code itself"
            self.stdout.write(f"{name}  [{gap.language}] missing; readers see {fallback}")
        by_language = Counter(gap.language for gap in missing)
        summary = ", ".join(f"{lang} {by_language.get(lang, 0)}" for lang in languages)
        self.stdout.write(
            f"{len(checked)} concepts checked in {len(languages)} languages; "
            f"missing labels per language: {summary}"
        )
        if missing:
            raise CommandError(f"{len(missing)} label(s) missing in required languages")
        self.stdout.write(self.style.SUCCESS("Every concept has a label in every language."))
