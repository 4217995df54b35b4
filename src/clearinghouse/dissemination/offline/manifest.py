"""The signed manifest: every file's SHA-256 and size, the edition's version, Ed25519.

The signing key lives in the data directory (``offline-signing-key.pem``, created on first
use with mode 0600); its public half is shown on the portal's /offline/ page and inside every
edition (about.html), so a reader can compare fingerprints. ``verify`` checks the signature,
every hash and size, and that no file is missing or extra.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FORMAT = 1
CHUNK = 1024 * 1024


def key_path() -> Path:
    configured = getattr(settings, "CLEARINGHOUSE_OFFLINE_KEY", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "offline-signing-key.pem"


def signing_key() -> Ed25519PrivateKey:
    """The installation's key, generated on first use (written 0600, never overwritten)."""
    path = key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def fingerprint(public_key: str) -> str:
    digest = hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:32]
    return ":".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def installation_public_key() -> str:
    return public_key_text(signing_key().public_key())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def tree_files(root: Path) -> list[str]:
    """Every file under ``root`` (POSIX relative paths, sorted), the manifest pair excluded."""
    found = []
    for path in root.rglob("*"):
        if path.is_file() or path.is_symlink():
            relative = path.relative_to(root).as_posix()
            if relative not in (MANIFEST, SIGNATURE):
                found.append(relative)
    return sorted(found)


def manifest_bytes(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def write_manifest(root: Path, *, version: str, date: str, selection: dict) -> dict:
    """Hash the tree, write manifest.json and its signature manifest.sig."""
    key = signing_key()
    files = {}
    for relative in tree_files(root):
        path = root / relative
        files[relative] = {"sha256": file_sha256(path), "size": path.stat().st_size}
    data = {
        "format": FORMAT,
        "version": version,
        "date": date,
        "selection": selection,
        "public_key": public_key_text(key.public_key()),
        "files": files,
    }
    body = manifest_bytes(data)
    (root / MANIFEST).write_bytes(body)
    (root / SIGNATURE).write_text(base64.b64encode(key.sign(body)).decode("ascii") + "\n")
    return data


@dataclass
class Verification:
    ok: bool
    version: str = ""
    fingerprint: str = ""
    problems: list[str] = field(default_factory=list)
    #: The signature was checked against the key the edition carries, not a trusted one.
    self_signed_only: bool = False


def verify(root: Path, public_key: str | None = None) -> Verification:
    """Signature, then every file's size and hash; missing and extra files are problems."""
    root = Path(root)
    problems: list[str] = []
    try:
        body = (root / MANIFEST).read_bytes()
        signature = base64.b64decode((root / SIGNATURE).read_text().strip())
        data = json.loads(body)
    except (OSError, ValueError) as exc:
        return Verification(ok=False, problems=[f"cannot read the manifest: {exc}"])
    carried = str(data.get("public_key", ""))
    trusted = public_key or carried
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(trusted))
        key.verify(signature, body)
    except (InvalidSignature, ValueError):
        problems.append("the signature does not match the manifest (or the key)")
    listed: dict = data.get("files", {})
    present = set(tree_files(root))
    for relative in sorted(set(listed) - present):
        problems.append(f"missing: {relative}")
    for relative in sorted(present - set(listed)):
        problems.append(f"not in the manifest: {relative}")
    for relative in sorted(set(listed) & present):
        path = root / relative
        entry = listed[relative]
        if path.is_symlink() or path.stat().st_size != entry.get("size"):
            problems.append(f"changed (size): {relative}")
        elif file_sha256(path) != entry.get("sha256"):
            problems.append(f"changed (checksum): {relative}")
    return Verification(
        ok=not problems,
        version=str(data.get("version", "")),
        fingerprint=fingerprint(trusted) if trusted else "",
        problems=problems,
        self_signed_only=public_key is None,
    )
