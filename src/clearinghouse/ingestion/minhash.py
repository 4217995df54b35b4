"""Near-duplicate detection: MinHash over word shingles, LSH bands for candidate lookup."""

from __future__ import annotations

import hashlib
import re

import numpy as np

PERMUTATIONS = 128
BANDS = 32  # 4 rows per band: pairs above ~0.6 similarity almost always share a band
SHINGLE = 3
_MERSENNE = np.uint64((1 << 61) - 1)
_rng = np.random.RandomState(1_2002)  # fixed: signatures must stay comparable forever
_A = _rng.randint(1, 1 << 32, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.randint(0, 1 << 31, size=PERMUTATIONS, dtype=np.uint64)
_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def shingles(text: str) -> set[bytes]:
    """Word 3-grams of the case-folded text (character 3-grams for CJK, which has no spaces)."""
    words = _WORD.findall(text.casefold())
    if _CJK.search(text[:2000]):
        joined = "".join(words)
        return {joined[i : i + SHINGLE].encode() for i in range(max(1, len(joined) - 2))}
    if len(words) < SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def signature(text: str) -> bytes | None:
    """128 32-bit minimum hashes as bytes; None for text without words."""
    grams = shingles(text)
    if not grams:
        return None
    hashes = np.fromiter(
        (int.from_bytes(hashlib.blake2b(g, digest_size=4).digest(), "little") for g in grams),
        dtype=np.uint64,
        count=len(grams),
    )
    minimum = np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(hashes), 4096):
        chunk = hashes[start : start + 4096, None]
        values = ((chunk * _A + _B) % _MERSENNE) & np.uint64(0xFFFFFFFF)
        minimum = np.minimum(minimum, values.min(axis=0))
    return minimum.astype("<u4").tobytes()


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    left = np.frombuffer(a, dtype="<u4")
    right = np.frombuffer(b, dtype="<u4")
    return float(np.mean(left == right))


def bands(sig: bytes) -> list[int]:
    """One signed 64-bit value per band (fits a BigIntegerField)."""
    rows = len(sig) // BANDS
    return [
        int.from_bytes(
            hashlib.blake2b(sig[i * rows : (i + 1) * rows], digest_size=8).digest(),
            "little",
            signed=True,
        )
        for i in range(BANDS)
    ]
