"""The plain-text reader: bytes in any common encoding to text (richer readers come later)."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

MAX_CHARS = 5_000_000


@dataclass
class PlainText:
    text: str
    encoding: str


def read_plain_text(data: bytes) -> PlainText:
    """Decode ``data``: BOMs first, then UTF-8, then common single-byte code pages."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return PlainText(data.decode(encoding, errors="replace")[:MAX_CHARS], encoding)
    try:
        return PlainText(data.decode("utf-8")[:MAX_CHARS], "utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    return PlainText(text.replace("\x00", "")[:MAX_CHARS], "cp1252")
