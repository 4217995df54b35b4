"""ZIP containers (OOXML, OpenDocument) checked before any member is parsed.

Declared sizes can lie, so members are also read with a hard cap.
"""

from __future__ import annotations

import zipfile

from .readers.base import ReaderLimits, Refused

_MB = 1024 * 1024


def open_zip(path: str, limits: ReaderLimits) -> zipfile.ZipFile:
    """Open ``path`` after checking member count, sizes, ratios, names and encryption."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Refused("damaged", f"the ZIP container is damaged: {exc}") from exc
    try:
        _check(zf, path, limits)
    except Refused:
        zf.close()
        raise
    return zf


def _check(zf: zipfile.ZipFile, path: str, limits: ReaderLimits) -> None:
    infos = zf.infolist()
    if len(infos) > limits.zip_max_members:
        raise Refused(
            "zip_members",
            f"the container has {len(infos)} members (the limit is {limits.zip_max_members})",
        )
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if (
            "\x00" in name
            or name.startswith(("/", "\\"))
            or ".." in name.replace("\\", "/").split("/")
        ):
            raise Refused("zip_names", f"the container has an unsafe member name: {name[:80]!r}")
        if name in seen:
            raise Refused("zip_names", f"the container has two members named {name[:80]!r}")
        seen.add(name)
        if info.flag_bits & 0x1:
            raise Refused("encrypted", "the container's members are encrypted (password-protected)")
        total += info.file_size
        if info.file_size > limits.zip_max_member_bytes:
            raise Refused(
                "zip_bomb",
                f"zip bomb: member {name[:80]} expands to {info.file_size // _MB} MB "
                f"(the limit is {limits.zip_max_member_bytes // _MB} MB)",
            )
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > _MB and ratio > limits.zip_max_ratio:
            raise Refused(
                "zip_bomb",
                f"zip bomb: member {name[:80]} expands {ratio:.0f} times "
                f"(the limit is {limits.zip_max_ratio} times)",
            )
    if total > limits.zip_max_total_bytes:
        raise Refused(
            "zip_bomb",
            f"zip bomb: the members expand to {total // _MB} MB "
            f"(the limit is {limits.zip_max_total_bytes // _MB} MB)",
        )


def read_member(zf: zipfile.ZipFile, name: str, limits: ReaderLimits) -> bytes:
    """The bytes of ``name``, never more than the member limit whatever the header says."""
    cap = limits.zip_max_member_bytes
    chunks = []
    size = 0
    try:
        with zf.open(name) as fh:
            while chunk := fh.read(1024 * 1024):
                size += len(chunk)
                if size > cap:
                    raise Refused(
                        "zip_bomb",
                        f"zip bomb: member {name[:80]} expands past {cap // _MB} MB "
                        "(more than its header declares)",
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise Refused("damaged", f"member {name[:80]} cannot be read: {exc}") from exc
    return b"".join(chunks)
