"""Images (scans, photos of pages): OCR of the whole image."""

from __future__ import annotations

from .base import Extracted, ReaderLimits, Refused, clip, tidy
from .ocr import choose_languages, ocr_image


def read_image(path: str, limits: ReaderLimits, kind: str) -> Extracted:
    if not limits.ocr:
        raise Refused("unsupported", "images need OCR, which is switched off")
    if limits.ocr_languages:
        languages, text = (
            limits.ocr_languages,
            ocr_image(path, limits.ocr_languages, limits.ocr_page_seconds),
        )
    else:
        languages, text = choose_languages(path, limits.ocr_page_seconds)
    notes = [f"OCR ({languages})"]
    return Extracted(clip(tidy(text), limits, notes), kind, "", 1, {}, True, notes)
