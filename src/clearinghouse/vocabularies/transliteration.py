"""Serbian is written in two scripts with a one-to-one correspondence (Vuk's alphabet and
Gaj's Latin alphabet), so a label in one script gives the label in the other."""

from __future__ import annotations

import re

_CYRILLIC = "абвгдђежзијклљмнњопрстћуфхцчџш"
_LATIN = ["a", "b", "v", "g", "d", "đ", "e", "ž", "z", "i", "j", "k", "l", "lj", "m", "n", "nj",
          "o", "p", "r", "s", "t", "ć", "u", "f", "h", "c", "č", "dž", "š"]  # fmt: skip
_TO_LATIN = {c: lat for c, lat in zip(_CYRILLIC, _LATIN, strict=True)}
_TO_LATIN |= {c.upper(): lat.capitalize() for c, lat in zip(_CYRILLIC, _LATIN, strict=True)}
_TO_CYRILLIC = {lat: c for c, lat in _TO_LATIN.items()}
# Digraphs first, so "lj" becomes љ rather than л + ј.
_LATIN_UNITS = re.compile("|".join(sorted(map(re.escape, _TO_CYRILLIC), key=len, reverse=True)))
_DIGRAPH_CAPS = {"LJ": "Љ", "NJ": "Њ", "DŽ": "Џ"}


def serbian_to_latin(text: str) -> str:
    latin = "".join(_TO_LATIN.get(char, char) for char in text)
    # Љ, Њ, Џ inside an upper-case word are LJ, NJ, DŽ rather than Lj, Nj, Dž.
    return re.sub(r"(?<=[A-ZČĆĐŠŽ])(Lj|Nj|Dž)|(Lj|Nj|Dž)(?=[A-ZČĆĐŠŽ])", _upper_digraph, latin)


def _upper_digraph(match: re.Match[str]) -> str:
    return match.group(0).upper()


def serbian_to_cyrillic(text: str) -> str:
    for digraph, letter in _DIGRAPH_CAPS.items():
        text = text.replace(digraph, letter)
    return _LATIN_UNITS.sub(lambda m: _TO_CYRILLIC[m.group(0)], text)
