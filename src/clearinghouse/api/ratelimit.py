"""A small fixed-window rate limiter in Django's cache (per token, else per address).

Use a shared cache (database or Redis) when several web processes serve the API; the
default local-memory cache limits each process separately.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

DEFAULT_LIMITS = {"anonymous": (300, 60), "token": (1200, 60), "write": (120, 60)}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # seconds until the window ends


def limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "CLEARINGHOUSE_API_RATE_LIMITS", {})}


def hit(scope: str, who: str) -> Verdict:
    """Count one request of ``who`` in ``scope``; say whether it is within the limit."""
    limit, window = limits()[scope]
    now = int(time.time())
    start = now - now % window
    key = f"clearinghouse:ratelimit:{scope}:{who}:{start}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return Verdict(count <= limit, limit, max(0, limit - count), start + window - now)
