"""Exports: one record or a list, in any format, for an actor (always through the policy)."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.db.models import QuerySet

from clearinghouse.catalog.models import Record
from clearinghouse.core.policy import Actor
from clearinghouse.search.service import search_records

from .formats.registry import Format
from .formats.view import export_queryset

SEARCH_PAGE = 100


def export_limit() -> int:
    return int(getattr(settings, "CLEARINGHOUSE_EXPORT_MAX_RECORDS", 10_000))


def record_for_export(actor: Actor, pk: int) -> Record | None:
    return export_queryset(actor, Record.objects.filter(pk=pk)).first()


def records_for_export(
    actor: Actor, *, q: str = "", filters=(), language: str = "en"
) -> Iterator[Record]:
    """What ``actor`` may see: everything (by id), or the hits of a search in rank order."""
    limit = export_limit()
    if not q and not filters:
        queryset: QuerySet[Record] = export_queryset(actor).order_by("pk")[:limit]
        yield from queryset.iterator(chunk_size=200)
        return
    sent = 0
    for page in range(1, limit // SEARCH_PAGE + 1):
        outcome = search_records(
            actor=actor, q=q, filters=filters, page=page, page_size=SEARCH_PAGE, language=language
        )
        ids = [hit.record.pk for hit in outcome.hits]
        by_id = {r.pk: r for r in export_queryset(actor, Record.objects.filter(pk__in=ids))}
        for pk in ids:
            if pk in by_id and sent < limit:
                sent += 1
                yield by_id[pk]
        if page >= outcome.pages or not ids:
            return


def export_chunks(fmt: Format, actor: Actor, records, root: str | None = None) -> Iterator[bytes]:
    for chunk in fmt.serialize(actor, records, root=root):
        yield chunk.encode("utf-8")
