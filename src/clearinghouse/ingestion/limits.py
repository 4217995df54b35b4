"""Ingestion limits from ``settings.CLEARINGHOUSE_INGESTION`` (read when used, never at import)."""

from __future__ import annotations

from django.conf import settings

from .readers.base import ReaderLimits
from .readers.ocr import TESSERACT_CODES
from .runner import SandboxLimits

_MB = 1024 * 1024
DEFAULTS = {
    "MAX_UPLOAD_BYTES": 200 * _MB,
    "MEMORY_MB": 1024,
    "CPU_SECONDS": 300,
    "WALL_SECONDS": 600,
    "MAX_OUTPUT_BYTES": 64 * _MB,
    "MAX_PAGES": 5000,
    "MAX_CHARS": 5_000_000,
    "OCR": True,
    "OCR_MAX_PAGES": 100,
    "OCR_DPI": 300,
    "OCR_PAGE_SECONDS": 120,
    "ZIP_MAX_MEMBERS": 5000,
    "ZIP_MAX_TOTAL_BYTES": 512 * _MB,
    "ZIP_MAX_MEMBER_BYTES": 128 * _MB,
    "ZIP_MAX_RATIO": 100,
    "LEASE_SECONDS": 120,
    "MAX_ATTEMPTS": 3,
    "NEAR_DUPLICATE_SIMILARITY": 0.5,
}


def ingestion_setting(name: str):
    return getattr(settings, "CLEARINGHOUSE_INGESTION", {}).get(name, DEFAULTS[name])


def sandbox_limits(language_hint: str = "") -> SandboxLimits:
    """The limits of one extraction; a language hint picks the OCR model up front."""
    s = ingestion_setting
    ocr_languages = ""
    if language_hint:
        code = TESSERACT_CODES.get(language_hint.split("-")[0].lower())
        ocr_languages = f"{code}+eng" if code and code != "eng" else ("eng" if code else "")
    reader = ReaderLimits(
        max_pages=s("MAX_PAGES"),
        max_chars=s("MAX_CHARS"),
        zip_max_members=s("ZIP_MAX_MEMBERS"),
        zip_max_total_bytes=s("ZIP_MAX_TOTAL_BYTES"),
        zip_max_member_bytes=s("ZIP_MAX_MEMBER_BYTES"),
        zip_max_ratio=s("ZIP_MAX_RATIO"),
        ocr=s("OCR"),
        ocr_max_pages=s("OCR_MAX_PAGES"),
        ocr_dpi=s("OCR_DPI"),
        ocr_page_seconds=s("OCR_PAGE_SECONDS"),
        ocr_languages=ocr_languages,
    )
    return SandboxLimits(
        memory_mb=s("MEMORY_MB"),
        cpu_seconds=s("CPU_SECONDS"),
        wall_seconds=s("WALL_SECONDS"),
        max_output_bytes=s("MAX_OUTPUT_BYTES"),
        reader=reader,
    )
