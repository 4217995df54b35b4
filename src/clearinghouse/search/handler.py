"""The search backend registry: ``search_backends["default"]``, configured by settings.

Like ``django.db.connections``: the backend class is named in a settings dict
(``CLEARINGHOUSE_SEARCH = {"default": {"BACKEND": "dotted.path", ...}}``) and
imported when first used, never at import time.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .backends.base import SearchBackend


class SearchBackendHandler:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._backends: dict[str, SearchBackend] = {}

    def settings_for(self, alias: str) -> dict:
        config = getattr(settings, "CLEARINGHOUSE_SEARCH", {})
        if alias not in config:
            raise ImproperlyConfigured(f"no search backend {alias!r} in CLEARINGHOUSE_SEARCH")
        return dict(config[alias])

    def __getitem__(self, alias: str) -> SearchBackend:
        with self._lock:
            backend = self._backends.get(alias)
            if backend is None:
                params = self.settings_for(alias)
                cls = import_string(params.pop("BACKEND"))
                backend = cls(alias, params)
                self._backends[alias] = backend
            return backend

    def reset(self) -> None:
        """Forget every backend (tests and settings changes)."""
        with self._lock:
            self._backends.clear()


search_backends = SearchBackendHandler()
