"""The machine translation engines: ``translation_backends["default"]``, configured by settings.

``CLEARINGHOUSE_TRANSLATION = {"default": {"BACKEND": "dotted.path", ...}}``, imported when
first used, never at import time (as ``search.handler`` does for search engines).
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .backends.base import TranslationBackend

DEFAULT = {"default": {"BACKEND": "clearinghouse.translation.backends.argos.ArgosBackend"}}


class TranslationBackendHandler:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._backends: dict[str, TranslationBackend] = {}

    def __getitem__(self, alias: str) -> TranslationBackend:
        with self._lock:
            backend = self._backends.get(alias)
            if backend is None:
                config = getattr(settings, "CLEARINGHOUSE_TRANSLATION", DEFAULT)
                if alias not in config:
                    raise ImproperlyConfigured(
                        f"no translation engine {alias!r} in CLEARINGHOUSE_TRANSLATION"
                    )
                params = dict(config[alias])
                backend = import_string(params.pop("BACKEND"))(alias, params)
                self._backends[alias] = backend
            return backend

    def reset(self) -> None:
        with self._lock:
            self._backends.clear()


translation_backends = TranslationBackendHandler()
