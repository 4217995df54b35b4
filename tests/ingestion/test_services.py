"""Submitting, running and recovering jobs; the staff upload page and the staff API."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clearinghouse.catalog.models import Blob, Record, RecordFile
from clearinghouse.core.policy import ANONYMOUS
from clearinghouse.ingestion.models import Extraction, IngestJob
from clearinghouse.ingestion.services import (
    batch_create,
    file_submit,
    job_process,
    jobs_recover,
)
from clearinghouse.search.indexer import apply_outbox
from clearinghouse.search.service import search_records

from ..conftest import need_shared
from ..factories import make_record
from . import builders

pytestmark = pytest.mark.django_db


def _udhr_text(code: str) -> str:
    xml = need_shared("corpora", "multilingual", "udhr", f"udhr_{code}.xml").read_text("utf-8")
    return " ".join(re.sub(r"<[^>]+>", " ", xml).split())[:6000]


def _ingest(name: str, data: bytes, *, record=None, language: str = "") -> IngestJob:
    batch = batch_create(source="cli", record=record, language_hint=language)
    submitted = file_submit(batch=batch, stream=io.BytesIO(data), name=name, enqueue=False)
    assert submitted.outcome == "queued", submitted.detail
    job_process(job_id=submitted.job.pk)
    return IngestJob.objects.select_related("blob", "record_file").get(pk=submitted.job.pk)


@pytest.mark.corpora
def test_french_russian_and_chinese_documents_are_detected(vocabularies):
    cases = {
        "fra": ("declaration.docx", builders.docx, "fr"),
        "rus": ("декларация.odt", builders.odt_text, "ru"),
        "cmn_hans": ("宣言.pdf", None, "zh"),
    }
    for code, (name, build, expected) in cases.items():
        text = _udhr_text(code)
        data = build(text.split(". ")) if build else text.encode("utf-8")
        if build is None:
            name = "宣言.txt"
        job = _ingest(name, data)
        assert job.status == "ingested", job.reason
        assert job.blob.text_language == expected
        top = job.blob.extraction.languages[0]
        assert top["code"] == expected and top["confidence"] > 0.9


def test_extracted_text_is_searchable_on_the_record(vocabularies):
    record = make_record("Seminar handouts", status="published")
    data = builders.pdf(["Referral mechanisms for victims in Kosovo and Bosnia " * 3])
    job = _ingest("handout.pdf", data, record=record)
    assert job.status == "ingested" and job.record_file.record_id == record.pk
    apply_outbox()
    outcome = search_records(actor=ANONYMOUS, q="referral mechanisms", language="en")
    assert [hit.record.pk for hit in outcome.hits] == [record.pk]


def test_exact_duplicates_are_linked_not_stored_twice(vocabularies):
    data = builders.docx(["Codes of conduct for peacekeepers"])
    first = _ingest("a.docx", data)
    other = make_record("Another record")
    linked = _ingest("copy-of-a.docx", data, record=other)
    assert linked.status == "ingested" and "linked, not stored twice" in linked.reason
    assert Blob.objects.count() == 1 and Extraction.objects.count() == 1
    assert RecordFile.objects.filter(blob=first.blob).count() == 2
    batch = batch_create(source="cli")
    again = file_submit(batch=batch, stream=io.BytesIO(data), name="again.docx", enqueue=False)
    assert again.outcome == "duplicate" and again.job is None
    assert str(first.record_file.record_id) in again.detail


def test_near_duplicates_point_at_the_earlier_record(vocabularies):
    words = _udhr_text("eng").split()
    first = _ingest("v1.txt", " ".join(words[:800]).encode())
    edited = words[:800]
    edited[100:110] = ["inserted", "words", "in", "a", "revised", "version"]
    second = _ingest("v2.txt", " ".join(edited).encode())
    near = second.blob.extraction.near_duplicates
    assert near and near[0]["sha256"] == first.blob_id and 0.7 < near[0]["similarity"] < 1
    assert f"looks like a version of record {first.record_file.record_id}" in second.reason


def test_a_quarantined_file_is_kept_for_staff_with_its_reason(vocabularies):
    job = _ingest("budget.pdf", builders.docx(["not a pdf"]))
    assert job.status == "quarantined" and "the name ends in .pdf" in job.reason
    assert job.blob.extraction_status == "quarantined"
    record = Record.objects.get(pk=job.record_file.record_id)
    assert record.status == "draft"


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("../../../etc/cron.d/job.pdf", "parent-directory reference"),
        ("report\x00.pdf", "NUL character"),
        ("invoice\u202efdp.exe.pdf", "U+202E"),
        ("n" * 10_240 + ".pdf", "10244 characters"),
    ],
)
def test_an_unsafe_name_is_quarantined_and_stored_in_a_safe_form(vocabularies, name, says):
    job = _ingest(name, builders.pdf(["Harmless text " * 10]))
    assert job.status == "quarantined" and says in job.reason
    assert "rename the file" in job.reason
    shown = job.record_file.original_name
    assert "\x00" not in shown and "\u202e" not in shown and "/" not in shown
    assert len(shown) <= 200 and job.blob.extraction_status == "quarantined"


def test_a_worker_that_died_leaves_the_job_pending_and_it_runs_exactly_once(vocabularies):
    batch = batch_create(source="cli")
    data = builders.docx(["Training of trainers"])
    job = file_submit(batch=batch, stream=io.BytesIO(data), name="t.docx", enqueue=False).job
    # A worker on this host claimed it and died (pid 0x7ffffffe never exists).
    IngestJob.objects.filter(pk=job.pk).update(
        status="running", claimed_by=f"{__import__('socket').gethostname()}:2147483646"
    )
    assert job_process(job_id=job.pk) is None  # not pending: nobody else may take it
    assert jobs_recover() == [job.pk]
    assert job_process(job_id=job.pk) == "ingested"
    assert job_process(job_id=job.pk) is None
    assert RecordFile.objects.filter(blob_id=job.blob_id).count() == 1
    assert IngestJob.objects.get(pk=job.pk).attempts == 1


def test_a_live_workers_job_is_not_taken_away(vocabularies):
    batch = batch_create(source="cli")
    job = file_submit(
        batch=batch, stream=io.BytesIO(b"some text here"), name="t.txt", enqueue=False
    ).job
    import os
    import socket

    from django.utils import timezone

    IngestJob.objects.filter(pk=job.pk).update(
        status="running",
        claimed_by=f"{socket.gethostname()}:{os.getpid()}",
        heartbeat_at=timezone.now(),
    )
    assert jobs_recover() == []


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("ingester", password="x" * 20, is_staff=True)
    client.force_login(user)
    return client


def test_upload_page_takes_several_files_and_shows_the_batch(
    staff_client, vocabularies, django_capture_on_commit_callbacks
):
    files = [
        SimpleUploadedFile("one.docx", builders.docx(["Victim identification checklist"])),
        SimpleUploadedFile("two.txt", b"Protection and assistance"),
        SimpleUploadedFile("three.pdf", b"not really a pdf at all"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("ingestion:upload"), {"files": files})
    assert response.status_code == 302
    page = staff_client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "3 of 3 done: 2 ingested, 1 quarantined" in html
    assert "the name ends in .pdf" in html


def test_upload_page_refuses_files_over_the_size_limit(staff_client, settings, vocabularies):
    settings.CLEARINGHOUSE_INGESTION = {"MAX_UPLOAD_BYTES": 1024 * 1024}
    big = SimpleUploadedFile("big.txt", b"x" * (2 * 1024 * 1024))
    response = staff_client.post(reverse("ingestion:upload"), {"files": [big]})
    assert response.status_code == 400
    assert "Too large (the limit is 1 MB per file): big.txt (2 MB)" in response.content.decode()
    assert not IngestJob.objects.exists()


def test_api_queues_files_and_reports_jobs(
    staff_client, vocabularies, django_capture_on_commit_callbacks
):
    data = builders.odt_text(["Briefing for police monitors"])
    upload = SimpleUploadedFile("brief.odt", data)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("api-ingest-files"), {"file": [upload]})
    assert response.status_code == 202
    entry = response.json()["files"][0]
    assert entry["outcome"] == "queued"
    job = staff_client.get(entry["job"]["url"]).json()
    assert job["status"] == "ingested" and job["language"] == "en" and job["record"]
    same = SimpleUploadedFile("brief.odt", data)
    again = staff_client.post(reverse("api-ingest-files"), {"file": [same]}).json()
    assert again["batch"] is None and again["files"][0]["outcome"] == "duplicate"


def test_api_is_staff_only(client, vocabularies):
    upload = SimpleUploadedFile("x.txt", b"hello")
    assert client.post(reverse("api-ingest-files"), {"file": [upload]}).status_code == 403
    assert client.get(reverse("api-ingest-job", args=[1])).status_code == 404
    schema = client.get(reverse("api-openapi")).json()
    assert {"/files", "/jobs/{id}"} <= set(schema["paths"])
