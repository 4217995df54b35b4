"""Signed manifest, offline-verify, ZIP and ISO 9660 images, deltas applied atomically."""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clearinghouse.catalog.services import TextInput
from clearinghouse.dissemination.offline import manifest
from clearinghouse.dissemination.offline.delta import FAULT_ENV, apply_delta, recover
from clearinghouse.dissemination.offline.packaging import read_iso_tree
from tests.dissemination.offline_fixtures import VERSION, build, catalogue, tree_digest
from tests.factories import make_record

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def data(vocabularies):
    return catalogue()


@pytest.fixture(autouse=True)
def _signing_key(settings, tmp_path_factory):
    settings.CLEARINGHOUSE_OFFLINE_KEY = str(tmp_path_factory.mktemp("key") / "offline.pem")


def test_manifest_signed_and_verified(data, tmp_path, settings):
    root = build(tmp_path / "ed").path
    key_file = Path(settings.CLEARINGHOUSE_OFFLINE_KEY)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    data_ = manifest.verify(root, public_key=manifest.installation_public_key())
    assert data_.ok and data_.version == "1.0", data_.problems
    call_command("offline-verify", str(root))
    # One byte of one file changed: refused, and says which.
    page = root / "en" / "index.html"
    body = bytearray(page.read_bytes())
    body[100] ^= 1
    page.write_bytes(bytes(body))
    result = manifest.verify(root)
    assert not result.ok and result.problems == ["changed (checksum): en/index.html"]
    with pytest.raises(CommandError):
        call_command("offline-verify", str(root))


def test_verify_catches_extra_missing_and_foreign_signatures(data, tmp_path):
    root = build(tmp_path / "ed").path
    (root / "extra.html").write_text("x")
    (root / "assets" / "search.js").unlink()
    problems = manifest.verify(root).problems
    assert "not in the manifest: extra.html" in problems
    assert "missing: assets/search.js" in problems
    # A manifest re-signed by another key is refused against the installation's key.
    clean = build(tmp_path / "ed2").path
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = Ed25519PrivateKey.generate()
    body = (clean / "manifest.json").read_bytes()
    (clean / "manifest.sig").write_text(base64.b64encode(other.sign(body)).decode())
    assert not manifest.verify(clean, public_key=manifest.installation_public_key()).ok


def test_zip_and_iso_hold_every_file_with_unicode_names(data, tmp_path):
    report = build(tmp_path / "ed", make_zip=True, make_iso=True)
    root = report.path
    expected = {
        p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
    }
    assert any("Памятка" in name for name in expected)
    with zipfile.ZipFile(report.zip_path) as archive:
        assert {n: archive.read(n) for n in archive.namelist()} == expected
    assert read_iso_tree(report.iso_path) == expected  # Rock Ridge names
    assert read_iso_tree(report.iso_path, joliet=True) == expected  # Joliet names
    # The ZIP is reproducible.
    again = build(tmp_path / "ed2", make_zip=True)
    assert again.zip_path.read_bytes() == report.zip_path.read_bytes()
    if shutil.which("isoinfo"):
        for extension in (["-R"],):  # Rock Ridge (this isoinfo cannot print Joliet as UTF-8)
            listing = subprocess.run(
                ["isoinfo", *extension, "-l", "-i", str(report.iso_path)],
                capture_output=True,
                text=True,
            ).stdout
            assert "培训手册.txt" in listing and "دليل الشرطة.pdf" in listing


def _change_catalogue(data):
    from clearinghouse.catalog.services import RecordInput, record_upsert
    from clearinghouse.search.indexer import apply_outbox

    records = data["records"]
    make_record("Coordination of referral mechanisms", abstract="New material for trainers.")
    fr = records["fr"]
    record_upsert(
        data=RecordInput(
            identifier=fr.identifier,
            kind=fr.kind,
            original_language="fr",
            texts=[
                TextInput(
                    language="fr",
                    title="La traite des êtres humains (édition révisée)",
                    abstract="Nouvelle version.",
                    is_original=True,
                )
            ],
            status="published",
            access_tier="public",
        )
    )
    records["ar"].status = "withdrawn"
    records["ar"].save()
    apply_outbox()


def test_delta_then_apply_equals_a_full_build(data, tmp_path):
    old = build(tmp_path / "old").path
    copy = tmp_path / "copy"
    shutil.copytree(old, copy)
    _change_catalogue(data)
    new_options = dataclasses.replace(VERSION, version="2.0")
    delta = build(tmp_path / "delta", new_options, since=old)
    summary = delta.delta
    assert summary["from_version"] == "1.0" and summary["to_version"] == "2.0"
    assert summary["added"] and summary["changed"] and summary["removed"]
    assert any(p.startswith("files/") for p in summary["removed"])  # the Arabic record's file
    full = build(tmp_path / "full", new_options).path
    call_command("offline-apply", str(delta.path), str(copy))
    assert tree_digest(copy) == tree_digest(full)
    assert manifest.verify(copy, public_key=manifest.installation_public_key()).ok
    # Applying the same delta again is refused: the copy is no longer its starting point.
    with pytest.raises(CommandError):
        call_command("offline-apply", str(delta.path), str(copy))


def _apply_in_subprocess(delta: Path, copy: Path, key: str, kill_after: int | None):
    """The real command in its own process, killed (SIGKILL) after ``kill_after`` steps."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    env["CLEARINGHOUSE_OFFLINE_KEY"] = key
    if kill_after is not None:
        env[FAULT_ENV] = str(kill_after)
    command = [sys.executable, "-m", "clearinghouse.cli", "offline-apply", str(delta), str(copy)]
    return subprocess.run(command, env=env, cwd=REPO, capture_output=True)


def test_interrupted_apply_leaves_the_previous_edition(data, tmp_path, settings):
    old = build(tmp_path / "old").path
    _change_catalogue(data)
    new_options = dataclasses.replace(VERSION, version="2.0")
    delta = build(tmp_path / "delta", new_options, since=old).path
    full = build(tmp_path / "full", new_options).path
    key = manifest.installation_public_key()
    steps = len(list(old.rglob("*")))  # more than the apply's steps before the swap ends
    rng = random.Random(13)
    points = sorted({1, 2, *rng.sample(range(3, steps), 4), steps - 3, steps - 2, steps - 1})
    killed = 0
    for kill_after in points:
        copy = tmp_path / f"copy-{kill_after}"
        shutil.copytree(old, copy)
        result = _apply_in_subprocess(delta, copy, settings.CLEARINGHOUSE_OFFLINE_KEY, kill_after)
        recover(copy)
        if result.returncode == 0:  # finished before the fault point
            assert tree_digest(copy) == tree_digest(full)
            continue
        assert result.returncode == -9, result.stderr
        killed += 1
        assert manifest.verify(copy, public_key=key).ok, kill_after
        # Either the old edition, untouched, or (killed after the swap) the new one.
        assert tree_digest(copy) in (tree_digest(old), tree_digest(full))
        apply_delta(delta, copy) if tree_digest(copy) == tree_digest(old) else None
        assert tree_digest(copy) == tree_digest(full)
    assert killed >= 5
    assert not list(tmp_path.glob(".copy-*"))
