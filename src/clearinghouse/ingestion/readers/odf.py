"""OpenDocument text and presentations (ODT, ODP): content.xml and meta.xml."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from ..safezip import open_zip, read_member
from .base import Extracted, ReaderLimits, Refused, clip, tidy
from .xmlsafe import local, parse_part

_BLOCKS = {"p", "h"}
_SKIP = {"annotation", "tracked-changes", "notes-configuration"}


def _text(root: Element) -> str:
    lines: list[str] = []

    def inline(el: Element, buf: list[str]) -> None:
        if el.text:
            buf.append(el.text)
        for child in el:
            name = local(child.tag)
            if name == "s":
                count = child.get("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}c", "1")
                buf.append(" " * min(int(count) if count.isdigit() else 1, 100))
            elif name == "tab":
                buf.append("\t")
            elif name == "line-break":
                buf.append("\n")
            elif name in _BLOCKS:
                block(child)
            elif name not in _SKIP:
                inline(child, buf)
            if child.tail:
                buf.append(child.tail)

    def block(el: Element) -> None:
        buf: list[str] = []
        inline(el, buf)
        lines.append("".join(buf))

    def walk(el: Element) -> None:
        for child in el:
            name = local(child.tag)
            if name in _BLOCKS:
                block(child)
            elif name not in _SKIP:
                walk(child)

    walk(root)
    return "\n".join(lines)


def _metadata(root: Element) -> tuple[dict, int | None]:
    wanted = {
        "title": "title",
        "initial-creator": "author",
        "creator": "last_author",
        "creation-date": "created",
        "date": "modified",
    }
    meta: dict[str, str] = {}
    pages = None
    for el in root.iter():
        name = local(el.tag)
        key = wanted.get(name)
        if key and el.text and el.text.strip() and key not in meta:
            meta[key] = el.text.strip()[:500]
        if name == "document-statistic":
            for attr, value in el.attrib.items():
                if local(attr) == "page-count" and value.isdigit():
                    pages = int(value)
    if "author" not in meta and "last_author" in meta:
        meta["author"] = meta["last_author"]
    meta.pop("last_author", None)
    return meta, pages


def read_odf(path: str, limits: ReaderLimits, kind: str) -> Extracted:
    notes: list[str] = []
    with open_zip(path, limits) as zf:
        names = zf.namelist()
        if "META-INF/manifest.xml" in names:
            manifest = read_member(zf, "META-INF/manifest.xml", limits)
            parse_part(manifest, "META-INF/manifest.xml")
            if b"encryption-data" in manifest:
                raise Refused(
                    "encrypted",
                    "the OpenDocument file is password-protected; save it without a password",
                )
        if "content.xml" not in names:
            raise Refused("damaged", "the OpenDocument file has no content.xml")
        root = parse_part(read_member(zf, "content.xml", limits), "content.xml")
        metadata, pages = ({}, None)
        if "meta.xml" in names:
            metadata, pages = _metadata(parse_part(read_member(zf, "meta.xml", limits), "meta.xml"))
    if kind == "odp":
        pages = sum(1 for el in root.iter() if local(el.tag) == "page")
    if pages and pages > limits.max_pages:
        raise Refused("too_many_pages", f"{pages} pages (the limit is {limits.max_pages})")
    text = clip(tidy(_text(root)), limits, notes)
    return Extracted(text, kind, "", pages, metadata, notes=notes)
