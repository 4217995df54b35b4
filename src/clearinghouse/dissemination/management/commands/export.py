"""``clearinghouse export FORMAT``: the catalogue as the public sees it, in one format."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from clearinghouse.core.policy import ANONYMOUS, Actor
from clearinghouse.dissemination.exports import export_chunks, records_for_export
from clearinghouse.dissemination.formats.registry import EXPORTS


class Command(BaseCommand):
    help = "Export the public catalogue (or a search) in one format."

    def add_arguments(self, parser):
        parser.add_argument("format", choices=sorted(n for n, f in EXPORTS.items() if f.multi))
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
        parser.add_argument("-q", "--query", default="", help="only the hits of this search")
        parser.add_argument("-f", "--filter", action="append", default=[], help="field:value")
        parser.add_argument(
            "--all",
            action="store_true",
            help="every record, restricted and unpublished ones included (staff)",
        )

    def handle(self, *args, **options):
        actor = (
            Actor(role="administrator", is_staff=True, is_registered=True)
            if options["all"]
            else ANONYMOUS
        )
        filters = [tuple(f.split(":", 1)) for f in options["filter"] if ":" in f]
        records = records_for_export(actor, q=options["query"], filters=filters)
        out = options["output"].open("wb") if options["output"] else sys.stdout.buffer
        try:
            for chunk in export_chunks(EXPORTS[options["format"]], actor, records):
                out.write(chunk)
        finally:
            if options["output"]:
                out.close()
