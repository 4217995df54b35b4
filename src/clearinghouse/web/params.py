"""Reading search parameters from a request, shared by the portal and the API."""

from __future__ import annotations

from django.http import QueryDict

from clearinghouse.search.types import FACET_FIELDS


def int_param(params: QueryDict, name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except (TypeError, ValueError):
        return default


def filters_from(params: QueryDict) -> list[tuple[str, str]]:
    """``f=field:value`` pairs, plus ``field=value`` for each facet field (API style)."""
    pairs = []
    for raw in params.getlist("f"):
        name, sep, value = raw.partition(":")
        if sep:
            pairs.append((name, value))
    for name in FACET_FIELDS:
        pairs += [(name, value) for value in params.getlist(name)]
    return pairs
