"""What a reader returns, and how it refuses a file.

Readers run inside the sandbox process (see ``sandbox.py``): they import no Django
and trust nothing in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class Refused(Exception):  # noqa: N818 - a verdict, not an error in our code
    """The file is not ingested; ``code`` classifies, ``reason`` tells staff why."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class ReaderLimits:
    """Limits a reader enforces itself (the OS enforces CPU, memory and output size)."""

    max_pages: int = 2000
    max_chars: int = 5_000_000
    zip_max_members: int = 5000
    zip_max_total_bytes: int = 512 * 1024 * 1024
    zip_max_member_bytes: int = 128 * 1024 * 1024
    zip_max_ratio: int = 100
    ocr: bool = True
    ocr_max_pages: int = 50
    ocr_dpi: int = 300
    ocr_max_pixels: int = 30_000_000
    ocr_page_seconds: int = 120
    ocr_languages: str = ""  # tesseract codes, e.g. "fra+eng"; empty: detect
    language_sample_chars: int = 20_000


@dataclass
class Extracted:
    text: str
    kind: str
    media_type: str
    page_count: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    ocr: bool = False
    notes: list[str] = field(default_factory=list)


def clip(text: str, limits: ReaderLimits, notes: list[str]) -> str:
    if len(text) > limits.max_chars:
        notes.append(f"text cut at {limits.max_chars} characters")
        return text[: limits.max_chars]
    return text


def tidy(text: str) -> str:
    """Collapse runs of blank lines and trailing spaces; drop NULs (PostgreSQL refuses them)."""
    lines = [line.rstrip() for line in text.replace("\x00", "").splitlines()]
    out: list[str] = []
    blank = 0
    for line in lines:
        blank = blank + 1 if not line else 0
        if blank <= 1:
            out.append(line)
    return "\n".join(out).strip()
