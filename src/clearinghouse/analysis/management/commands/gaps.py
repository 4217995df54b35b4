"""``clearinghouse gaps``: the coverage matrix and its gaps as the public sees them."""

from __future__ import annotations

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from clearinghouse.analysis import reports
from clearinghouse.analysis.gaps import gap_matrix
from clearinghouse.analysis.gaps.matrix import clean_language, clean_year
from clearinghouse.core.policy import ANONYMOUS
from clearinghouse.vocabularies.lookups import vocabulary_cache


class Command(BaseCommand):
    help = "The gap analysis (public material only) as CSV, JSON or a PDF report."

    def add_arguments(self, parser):
        parser.add_argument("--language", default="", help="material in this language (BCP 47)")
        parser.add_argument("--region", default="", help="region code, e.g. south-eastern-europe")
        parser.add_argument("--resource-type", default="", help="resource type code, e.g. manual")
        parser.add_argument("--purpose", default="", help="awareness or capacity-building")
        parser.add_argument("--from", dest="year_from", default="", help="first year")
        parser.add_argument("--to", dest="year_to", default="", help="last year")
        parser.add_argument("--format", choices=("csv", "json", "pdf"), default="csv")
        parser.add_argument(
            "--ui-language", default=settings.LANGUAGE_CODE, help="language of labels and text"
        )
        parser.add_argument("-o", "--output", help="write to this file (default: stdout)")

    def handle(self, *args, **options):
        language = clean_language(options["language"])
        if options["language"] and not language:
            raise CommandError(f"not a language tag: {options['language']!r}")
        codes = {}
        for scheme, option in (
            ("region", "region"),
            ("resource_type", "resource_type"),
            ("purpose", "purpose"),
        ):
            code = options[option]
            if code and not vocabulary_cache.exists(scheme, code):
                raise CommandError(f"unknown {scheme} code: {code!r}")
            codes[scheme] = code
        years = {}
        for name in ("year_from", "year_to"):
            if options[name] and clean_year(options[name]) is None:
                raise CommandError(f"not a year: {options[name]!r}")
            years[name] = clean_year(options[name])
        with translation.override(options["ui_language"]):
            matrix = gap_matrix(
                actor=ANONYMOUS,
                ui_language=translation.get_language(),
                language=language,
                **codes,
                **years,
            )
            if options["format"] == "csv":
                text = reports.csv_text(matrix)
            elif options["format"] == "json":
                text = json.dumps(reports.json_data(matrix), ensure_ascii=False, indent=1) + "\n"
            else:
                text = ""
                body = reports.pdf_bytes(matrix)
        if options["output"]:
            with open(options["output"], "wb") as out:
                out.write(body if options["format"] == "pdf" else text.encode("utf-8"))
            self.stderr.write(
                f"{len(matrix.gaps)} gaps in {len(matrix.cells)} cells → {options['output']}"
            )
        elif options["format"] == "pdf":
            sys.stdout.buffer.write(body)
            sys.stdout.flush()
        else:
            self.stdout.write(text, ending="")
