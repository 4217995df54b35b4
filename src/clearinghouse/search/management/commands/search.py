import json

from django.core.management.base import BaseCommand

from clearinghouse.core.policy import ANONYMOUS
from clearinghouse.search.service import search_records
from clearinghouse.web.facets import facet_label


class Command(BaseCommand):
    help = "Search the catalogue as the public sees it."

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="?", default="")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument(
            "--filter",
            "-f",
            action="append",
            default=[],
            metavar="FIELD:VALUE",
            help="e.g. audience:prosecutors",
        )
        parser.add_argument("--lang", default="en")
        parser.add_argument("--page", type=int, default=1)
        parser.add_argument("--limit", type=int, default=10)

    def handle(self, *args, **options):
        filters = [tuple(f.split(":", 1)) for f in options["filter"] if ":" in f]
        outcome = search_records(
            actor=ANONYMOUS,
            q=options["query"],
            filters=filters,
            page=options["page"],
            page_size=options["limit"],
            language=options["lang"],
        )
        if options["json"]:
            data = {
                "query": outcome.query,
                "total": outcome.total,
                "hits": [
                    {
                        "id": h.record.pk,
                        "title": (
                            h.record.text_for(options["lang"]).title
                            if h.record.text_for(options["lang"])
                            else ""
                        ),
                        "kind": h.record.kind,
                        "year": h.record.year,
                        "score": h.score,
                    }
                    for h in outcome.hits
                ],
                "facets": {k: dict(v) for k, v in outcome.facets.items()},
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        console = Console(file=self.stdout)
        table = Table(title=f"{outcome.total} results for {outcome.query!r}")
        table.add_column("id", justify="right")
        table.add_column("title")
        table.add_column("kind")
        table.add_column("year")
        for hit in outcome.hits:
            text = hit.record.text_for(options["lang"])
            table.add_row(
                str(hit.record.pk),
                text.title if text else "",
                hit.record.kind,
                str(hit.record.year or ""),
            )
        console.print(table)
        for name, values in outcome.facets.items():
            if values:
                shown = ", ".join(
                    f"{facet_label(name, v, options['lang'])} ({n})" for v, n in values[:8]
                )
                console.print(f"[bold]{name}[/bold]: {shown}")
