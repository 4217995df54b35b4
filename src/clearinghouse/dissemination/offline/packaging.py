"""ZIP and ISO 9660 images of an edition (the ZIP is byte-for-byte deterministic).

The ISO carries Joliet (Unicode names up to 64 characters, what Windows reads) and Rock
Ridge (long POSIX names, what Linux and macOS read); its ISO 9660 level-1 names are short
generated ones (D0001, F0001.;1), since the real names live in the two extensions.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from .manifest import MANIFEST, SIGNATURE, tree_files

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def all_files(root: Path) -> list[str]:
    extra = [name for name in (MANIFEST, SIGNATURE) if (root / name).exists()]
    return sorted([*tree_files(root), *extra])


def write_zip(root: Path, target: Path) -> Path:
    temporary = target.with_name(target.name + ".part")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for relative in all_files(root):
            info = zipfile.ZipInfo(relative, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (root / relative).read_bytes())
    os.replace(temporary, target)
    return target


def write_iso(root: Path, target: Path, volume: str = "CLEARINGHOUSE") -> Path:
    import pycdlib

    iso = pycdlib.PyCdlib()
    iso.new(
        interchange_level=1,
        joliet=3,
        rock_ridge="1.09",
        vol_ident=volume[:32],
    )
    counter = {"d": 0, "f": 0}
    iso_dirs: dict[str, str] = {"": "/"}
    handles = []

    def iso_dir(relative: str) -> str:
        if relative in iso_dirs:
            return iso_dirs[relative]
        parent, _, name = relative.rpartition("/")
        parent_iso = iso_dir(parent)
        counter["d"] += 1
        path = f"{parent_iso.rstrip('/')}/D{counter['d']:05d}"
        iso.add_directory(path, rr_name=name, joliet_path="/" + relative if relative else None)
        iso_dirs[relative] = path
        return path

    try:
        for relative in all_files(root):
            parent, _, name = relative.rpartition("/")
            directory = iso_dir(parent)
            counter["f"] += 1
            data = (root / relative).read_bytes()
            handle = io.BytesIO(data)
            handles.append(handle)
            iso.add_fp(
                handle,
                len(data),
                f"{directory.rstrip('/')}/F{counter['f']:05d}.;1",
                rr_name=name,
                joliet_path="/" + relative,
            )
        temporary = target.with_name(target.name + ".part")
        iso.write(str(temporary))
    finally:
        iso.close()
    os.replace(temporary, target)
    return target


def read_iso_tree(image: Path, *, joliet: bool = False) -> dict[str, bytes]:
    """Every file of an image by its Rock Ridge (or Joliet) path: for checks and tests."""
    import pycdlib

    iso = pycdlib.PyCdlib()
    iso.open(str(image))
    found: dict[str, bytes] = {}
    try:
        facade = iso.get_joliet_facade() if joliet else iso.get_rock_ridge_facade()
        for dirname, _dirs, files in facade.walk("/"):
            for name in files:
                path = f"{dirname.rstrip('/')}/{name}"
                out = io.BytesIO()
                facade.get_file_from_iso_fp(out, path)
                found[path.lstrip("/")] = out.getvalue()
    finally:
        iso.close()
    return found
