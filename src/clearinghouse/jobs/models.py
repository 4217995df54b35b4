"""Job workers' heartbeats: the lease that tells a live worker from a dead one.

The jobs themselves are django-tasks-db's ``DBTaskResult`` rows; claiming one is
``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL) or an exclusive transaction (SQLite).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One running job worker; ``beat_at`` is refreshed every few seconds while it lives."""

    worker_id = models.CharField(primary_key=True, max_length=64)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField(db_index=True)
    task_id = models.CharField(max_length=64, blank=True)
    tasks_run = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["hostname", "started_at"]
        verbose_name = _("job worker")
        verbose_name_plural = _("job workers")

    def __str__(self) -> str:
        return self.worker_id
