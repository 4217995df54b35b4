"""``clearinghouse backup`` → ``restore`` into an empty instance → verified, on the
database the suite runs on (a SQLite file, or PostgreSQL databases made for the test).

The instances run in subprocesses through the real command (see harness.py).
"""

from __future__ import annotations

import json
import shutil
import time

import pytest

from . import harness

POPULATE = """
import datetime as dt, io
from django.contrib.auth.models import Group, User
from clearinghouse.accounts.services.audit import audit_write
from clearinghouse.catalog.models import Record, RecordFile
from clearinghouse.catalog.services import file_attach
from clearinghouse.catalog.workflow import record_set_access
from clearinghouse.core.policy import Actor

staff = Actor(role="administrator", is_staff=True, is_registered=True)
group = Group.objects.create(name="law enforcement trainers (sample)")
User.objects.create_user("reader-sample", password="sample-password-123")
records = list(Record.objects.order_by("id"))
for i, record in enumerate(records[:6]):
    file_attach(record=record, stream=io.BytesIO(f"handout {i} (sample)".encode() * 50),
                original_name=f"handout-{i}.txt")
record_set_access(actor=staff, record=records[1], tier="restricted", group_ids=[group.pk])
record_set_access(actor=staff, record=records[2], tier="registered",
                  embargo_until=dt.datetime(2031, 5, 1, tzinfo=dt.UTC))
restricted_file = RecordFile.objects.filter(record=records[3]).first()
restricted_file.access_tier = "restricted"
restricted_file.save()
audit_write(actor=None, action="backup.test", summary="an audit row to carry over")
"""


@pytest.fixture
def instances(tmp_path):
    made = []

    def make(name, migrate=True):
        instance = harness.Instance(tmp_path, name)
        made.append(instance)
        if migrate:
            instance.run("migrate", "-v0")
        return instance

    yield make
    for instance in made:
        instance.drop()


@pytest.fixture
def source(tmp_path, instances):
    instance = instances("source")
    ris = harness.ris_file(tmp_path / "bulk.ris", 30)
    instance.run("import", "ris", str(ris), "--status", "published", "-v0")
    instance.python(POPULATE)
    return instance


def _access(instance):
    return instance.rows(
        "SELECT id, status, access_tier, embargo_until IS NOT NULL FROM catalog_record ORDER BY id"
    )


def _public_search_ids(instance) -> list[int]:
    out = instance.run("search", "crash", "--json", "--limit", "100").stdout
    return sorted(hit["id"] for hit in json.loads(out)["hits"])


def test_backup_restore_round_trip_verifies_and_rebuilds_the_index(tmp_path, source, instances):
    backup = tmp_path / "backup"
    out = source.run("backup", str(backup)).stdout
    assert "Backed up" in out
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["counts"]["records"] == 29 and manifest["counts"]["blobs"] == 6
    assert manifest["counts"]["audit_events"] >= 1
    assert len(manifest["files"]) == 7  # six attached files and the imported RIS file

    target = instances("target", migrate=False)
    out = target.run("restore", str(backup)).stdout
    assert "verified" in out and "search index rebuilt" in out

    assert _access(target) == _access(source)
    for table in ("catalog_recordfile", "catalog_blob", "accounts_auditevent", "auth_user"):
        count = f"SELECT count(*) FROM {table}"  # noqa: S608
        assert target.value(count) == source.value(count), table
    assert harness.dangling(target) == []
    assert target.run("restore", str(backup), "--verify").returncode == 0
    # The index was built from the restored rows: the public sees the same, and no more.
    source.run("reindex")
    public = _public_search_ids(target)
    assert public == _public_search_ids(source)
    hidden = {
        r[0] for r in target.rows("SELECT id FROM catalog_record WHERE access_tier <> 'public'")
    }
    assert len(public) == 27 and not hidden & set(public)
    # The audit trail is still append-only after the restore.
    with pytest.raises(Exception, match="append-only"):
        target.rows("DELETE FROM accounts_auditevent")


def test_restore_refuses_an_instance_that_is_not_empty(tmp_path, source):
    backup = tmp_path / "backup"
    source.run("backup", str(backup))
    result = source.run("restore", str(backup), check=False)
    assert result.returncode != 0
    assert "not empty" in result.stderr and "records" in result.stderr


def test_one_changed_byte_or_tier_fails_verification(tmp_path, source, instances):
    backup = tmp_path / "backup"
    source.run("backup", str(backup))
    target = instances("target", migrate=False)
    target.run("restore", str(backup))

    # A tier that differs from the backup's record of it.
    record_id = target.value("SELECT min(id) FROM catalog_record WHERE access_tier = 'restricted'")
    target.rows(f"UPDATE catalog_record SET access_tier = 'public' WHERE id = {record_id}")  # noqa: S608
    result = target.run("restore", str(backup), "--verify", check=False)
    assert result.returncode != 0
    assert f"record {record_id}:" in result.stderr and "access" in result.stderr
    target.rows(f"UPDATE catalog_record SET access_tier = 'restricted' WHERE id = {record_id}")  # noqa: S608
    assert target.run("restore", str(backup), "--verify", check=False).returncode == 0

    # One byte of a restored file.
    sha = target.value("SELECT min(sha256) FROM catalog_blob")
    stored = target.blobs / sha[:2] / sha[2:4] / sha
    data = bytearray(stored.read_bytes())
    data[0] ^= 1
    stored.write_bytes(bytes(data))
    result = target.run("restore", str(backup), "--verify", check=False)
    assert result.returncode != 0 and f"file {sha}" in result.stderr
    assert target.run("verify-files", check=False).returncode != 0

    # One byte of the backup itself: refused before anything is touched.
    copy = tmp_path / "tampered"
    shutil.copytree(backup, copy)
    in_backup = copy / "blobs" / sha[:2] / sha[2:4] / sha
    data = bytearray(in_backup.read_bytes())
    data[-1] ^= 1
    in_backup.write_bytes(bytes(data))
    assert source.run("restore", str(copy), "--check", check=False).returncode != 0
    fresh = instances("fresh", migrate=False)
    result = fresh.run("restore", str(copy), check=False)
    assert result.returncode != 0 and "damaged" in result.stderr
    assert not any(fresh.blobs.glob("??/??/*"))


def test_backup_under_concurrent_writes_restores_to_a_consistent_state(tmp_path, source, instances):
    stop_file = tmp_path / "stop"
    writer = harness.start_writer(source, stop_file, seconds=120)
    try:
        deadline = time.monotonic() + 120
        loaded = "SELECT count(*) FROM catalog_record WHERE identifier LIKE 'load:%'"
        while source.value(loaded) < 5:
            assert time.monotonic() < deadline and writer.poll() is None, "the writer never wrote"
            time.sleep(0.1)
        backups = []
        for n in range(2):
            backups.append(tmp_path / f"backup-{n}")
            source.run("backup", str(backups[-1]))
        assert writer.poll() is None, "the writer stopped before the backups were taken"
    finally:
        stop_file.touch()
        writer.wait(timeout=120)
    taken = [json.loads((b / "manifest.json").read_text())["counts"]["records"] for b in backups]
    final = source.value("SELECT count(*) FROM catalog_record")
    assert taken[0] <= taken[1] < final  # each backup is one moment, taken during the load

    target = instances("target", migrate=False)
    target.run("restore", str(backups[1]))
    load = target.rows(
        "SELECT r.identifier, count(f.id) FROM catalog_record r LEFT JOIN catalog_recordfile f "
        "ON f.record_id = r.id WHERE r.identifier LIKE 'load:%' GROUP BY r.identifier"
    )
    # Every record of the load committed with its file: none without, none twice.
    assert load and {n for _, n in load} == {1}
    assert target.value("SELECT count(*) FROM catalog_record") == taken[1]
    assert harness.dangling(target) == []
