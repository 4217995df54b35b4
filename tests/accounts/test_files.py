"""File-level access: quarantine, a file's own tier and embargo, never more open than its record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from clearinghouse.catalog.models import Blob, RecordFile
from clearinghouse.catalog.services import file_attach_text
from clearinghouse.search.indexer import apply_outbox
from tests.factories import make_record

from .people import make_account, signed_in

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def _status(client, record_file) -> int:
    return client.get(reverse("web:download", args=[record_file.pk])).status_code


def test_quarantined_files_are_for_staff_only(db):
    record = make_record("Manual with a hostile attachment")
    record_file = file_attach_text(record=record, text="macro", name="x.txt", language="en")
    Blob.objects.filter(pk=record_file.blob_id).update(extraction_status="quarantined")
    assert _status(Client(), record_file) == 404
    assert _status(signed_in(make_account("reader")), record_file) == 404
    assert _status(signed_in(make_account("analyst")), record_file) == 200
    page = Client().get(reverse("web:record", args=[record.pk])).content.decode()
    assert reverse("web:download", args=[record_file.pk]) not in page


def test_a_public_file_of_a_registered_record_stays_registered(db):
    record = make_record("Members manual", access_tier="registered")
    record_file = file_attach_text(record=record, text="t", name="m.txt", language="en")
    RecordFile.objects.filter(pk=record_file.pk).update(access_tier="public")
    assert _status(Client(), record_file) == 404
    assert _status(signed_in(make_account("reader")), record_file) == 200


@freeze_time(T0)
def test_a_file_embargo_opens_the_file_at_its_date(db):
    record = make_record("Report with an embargoed annex")
    record_file = file_attach_text(
        record=record, text="annex zuluannexword", name="a.txt", language="en"
    )
    RecordFile.objects.filter(pk=record_file.pk).update(embargo_until=T0 + dt.timedelta(days=1))
    apply_outbox()
    client = Client()
    assert client.get(reverse("web:record", args=[record.pk])).status_code == 200
    assert _status(client, record_file) == 404
    assert client.get("/api/v1/records?q=zuluannexword").json()["total"] == 0
    with freeze_time(T0 + dt.timedelta(days=1, seconds=1)):
        assert _status(client, record_file) == 200
