"""Updates by delta: what changed between two manifests, applied atomically.

``make_delta`` compares the previous edition's manifest with a new full tree and keeps the
new and changed files, the removed paths and the new signed manifest. ``apply_delta``
builds the updated copy beside the old one, verifies it against the new manifest (signed by
the key the old edition carries), then swaps them with two renames. ``recover`` finishes or
undoes an apply that was interrupted: run first by apply and by offline-verify.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
from pathlib import Path

from .errors import EditionRefused
from .manifest import MANIFEST, SIGNATURE, manifest_bytes, verify

DELTA = "delta.json"
PAYLOAD = "payload"
#: Tests set this to N to have the apply process SIGKILL itself after N steps.
FAULT_ENV = "CLEARINGHOUSE_OFFLINE_APPLY_KILL_AFTER"


def _manifest_of(previous: Path) -> tuple[dict, bytes]:
    path = previous / MANIFEST if previous.is_dir() else previous
    body = path.read_bytes()
    return json.loads(body), body


def make_delta(previous: Path, new_tree: Path, out: Path) -> dict:
    """Write the delta from ``previous`` (an edition or its manifest.json) to ``new_tree``."""
    old, old_body = _manifest_of(previous)
    new_body = (new_tree / MANIFEST).read_bytes()
    new = json.loads(new_body)
    old_files, new_files = old.get("files", {}), new["files"]
    added = sorted(set(new_files) - set(old_files))
    removed = sorted(set(old_files) - set(new_files))
    changed = sorted(
        p
        for p in set(new_files) & set(old_files)
        if new_files[p]["sha256"] != old_files[p]["sha256"]
    )
    staging = out.with_name(f".{out.name}.delta-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for relative in [*added, *changed]:
        target = staging / PAYLOAD / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(new_tree / relative, target)
    shutil.copyfile(new_tree / MANIFEST, staging / MANIFEST)
    shutil.copyfile(new_tree / SIGNATURE, staging / SIGNATURE)
    summary = {
        "from_version": old.get("version", ""),
        "to_version": new.get("version", ""),
        "from_manifest_sha256": hashlib.sha256(old_body).hexdigest(),
        "added": added,
        "changed": changed,
        "removed": removed,
    }
    (staging / DELTA).write_bytes(manifest_bytes(summary))
    if out.exists():
        shutil.rmtree(out)
    os.replace(staging, out)
    return summary


def _siblings(edition: Path) -> tuple[Path, Path]:
    return (
        edition.with_name(f".{edition.name}.applying"),
        edition.with_name(f".{edition.name}.previous"),
    )


def recover(edition: Path) -> str:
    """Put an edition back in order after an interrupted apply; says what it did."""
    edition = Path(edition).absolute()
    applying, previous = _siblings(edition)
    if not edition.exists() and previous.exists():
        os.replace(previous, edition)
        shutil.rmtree(applying, ignore_errors=True)
        return "an interrupted update was rolled back: the previous edition is in place"
    did = ""
    if applying.exists():
        shutil.rmtree(applying)
        did = "a half-applied update was removed; the edition is unchanged"
    if previous.exists():
        shutil.rmtree(previous)
        did = did or "the update had completed; the previous copy was removed"
    return did


class _Steps:
    """Counts the apply's steps; with FAULT_ENV set, dies (SIGKILL) after that many."""

    def __init__(self) -> None:
        value = os.environ.get(FAULT_ENV, "")
        self.limit = int(value) if value.isdigit() else None
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        if self.limit is not None and self.count >= self.limit:
            os.kill(os.getpid(), signal.SIGKILL)


def apply_delta(delta: Path, edition: Path) -> dict:
    """Update ``edition`` in place by ``delta``, atomically (all of it, or none of it)."""
    delta, edition = Path(delta).absolute(), Path(edition).absolute()
    recover(edition)
    summary = json.loads((delta / DELTA).read_bytes())
    current_body = (edition / MANIFEST).read_bytes()
    if hashlib.sha256(current_body).hexdigest() != summary["from_manifest_sha256"]:
        current = json.loads(current_body).get("version", "?")
        raise EditionRefused(
            f"this delta updates version {summary['from_version']}; the copy is version {current}"
        )
    before = verify(edition)
    if not before.ok:
        raise EditionRefused("the copy to update is damaged: " + "; ".join(before.problems[:5]))
    trusted_key = json.loads(current_body)["public_key"]
    applying, previous = _siblings(edition)
    step = _Steps()
    shutil.rmtree(applying, ignore_errors=True)
    applying.mkdir()
    replaced = set(summary["changed"]) | set(summary["removed"])
    for relative in sorted(json.loads(current_body)["files"]):
        if relative in replaced:
            continue
        target = applying / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(edition / relative, target)
        except OSError:
            shutil.copyfile(edition / relative, target)
        step()
    for relative in [*summary["added"], *summary["changed"]]:
        target = applying / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(delta / PAYLOAD / relative, target)
        step()
    shutil.copyfile(delta / MANIFEST, applying / MANIFEST)
    shutil.copyfile(delta / SIGNATURE, applying / SIGNATURE)
    after = verify(applying, public_key=trusted_key)
    if not after.ok:
        shutil.rmtree(applying, ignore_errors=True)
        raise EditionRefused("the updated copy does not verify: " + "; ".join(after.problems[:5]))
    step()
    os.replace(edition, previous)
    step()
    os.replace(applying, edition)
    step()
    shutil.rmtree(previous, ignore_errors=True)
    return summary
