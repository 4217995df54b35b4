"""The public-exposure ledger behind OAI-PMH tombstones (see ``models.PublicExposure``).

``catalog.services`` calls these inside the transaction of every change and deletion, so
a record that leaves the public catalogue is reported as deleted from that moment on.
"""

from __future__ import annotations

from django.utils import timezone

from clearinghouse.catalog.models import Record

from .models import PublicExposure
from .oai.sets import record_sets


def is_exposed(record: Record) -> bool:
    """Published and public: visible to anyone now, or once its embargo ends."""
    return record.status == Record.Status.PUBLISHED and record.access_tier == Record.Tier.PUBLIC


def exposure_sync(record: Record) -> None:
    """Record ``record``'s public state after a change; tombstone it if it left the public."""
    if is_exposed(record):
        PublicExposure.objects.update_or_create(
            record_id=record.pk,
            defaults={"sets": record_sets(record), "gone_at": None, "reason": ""},
        )
        return
    reason = record.status if record.status != Record.Status.PUBLISHED else record.access_tier
    PublicExposure.objects.filter(record_id=record.pk, gone_at__isnull=True).update(
        gone_at=timezone.now(), reason=reason
    )


def exposure_deleted(record_id: int) -> None:
    PublicExposure.objects.filter(record_id=record_id, gone_at__isnull=True).update(
        gone_at=timezone.now(), reason="deleted"
    )
