"""Building an edition: select, render, index, copy files, sign; then package or diff."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import translation

from clearinghouse.catalog import storage
from clearinghouse.core.policy import Actor

from . import manifest as manifest_module
from . import packaging, search_index
from .pages import BROWSABLE, PageWriter, edition_files, write_exports
from .selection import EditionOptions, EditionRefused, select

Progress = Callable[[int, int, str], None]
ASSETS = {
    "assets/site.css": "clearinghouse/site.css",
    "assets/offline.css": "offline/offline.css",
    "assets/search.js": "offline/search.js",
    "assets/search-page.js": "offline/search-page.js",
}


@dataclass
class BuildReport:
    path: Path
    records: int
    files: int
    size: int
    version: str
    index: dict = field(default_factory=dict)
    zip_path: Path | None = None
    iso_path: Path | None = None
    delta: dict | None = None


def _quiet(_done: int, _total: int, _message: str) -> None:
    return None


def default_version() -> tuple[str, str]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return now.strftime("%Y.%m.%d-%H%M%S"), now.isoformat()


def tree_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def build_tree(
    target: Path,
    options: EditionOptions,
    *,
    requested_by: Actor | None = None,
    progress: Progress = _quiet,
) -> BuildReport:
    """Write the complete edition into ``target`` (which must not exist yet)."""
    selection = select(options, requested_by)
    records = selection.records
    ui = options.ui_languages()
    version, date = options.version, options.date
    if not version:
        version, date = default_version()
    target.mkdir(parents=True)
    for relative, static in ASSETS.items():
        source = finders.find(static)
        if source is None:
            raise EditionRefused(f"static file {static} not found")
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / relative)
    total = len(records) * (len(ui) + 1) + 2
    progress(0, total, "index")
    index_dir = target / "assets" / "index"
    figures = search_index.build_index(records, ui, index_dir)
    for language in ui:
        with translation.override(language):
            search_index.write_hit_texts(records, language, index_dir)
            search_index.write_labels(language, figures["facets"], index_dir)
    progress(1, total, "pages")
    public_key = manifest_module.installation_public_key()
    about = {
        "public_key": public_key,
        "fingerprint": manifest_module.fingerprint(public_key),
    }
    gaps_html = _gaps_fragment(selection.actor, ui)
    writer = PageWriter(target, ui, selection.group.name if selection.group else None, about)
    files = {r.pk: edition_files(r, selection.files.get(r.pk, [])) for r in records}
    visible = {r.pk for r in records}
    for language in ui:
        writer.home(language, records, f"{language}/index.html", bool(gaps_html))
        writer.search(language)
        writer.simple(language, "about", about)
        if gaps_html:
            writer.simple(language, "gaps", {"gaps": gaps_html[language]})
        for facet in BROWSABLE:
            writer.browse(language, facet, figures["facets"].get(facet, {}))
    writer.home(ui[0], records, "index.html", bool(gaps_html))
    done = 2
    for record in records:
        write_exports(selection.actor, record, target)
        for language in ui:
            writer.record(selection.actor, language, record, files[record.pk], visible)
            done += 1
        progress(done, total, "pages")
    file_bytes = sum(f.size for entries in files.values() for f in entries)
    _check_size(options, tree_size(target), file_bytes, files)
    count = 0
    for entries in files.values():
        for entry in entries:
            destination = target / entry.path
            destination.parent.mkdir(parents=True, exist_ok=True)
            with (
                storage.open_blob(entry.record_file.blob.sha256) as source,
                destination.open("wb") as out,
            ):
                shutil.copyfileobj(source, out)
            count += 1
        done += 1
        progress(min(done, total), total, "files")
    manifest_module.write_manifest(target, version=version, date=date, selection=options.as_dict())
    progress(total, total, "signed")
    return BuildReport(
        path=target,
        records=len(records),
        files=count,
        size=tree_size(target),
        version=version,
        index={k: v for k, v in figures.items() if k != "facets"},
    )


def _gaps_fragment(actor: Actor, ui: tuple[str, ...]) -> dict[str, str]:
    """The gap matrix snapshot per UI language, from analysis.gaps (empty if unavailable)."""
    try:
        from clearinghouse.analysis.gaps import gap_matrix, render_fragment
    except ImportError:
        return {}
    out = {}
    for language in ui:
        with translation.override(language):
            out[language] = render_fragment(gap_matrix(actor=actor, ui_language=language))
    return out


def _check_size(options: EditionOptions, pages: int, file_bytes: int, files: dict) -> None:
    if options.max_size is None or pages + file_bytes <= options.max_size:
        return
    largest = sorted(
        (entry for entries in files.values() for entry in entries), key=lambda e: -e.size
    )[:5]
    over = pages + file_bytes - options.max_size
    lines = [
        f"the edition would be {_mb(pages + file_bytes)}, over the limit of "
        f"{_mb(options.max_size)} by {_mb(over)}.",
        f"Pages and index: {_mb(pages)}; attached files: {_mb(file_bytes)}.",
    ]
    if file_bytes >= over:
        lines.append("Drop the files (--no-files), or narrow the selection; the largest files:")
        lines += [f"  {_mb(e.size)}  {e.path}" for e in largest]
    else:
        lines.append("Narrow the selection (--audience, --topic, --language, --kind).")
    raise EditionRefused("\n".join(lines))


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def build_edition(
    out: Path,
    options: EditionOptions,
    *,
    requested_by: Actor | None = None,
    since: Path | None = None,
    make_zip: bool = False,
    make_iso: bool = False,
    progress: Progress = _quiet,
) -> BuildReport:
    """A full edition in ``out`` (replaced only once the new one is complete), or, with
    ``since``, the delta from that previous edition to the current state in ``out``."""
    out = Path(out).absolute()
    _remove_abandoned(out)
    staging = out.with_name(f".{out.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        report = build_tree(staging, options, requested_by=requested_by, progress=progress)
        if since is not None:
            from .delta import make_delta

            report.delta = make_delta(Path(since), staging, out)
            report.path = out
            return report
        _replace_dir(staging, out)
        report.path = out
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if make_zip:
        report.zip_path = packaging.write_zip(out, out.with_name(out.name + ".zip"))
    if make_iso:
        report.iso_path = packaging.write_iso(out, out.with_name(out.name + ".iso"))
    return report


def _remove_abandoned(out: Path) -> None:
    """Staging folders left by builds whose process died (killed, machine stopped)."""
    for staging in out.parent.glob(f".{out.name}.building-*"):
        pid = staging.name.rsplit("-", 1)[1]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(staging, ignore_errors=True)
        except PermissionError:
            continue


def _replace_dir(new: Path, out: Path) -> None:
    if out.exists():
        if any(out.iterdir()) and not (out / manifest_module.MANIFEST).exists():
            raise EditionRefused(f"{out} exists and is not an offline edition: not replacing it")
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
        os.replace(new, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        os.replace(new, out)


def data_dir() -> Path:
    return Path(settings.DATA_DIR)
