"""Export and erasure of a person on request (C8), with the audit trail."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from clearinghouse.accounts.models import AuditEvent
from clearinghouse.catalog.models import RecordCreator, RecordVersion
from clearinghouse.core.policy import ANONYMOUS, Actor
from clearinghouse.directory.models import Affiliation, Agent, PrivateContact
from clearinghouse.directory.services import expert_erase, expert_export
from clearinghouse.search.indexer import apply_outbox
from clearinghouse.search.service import search_records
from tests.accounts.people import make_account, signed_in
from tests.factories import make_record

from .roster import credit, org, person, private

pytestmark = pytest.mark.django_db
STAFF = Actor(role="analyst", is_staff=True, is_registered=True)
EMAIL = "zorana.kilibarda@example.org"
PHONE = "+381 11 555 0199"


@pytest.fixture
def expert():
    shelter = org("Shelter Network")
    someone = person(
        "Zorana Kilibarda",
        affiliation=shelter,
        disciplines=["ngo-victim-services"],
        languages=["sr:native"],
        title="Director",
    )
    private(someone, email=EMAIL, phone=PHONE, address="Street 1", notes="met in Turin")
    Affiliation.objects.create(person=someone, organisation=shelter, title="Director")
    record = make_record("Shelter manual")
    credit(record, someone)
    apply_outbox()
    return someone, record


def everything_stored_as_text() -> str:
    """Audit rows and record history, where a careless erasure would leave traces."""
    audit = list(AuditEvent.objects.values("summary", "changes"))
    history = list(RecordVersion.objects.values_list("snapshot", flat=True))
    return json.dumps([audit, history], ensure_ascii=False, default=str)


def test_export_holds_everything_and_is_audited(expert):
    someone, record = expert
    data = expert_export(actor=STAFF, expert=someone)
    assert data["private"]["email"] == EMAIL and data["private"]["phone"] == PHONE
    assert data["person"]["name"] == "Zorana Kilibarda"
    assert data["affiliations"][0]["title"] == "Director"
    assert data["credits"] == [
        {"record": record.pk, "identifier": record.identifier, "role": "author"}
    ]
    json.dumps(data)  # JSON-ready
    event = AuditEvent.objects.get(action="directory.export")
    assert event.target_id == str(someone.pk)
    with pytest.raises(PermissionDenied):
        expert_export(actor=Actor(role="trainer", is_registered=True), expert=someone)


def test_erasure_without_consent_leaves_nothing_of_the_person(expert):
    someone, record = expert
    assert search_records(actor=ANONYMOUS, q="Kilibarda").total == 1
    pk = someone.pk
    assert expert_erase(actor=STAFF, expert=someone, reason="request of 2026-11-01") is None
    assert not Agent.objects.filter(pk=pk).exists()
    assert not PrivateContact.objects.exists()
    assert not Affiliation.objects.exists()
    assert not RecordCreator.objects.filter(record=record).exists()
    apply_outbox()
    assert search_records(actor=ANONYMOUS, q="Kilibarda").total == 0
    page = Client().get(reverse("web:record", args=[record.pk])).content.decode()
    assert "Kilibarda" not in page
    stored = everything_stored_as_text()
    assert EMAIL not in stored and PHONE not in stored
    event = AuditEvent.objects.get(action="directory.erase")
    assert event.target_id == str(pk)
    assert "request of 2026-11-01" in event.summary
    assert event.changes == {"kept_authorship": False, "records": [record.pk]}


def test_erasure_with_consent_keeps_only_the_authorship(expert):
    someone, record = expert
    Agent.objects.filter(pk=someone.pk).update(consent_keep_authorship=True)
    someone.refresh_from_db()
    kept = expert_erase(actor=STAFF, expert=someone, reason="asked by email")
    assert kept is not None and kept.erased_at is not None
    kept.refresh_from_db()
    assert kept.name == "Zorana Kilibarda"
    assert kept.disciplines == [] and kept.languages == [] and kept.title == ""
    assert kept.affiliation_id is None and not kept.available_as_trainer
    assert not PrivateContact.objects.exists() and not Affiliation.objects.exists()
    assert RecordCreator.objects.filter(record=record, agent=kept).exists()
    apply_outbox()
    assert search_records(actor=ANONYMOUS, q="Kilibarda").total == 1
    record_page = Client().get(reverse("web:record", args=[record.pk])).content.decode()
    assert "Zorana Kilibarda" in record_page
    # the profile is gone from public view, kept for staff
    url = reverse("directory:person", args=[kept.pk])
    assert Client().get(url).status_code == 404
    assert "Zorana" not in Client().get(reverse("directory:roster")).content.decode()
    assert signed_in(make_account("analyst")).get(url).status_code == 200
    assert EMAIL not in everything_stored_as_text()
    event = AuditEvent.objects.get(action="directory.erase")
    assert event.changes["kept_authorship"] is True


def test_erasure_is_staff_only_and_refusals_are_audited(expert):
    someone, _ = expert
    with pytest.raises(PermissionDenied):
        expert_erase(actor=Actor(role="trainer", is_registered=True), expert=someone, reason="x")
    assert AuditEvent.objects.filter(action="directory.erase", outcome="denied").count() == 1
    assert PrivateContact.objects.filter(person=someone).exists()


def test_erase_and_export_pages(expert):
    someone, _ = expert
    export_url = reverse("directory:export", args=[someone.pk])
    erase_url = reverse("directory:erase", args=[someone.pk])
    trainer = signed_in(make_account("trainer"))
    assert trainer.get(export_url).status_code == 404
    assert trainer.post(erase_url, {"reason": "x"}).status_code == 404
    staff = signed_in(make_account("administrator"))
    response = staff.get(export_url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert json.loads(response.content)["private"]["email"] == EMAIL
    assert staff.post(erase_url, {"reason": ""}).status_code == 400
    assert staff.post(erase_url, {"reason": "GDPR request"}).status_code == 302
    assert not Agent.objects.filter(name="Zorana Kilibarda").exists()
