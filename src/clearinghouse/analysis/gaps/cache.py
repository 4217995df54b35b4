"""A cache of computed matrices, keyed by everything a matrix depends on.

The key holds the catalogue's change counter (the last index-outbox row: every record
change writes one in its own transaction, deletions included), the completed reviews
(count and last change), the next embargo to open (so a record becoming visible by the
clock changes the key), the viewer's access rule, the slice, the UI language and the
weighting settings. What none of these capture — a directory agent renamed, a vocabulary
label edited — is bounded by ``CACHE_SECONDS`` (``CLEARINGHOUSE_GAPS``; 0 disables).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max, Min
from django.utils import timezone

from clearinghouse.catalog.models import Record
from clearinghouse.catalog.policies import access_filter
from clearinghouse.core.policy import Actor

from .matrix import GapFilters, GapMatrix
from .weights import GapSettings


def catalogue_state() -> tuple:
    """What changes whenever the counted material, its reviews or its visibility do."""
    from clearinghouse.analysis.models import Review
    from clearinghouse.search.models import IndexOutbox

    last = IndexOutbox.objects.order_by("-id").values_list("id", "created_at").first()
    reviews = Review.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    next_embargo = Record.objects.filter(embargo_until__gt=timezone.now()).aggregate(
        at=Min("embargo_until")
    )["at"]
    return (last, reviews["n"], reviews["last"], next_embargo)


def _access_key(actor: Actor) -> tuple:
    rule = access_filter(actor)
    return (
        rule.allow_all,
        tuple(sorted(rule.statuses)),
        tuple(sorted(rule.tiers)),
        tuple(sorted(rule.group_ids)),
        tuple(sorted(rule.record_ids)),
    )


def cache_key(actor: Actor, filters: GapFilters, language: str, config: GapSettings) -> str:
    parts = repr((catalogue_state(), _access_key(actor), filters, language, config))
    return "gaps:" + hashlib.sha256(parts.encode()).hexdigest()


def cached_matrix(
    *, actor: Actor, filters: GapFilters, language: str, config: GapSettings | None = None
) -> GapMatrix:
    """The matrix from the cache when nothing it depends on changed, else computed."""
    from .queries import compute_matrix

    config = config or GapSettings.current()
    if config.cache_seconds <= 0:
        return compute_matrix(actor=actor, filters=filters, language=language, config=config)
    key = cache_key(actor, filters, language, config)
    matrix = cache.get(key)
    if matrix is None:
        matrix = compute_matrix(actor=actor, filters=filters, language=language, config=config)
        cache.set(key, matrix, config.cache_seconds)
    return matrix
