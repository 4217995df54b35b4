"""Set up the demo catalogue from the seed report and serve it."""

from __future__ import annotations

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Migrate, load vocabularies and the demo catalogue (the seed report, its references, "
        "organisations, missions and sample materials), rebuild the index and serve."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--synthetic",
            type=int,
            default=0,
            metavar="N",
            help="also add N generated records marked synthetic (benchmarks)",
        )
        parser.add_argument("--no-serve", action="store_true", help="set up, then exit")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args, **options):
        from clearinghouse.analysis.demo.loader import load_sample_analysis
        from clearinghouse.catalog.demo.loader import load_demo
        from clearinghouse.catalog.demo.synthetic import add_synthetic_records

        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database ready")
        call_command("load_vocabularies", stdout=self.stdout)
        report = load_demo(stdout=self.stdout)
        self.stdout.write(report.summary())
        self.stdout.write(load_sample_analysis())
        if options["synthetic"]:
            added = add_synthetic_records(options["synthetic"], stdout=self.stdout)
            self.stdout.write(f"{added} synthetic records added")
        call_command("reindex", stdout=self.stdout)
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])
