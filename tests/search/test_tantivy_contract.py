"""The search contract against TantivyBackend, plus what only a file-based engine must do."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from clearinghouse.search.backends.tantivy import TantivyBackend
from clearinghouse.search.tree import MatchAllQ, PhraseQ

from .contract import SearchBackendContract, make_doc, run, term
from .contract_derived import DerivedContract


def make_backend(path) -> TantivyBackend:
    return TantivyBackend("default", {"PATH": str(path), "LOCK_TIMEOUT": 5})


class TestTantivyContract(SearchBackendContract, DerivedContract):
    @pytest.fixture
    def backend(self, tmp_path):
        return make_backend(tmp_path / "index")


def generations(path) -> list[str]:
    return sorted(entry.name for entry in path.glob("gen-*"))


def test_other_instance_sees_commits(tmp_path):
    """A second backend on the same PATH stands in for another process."""
    writer, reader = make_backend(tmp_path), make_backend(tmp_path)
    assert reader.count() == 0
    writer.apply([make_doc(1, "first")], [])
    assert run(reader, term("first")).total == 1
    writer.apply([make_doc(1, "second")], [])
    assert run(reader, term("first")).total == 0
    assert run(reader, term("second")).total == 1
    writer.apply([], [1])
    assert reader.count() == 0


def test_other_instance_sees_rebuild_swap(tmp_path):
    writer, reader = make_backend(tmp_path), make_backend(tmp_path)
    writer.apply([make_doc(1, "before")], [])
    assert reader.count() == 1
    writer.rebuild([make_doc(2, "after"), make_doc(3, "after")])
    assert sorted(h.record_id for h in run(reader, term("after")).hits) == [2, 3]
    assert run(reader, term("before")).total == 0
    # the reader's old generation is gone; applying through it lands in the new one
    reader.apply([make_doc(4, "after")], [])
    assert run(writer, term("after")).total == 3


def test_rebuild_leaves_one_generation(tmp_path):
    backend = make_backend(tmp_path)
    backend.apply([make_doc(1, "a")], [])
    for _ in range(3):
        backend.rebuild([make_doc(2, "b")])
    assert len(generations(tmp_path)) == 1
    current = (tmp_path / "CURRENT").read_text().strip()
    assert generations(tmp_path) == [current]
    assert not list(tmp_path.glob("CURRENT.tmp-*"))


def test_rebuild_commits_in_batches_and_reports_progress(tmp_path):
    backend = TantivyBackend("default", {"PATH": str(tmp_path), "COMMIT_EVERY": 10})
    seen: list[int] = []
    backend.rebuild((make_doc(i, "x") for i in range(25)), seen.append)
    assert seen == [10, 20, 25]
    assert backend.count() == 25


def test_failed_rebuild_keeps_old_index(tmp_path):
    backend = make_backend(tmp_path)
    backend.apply([make_doc(1, "kept")], [])

    def broken():
        yield make_doc(2, "new")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken())
    assert [h.record_id for h in run(backend, MatchAllQ()).hits] == [1]
    assert len(generations(tmp_path)) == 1


def test_writer_lock_waits_then_fails_clearly(tmp_path):
    from clearinghouse.search.backends.tantivy import SearchIndexLocked

    backend = TantivyBackend("default", {"PATH": str(tmp_path), "LOCK_TIMEOUT": 0.2})
    backend.apply([make_doc(1, "a")], [])
    reader = backend._fresh_reader()
    held = reader.index.writer()
    try:
        with pytest.raises(SearchIndexLocked):
            backend.apply([make_doc(2, "b")], [])
    finally:
        held.rollback()
        del held
    backend.apply([make_doc(2, "b")], [])
    assert backend.count() == 2


def test_check_reports_unwritable_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert TantivyBackend("default", {"PATH": str(blocker)}).check()


def test_terms_with_whitespace_are_kept_whole(tmp_path):
    backend = make_backend(tmp_path)
    document = make_doc(1, "x")
    document.full_terms = ["new york", "city", ""]
    backend.apply([document], [])
    assert run(backend, term("new york")).total == 1
    assert run(backend, term("new")).total == 0
    assert run(backend, PhraseQ(("new york", "city"))).total == 1


def test_searches_in_threads_while_applying(tmp_path):
    backend = make_backend(tmp_path)
    backend.apply([make_doc(i, "seed") for i in range(50)], [])

    def search_many(_):
        return [run(backend, term("seed"), limit=5).total for _ in range(30)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        searches = [pool.submit(search_many, n) for n in range(4)]
        for start in range(50, 70):
            backend.apply([make_doc(start, "seed")], [])
        totals = [total for future in searches for total in future.result()]
    assert all(50 <= total <= 70 for total in totals)
    assert run(backend, term("seed")).total == 70


WRITER_SCRIPT = """
import sys
from clearinghouse.search.backends.tantivy import TantivyBackend
from tests.search.contract import make_doc
backend = TantivyBackend("default", {"PATH": sys.argv[1]})
first = int(sys.argv[2])
for record_id in range(first, first + 15):
    backend.apply([make_doc(record_id, "shared")], [])
"""


def test_writer_processes_wait_for_each_other(tmp_path):
    """Two processes applying at once: the writer lock is waited for, nothing is lost."""
    make_backend(tmp_path).count()  # create the first generation
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER_SCRIPT, str(tmp_path), str(first)], env=env)
        for first in (0, 100)
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    assert run(make_backend(tmp_path), term("shared")).total == 30


def test_a_rebuild_keeps_its_common_terms_for_later_writes(tmp_path):
    """The generation's common terms: frequent words, not rare ones (the contract checks
    what phrases then find)."""
    words = ["law enforcement victims"] * 40 + ["seldom"]
    backend = make_backend(tmp_path)
    backend.rebuild(make_doc(i, text) for i, text in enumerate(words, 1))
    common = backend._fresh_reader().common
    assert {"law", "enforcement", "victims"} <= common and "seldom" not in common
