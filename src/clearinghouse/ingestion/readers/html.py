"""Web pages: the main text (not navigation) with trafilatura, plain body text as a fallback."""

from __future__ import annotations

import re

from .base import Extracted, ReaderLimits, clip, tidy
from .text import decode

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_DROP = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template")


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _body_text(html: str) -> tuple[str, str]:
    """All visible text but obvious boilerplate, and the <title>."""
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(html)
    except Exception:  # lxml raises several types for garbage
        return re.sub(r"<[^>]+>", " ", html), ""
    title = (root.findtext(".//title") or "").strip()
    for el in root.xpath("|".join(f"//{t}" for t in _DROP)):
        el.drop_tree()
    body = root.find("body")
    return (body if body is not None else root).text_content(), title


def read_html(path: str, limits: ReaderLimits) -> Extracted:
    with open(path, "rb") as fh:
        data = fh.read(limits.max_chars * 4 + 4)
    html, encoding = decode(data, _declared_charset(data))
    notes = [f"decoded as {encoding}"]
    metadata: dict[str, str] = {}
    text = ""
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(
            html, include_comments=False, include_tables=True, with_metadata=True
        )
    except Exception as exc:  # trafilatura is best effort; the fallback reads everything
        notes.append(f"main-text extraction failed ({type(exc).__name__}); used the whole page")
        doc = None
    if doc is not None:
        text = doc.text or ""
        for key in ("title", "author", "date"):
            value = getattr(doc, key, None)
            if value:
                metadata["created" if key == "date" else key] = str(value)[:500]
    fallback, title = _body_text(html)
    if len(text.strip()) < 40 and len(fallback.strip()) > len(text.strip()):
        text = fallback
        notes.append("page too small for main-text extraction; used the whole body")
    if title and "title" not in metadata:
        metadata["title"] = title[:500]
    return Extracted(
        clip(tidy(text), limits, notes), "html", "text/html", None, metadata, notes=notes
    )
