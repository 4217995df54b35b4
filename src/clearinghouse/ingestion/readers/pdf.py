"""PDF: the text layer with PDFium; pages without usable text go to OCR."""

from __future__ import annotations

import math
import os
import re
import tempfile

from .base import Extracted, ReaderLimits, Refused, clip, tidy
from .ocr import choose_languages, ocr_image

_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?")
_MIN_PAGE_CHARS = 30


def _iso_date(value: str) -> str:
    match = _DATE.match(value.strip())
    if not match:
        return value.strip()[:40]
    year, month, day, hour, minute, second = match.groups()
    out = year + (f"-{month}" if month else "") + (f"-{day}" if month and day else "")
    if day and hour:
        out += f"T{hour}:{minute or '00'}:{second or '00'}"
    return out


def _metadata(pdf) -> dict[str, str]:
    try:
        raw = pdf.get_metadata_dict(skip_empty=True)
    except Exception:  # PDFium returns odd bytes for broken info dictionaries
        return {}
    meta = {}
    for source, key in (
        ("Title", "title"),
        ("Author", "author"),
        ("Subject", "subject"),
        ("CreationDate", "created"),
        ("ModDate", "modified"),
    ):
        value = (raw.get(source) or "").replace("\x00", "").strip()
        if value:
            meta[key] = _iso_date(value) if key in ("created", "modified") else value[:500]
    return meta


def _weak(text: str) -> bool:
    """A page whose text layer is missing or garbage (no Unicode mapping)."""
    visible = [c for c in text if not c.isspace()]
    if len(visible) < _MIN_PAGE_CHARS:
        return True
    readable = sum(1 for c in visible if c.isalnum() or c in ".,;:!?()'\"-–—«»“”")
    return readable / len(visible) < 0.6


def _has_eof_marker(path: str) -> bool:
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        if size > 8 * 1024 * 1024:
            fh.seek(size - 1024 * 1024)
        return b"%%EOF" in fh.read()


def _open(path: str):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise Refused(
                "encrypted",
                "the PDF is password-protected; remove the password and ingest it again",
            ) from exc
        if "security" in message.lower():
            raise Refused("encrypted", "the PDF uses an unsupported security handler") from exc
        raise Refused("damaged", f"the PDF cannot be parsed ({message})") from exc


def _page(pdf, index: int):
    import pypdfium2 as pdfium

    try:
        return pdf[index]
    except pdfium.PdfiumError as exc:
        raise Refused(
            "damaged",
            f"page {index + 1} cannot be loaded: the page tree is broken (missing or circular "
            "objects)",
        ) from exc


def _render_pgm(page, limits: ReaderLimits, folder: str, index: int) -> str:
    width, height = page.get_size()
    scale = limits.ocr_dpi / 72
    if width * height * scale * scale > limits.ocr_max_pixels:
        scale = math.sqrt(limits.ocr_max_pixels / max(1.0, width * height))
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        w, h, stride = bitmap.width, bitmap.height, bitmap.stride
        data = bytes(bitmap.buffer)
    finally:
        bitmap.close()
    path = os.path.join(folder, f"page-{index}.pgm")
    with open(path, "wb") as out:
        out.write(f"P5 {w} {h} 255\n".encode("ascii"))
        for row in range(h):
            out.write(data[row * stride : row * stride + w])
    return path


def read_pdf(path: str, limits: ReaderLimits) -> Extracted:
    if not _has_eof_marker(path):
        raise Refused("damaged", "the PDF is truncated: it has no end-of-file marker (%%EOF)")
    pdf = _open(path)
    notes: list[str] = []
    try:
        count = len(pdf)
        if count == 0:
            raise Refused("damaged", "the PDF has no pages")
        if count > limits.max_pages:
            raise Refused("too_many_pages", f"{count} pages (the limit is {limits.max_pages})")
        metadata = _metadata(pdf)
        pages: list[str] = []
        for index in range(count):
            page = _page(pdf, index)
            textpage = page.get_textpage()
            pages.append(textpage.get_text_bounded() or "")
            textpage.close()
            page.close()
        weak = _pages_for_ocr(pdf, pages) if limits.ocr else []
        used_ocr = _ocr_pages(pdf, pages, weak, limits, notes)
    finally:
        pdf.close()
    text = clip(tidy("\n\n".join(pages)), limits, notes)
    return Extracted(text, "pdf", "application/pdf", count, metadata, used_ocr, notes)


def _pages_for_ocr(pdf, pages: list[str]) -> list[int]:
    """Weak pages with images; every weak page when the whole text layer is weak (scans,
    text drawn as curves)."""
    weak = [i for i, text in enumerate(pages) if _weak(text)]
    visible = sum(len("".join(text.split())) for text in pages)
    if visible < _MIN_PAGE_CHARS * len(pages):
        return weak
    import pypdfium2.raw as pdfium_c

    chosen = []
    for index in weak:
        page = pdf[index]
        try:
            images = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)
            if next(iter(images), None) is not None:
                chosen.append(index)
        finally:
            page.close()
    return chosen


def _ocr_pages(pdf, pages: list[str], weak: list[int], limits, notes: list[str]) -> bool:
    if not weak:
        return False
    if len(weak) > limits.ocr_max_pages:
        notes.append(f"OCR limited to {limits.ocr_max_pages} of {len(weak)} pages without text")
        weak = weak[: limits.ocr_max_pages]
    languages = limits.ocr_languages
    used = False
    with tempfile.TemporaryDirectory(prefix="ocr-") as folder:
        for index in weak:
            page = pdf[index]
            try:
                image = _render_pgm(page, limits, folder, index)
            finally:
                page.close()
            if not languages:
                languages, text = choose_languages(image, limits.ocr_page_seconds)
            else:
                text = ocr_image(image, languages, limits.ocr_page_seconds)
            os.unlink(image)
            better = len(text.split()) > len(pages[index].split()) or _weak(pages[index])
            if better and text.strip():
                pages[index] = text
                used = True
    if used:
        notes.append(f"OCR ({languages}) on {len(weak)} page(s)")
    return used
