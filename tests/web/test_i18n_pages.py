"""Every page of the portal, walked in every UI language: no string may stay in English.

Two checks per page. (1) Every gettext lookup made while rendering is recorded; one
that finds no entry in the active language's catalogue is a failure, whether the
catalogue lacks it (nobody ran ``make messages``) or leaves it empty. (2) The rendered
HTML is scanned for English msgids of our catalogue standing alone as a text or an
attribute, outside content marked with its own ``lang`` (titles, abstracts, names),
which catches a string that never went through gettext at all.

The pages are found by crawling from the home page, as a visitor and as staff, so a page
another app adds to the navigation is walked without editing this test. For the six UN
languages and German every page must be complete; for the region's languages the
public pages (home, search, record, browse).
"""

from __future__ import annotations

import functools
import gettext
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import django
import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import trans_real

from clearinghouse.catalog.models import Record
from clearinghouse.catalog.translations import TextVersion, record_text_upsert
from clearinghouse.core.policy import actor_for
from tests.accounts.people import make_account, signed_in

pytestmark = pytest.mark.django_db

COMPLETE = ("fr", "es", "ru", "zh-hans", "ar", "de")
PUBLIC_ONLY = ("sq", "sr", "sr-latn", "bs", "hr", "mk")
PUBLIC_VIEWS = {"web:home", "web:search", "web:record", "web:browse"}
LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
# Pages per view name the crawler visits (records and searches are many; their template
# is one). Never followed: downloads, exports, the API, signing out.
PER_VIEW = 2
SKIP_VIEWS = {"web:download", "accounts:logout"}
SKIP_PREFIXES = ("/api/", "/static/", "/i18n/")
# The admin is Django's own and translated by Django; these pages show our models' names,
# field labels and help texts.
ADMIN_VIEWS = {"admin:index", "admin:catalog_record_changelist", "admin:catalog_record_change"}
# The language switcher names each language in itself (settings.LANGUAGES), on purpose.
AUTONYMS = frozenset(name for _code, name in settings.LANGUAGES)
PUBLIC_SOURCES = ("web/", "accounts/templates/accounts/_nav.html", "dissemination/templates/")


class _Recorder:
    """Wraps Django's translation functions; remembers lookups that found no entry."""

    def __init__(self, monkeypatch):
        self.missing: set[str] = set()
        trans = translation._trans
        for name in ("gettext", "ngettext", "pgettext", "npgettext"):
            original = getattr(trans, name)
            monkeypatch.setattr(trans, name, self._wrap(name, original))

    def _wrap(self, name, original):
        def lookup(*args):
            self._check(name, args)
            return original(*args)

        return lookup

    def _check(self, name, args) -> None:
        active = getattr(trans_real._active, "value", None)
        if active is None or translation.get_language() == "en":
            return
        if name == "gettext":
            key, msgid = args[0], args[0]
        elif name == "ngettext":
            key, msgid = (args[0], 0), args[0]
        elif name == "pgettext":
            key, msgid = f"{args[0]}\x04{args[1]}", args[1]
        else:
            key, msgid = (f"{args[0]}\x04{args[1]}", 0), args[1]
        if not msgid or not msgid.strip() or key in active._catalog or msgid in AUTONYMS:
            return
        if msgid in django_msgids() and msgid not in our_msgids():
            return  # Django's own string: Django's translators' business
        self.missing.add(msgid)


@functools.cache
def django_msgids() -> frozenset[str]:
    """Every string Django itself translates (from its French catalogues)."""
    root = Path(django.__file__).parent
    found: set[str] = set()
    for mo in (*root.glob("conf/locale/fr/LC_MESSAGES/django.mo"),
               *root.glob("contrib/*/locale/fr/LC_MESSAGES/django.mo")):  # fmt: skip
        with open(mo, "rb") as handle:
            found |= {k for k in gettext.GNUTranslations(handle)._catalog if isinstance(k, str)}
    return frozenset(found)


@functools.cache
def our_msgids() -> frozenset[str]:
    return frozenset(e.msgid for e in polib.pofile(str(LOCALE_DIR / "fr/LC_MESSAGES/django.po")))


class _Visible(HTMLParser):
    """Text and user-visible attributes outside elements that declare their own language."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "value")

    def __init__(self, page_language: str, *, admin: bool = False):
        super().__init__()
        self.page_language = page_language
        # Django's admin templates carry one untranslated alt text ("Search" on an icon).
        self.attributes = tuple(a for a in self.ATTRIBUTES if not (admin and a == "alt"))
        self.stack: list[bool] = []  # True: inside content in another (or unknown) language
        self.skip = 0  # inside <script>/<style>
        self.pieces: list[str] = []

    def _foreign(self, attrs) -> bool:
        lang = dict(attrs).get("lang")
        inherited = bool(self.stack and self.stack[-1])
        return inherited if lang is None else lang.lower() != self.page_language

    def handle_starttag(self, tag, attrs):
        foreign = self._foreign(attrs)
        if not foreign:
            values = dict(attrs)
            hidden = values.get("type") == "hidden"
            self.pieces += [
                values[a] for a in self.attributes if values.get(a) and not (hidden or a == "value")
            ]
            if tag in ("input", "button") and values.get("type") in ("submit", "button"):
                self.pieces.append(values.get("value") or "")
        if tag in ("script", "style"):
            self.skip += 1
        if tag not in self.VOID:
            self.stack.append(foreign)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self.skip and not (self.stack and self.stack[-1]) and data.strip():
            self.pieces.append(data.strip())


def _english_msgids(locale: str, public_only: bool) -> set[str]:
    """Our msgids as they would render in English, unless the translation is the same words."""
    po = polib.pofile(str(LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"))
    found = set()
    for entry in po:
        if entry.msgid_plural or "%" in entry.msgid or len(entry.msgid) < 4:
            continue
        if public_only and not _is_public(entry):
            continue
        if entry.msgstr != entry.msgid:
            found.add(entry.msgid)
    return found


def _is_public(entry) -> bool:
    return any(path.startswith(PUBLIC_SOURCES) for path, _line in entry.occurrences)


def _locale(language: str) -> str:
    return trans_real.to_locale(language)


def _view_name(url: str, language: str) -> str:
    # A language prefix resolves only while that language is active.
    with translation.override(language):
        return resolve(urlsplit(url).path).view_name


def _links(html: str) -> list[str]:
    return re.findall(r'href="(/[^"#]*)"', html.replace("&amp;", "&"))


def crawl(client, start: list[str], language: str, limit: int = 80) -> dict[str, str]:
    """Pages reachable from ``start`` in ``language`` (path → HTML), a few per view."""
    prefix = f"/{language}/"
    seen_views: dict[str, int] = {}
    pages: dict[str, str] = {}
    queue = deque(start)
    visited: set[str] = set()
    while queue and len(pages) < limit:
        url = queue.popleft()
        if url in visited or not url.startswith(prefix) or url.startswith(SKIP_PREFIXES):
            continue
        visited.add(url)
        try:
            view = _view_name(url, language)
        except Resolver404:
            continue
        admin = view.startswith("admin:") and view not in ADMIN_VIEWS
        if admin or view in SKIP_VIEWS or seen_views.get(view, 0) >= PER_VIEW:
            continue
        seen_views[view] = seen_views.get(view, 0) + 1
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        queue.extend(_links(html))
    return pages


@pytest.fixture
def translated_record(demo_catalogue):
    """An English record with a reviewed French and an unreviewed machine Spanish version."""
    staff = make_account("analyst")
    actor = actor_for(staff, verified=True)
    record = Record.objects.get(identifier="demo:seed-report")
    record_text_upsert(
        actor=actor,
        record=record,
        language="fr",
        data=TextVersion(
            title="La traite, l'esclavage et le maintien de la paix",
            translator="Traductrice de test",
            reviewed=True,
        ),
    )
    record_text_upsert(
        actor=actor,
        record=record,
        language="es",
        data=TextVersion(
            title="[es] Trafficking, Slavery and Peacekeeping",
            method="machine",
            translator="Deterministic test engine (en→es)",
        ),
    )
    return record, staff


def _walk(client, language: str, extra: list[str], public_only: bool):
    """Crawl from the home page and ``extra``; the pages, and English found in them."""
    prefix = f"/{language}"
    pages = crawl(client, [f"{prefix}/", *(f"{prefix}{path}" for path in extra)], language)
    english = _english_msgids(_locale(language), public_only)
    failures = []
    for url, html in pages.items():
        view = _view_name(url, language)
        if public_only and view not in PUBLIC_VIEWS:
            continue
        parser = _Visible(language, admin=view.startswith("admin:"))
        parser.feed(html)
        leaked = sorted({piece for piece in parser.pieces if piece in english})
        if leaked:
            failures.append(f"{url}: English left in the page: {leaked}")
    return pages, failures


def _public_paths(record) -> list[str]:
    return [
        "/search/?q=trafficking",
        "/search/?q=zzzqqqxxx",
        "/search/?q=&f=topic:trafficking-in-persons&f=kind:publication",
        f"/records/{record.pk}/",
        *(f"/browse/{facet}/" for facet in ("audience", "topic", "country", "language")),
    ]


@pytest.mark.parametrize("language", COMPLETE + PUBLIC_ONLY)
def test_every_page_is_translated(language, translated_record, monkeypatch):
    record, staff = translated_record
    public_only = language in PUBLIC_ONLY
    recorder = _Recorder(monkeypatch)
    visits = [(Client(), _public_paths(record))]
    if not public_only:
        staff_paths = [
            "/staff/translations/",
            f"/staff/translations/records/{record.pk}/",
            f"/staff/translations/records/{record.pk}/es/",
            f"/staff/translations/records/{record.pk}/de/",
            "/admin/",
            f"/admin/catalog/record/{record.pk}/change/",
        ]
        visits += [(signed_in(make_account("reader")), []), (signed_in(staff), staff_paths)]
    pages: dict[str, str] = {}
    failures: list[str] = []
    for client, paths in visits:
        found, leaks = _walk(client, language, paths, public_only)
        pages |= found
        failures += leaks
    assert any("/records/" in url for url in pages) and any("/browse/" in url for url in pages)
    if not public_only:
        assert any("/staff/translations/" in url for url in pages)
        assert any("/admin/catalog/record/" in url for url in pages)
    missing = recorder.missing
    if public_only:
        po = polib.pofile(str(LOCALE_DIR / _locale(language) / "LC_MESSAGES" / "django.po"))
        missing &= {entry.msgid for entry in po if _is_public(entry)}
    assert not missing, f"{language}: no translation for {sorted(missing)}"
    assert not failures, "\n".join(failures)


def test_arabic_pages_are_right_to_left(client, demo_catalogue):
    for path in ("/ar/", "/ar/search/?q=trafficking", "/ar/browse/topic/"):
        html = client.get(path).content.decode()
        assert '<html lang="ar" dir="rtl">' in html, path
    assert '<html lang="fr" dir="ltr">' in client.get("/fr/").content.decode()
