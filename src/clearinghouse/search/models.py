"""The transactional outbox that keeps search indexes derived from the database."""

from django.db import models


class IndexOutbox(models.Model):
    """'Record N changed': written in the same transaction as the change itself."""

    record_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"outbox {self.pk}: record {self.record_id}"


class IndexCursor(models.Model):
    """How far one index (one backend on one machine, one generation) has applied the outbox."""

    name = models.CharField(primary_key=True, max_length=300)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.position}"
