"""``clearinghouse fill_catalogues FILE.json``: put translations into the UI catalogues.

The file maps each msgid to its translations, ``{"Gap analysis": {"fr": "Analyse des
lacunes", "es": …}}`` (a key ``"context\\x04msgid"`` targets a ``pgettext`` entry; a value
``{"fr": ["un", "plusieurs"]}`` fills a plural). Entries the catalogues do not have yet are
reported, not invented: run ``make messages`` first. The catalogues are then compiled.
"""

from __future__ import annotations

import json
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def entry_fill(entry: polib.POEntry, value: str | list[str]) -> None:
    if entry.msgid_plural:
        forms = value if isinstance(value, list) else [value]
        slots = entry.msgstr_plural or {0: ""}
        entry.msgstr_plural = {i: forms[min(i, len(forms) - 1)] for i in slots}
    else:
        entry.msgstr = value if isinstance(value, str) else value[0]
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        # A previous plural without its previous msgid is a syntax error for msgmerge.
        entry.previous_msgid_plural = None
        entry.previous_msgctxt = None


class Command(BaseCommand):
    help = "Fill the UI catalogues from a JSON file of translations, then compile them."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="JSON: {msgid: {locale: translation}}")

    def handle(self, *args, **options):
        wanted: dict[str, dict[str, str | list[str]]] = {}
        for name in options["files"]:
            try:
                wanted |= json.loads(Path(name).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"{name}: {error}") from error
        missing: set[str] = set()
        for locale_dir in map(Path, settings.LOCALE_PATHS):
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/django.po")):
                locale = po_path.parts[-3]
                po = polib.pofile(str(po_path))
                index = {(f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid): e for e in po}
                changed = 0
                for key, translations in wanted.items():
                    if locale not in translations:
                        continue
                    entry = index.get(key)
                    if entry is None:
                        missing.add(key)
                        continue
                    entry_fill(entry, translations[locale])
                    changed += 1
                if changed:
                    po.save()
        for key in sorted(missing):
            self.stderr.write(f"not in the catalogues (run make messages first): {key!r}")
        call_command("compile_catalogues", stdout=self.stdout)
