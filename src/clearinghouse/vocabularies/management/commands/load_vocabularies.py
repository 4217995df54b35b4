from django.core.management.base import BaseCommand

from clearinghouse.vocabularies.loader import load_vocabularies


class Command(BaseCommand):
    help = "Load or update the shipped vocabularies and ISO 3166 / 639 (idempotent)."

    def handle(self, *args, **options):
        report = load_vocabularies()
        self.stdout.write(f"{report.schemes} vocabularies, {report.concepts} concepts loaded")
