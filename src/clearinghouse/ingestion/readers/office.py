"""DOCX and PPTX: text straight from the OOXML parts (checked ZIP, defused XML)."""

from __future__ import annotations

import re
import zipfile
from xml.etree.ElementTree import Element

from ..safezip import open_zip, read_member
from .base import Extracted, ReaderLimits, Refused, clip, tidy
from .xmlsafe import local, parse_part

_NUMBERED = re.compile(r"(\d+)\.xml$")


def _paragraph_text(root: Element, paragraph: str, text: str) -> str:
    """Text of ``root`` with one line per ``paragraph`` element (w:p or a:p)."""
    lines: list[str] = []

    def walk(el: Element, buf: list[str]) -> None:
        name = local(el.tag)
        if name == text and el.text:
            buf.append(el.text)
        elif name == "tab":
            buf.append("\t")
        elif name in ("br", "cr"):
            buf.append("\n")
        for child in el:
            if local(child.tag) == paragraph:
                inner: list[str] = []
                walk(child, inner)
                lines.append("".join(inner))
            else:
                walk(child, buf)

    rest: list[str] = []
    walk(root, rest)
    if rest:
        lines.append("".join(rest))
    return "\n".join(lines)


def _numbered(names: list[str], prefix: str) -> list[str]:
    found = [n for n in names if n.startswith(prefix) and _NUMBERED.search(n)]
    return sorted(found, key=lambda n: int(_NUMBERED.search(n).group(1)))


def _core_metadata(zf: zipfile.ZipFile, names: list[str], limits: ReaderLimits) -> dict:
    if "docProps/core.xml" not in names:
        return {}
    root = parse_part(read_member(zf, "docProps/core.xml", limits), "docProps/core.xml")
    wanted = {"title": "title", "creator": "author", "created": "created", "modified": "modified"}
    meta = {}
    for el in root:
        key = wanted.get(local(el.tag))
        if key and el.text and el.text.strip():
            meta[key] = el.text.strip()[:500]
    return meta


def _app_pages(zf: zipfile.ZipFile, names: list[str], limits: ReaderLimits) -> int | None:
    if "docProps/app.xml" not in names:
        return None
    root = parse_part(read_member(zf, "docProps/app.xml", limits), "docProps/app.xml")
    for el in root:
        if local(el.tag) == "Pages" and (el.text or "").strip().isdigit():
            return int(el.text.strip())
    return None


def read_docx(path: str, limits: ReaderLimits) -> Extracted:
    notes: list[str] = []
    with open_zip(path, limits) as zf:
        names = zf.namelist()
        parts = ["word/document.xml"]
        parts += [p for p in ("word/footnotes.xml", "word/endnotes.xml") if p in names]
        parts += _numbered(names, "word/header") + _numbered(names, "word/footer")
        chunks = []
        for part in parts:
            root = parse_part(read_member(zf, part, limits), part)
            chunks.append(_paragraph_text(root, "p", "t"))
        metadata = _core_metadata(zf, names, limits)
        pages = _app_pages(zf, names, limits)
    if pages and pages > limits.max_pages:
        raise Refused("too_many_pages", f"{pages} pages (the limit is {limits.max_pages})")
    text = clip(tidy("\n\n".join(chunks)), limits, notes)
    return Extracted(text, "docx", "", pages, metadata, notes=notes)


def read_pptx(path: str, limits: ReaderLimits) -> Extracted:
    notes: list[str] = []
    with open_zip(path, limits) as zf:
        names = zf.namelist()
        slides = _numbered(names, "ppt/slides/slide")
        if len(slides) > limits.max_pages:
            raise Refused(
                "too_many_pages", f"{len(slides)} slides (the limit is {limits.max_pages})"
            )
        chunks = []
        for part in slides + _numbered(names, "ppt/notesSlides/notesSlide"):
            root = parse_part(read_member(zf, part, limits), part)
            chunks.append(_paragraph_text(root, "p", "t"))
        metadata = _core_metadata(zf, names, limits)
    text = clip(tidy("\n\n".join(chunks)), limits, notes)
    return Extracted(text, "pptx", "", len(slides), metadata, notes=notes)
