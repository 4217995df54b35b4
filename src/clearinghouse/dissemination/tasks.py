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


@task()
def build_offline_edition(job_id: int) -> str:
    """Build one offline edition requested on the staff page."""
    from .offline.jobs import offline_job_run

    return offline_job_run(job_id=job_id)
