"""Orphaned and temporary files are collected after the grace period, never before, never
a referenced file, and never while a backup holds the store."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.management import call_command

from clearinghouse.catalog import storage
from clearinghouse.catalog.models import Blob
from clearinghouse.dissemination.models import ImportRun
from clearinghouse.operations.orphans import StoreBusy, orphans_collect

pytestmark = pytest.mark.django_db

DAY = 24 * 3600
ORPHAN = b"left by a crash before the row committed"


def _age(path, seconds: float) -> None:
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


def _stored(content: bytes, *, referenced: bool, age: float = 2 * DAY):
    sha, size = storage.store(io.BytesIO(content))
    if referenced:
        Blob.objects.create(sha256=sha, size=size)
    _age(storage.blob_path(sha), age)
    return storage.blob_path(sha)


def test_collects_old_orphans_and_temporary_files_only():
    referenced = _stored(b"referenced by a Blob row", referenced=True)
    old_orphan = _stored(ORPHAN, referenced=False)
    young_orphan = _stored(b"a transaction may be about to reference me", referenced=False, age=60)
    import_file = _stored(b"TY  - RPRT\nER  - \n", referenced=False)
    ImportRun.objects.create(format="ris", sha256=import_file.name, total=1)
    temporary = storage.root() / f"{storage.TEMP_PREFIX}crashed"
    temporary.write_bytes(b"half a file")
    _age(temporary, 2 * DAY)

    dry = orphans_collect(grace_hours=24, dry_run=True)
    assert dry.orphans == [old_orphan] and dry.temporary == [temporary]
    assert old_orphan.exists() and temporary.exists()

    report = orphans_collect(grace_hours=24)
    assert report.orphans == [old_orphan] and report.orphan_bytes == len(ORPHAN)
    assert report.temporary == [temporary] and report.temporary_bytes == len(b"half a file")
    assert not old_orphan.exists() and not temporary.exists()
    assert referenced.exists() and young_orphan.exists() and import_file.exists()
    assert report.kept_young == 1
    assert not old_orphan.parent.exists()  # its emptied directory went too


def test_storing_content_again_restarts_its_grace_period():
    orphan = _stored(b"uploaded again just now", referenced=False)
    storage.store(io.BytesIO(b"uploaded again just now"))  # a new upload of the same content
    report = orphans_collect(grace_hours=24)
    assert report.orphans == [] and orphan.exists()


def test_refuses_while_a_backup_holds_the_store():
    orphan = _stored(b"orphan during a backup", referenced=False)
    with storage.store_lock(shared=True):
        with pytest.raises(StoreBusy):
            orphans_collect(grace_hours=1)
        assert orphans_collect(grace_hours=1, dry_run=True).orphans == [orphan]
    assert orphans_collect(grace_hours=1).orphans == [orphan]


def test_command_reports_sizes(capsys):
    _stored(b"x" * 1000, referenced=False)
    call_command("collect-orphans", "--dry-run", "--grace", "1")
    assert "would remove 1 orphaned files (1,000 bytes)" in capsys.readouterr().out
    call_command("collect-orphans", "--grace", "1")
    assert "removed 1 orphaned files (1,000 bytes)" in capsys.readouterr().out
