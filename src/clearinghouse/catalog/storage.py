"""Content-addressed file storage: a file lives at blobs/ab/cd/<sha256>, written once.

Crash safety: a file is complete and durable (written, fsynced, renamed, its directory
fsynced) before ``store`` returns, i.e. before any database row that references it can
commit. Temporary files start with ``.incoming-``; a crash may leave one behind, or a
stored file no row references — ``clearinghouse collect-orphans`` removes both once they
are older than its grace period, which is why storing content that is already present
refreshes the file's modification time.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

CHUNK = 1024 * 1024
TEMP_PREFIX = ".incoming-"


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
    _make_dirs(base)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=base, prefix=TEMP_PREFIX)
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
        with store_lock(shared=True):
            if target.exists():
                os.unlink(tmp_name)
                # A new reference is about to be written: the orphan collector's grace
                # period starts again, so it cannot remove the file under that transaction.
                os.utime(target)
            else:
                _make_dirs(target.parent)
                os.replace(tmp_name, target)
                fsync_directory(target.parent)
        return sha, size
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


@contextlib.contextmanager
def store_lock(*, shared: bool, blocking: bool = True) -> Iterator[bool]:
    """The store's maintenance lock: writers and backups share it, the orphan collector
    takes it alone. Yields False (without the lock) when ``blocking`` is off and it is held.
    """
    base = root()
    _make_dirs(base)
    with open(base / ".lock", "a+b") as fh:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        try:
            fcntl.flock(fh.fileno(), mode | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def fsync_directory(path: Path) -> None:
    """Make a rename or a new entry in ``path`` durable (POSIX: fsync the directory)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_dirs(path: Path) -> None:
    """``mkdir -p`` whose new entries survive a crash (each parent fsynced)."""
    if path.is_dir():
        return
    _make_dirs(path.parent)
    try:
        path.mkdir()
    except FileExistsError:
        return
    fsync_directory(path.parent)


def write_file(target: Path, stream: BinaryIO) -> tuple[str, int]:
    """Write ``stream`` to ``target`` atomically and durably; return (sha256, size).

    Used by backup and restore for files that are not content-addressed by this store.
    """
    _make_dirs(target.parent)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX)
    try:
        with os.fdopen(fd, "wb") as tmp:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                digest.update(chunk)
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, target)
        fsync_directory(target.parent)
        return digest.hexdigest(), size
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def open_blob(sha256: str) -> BinaryIO:
    return blob_path(sha256).open("rb")
