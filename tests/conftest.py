"""Test fixtures shared by the whole suite.

Under CI=true no test may be skipped: a skip fails the run (see pytest_sessionfinish).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(
    os.environ.get("CLEARINGHOUSE_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared")
)
IN_CI = os.environ.get("CI") == "true"


def pytest_sessionfinish(session, exitstatus):
    if not IN_CI:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"CI=true: {len(skipped)} test(s) skipped; nothing may skip in CI", red=True
        )
        session.exitstatus = 1


def need_shared(*parts: str) -> Path:
    """A path under ../shared; skips (outside CI) when the shared folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing (CI=true: shared test files are required)")
        pytest.skip(f"{path} not available")
    return path


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    """Each test gets its own file store and search index directory."""
    from clearinghouse.search.handler import search_backends

    config = dict(settings.CLEARINGHOUSE_SEARCH["default"])
    if "PATH" in config:
        config["PATH"] = str(tmp_path / "index")
    settings.CLEARINGHOUSE_SEARCH = {"default": config}
    settings.CLEARINGHOUSE_FILES_ROOT = tmp_path / "blobs"
    search_backends.reset()
    yield
    search_backends.reset()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request leaves its language active in the
    thread, and a later ``reverse()`` would otherwise build another language's URLs."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def vocabularies(db):
    from clearinghouse.vocabularies.loader import load_vocabularies
    from clearinghouse.vocabularies.lookups import vocabulary_cache

    report = load_vocabularies()
    vocabulary_cache.clear()
    return report


@pytest.fixture
def demo_catalogue(vocabularies, monkeypatch):
    """The demo catalogue, loaded and indexed."""
    from clearinghouse.catalog.demo.loader import load_demo
    from clearinghouse.search.indexer import apply_outbox

    monkeypatch.setenv("CLEARINGHOUSE_SEED_DIR", str(SHARED / "seed"))
    report = load_demo(stdout=open(os.devnull, "w"))  # noqa: SIM115
    apply_outbox()
    return report
