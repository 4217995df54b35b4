"""``clearinghouse compile_catalogues``: the UI catalogues from .po to .mo, without gettext.

``make messages`` runs Django's makemessages (which needs GNU gettext) and then this.
Serbian Latin (``sr_Latn``) is derived from Serbian Cyrillic (``sr``): an empty
``sr_Latn`` entry gets the transliteration of the ``sr`` one, so the two never drift.
"""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

from clearinghouse.vocabularies.transliteration import serbian_to_latin


def catalogue_path(locale_dir: Path, locale: str) -> Path:
    return locale_dir / locale / "LC_MESSAGES" / "django.po"


def derive_serbian_latin(locale_dir: Path) -> int:
    """Fill empty ``sr_Latn`` entries from ``sr``; returns how many were filled."""
    cyrillic, latin = catalogue_path(locale_dir, "sr"), catalogue_path(locale_dir, "sr_Latn")
    if not (cyrillic.exists() and latin.exists()):
        return 0
    source = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(cyrillic))}
    target = polib.pofile(str(latin))
    filled = 0
    for entry in target:
        origin = source.get((entry.msgctxt, entry.msgid))
        if origin is None or entry.translated() or not origin.translated():
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {i: serbian_to_latin(s) for i, s in origin.msgstr_plural.items()}
        else:
            entry.msgstr = serbian_to_latin(origin.msgstr)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    if filled:
        target.save()
    return filled


class Command(BaseCommand):
    help = "Compile the UI catalogues (.po → .mo) with polib; derive Serbian Latin from Cyrillic."
    requires_system_checks = []  # a build step: it must run while the code is half-written

    def handle(self, *args, **options):
        for locale_dir in map(Path, settings.LOCALE_PATHS):
            filled = derive_serbian_latin(locale_dir)
            if filled:
                self.stdout.write(f"sr_Latn: {filled} entries transliterated from sr")
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/django.po")):
                po = polib.pofile(str(po_path))
                po.save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(
                    f"{po_path.parts[-3]}: {len(po.translated_entries())} translated, "
                    f"{len(po.untranslated_entries())} untranslated, "
                    f"{len(po.fuzzy_entries())} fuzzy"
                )
