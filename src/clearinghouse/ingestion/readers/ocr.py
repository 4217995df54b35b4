"""OCR through the tesseract binary, one page image at a time, each with its own time limit.

The script is found with tesseract's OSD, and for Latin script the language with
lingua on a first pass, so that French pages are read with the French model.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache

from .base import Refused

#: ISO 639-1 → tesseract traineddata
TESSERACT_CODES = {
    "en": "eng",
    "fr": "fra",
    "es": "spa",
    "ru": "rus",
    "ar": "ara",
    "zh": "chi_sim",
    "de": "deu",
    "sq": "sqi",
    "sr": "srp",
    "hr": "hrv",
    "bs": "hrv",
    "mk": "mkd",
    "it": "ita",
    "pt": "por",
    "uk": "ukr",
    "bg": "bul",
}
_SCRIPT_LANGUAGES = {
    "Cyrillic": "rus+srp",
    "Arabic": "ara",
    "Han": "chi_sim",
    "HanS": "chi_sim",
    "HanT": "chi_sim",
}
_SCRIPT = re.compile(r"^Script:\s*(\S+)", re.M)


@cache
def installed_languages() -> frozenset[str]:
    if not shutil.which("tesseract"):
        return frozenset()
    out = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
    )
    return frozenset(line.strip() for line in out.stdout.splitlines()[1:] if line.strip())


def available(codes: str) -> str:
    """The installed subset of ``codes`` ("fra+eng"), or "eng"."""
    have = installed_languages()
    kept = [c for c in codes.split("+") if c in have]
    return "+".join(dict.fromkeys(kept)) or "eng"


def _run(args: list[str], seconds: int) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            ["tesseract", *args], capture_output=True, timeout=seconds, env=env, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise Refused("limit_time", f"OCR of one page took longer than {seconds} s") from exc
    if done.returncode != 0 and not done.stdout:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["failed"]
        raise Refused("ocr_failed", f"OCR failed: {detail[0][:200]}")
    return done.stdout.decode("utf-8", "replace")


def ocr_image(image_path: str, languages: str, seconds: int) -> str:
    if not installed_languages():
        raise Refused("ocr_unavailable", "the file needs OCR but tesseract is not installed")
    return _run([image_path, "stdout", "-l", available(languages), "--psm", "3"], seconds)


def script_languages(image_path: str, seconds: int) -> str:
    """Tesseract languages for the script on the page ("" when it is Latin or unknown)."""
    if "osd" not in installed_languages():
        return ""
    try:
        out = _run([image_path, "stdout", "--psm", "0", "-l", "osd"], seconds)
    except Refused:
        return ""
    match = _SCRIPT.search(out)
    return _SCRIPT_LANGUAGES.get(match.group(1), "") if match else ""


def choose_languages(image_path: str, seconds: int) -> tuple[str, str]:
    """(tesseract languages, the first page's text read with them) for an unknown page."""
    from ..language import detect_languages

    by_script = script_languages(image_path, seconds)
    if by_script:
        return by_script, ocr_image(image_path, by_script, seconds)
    text = ocr_image(image_path, "eng", seconds)
    found = detect_languages(text)
    if found and found[0]["confidence"] >= 0.5:
        code = TESSERACT_CODES.get(found[0]["code"], "eng")
        if code != "eng" and available(code) == code:
            languages = f"{code}+eng"
            return languages, ocr_image(image_path, languages, seconds)
    return "eng", text
