"""clearinghouse offline-edition OUT [--audience A…] [--topic T…] [--language L…] [--kind K…]
[--files/--no-files] [--max-size 700MB] [--zip] [--iso] [--since PREVIOUS] [--group G --as USER]"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from clearinghouse.core.policy import actor_for
from clearinghouse.dissemination.offline.build import build_edition
from clearinghouse.dissemination.offline.selection import (
    EditionOptions,
    EditionRefused,
    parse_size,
)


class Command(BaseCommand):
    help = "Build the offline edition: a static, signed, searchable copy of the public catalogue."

    def add_arguments(self, parser):
        parser.add_argument("out", help="folder to write (replaced only once complete)")
        parser.add_argument("--audience", nargs="+", default=[], metavar="A")
        parser.add_argument("--topic", nargs="+", default=[], metavar="T")
        parser.add_argument(
            "--language",
            nargs="+",
            default=[],
            metavar="L",
            help="records with a text in these languages; also the UI languages (default en)",
        )
        parser.add_argument("--kind", nargs="+", default=[], metavar="K")
        parser.add_argument("--files", dest="files", action="store_true", default=True)
        parser.add_argument("--no-files", dest="files", action="store_false")
        parser.add_argument("--max-size", default=None, help="e.g. 700MB; refuse beyond it")
        parser.add_argument("--zip", action="store_true", help="also write OUT.zip")
        parser.add_argument("--iso", action="store_true", help="also write OUT.iso (ISO 9660)")
        parser.add_argument(
            "--since",
            default=None,
            metavar="PREVIOUS",
            help="write a delta from the PREVIOUS edition (folder or manifest.json) into OUT",
        )
        parser.add_argument("--edition-version", default="", help="default: the UTC time")
        parser.add_argument(
            "--date", default="", help="the manifest's date (with --edition-version)"
        )
        parser.add_argument("--group", default=None, help="include this group's material (staff)")
        parser.add_argument("--as", dest="as_user", default=None, help="staff account (--group)")

    def handle(self, *args, **options):
        try:
            edition = EditionOptions(
                audiences=tuple(options["audience"]),
                topics=tuple(options["topic"]),
                languages=tuple(options["language"]),
                kinds=tuple(options["kind"]),
                files=options["files"],
                max_size=parse_size(options["max_size"]),
                group=options["group"],
                version=options["edition_version"],
                date=options["date"],
            )
            requester = None
            if options["as_user"]:
                user = get_user_model().objects.filter(username=options["as_user"]).first()
                if user is None:
                    raise CommandError(f"no account {options['as_user']!r}")
                # The command line is trusted like the admin's shell: no second factor here.
                requester = actor_for(user, verified=True)
            report = build_edition(
                Path(options["out"]),
                edition,
                requested_by=requester,
                since=Path(options["since"]) if options["since"] else None,
                make_zip=options["zip"],
                make_iso=options["iso"],
                progress=self._progress(),
            )
        except EditionRefused as exc:
            raise CommandError(str(exc)) from exc
        out = self.stdout
        out.write(
            f"{report.records} records, {report.files} files, {report.size / 1e6:.1f} MB, "
            f"version {report.version}"
        )
        if report.delta is not None:
            d = report.delta
            out.write(
                f"delta {d['from_version']} → {d['to_version']} in {report.path}: "
                f"{len(d['added'])} new, {len(d['changed'])} changed, {len(d['removed'])} removed"
            )
        else:
            out.write(f"edition: {report.path}")
        for path in (report.zip_path, report.iso_path):
            if path:
                out.write(f"image: {path} ({path.stat().st_size / 1e6:.1f} MB)")

    def _progress(self):
        verbosity = self.stderr

        def progress(done: int, total: int, message: str) -> None:
            if total and (done == total or done % 500 == 0):
                verbosity.write(f"{message}: {done}/{total}")

        return progress
