"""Catalogue services: history, outbox, content-addressed files, the plain-text reader."""

from __future__ import annotations

import pytest

from clearinghouse.catalog import storage
from clearinghouse.catalog.models import Blob, RecordVersion
from clearinghouse.catalog.plain_text import read_plain_text
from clearinghouse.catalog.services import file_attach_text
from clearinghouse.search.models import IndexOutbox
from tests.conftest import need_shared
from tests.factories import make_record

pytestmark = pytest.mark.django_db


def test_every_change_writes_history_and_an_outbox_row(vocabularies):
    record = make_record("Module on codes of conduct", identifier="test:h", date_issued="2002-05")
    assert record.year == 2002
    make_record("Module on codes of conduct, revised", identifier="test:h")
    versions = list(RecordVersion.objects.filter(record=record).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].snapshot["texts"][0]["title"] == "Module on codes of conduct"
    assert versions[1].snapshot["texts"][0]["title"] == "Module on codes of conduct, revised"
    assert IndexOutbox.objects.filter(record_id=record.pk).count() == 2


def test_files_are_stored_once_by_content(vocabularies):
    a = make_record("A")
    b = make_record("B")
    f1 = file_attach_text(record=a, text="same content", name="one.txt", language="en")
    f2 = file_attach_text(record=b, text="same content", name="two.txt", language="en")
    assert f1.blob_id == f2.blob_id
    assert Blob.objects.count() == 1
    path = storage.blob_path(f1.blob_id)
    assert path.read_bytes() == b"same content"
    assert path.name == f1.blob_id and "one.txt" not in str(path)
    assert f1.blob.text == "same content"


def test_unknown_vocabulary_codes_are_refused(vocabularies):
    from clearinghouse.catalog.services import UnknownConcept

    with pytest.raises(UnknownConcept):
        make_record("X", concepts={"audience": ["no-such-audience"]})


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sample-french-1.txt", "é"),
        ("sample-english.bom.txt", "the"),
        ("UTF-16/bom-utf-16-le.srt", "the"),
    ],
)
def test_plain_text_reader_decodes_real_files(name, expected):
    base = need_shared("corpora", "documents", "text")
    path = base / name if (base / name).exists() else base.parent / "text" / name
    result = read_plain_text(path.read_bytes())
    assert expected in result.text.lower()
    assert "\ufffd" not in result.text[:2000]


def test_durations_are_described_in_words():
    from clearinghouse.catalog.durations import describe_duration

    assert describe_duration("PT8H") == "8 hours"
    assert describe_duration("P4D") == "4 days"
    assert describe_duration("P1DT2H30M") == "1 day, 2 hours, 30 minutes"
    assert describe_duration("about a week") == "about a week"
    assert describe_duration("") == ""
