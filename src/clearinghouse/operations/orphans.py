"""``orphans_collect``: remove stored files no row references, and stale temporary files.

A crash between writing a file and committing the row that references it leaves an
orphan (files are always written first). A file younger than the grace period is never
removed: a transaction may be about to reference it (``storage.store`` refreshes the
modification time of content it finds already stored). Removal happens under the store's
exclusive lock, which a running backup holds shared, so a backup's files stay put.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from clearinghouse.catalog import storage

from . import inventory

DEFAULT_GRACE_HOURS = 24.0
_SHA = re.compile(r"[0-9a-f]{64}")


class StoreBusy(RuntimeError):
    """Another process (a backup) holds the store's lock."""


@dataclass
class OrphanReport:
    dry_run: bool
    grace_hours: float
    orphans: list[Path] = field(default_factory=list)
    orphan_bytes: int = 0
    temporary: list[Path] = field(default_factory=list)
    temporary_bytes: int = 0
    kept_young: int = 0


def _candidates(root: Path) -> tuple[list[Path], list[Path]]:
    blobs, temporary = [], []
    if not root.is_dir():
        return blobs, temporary
    for directory, _dirs, names in os.walk(root):
        for name in names:
            path = Path(directory, name)
            if name.startswith(storage.TEMP_PREFIX):
                temporary.append(path)
            elif _SHA.fullmatch(name) and path.parent.parent.parent == root:
                blobs.append(path)
    return blobs, temporary


def orphans_collect(
    *, grace_hours: float = DEFAULT_GRACE_HOURS, dry_run: bool = False
) -> OrphanReport:
    """Find (and unless ``dry_run`` remove) orphaned and temporary files older than the grace."""
    report = OrphanReport(dry_run=dry_run, grace_hours=grace_hours)
    root = storage.root()
    cutoff = time.time() - grace_hours * 3600
    # Read the references before listing files: a file stored after this query is young.
    with connection.cursor() as cursor:
        referenced = set(inventory.referenced_files(cursor))
    blobs, temporary = _candidates(root)
    candidates = [p for p in blobs if p.name not in referenced] + temporary
    if dry_run:
        for path in candidates:
            _judge(report, path, cutoff, remove=False)
        return report
    with storage.store_lock(shared=False, blocking=False) as locked:
        if not locked:
            raise StoreBusy("the file store is locked (a backup is running?): try again later")
        for path in candidates:
            _judge(report, path, cutoff, remove=True)
        for directory in {p.parent for p in report.orphans + report.temporary}:
            storage.fsync_directory(directory)
            _remove_if_empty(directory, root)
    return report


def _judge(report: OrphanReport, path: Path, cutoff: float, *, remove: bool) -> None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return
    if stat.st_mtime >= cutoff:
        report.kept_young += 1
        return
    if remove:
        try:
            path.unlink()
        except FileNotFoundError:
            return
    if path.name.startswith(storage.TEMP_PREFIX):
        report.temporary.append(path)
        report.temporary_bytes += stat.st_size
    else:
        report.orphans.append(path)
        report.orphan_bytes += stat.st_size


def _remove_if_empty(directory: Path, root: Path) -> None:
    """Drop emptied ab/cd/ and ab/ directories (under the exclusive lock: no writer adds)."""
    while directory != root and root in directory.parents:
        try:
            directory.rmdir()
        except OSError:
            return
        storage.fsync_directory(directory.parent)
        directory = directory.parent
