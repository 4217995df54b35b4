"""Bytes to text, and language names or codes to BCP 47, for every import format."""

from __future__ import annotations

import codecs
import re

import pycountry

from clearinghouse.catalog.plain_text import read_plain_text

_CODING = re.compile(rb"coding[:=]\s*([-\w.]+)")
_ALIASES = {"latin-9": "iso-8859-15", "latin-1": "iso-8859-1", "latin9": "iso-8859-15"}


def decode_bytes(data: bytes) -> str:
    """Decode an import file: an Emacs/Python coding cookie in the first two lines wins,
    then BOMs, UTF-8 and Windows-1252 (``catalog.plain_text``)."""
    head = b"\n".join(data.split(b"\n", 2)[:2])
    match = _CODING.search(head)
    if match and not data.startswith(codecs.BOM_UTF8):
        name = match.group(1).decode("ascii", "replace").lower()
        name = _ALIASES.get(name.removesuffix("-unix").removesuffix("-dos"), name)
        name = _ALIASES.get(name, name)
        try:
            return data.decode(name, errors="replace")
        except LookupError:
            pass
    return read_plain_text(data).text.lstrip("\ufeff")


def language_code(value: str) -> str:
    """'en', 'eng', 'English', 'fre', 'fr-CA' → a BCP 47 tag ('' when unknown)."""
    value = (value or "").strip()
    if not value:
        return ""
    if re.fullmatch(r"[A-Za-z]{2}([-_][A-Za-z0-9]{2,8})*", value):
        # Lower case, as the catalogue and Django write tags (sr-latn, zh-hans).
        return value.replace("_", "-").lower()
    lookup = value.lower()
    language = None
    if re.fullmatch(r"[a-z]{3}", lookup):
        language = pycountry.languages.get(alpha_3=lookup) or pycountry.languages.get(
            bibliographic=lookup
        )
    if language is None:
        try:
            language = pycountry.languages.lookup(value)
        except LookupError:
            return ""
    return getattr(language, "alpha_2", "") or getattr(language, "alpha_3", "")


def marc_language(tag: str) -> str:
    """BCP 47 → the MARC (ISO 639-2/B) code; 'und' when unknown."""
    base = (tag or "").split("-")[0].lower()
    language = pycountry.languages.get(alpha_2=base) if len(base) == 2 else None
    if language is None and len(base) == 3:
        language = pycountry.languages.get(alpha_3=base)
    if language is None:
        return "und"
    return getattr(language, "bibliographic", None) or language.alpha_3
