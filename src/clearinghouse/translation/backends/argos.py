"""Argos Translate: offline neural machine translation, optional.

Argos and its language packages are installed separately (``pip install argostranslate``,
then e.g. ``argospm install translate-en_fr``), so this engine may be absent: ``check``
says what is missing in a sentence a person can act on, and nothing is imported until
the engine is used.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

from .base import TranslationBackend, TranslationUnavailable

# Our language codes → Argos's (Argos has no Serbian Latin, Bosnian or Croatian package).
_ARGOS_CODES = {"zh-hans": "zh", "zh": "zh"}


def _argos_code(language: str) -> str:
    language = language.lower()
    return _ARGOS_CODES.get(language, language)


class ArgosBackend(TranslationBackend):
    engine = "Argos Translate"

    def _module(self) -> Any:
        try:
            import argostranslate.translate
        except ImportError as error:
            raise TranslationUnavailable(
                "Argos Translate is not installed: pip install argostranslate, then install "
                "its language packages (for example: argospm install translate-en_fr)."
            ) from error
        return argostranslate.translate

    def _languages(self) -> dict[str, Any]:
        return {lang.code: lang for lang in self._module().get_installed_languages()}

    def check(self) -> list[str]:
        try:
            languages = self._languages()
        except TranslationUnavailable as error:
            return [str(error)]
        if not any(lang.translations_from for lang in languages.values()):
            return [
                "Argos Translate is installed but has no language package: install one with "
                "argospm (for example: argospm install translate-en_fr)."
            ]
        return []

    def pairs(self) -> set[tuple[str, str]]:
        try:
            languages = self._languages()
        except TranslationUnavailable:
            return set()
        return {
            (translation.from_lang.code, translation.to_lang.code)
            for lang in languages.values()
            for translation in lang.translations_from
        }

    def can_translate(self, source: str, target: str) -> bool:
        return (_argos_code(source), _argos_code(target)) in self.pairs()

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        languages = self._languages()
        source_lang = languages.get(_argos_code(source))
        target_lang = languages.get(_argos_code(target))
        translation = (
            source_lang.get_translation(target_lang) if source_lang and target_lang else None
        )
        if translation is None:
            raise TranslationUnavailable(
                f"Argos Translate has no {source}→{target} language package installed "
                f"(argospm install translate-{_argos_code(source)}_{_argos_code(target)})."
            )
        return [translation.translate(text) if text else "" for text in texts]

    def describe(self, source: str, target: str) -> str:
        try:
            version = metadata.version("argostranslate")
        except metadata.PackageNotFoundError:
            version = ""
        name = f"{self.engine} {version}".strip()
        return f"{name} ({source}→{target})"
