"""An import interrupted after a committed chunk resumes exactly where it stopped, and
judges the rest of the file as the uninterrupted import would (in-process, both DBs)."""

from __future__ import annotations

import pytest

from clearinghouse.catalog.models import Record, RecordVersion
from clearinghouse.core.policy import Actor
from clearinghouse.dissemination.imports.service import import_file
from clearinghouse.dissemination.models import ImportRun

pytestmark = pytest.mark.django_db

STAFF = Actor(role="administrator", is_staff=True, is_registered=True)


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs."""


def _ris(keys: list[int]) -> bytes:
    return "".join(
        f"TY  - RPRT\nTI  - Report {n}\nDO  - 10.5555/resume-{key}\nER  - \n\n"
        for n, key in enumerate(keys)
    ).encode()


def test_resumed_import_rejects_a_duplicate_of_an_entry_applied_before_the_crash():
    data = _ris([0, 1, 2, 3, 4, 5, 1, 6])  # entry 7 repeats entry 2's DOI

    def crash_after_first_chunk(done, total):
        raise Killed

    with pytest.raises(Killed):
        import_file(
            actor=STAFF,
            format_name="ris",
            data=data,
            chunk_size=4,
            progress=crash_after_first_chunk,
        )
    run = ImportRun.objects.get()
    assert (run.status, run.cursor, Record.objects.count()) == ("running", 4, 4)

    report = import_file(actor=STAFF, format_name="ris", data=data, chunk_size=4)

    assert report.resumed_from == 4
    assert report.counts == {"create": 3, "update": 0, "reject": 1}
    assert "same record as entry 2" in report.rejections[0].reason
    run.refresh_from_db()
    assert (run.status, run.cursor, run.created, run.updated, run.rejected) == (
        "done",
        8,
        7,
        0,
        1,
    )
    assert Record.objects.count() == 7
    assert RecordVersion.objects.count() == 7  # no record was written twice
