"""Template helpers for a page in many languages."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from clearinghouse.vocabularies.labels import normal_code
from clearinghouse.vocabularies.lookups import vocabulary_cache

register = template.Library()


@register.simple_tag(takes_context=True)
def alternate_urls(context) -> list[tuple[str, str]]:
    """(language code, this page's URL in that language) for every UI language."""
    request = context.get("request")
    if request is None:
        return []
    path = request.get_full_path()
    return [(code, translate_url(path, code)) for code, _name in settings.LANGUAGES]


@register.filter
def language_name(code: str) -> str:
    """The name of a language (BCP 47 tag) in the UI language: ``fr`` → « Français »."""
    if not code:
        return ""
    return vocabulary_cache.label("language", normal_code(code), get_language() or "en")
