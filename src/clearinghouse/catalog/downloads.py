"""Serving a file: the policy decides, and a download of a non-public file is audited."""

from __future__ import annotations

from typing import BinaryIO

from django.db import transaction

from clearinghouse.accounts.services.audit import audit_write
from clearinghouse.core.policy import Actor

from . import storage
from .models import RecordFile
from .policies import can_download, is_public_file


def file_download_open(
    *, actor: Actor, file_id: int, ip: str | None = None
) -> tuple[RecordFile, BinaryIO] | None:
    """The file and its open content, or None when it does not exist *or* may not be
    downloaded: the caller answers both the same way, so ids reveal nothing."""
    record_file = (
        RecordFile.objects.select_related("record", "blob")
        .prefetch_related("record__access_groups")
        .filter(pk=file_id)
        .first()
    )
    if record_file is None or not can_download(actor, record_file):
        return None
    if not is_public_file(record_file):
        with transaction.atomic():
            audit_write(
                actor=actor,
                action="file.download",
                target=record_file,
                summary=f"record {record_file.record_id}: {record_file.original_name}"[:500],
                ip=ip,
            )
    return record_file, storage.open_blob(record_file.blob_id)
