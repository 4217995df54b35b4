"""What a backup must preserve, read with plain SQL from any DB-API cursor.

The same functions read a fresh SQLite copy (``sqlite3``), a PostgreSQL snapshot shared
with ``pg_dump`` (``psycopg``) and a restored instance (Django's cursor), so a backup and
its restore are compared by one definition: the files referenced, the counts, and the
access of every record and file (tier, groups, embargo, status, quarantine).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from clearinghouse.accounts.models import AuditEvent
from clearinghouse.catalog.models import Blob, Record, RecordFile, RecordVersion
from clearinghouse.dissemination.models import ImportRun

# Django's table names, so renamed tables cannot silently escape the comparison.
COUNTED = {
    "records": Record,
    "record_files": RecordFile,
    "record_versions": RecordVersion,
    "blobs": Blob,
    "users": get_user_model(),
    "groups": Group,
    "audit_events": AuditEvent,
    "import_runs": ImportRun,
}


def _table(model) -> str:
    return model._meta.db_table


def _rows(cursor, sql: str) -> list[tuple]:
    cursor.execute(sql)
    return [tuple(row) for row in cursor.fetchall()]


def moment(value: Any) -> str | None:
    """A timestamp as ISO 8601 UTC, whether the driver gave a datetime or SQLite's text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat()


def referenced_files(cursor) -> dict[str, int | None]:
    """Every stored file the database refers to: SHA-256 → size (None when not recorded)."""
    files: dict[str, int | None] = {
        sha: int(size)
        for sha, size in _rows(cursor, f"SELECT sha256, size FROM {_table(Blob)}")  # noqa: S608
    }
    for (sha,) in _rows(cursor, f"SELECT DISTINCT sha256 FROM {_table(ImportRun)}"):  # noqa: S608
        if sha:
            files.setdefault(sha, None)
    return files


def counts(cursor) -> dict[str, int]:
    return {
        name: _rows(cursor, f"SELECT count(*) FROM {_table(model)}")[0][0]  # noqa: S608
        for name, model in COUNTED.items()
    }


def access_state(cursor) -> dict[str, list]:
    """Access of every record and file, in a canonical order (compared after a restore)."""
    through = Record.access_groups.through
    group_names = dict(_rows(cursor, f"SELECT id, name FROM {_table(Group)}"))  # noqa: S608
    groups: dict[int, list[str]] = {}
    for record_id, group_id in _rows(
        cursor,
        f"SELECT record_id, group_id FROM {_table(through)}",  # noqa: S608
    ):
        groups.setdefault(record_id, []).append(group_names.get(group_id, f"#{group_id}"))
    records = [
        [record_id, status, tier, sorted(groups.get(record_id, [])), moment(embargo)]
        for record_id, status, tier, embargo in _rows(
            cursor,
            f"SELECT id, status, access_tier, embargo_until FROM {_table(Record)} "  # noqa: S608
            "ORDER BY id",
        )
    ]
    files = [
        [file_id, record_id, blob_id, tier, moment(embargo)]
        for file_id, record_id, blob_id, tier, embargo in _rows(
            cursor,
            "SELECT id, record_id, blob_id, access_tier, embargo_until "  # noqa: S608
            f"FROM {_table(RecordFile)} ORDER BY id",
        )
    ]
    quarantined = [
        sha
        for (sha,) in _rows(
            cursor,
            f"SELECT sha256 FROM {_table(Blob)} "  # noqa: S608
            "WHERE extraction_status = 'quarantined' ORDER BY sha256",
        )
    ]
    return {"records": records, "files": files, "quarantined": quarantined}


def access_digest(state: dict[str, list]) -> str:
    canonical = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def access_differences(expected: dict[str, list], actual: dict[str, list], limit: int = 10):
    """Human-readable differences between two access states (first ``limit``)."""
    problems: list[str] = []
    for part, key_index in (("records", 0), ("files", 0)):
        want = {row[key_index]: row for row in expected.get(part, [])}
        have = {row[key_index]: row for row in actual.get(part, [])}
        for key in sorted(set(want) | set(have)):
            if want.get(key) != have.get(key):
                problems.append(f"{part[:-1]} {key}: backup {want.get(key)}, now {have.get(key)}")
    if sorted(expected.get("quarantined", [])) != sorted(actual.get("quarantined", [])):
        problems.append("the set of quarantined files differs")
    return problems[:limit]
