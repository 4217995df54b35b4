"""Content-addressed file storage: a file lives at blobs/ab/cd/<sha256>, written once."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

CHUNK = 1024 * 1024


def root() -> Path:
    return Path(settings.CLEARINGHOUSE_FILES_ROOT)


def blob_path(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return root() / sha256[:2] / sha256[2:4] / sha256


def store(stream: BinaryIO, max_bytes: int | None = None) -> tuple[str, int]:
    """Copy ``stream`` into the store; return (sha256, size). Idempotent per content.

    The content is written to a temporary file in the store, fsynced, then renamed
    into place, so a crash never leaves a partial file under a valid name.
    """
    base = root()
    base.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=base, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as tmp:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise ValueError(f"file is larger than the limit of {max_bytes} bytes")
                digest.update(chunk)
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        sha = digest.hexdigest()
        target = blob_path(sha)
        if target.exists():
            os.unlink(tmp_name)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, target)
        return sha, size
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def open_blob(sha256: str) -> BinaryIO:
    return blob_path(sha256).open("rb")
