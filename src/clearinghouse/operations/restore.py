"""``backup_check``, ``backup_restore`` and ``instance_verify``.

A restore goes into an empty instance only. It checks every checksum of the backup before
touching anything, loads the database (SQLite's backup API into the configured file, or
``pg_restore`` in one transaction), copies the files (each re-hashed), then verifies the
instance against the backup: every file a row references is present with its hash, the
counts are equal, and the access of every record and file is identical to the backup's
record of it, so nothing became public. Then newer migrations are applied and the search
index is rebuilt from the restored database; it is never taken from the backup.

Restores work SQLite → SQLite and PostgreSQL → PostgreSQL (the same or a newer server);
not across vendors (use ``clearinghouse export`` / ``import`` for the catalogue).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from clearinghouse.catalog import storage

from . import inventory
from .backup import FORMAT, VERSION, pg_connect, pg_environment, pg_tool, sha256_of

Progress = Callable[[str, int, int], Any]


class RestoreError(RuntimeError):
    """The backup is damaged, the instance is not empty, or the restore did not verify."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:
        text = super().__str__()
        if self.problems:
            text += "\n  " + "\n  ".join(self.problems[:20])
            if len(self.problems) > 20:
                text += f"\n  … and {len(self.problems) - 20} more"
        return text


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    files: int = 0
    indexed: dict[str, int] = field(default_factory=dict)


def backup_check(source: Path, progress: Progress | None = None) -> dict[str, Any]:
    """The backup's manifest, after checking every checksum in it (RestoreError if not)."""
    source = Path(source)
    try:
        manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RestoreError(f"{source} has no manifest.json: not a (complete) backup") from exc
    except ValueError as exc:
        raise RestoreError(f"{source}/manifest.json is not valid JSON: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise RestoreError(f"{source} is not a TIP Clearinghouse backup")
    if manifest.get("version") != VERSION:
        raise RestoreError(f"backup format version {manifest.get('version')} is not supported")
    problems = []
    for part in ("database", "access"):
        entry = manifest[part]
        path = source / entry["file"]
        if not path.is_file():
            problems.append(f"{entry['file']}: missing")
        elif sha256_of(path) != entry["sha256"]:
            problems.append(f"{entry['file']}: checksum differs from the manifest")
    files = manifest.get("files", {})
    for done, (sha, size) in enumerate(sorted(files.items()), start=1):
        path = _backup_blob(source, sha)
        if not path.is_file():
            problems.append(f"file {sha}: missing from the backup")
        elif path.stat().st_size != size or sha256_of(path) != sha:
            problems.append(f"file {sha}: content differs from its checksum")
        if progress:
            progress("checking", done, len(files))
    if problems:
        raise RestoreError(f"the backup in {source} is damaged", problems)
    return manifest


def _backup_blob(source: Path, sha: str) -> Path:
    return source / "blobs" / sha[:2] / sha[2:4] / sha


def instance_problems() -> list[str]:
    """Why this instance is not empty (an empty list when a restore may go ahead)."""
    problems = []
    tables = set(connection.introspection.table_names())
    for name, model in inventory.COUNTED.items():
        if model._meta.db_table in tables and model.objects.exists():
            problems.append(f"the database already holds {name.replace('_', ' ')}")
    root = storage.root()
    if root.is_dir() and any(p.is_file() for p in root.glob("??/??/*")):
        problems.append(f"the file store {root} already holds files")
    return problems


def backup_restore(source: Path, *, progress: Progress | None = None) -> RestoreReport:
    """Restore the backup in ``source`` into this (empty) instance; see the module docstring."""
    source = Path(source)
    manifest = backup_check(source, progress)
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise RestoreError(
            f"this is a {manifest['vendor']} backup and this instance runs on {vendor}: "
            "restore into the same kind of database"
        )
    refusals = instance_problems()
    if refusals:
        raise RestoreError("restore refused: the instance is not empty", refusals)
    database = source / manifest["database"]["file"]
    if progress:
        progress("database", 0, 1)
    if vendor == "sqlite":
        _load_sqlite(database)
    else:
        _load_postgres(database)
    if progress:
        progress("database", 1, 1)
    files = manifest.get("files", {})
    for done, sha in enumerate(sorted(files), start=1):
        with _backup_blob(source, sha).open("rb") as fh:
            digest, _size = storage.write_file(storage.blob_path(sha), fh)
        if digest != sha:
            raise RestoreError(f"file {sha} changed while it was being restored")
        if progress:
            progress("files", done, len(files))
    # Verified as backed up, then brought up to the installed release.
    instance_verify(source, manifest)
    call_command("migrate", verbosity=0, interactive=False)
    report = RestoreReport(manifest=manifest, files=len(files))
    report.indexed = _rebuild_search(progress)
    return report


def _load_sqlite(database: Path) -> None:
    """Copy the backup into the configured database file through SQLite's backup API
    (works whatever the target's journal mode; no row is deleted, so the audit trail's
    append-only triggers have nothing to refuse)."""
    connection.close()
    target_name = settings.DATABASES["default"]["NAME"]
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    target = sqlite3.connect(target_name, timeout=60)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _load_postgres(database: Path) -> None:
    """pg_restore in one transaction; objects a migrated empty database already has are
    dropped first (``--clean --if-exists``); the audit table's triggers guard rows, not
    tables, so they do not interfere."""
    connection.close()
    settings_dict = settings.DATABASES["default"]
    with pg_connect(settings_dict) as conn:
        server_major = conn.info.server_version // 10000
    command = [
        pg_tool("pg_restore", server_major),
        "--no-owner",
        "--no-privileges",
        "--clean",
        "--if-exists",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={settings_dict['NAME']}",
        str(database),
    ]
    result = subprocess.run(
        command, env=pg_environment(settings_dict), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RestoreError(f"pg_restore failed: {result.stderr.strip()[-2000:]}")


def instance_verify(source: Path, manifest: dict[str, Any] | None = None) -> None:
    """Compare this instance with the backup in ``source`` (RestoreError on any difference)."""
    source = Path(source)
    manifest = manifest or backup_check(source)
    expected_access = json.loads((source / manifest["access"]["file"]).read_text("utf-8"))
    with connection.cursor() as cursor:
        referenced = inventory.referenced_files(cursor)
        counts = inventory.counts(cursor)
        access = inventory.access_state(cursor)
    problems = files_problems(referenced)
    for name, expected in manifest["counts"].items():
        if counts.get(name) != expected:
            problems.append(f"{name}: {counts.get(name)} here, {expected} in the backup")
    if inventory.access_digest(access) != manifest["access"]["digest"]:
        problems.extend(inventory.access_differences(expected_access, access))
        problems.append("the access of records or files differs from the backup")
    if problems:
        raise RestoreError("the instance does not match the backup", problems)


def files_problems(referenced: dict[str, int | None] | None = None) -> list[str]:
    """Every file a row references that is missing, or whose content is not its hash."""
    if referenced is None:
        with connection.cursor() as cursor:
            referenced = inventory.referenced_files(cursor)
    problems = []
    for sha, size in sorted(referenced.items()):
        path = storage.blob_path(sha)
        if not path.is_file():
            problems.append(f"file {sha}: referenced but missing from the store")
        elif (size is not None and path.stat().st_size != size) or sha256_of(path) != sha:
            problems.append(f"file {sha}: content does not match its hash")
    return problems


def _rebuild_search(progress: Progress | None) -> dict[str, int]:
    """Every configured index, rebuilt from the restored rows (cursors of the backed-up
    instance's indexes mean nothing here)."""
    from clearinghouse.search.indexer import rebuild_index
    from clearinghouse.search.models import IndexCursor

    IndexCursor.objects.all().delete()
    indexed = {}
    for alias in settings.CLEARINGHOUSE_SEARCH:

        def tick(done: int, alias: str = alias) -> None:
            if progress:
                progress(f"index {alias}", done, 0)

        indexed[alias] = rebuild_index(alias, progress=tick)
    return indexed
