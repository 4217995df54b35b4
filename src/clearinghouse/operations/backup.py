"""``backup_create``: a consistent copy of a running instance, with a manifest of checksums.

Order matters. The database is snapshotted first (SQLite's online backup API, or
``pg_dump`` on a snapshot exported from a REPEATABLE READ transaction); the list of files
to copy, the counts and the access state are read from that same snapshot; then the files
it references are copied. Files written after the snapshot are not referenced by it and
are not needed. The store's shared lock is held while copying, so the orphan collector
cannot remove a file the snapshot references even if it stopped being referenced since.

A backup is a directory::

    manifest.json          format, version, vendor, counts, SHA-256 of every other file
    database.sqlite3       (SQLite)  or  database.pgdump  (pg_dump custom format)
    access.json            access of every record and file at the snapshot
    blobs/ab/cd/<sha256>   the referenced files, as in the store

It is written beside OUT under a temporary name and renamed into place when complete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path
from typing import Any

from django.db import connection

from clearinghouse.catalog import storage

from . import inventory

FORMAT = "tip-clearinghouse-backup"
VERSION = 1
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
#: The PostgreSQL search backend's rows are rebuilt after a restore, never restored.
DERIVED_TABLES = ("search_document",)

Progress = Callable[[str, int, int], Any]


class BackupError(RuntimeError):
    """The backup could not be made; the message says why and what to do."""


@dataclass
class BackupReport:
    path: Path
    vendor: str
    counts: dict[str, int]
    files: int
    bytes_files: int
    bytes_database: int
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def backup_create(out: Path, *, progress: Progress | None = None) -> BackupReport:
    """Write a backup of this instance to the new directory ``out``."""
    started = dt.datetime.now(dt.UTC)
    out = Path(out).absolute()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"{out} already exists and is not empty: choose a new directory")
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"backups of {vendor} databases are not supported")
    work = out.parent / f".{out.name}.partial-{os.getpid()}"
    if work.exists():
        shutil.rmtree(work)
    storage._make_dirs(work)
    try:
        database = work / DATABASE_FILES[vendor]
        _tick(progress, "database", 0, 1)
        snapshot = _snapshot_sqlite if vendor == "sqlite" else _snapshot_postgres
        facts = snapshot(database)
        _tick(progress, "database", 1, 1)
        files = facts["files"]
        copied, total_bytes = _copy_files(files, work / "blobs", progress)
        access_sha, _ = _write_json(work / "access.json", facts["access"])
        database_sha = sha256_of(database)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": started.isoformat(),
            "vendor": vendor,
            "server_version": facts.get("server_version", ""),
            "database": {
                "file": database.name,
                "sha256": database_sha,
                "size": database.stat().st_size,
            },
            "access": {
                "file": "access.json",
                "sha256": access_sha,
                "digest": inventory.access_digest(facts["access"]),
            },
            "counts": facts["counts"],
            "files": copied,
        }
        _write_json(work / "manifest.json", manifest, indent=1)
        storage.fsync_directory(work)
        if out.exists():
            out.rmdir()
        os.replace(work, out)
        storage.fsync_directory(out.parent)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupReport(
        path=out,
        vendor=vendor,
        counts=facts["counts"],
        files=len(copied),
        bytes_files=total_bytes,
        bytes_database=manifest["database"]["size"],
        seconds=(dt.datetime.now(dt.UTC) - started).total_seconds(),
    )


def _tick(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress:
        progress(stage, done, total)


def _facts(cursor) -> dict[str, Any]:
    return {
        "files": inventory.referenced_files(cursor),
        "counts": inventory.counts(cursor),
        "access": inventory.access_state(cursor),
    }


def _snapshot_sqlite(target: Path) -> dict[str, Any]:
    """SQLite's online backup: one step, so the copy is one consistent state of the file."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        facts = _facts(copy.cursor())
        facts["server_version"] = sqlite3.sqlite_version
    finally:
        copy.close()
    with open(target, "rb") as fh:
        os.fsync(fh.fileno())
    return facts


def pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq environment for pg_dump / pg_restore from Django's database settings."""
    env = {**os.environ, "PGDATABASE": settings_dict["NAME"]}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def pg_connect(settings_dict: dict[str, Any], **kwargs):
    import psycopg

    return psycopg.connect(
        dbname=settings_dict["NAME"],
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        **kwargs,
    )


def pg_tool(name: str, server_major: int) -> str:
    """The newest ``pg_dump``/``pg_restore`` on this machine; it must not be older than
    the server (pg_dump refuses to dump a newer server)."""
    candidates = {p for p in glob(f"/usr/lib/postgresql/*/bin/{name}")}
    found = shutil.which(name)
    if found:
        candidates.add(found)
    best, best_major = None, -1
    for path in candidates:
        try:
            out = subprocess.run(
                [path, "--version"], capture_output=True, text=True, timeout=30, check=True
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        match = re.search(r"(\d+)(?:\.\d+)?", out)
        major = int(match.group(1)) if match else -1
        if major > best_major:
            best, best_major = path, major
    if best is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    if best_major < server_major:
        raise BackupError(
            f"{name} {best_major} is older than the PostgreSQL server ({server_major}); "
            f"install postgresql-client-{server_major}"
        )
    return best


def _snapshot_postgres(target: Path) -> dict[str, Any]:
    """pg_dump on a snapshot exported by our own REPEATABLE READ transaction, in which
    the files, counts and access state are read too: all from one moment."""
    settings_dict = connection.settings_dict
    import psycopg

    with pg_connect(settings_dict) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        server_major = conn.info.server_version // 10000
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        dump = pg_tool("pg_dump", server_major)
        command = [
            dump,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={target}",
            *(f"--exclude-table-data={table}" for table in DERIVED_TABLES),
        ]
        result = subprocess.run(
            command, env=pg_environment(settings_dict), capture_output=True, text=True
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[-2000:]}")
        facts = _facts(conn.cursor())
        facts["server_version"] = conn.execute("SHOW server_version").fetchone()[0]
        conn.rollback()
    with open(target, "rb") as fh:
        os.fsync(fh.fileno())
    return facts


def _copy_files(
    files: dict[str, int | None], into: Path, progress: Progress | None
) -> tuple[dict[str, int], int]:
    """Copy every referenced file, checking its content against its name as it goes."""
    copied: dict[str, int] = {}
    total_bytes = 0
    problems: list[str] = []
    with storage.store_lock(shared=True):
        for done, sha in enumerate(sorted(files), start=1):
            source = storage.blob_path(sha)
            target = into / sha[:2] / sha[2:4] / sha
            try:
                with source.open("rb") as fh:
                    digest, size = storage.write_file(target, fh)
            except FileNotFoundError:
                problems.append(f"{sha}: missing from the store ({source})")
                continue
            if digest != sha:
                problems.append(f"{sha}: the stored content does not match its hash")
                continue
            copied[sha] = size
            total_bytes += size
            _tick(progress, "files", done, len(files))
    if problems:
        shown = "\n  ".join(problems[:20])
        raise BackupError(
            f"{len(problems)} referenced file(s) are damaged or missing; the instance needs "
            f"repair before it can be backed up (`clearinghouse verify-files`):\n  {shown}"
        )
    return copied, total_bytes


def _write_json(path: Path, data: Any, indent: int | None = None) -> tuple[str, int]:
    text = json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=False)
    return storage.write_file(path, io.BytesIO(text.encode("utf-8")))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(storage.CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
