"""The contract of a machine translation engine: what it can translate, and translating."""

from __future__ import annotations

from typing import Any


class TranslationUnavailable(RuntimeError):
    """The engine cannot translate this pair here: not installed, or no language package."""


class TranslationBackend:
    """Built from its settings dict; holds no global state; imports its engine lazily."""

    #: The engine's name as a translation's "translated by" records it.
    engine = "base"

    def __init__(self, alias: str, params: dict[str, Any]):
        self.alias = alias
        self.params = params

    def check(self) -> list[str]:
        """Problems that stop this engine from translating anything, as sentences."""
        return []

    def pairs(self) -> set[tuple[str, str]]:
        """(source, target) language pairs this engine can translate now."""
        raise NotImplementedError

    def can_translate(self, source: str, target: str) -> bool:
        return (source, target) in self.pairs()

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """``texts`` in ``target``, in order; raises TranslationUnavailable for a missing pair."""
        raise NotImplementedError

    def describe(self, source: str, target: str) -> str:
        """The translator as a translation records it, e.g. ``Argos Translate 1.9 (en→fr)``."""
        return f"{self.engine} ({source}→{target})"
