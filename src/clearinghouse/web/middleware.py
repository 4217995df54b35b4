"""The reader's language choice, remembered across visits.

Django's LocaleMiddleware shows an unprefixed URL in the default language whatever the
language cookie says (``prefix_default_language=False``). A reader who chose French with
the switcher (which sets the cookie) and later opens ``/search/`` from a bookmark is sent
to ``/fr/search/`` instead. Only an explicit choice counts: the browser's Accept-Language
is not followed, so the unprefixed URLs stay stable for crawlers and shared links.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import translate_url
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_path


def preferred_language(request: HttpRequest) -> str | None:
    """The language the reader chose, when it is a UI language other than the default."""
    chosen = (request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or "").lower()
    codes = {code.lower() for code, _name in settings.LANGUAGES}
    if chosen in codes and chosen != settings.LANGUAGE_CODE.lower():
        return chosen
    return None


class RememberedLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        unprefixed = get_language_from_path(request.path_info) is None
        if unprefixed and request.method in ("GET", "HEAD"):
            language = preferred_language(request)
            if language:
                current = request.get_full_path()
                target = translate_url(current, language)
                if target != current:
                    response = HttpResponseRedirect(target)
                    patch_vary_headers(response, ("Cookie",))
                    return response
        response = self.get_response(request)
        if unprefixed:
            patch_vary_headers(response, ("Cookie",))
        return response
