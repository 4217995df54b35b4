"""File names from the outside world: judged, then kept only in a safe display form.

A name is metadata (content lives under its SHA-256), so a hostile name can never
become a path; it is still refused for ingestion because it is built to mislead
the people and programs that display it.
"""

from __future__ import annotations

import unicodedata

MAX_NAME_CHARS = 255
#: Bidirectional controls that can make ``gpj.exe`` look like ``exe.jpg``.
BIDI_CONTROLS = {
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
}


def name_problem(name: str) -> str:
    """Why ``name`` is unsafe, in words for staff; empty when it is fine."""
    if not name or not name.strip():
        return "the file has no name"
    if len(name) > MAX_NAME_CHARS or len(name.encode("utf-8", "surrogatepass")) > 1024:
        return f"the file name is {len(name)} characters long (the limit is {MAX_NAME_CHARS})"
    if "\x00" in name:
        return "the file name contains a NUL character"
    bidi = sorted({f"U+{ord(c):04X}" for c in name if c in BIDI_CONTROLS})
    if bidi:
        return (
            f"the file name contains a bidirectional control ({', '.join(bidi)}) "
            "that can disguise its real extension"
        )
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in name):
        return "the file name contains control characters"
    parts = name.replace("\\", "/").split("/")
    if len(parts) > 1 or name.startswith("~"):
        if ".." in parts:
            return "the file name contains a parent-directory reference (../)"
        return "the file name contains a path separator"
    if name in {".", ".."}:
        return "the file name is a directory reference"
    return ""


def safe_display_name(name: str, limit: int = 200) -> str:
    """A printable, single-line, bounded form of ``name`` for storage and display."""
    out = []
    for char in name:
        if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cf", "Cs"):
            out.append(f"\\u{ord(char):04x}")
        elif char in "/\\":
            out.append("_")
        else:
            out.append(char)
    safe = "".join(out).strip() or "unnamed"
    if len(safe) > limit:
        head, dot, ext = safe.rpartition(".")
        tail = f".{ext}" if dot and len(ext) <= 10 else ""
        safe = safe[: limit - len(tail) - 1] + "…" + tail
    return safe


def extension(name: str) -> str:
    """Lower-case extension without the dot ('' when there is none)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if "." not in base.strip("."):
        return ""
    return base.rsplit(".", 1)[-1].lower()[:16]
