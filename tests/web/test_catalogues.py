"""The UI catalogues: complete in the six UN languages and German, compiled, in step with
the sources (``make messages`` regenerates them; this fails when someone forgot)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation.template import templatize

import clearinghouse

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
SOURCE_DIR = Path(clearinghouse.__file__).parent
COMPLETE = ("fr", "es", "ru", "zh_Hans", "ar", "de")
ALL = (*COMPLETE, "sq", "sr", "sr_Latn", "bs", "hr", "mk")
GETTEXT_FUNCTIONS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "gettext_noop",
}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def catalogue(locale: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"))


def source_msgids() -> set[str]:
    """Every msgid the sources use: gettext calls in Python, translate tags in templates."""
    found: set[str] = set()
    for path in SOURCE_DIR.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name not in GETTEXT_FUNCTIONS:
                continue
            index = 1 if name.startswith(("pgettext", "npgettext")) else 0
            argument = node.args[index] if len(node.args) > index else None
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.add(argument.value)
    call = re.compile(r"\b(?:n?gettext)\(u('(?:[^'\\]|\\.)*')")
    for path in SOURCE_DIR.rglob("templates/**/*.html"):
        for literal in call.findall(templatize(path.read_text(encoding="utf-8"))):
            found.add(ast.literal_eval(literal))
    return found


def test_every_source_string_is_in_the_catalogues():
    known = {entry.msgid for entry in catalogue("fr")}
    used = source_msgids()
    assert {"Search", "Browse by %(t)s", "records", "Translation queue"} <= used
    missing = sorted(used - known)
    assert not missing, f"run `make messages` and translate: {missing}"


@pytest.mark.parametrize("locale", COMPLETE)
def test_the_un_languages_and_german_are_complete(locale):
    po = catalogue(locale)
    untranslated = [e.msgid for e in po if not e.translated()]
    assert not untranslated, f"{locale}: untranslated or fuzzy: {untranslated}"


@pytest.mark.parametrize("locale", ALL)
def test_translations_keep_their_placeholders(locale):
    for entry in catalogue(locale).translated_entries():
        wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) <= wanted, (locale, entry.msgid, form)
            if not entry.msgid_plural:
                assert set(PLACEHOLDER.findall(form)) == wanted, (locale, entry.msgid, form)


@pytest.mark.parametrize("locale", ALL)
def test_the_compiled_catalogues_match_their_sources(locale):
    po = catalogue(locale)
    mo = polib.mofile(str(LOCALE_DIR / locale / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo if e.msgid}
    written = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in po.translated_entries()}
    assert compiled == written, f"{locale}: run `clearinghouse compile_catalogues`"
    assert "Plural-Forms" in mo.metadata


def test_serbian_latin_is_the_transliteration_of_serbian():
    from clearinghouse.vocabularies.transliteration import serbian_to_latin

    latin = {e.msgid: e.msgstr for e in catalogue("sr_Latn").translated_entries()}
    for entry in catalogue("sr").translated_entries():
        if not entry.msgid_plural:
            assert latin.get(entry.msgid) == serbian_to_latin(entry.msgstr), entry.msgid
