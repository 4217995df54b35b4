"""Background jobs of the search app: thin, they call the indexer."""

from __future__ import annotations

from django_tasks import task


@task()
def apply_index_outbox() -> int:
    from django.conf import settings

    from .handler import search_backends
    from .indexer import apply_outbox

    # A machine that serves no pages keeps no on-disk index of its own (the web
    # machines' `index_follow` keep theirs); a shared index (PostgreSQL) is updated here.
    if getattr(settings, "CLEARINGHOUSE_WORKER_ONLY", False) and search_backends[
        "default"
    ].params.get("PATH"):
        return 0
    return apply_outbox()
