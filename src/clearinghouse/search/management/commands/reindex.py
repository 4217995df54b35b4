from django.core.management.base import BaseCommand
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from clearinghouse.catalog.models import Record
from clearinghouse.search.indexer import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the search index from the database beside the old one, then swap it in."

    def add_arguments(self, parser):
        parser.add_argument("--alias", default="default")

    def handle(self, *args, **options):
        total = Record.objects.count()
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=not self.stdout.isatty(),
        ) as progress:
            task = progress.add_task("Indexing records", total=total)
            done = rebuild_index(
                options["alias"], progress=lambda n: progress.update(task, completed=n)
            )
            progress.update(task, completed=total)
        self.stdout.write(f"Indexed {done} records.")
