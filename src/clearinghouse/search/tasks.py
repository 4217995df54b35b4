"""Background jobs of the search app: thin, they call the indexer."""

from __future__ import annotations

from django_tasks import task


@task()
def apply_index_outbox() -> int:
    from .indexer import apply_outbox

    return apply_outbox()
