"""Fast, cached reads of vocabularies: labels for codes, concepts by scheme."""

from __future__ import annotations

import threading
import time

from .labels import pick_label
from .models import Concept, Scheme


class VocabularyCache:
    """Process-local cache of every concept's labels, refreshed after ``ttl`` seconds."""

    def __init__(self, ttl: float = 60.0):
        self.ttl = ttl
        self._lock = threading.Lock()
        self._loaded_at = 0.0
        self._concepts: dict[str, dict[str, dict]] = {}

    def clear(self) -> None:
        with self._lock:
            self._loaded_at = 0.0
            self._concepts = {}

    def _data(self) -> dict[str, dict[str, dict]]:
        now = time.monotonic()
        with self._lock:
            if not self._concepts or now - self._loaded_at > self.ttl:
                data: dict[str, dict[str, dict]] = {}
                rows = Concept.objects.values_list(
                    "scheme_id", "code", "labels", "alt_labels", "broader__code", "position"
                )
                for scheme, code, labels, alt, broader, position in rows:
                    data.setdefault(scheme, {})[code] = {
                        "labels": labels,
                        "alt_labels": alt,
                        "broader": broader,
                        "position": position,
                    }
                data["__schemes__"] = {
                    scheme_id: {"labels": labels}
                    for scheme_id, labels in Scheme.objects.values_list("id", "labels")
                }
                self._concepts = data
                self._loaded_at = now
            return self._concepts

    def label(self, scheme: str, code: str, language: str) -> str:
        concept = self._data().get(scheme, {}).get(code)
        if concept is None:
            return code
        return pick_label(concept["labels"], language) or code

    def scheme_label(self, scheme: str, language: str) -> str:
        labels = self._data().get("__schemes__", {}).get(scheme, {}).get("labels", {})
        return pick_label(labels, language) or scheme

    def codes(self, scheme: str) -> list[str]:
        concepts = self._data().get(scheme, {})
        return sorted(concepts, key=lambda c: (concepts[c]["position"], c))

    def exists(self, scheme: str, code: str) -> bool:
        return code in self._data().get(scheme, {})

    def alt_labels(self, scheme: str, code: str) -> dict[str, list[str]]:
        return self._data().get(scheme, {}).get(code, {}).get("alt_labels", {})


vocabulary_cache = VocabularyCache()
