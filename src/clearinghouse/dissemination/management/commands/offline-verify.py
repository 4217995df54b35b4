"""clearinghouse offline-verify PATH [--public-key KEY]: signature, every hash, no extra file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.dissemination.offline.delta import recover
from clearinghouse.dissemination.offline.manifest import installation_public_key, verify


class Command(BaseCommand):
    help = (
        "Check an offline edition: its signature, every file's checksum, no missing or extra file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--public-key",
            default=None,
            help="the key to trust (base64, as on the portal's /offline/ page); "
            "default: this installation's",
        )
        parser.add_argument(
            "--key-in-edition",
            action="store_true",
            help="trust the key the edition carries (then compare its fingerprint yourself)",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        note = recover(path)
        if note:
            self.stdout.write(note)
        key = options["public_key"]
        if key is None and not options["key_in_edition"]:
            key = installation_public_key()
        result = verify(path, public_key=key)
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(f"{path}: does NOT verify ({len(result.problems)} problems)")
        self.stdout.write(
            f"{path}: verified, version {result.version}, key {result.fingerprint}"
            + (" (the edition's own key)" if result.self_signed_only else "")
        )
