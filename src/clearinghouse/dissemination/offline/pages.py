"""The edition's pages: the portal's look, rendered by Django templates into files.

Every link is relative (``R`` is the way back to the edition's root, ``L`` the UI language's
folder), nothing refers to a network address, and nothing depends on the clock: the same
catalogue gives byte-identical pages.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from clearinghouse.catalog.models import Record, RecordFile
from clearinghouse.catalog.selectors import record_detail
from clearinghouse.core.policy import Actor
from clearinghouse.web.facets import FACET_TITLES, facet_label

from ..formats import citations
from ..formats.registry import EXPORTS
from ..formats.view import bib_records

BROWSABLE = ("audience", "topic", "country", "region", "resource_type", "language")
#: Export formats written once per record (language-independent data files).
RECORD_EXPORTS = ("bibtex", "ris", "csl-json", "jsonld")
#: Joliet (the ISO's Unicode names) allows 64 characters per name: every file name fits it.
MAX_NAME = 64
_UNSAFE = set('/\\:*?"<>|')


@dataclass(frozen=True)
class EditionFile:
    record_file: RecordFile
    path: str  # relative to the edition root
    label: str
    size: int
    language: str


def safe_name(name: str, taken: set[str]) -> str:
    """A file name fit for every file system and for Joliet, Unicode kept (NFC)."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(
        "_" if c in _UNSAFE or unicodedata.category(c)[0] == "C" else c for c in name
    ).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ext[:10]
    room = MAX_NAME - (len(ext) + 1 if ext else 0) - 3
    stem = (stem or "file")[:room].rstrip(" .") or "file"
    candidate, n = f"{stem}.{ext}" if ext else stem, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
    taken.add(candidate.casefold())
    return candidate


def edition_files(record: Record, chosen: list[RecordFile]) -> list[EditionFile]:
    taken: set[str] = set()
    return [
        EditionFile(
            record_file=f,
            path=f"files/{record.pk}/{safe_name(f.original_name, taken)}",
            label=f.label or f.original_name,
            size=f.blob.size,
            language=f.language,
        )
        for f in chosen
    ]


class PageWriter:
    """Renders pages for one edition into ``root``."""

    def __init__(self, root: Path, ui_languages: tuple[str, ...], group: str | None, about: dict):
        self.root = root
        self.ui_languages = ui_languages
        self.group = group
        self.about = about
        names = dict(settings.LANGUAGES)
        self.switch = [(code, names.get(code, code)) for code in ui_languages]

    def write(self, relative: str, template: str, context: dict, language: str) -> None:
        depth = relative.count("/")
        page = relative.split("/", 1)[1] if "/" in relative else "index.html"
        with translation.override(language):
            html = render_to_string(
                template,
                {
                    "R": "../" * depth,
                    "L": language,
                    "page": page,
                    "switch": self.switch,
                    "group": self.group,
                    **context,
                },
            )
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")

    def home(self, language: str, records: list[Record], relative: str, gaps: bool) -> None:
        counts: dict[str, int] = {}
        for record in records:
            counts[record.kind] = counts.get(record.kind, 0) + 1
        latest = sorted(records, key=lambda r: (-(r.year or 0), r.pk))[:5]
        with translation.override(language):
            kinds = [(k.value, str(k.label), counts.get(k.value, 0)) for k in Record.Kind]
            browse = [(name, str(FACET_TITLES[name])) for name in BROWSABLE]
            hits = [_Hit(r, r.text_for(language)) for r in latest]
        self.write(
            relative,
            "offline/home.html",
            {
                "counts": kinds,
                "total": len(records),
                "browse": browse,
                "latest": hits,
                "gaps": gaps,
            },
            language,
        )

    def browse(self, language: str, facet: str, counts: dict[str, int]) -> None:
        with translation.override(language):
            values = sorted(
                ((facet_label(facet, code, language), code, n) for code, n in counts.items()),
                key=lambda v: (v[0].casefold(), v[1]),
            )
            title = str(FACET_TITLES[facet])
        self.write(
            f"{language}/browse/{facet}.html",
            "offline/browse.html",
            {"facet": facet, "title": title, "values": values},
            language,
        )

    def search(self, language: str) -> None:
        with translation.override(language):
            titles = {name: str(title) for name, title in FACET_TITLES.items()}
            kinds = {k.value: str(k.label) for k in Record.Kind}
        self.write(
            f"{language}/search.html",
            "offline/search.html",
            {
                "facet_titles": json.dumps(titles, ensure_ascii=False, sort_keys=True),
                "kind_labels": json.dumps(kinds, ensure_ascii=False, sort_keys=True),
            },
            language,
        )

    def simple(self, language: str, name: str, context: dict) -> None:
        self.write(f"{language}/{name}.html", f"offline/{name}.html", context, language)

    def record(
        self,
        actor: Actor,
        language: str,
        record: Record,
        files: list[EditionFile],
        visible: set[int],
    ) -> None:
        with translation.override(language):
            detail = record_detail(actor, record.pk, language)
            if detail is None:  # the policy changed its mind since selection: leave it out
                return
            bib = next(bib_records(actor, [record]), None)
            cites = citations.citations(bib, language) if bib else []
            exports = [(str(EXPORTS[n].label), export_path(record.pk, n)) for n in RECORD_EXPORTS]
        self.write(
            f"{language}/records/{record.pk}.html",
            "offline/record.html",
            {
                "d": detail,
                "files": files,
                "citations": cites,
                "exports": exports,
                # Related records are linked only when they are in this edition.
                "supersedes": detail.supersedes is not None and detail.supersedes.pk in visible,
                "superseded_by": detail.superseded_by is not None
                and detail.superseded_by.pk in visible,
            },
            language,
        )


@dataclass
class _Hit:
    record: Record
    text: object

    @property
    def title(self) -> str:
        return self.text.title if self.text else ""

    @property
    def language(self) -> str:
        return self.text.language if self.text else self.record.original_language


def export_path(record_id: int, format_name: str) -> str:
    return f"data/{record_id}.{format_name}.{EXPORTS[format_name].extension}"


def write_exports(actor: Actor, record: Record, root: Path) -> None:
    """The record in each export format, read once into a BibRecord for all of them."""
    bib = next(bib_records(actor, [record]), None)
    if bib is None:
        return
    for name in RECORD_EXPORTS:
        text = "".join(EXPORTS[name].module.serialize([bib]))
        target = root / export_path(record.pk, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
