"""The contract every search backend fulfils (see tests/search/contract.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..types import IndexDocument, SearchRequest, SearchResult


class AccessFilterMissing(ValueError):
    """Raised when a search arrives without an access filter: deny by default."""


class SearchBackend:
    """Base class: a backend is built from its settings dict and holds no global state."""

    vendor = "base"
    #: True when writes become visible only after ``apply`` commits.
    needs_writer_lock = False

    def __init__(self, alias: str, params: dict[str, Any]):
        self.alias = alias
        self.params = params

    # --- writing -----------------------------------------------------------
    def apply(self, upserts: Iterable[IndexDocument], deletes: Iterable[int]) -> None:
        """Atomically replace/insert ``upserts`` and remove ``deletes`` (record ids).

        Idempotent: applying the same batch twice leaves one copy of each record.
        """
        raise NotImplementedError

    def rebuild(
        self,
        documents: Iterable[IndexDocument],
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Build a complete new index from ``documents`` and swap it in atomically."""
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    # --- reading -----------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        raise NotImplementedError

    def count(self) -> int:
        """Number of documents in the index (all access levels)."""
        raise NotImplementedError

    def check(self) -> list[str]:
        """Problems that stop this backend from working, as sentences (empty: fine)."""
        return []

    @staticmethod
    def require_access(request: SearchRequest) -> None:
        if request.access is None:
            raise AccessFilterMissing("a search request must carry an access filter")
