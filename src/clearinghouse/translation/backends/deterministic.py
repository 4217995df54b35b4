"""A deterministic engine for tests and demos: marks each text with its target language.

``"Handbook"`` en→fr becomes ``"[fr] Handbook"``: nothing is downloaded or guessed, so a
test can assert the exact output, and no one can mistake it for a real translation.
"""

from __future__ import annotations

from .base import TranslationBackend, TranslationUnavailable


class DeterministicBackend(TranslationBackend):
    engine = "Deterministic test engine"

    def pairs(self) -> set[tuple[str, str]]:
        languages = self.params.get("LANGUAGES", ("en", "fr", "es", "ru", "zh", "ar", "de", "sq",
                                                  "sr", "sr-latn", "bs", "hr", "mk"))  # fmt: skip
        return {(a, b) for a in languages for b in languages if a != b}

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if not self.can_translate(source, target):
            raise TranslationUnavailable(f"{self.engine} has no {source}→{target} pair")
        return [f"[{target}] {text}" if text else "" for text in texts]
