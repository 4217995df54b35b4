"""Background jobs of dissemination: thin, they call the harvester."""

from __future__ import annotations

from django_tasks import task


@task()
def harvest_due_sources() -> int:
    """Harvest every enabled source whose interval has passed; returns how many ran."""
    from .oai.harvester import due_sources, harvest_source

    sources = due_sources()
    for source in sources:
        harvest_source(source)
    return len(sources)
