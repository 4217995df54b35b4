"""``clearinghouse harvest URL [--set S] [--from DATE]``, a configured source, or all due."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.dissemination.models import HarvestSource
from clearinghouse.dissemination.oai.harvester import due_sources, harvest, harvest_source


class Command(BaseCommand):
    help = "Harvest an OAI-PMH repository (ListRecords), incrementally for configured sources."

    def add_arguments(self, parser):
        parser.add_argument("url", nargs="?", help="OAI-PMH base URL")
        parser.add_argument("--set", dest="set_spec", default="")
        parser.add_argument("--from", dest="from_date", default="", help="YYYY-MM-DD")
        parser.add_argument("--prefix", default="oai_dc", choices=["oai_dc", "marcxml"])
        parser.add_argument("--source", help="name of a configured harvest source")
        parser.add_argument(
            "--due",
            action="store_true",
            help="every enabled source whose interval has passed (for cron)",
        )

    def handle(self, *args, **options):
        if options["due"]:
            runs = [harvest_source(source) for source in due_sources()]
        elif options["source"]:
            source = HarvestSource.objects.filter(name=options["source"]).first()
            if source is None:
                raise CommandError(f"no harvest source named {options['source']!r}")
            runs = [harvest_source(source)]
        elif options["url"]:
            runs = [
                harvest(
                    base_url=options["url"],
                    set_spec=options["set_spec"],
                    from_date=options["from_date"],
                    metadata_prefix=options["prefix"],
                )
            ]
        else:
            raise CommandError("give a URL, --source NAME or --due")
        failed = False
        for run in runs:
            self.stdout.write(f"{run.base_url}: {run.status}: {run.report}")
            failed |= run.status == run.Status.FAILED
        if failed:
            raise CommandError("a harvest failed (nothing of it was applied)")
