"""Request-access on restricted files, answered by staff, with expiry; revocation is immediate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from clearinghouse.accounts.models import AccessRequest, AuditEvent
from clearinghouse.accounts.services.access_requests import access_request_grant
from clearinghouse.catalog.models import RecordFile
from clearinghouse.catalog.services import file_attach_text
from clearinghouse.core.policy import actor_for
from clearinghouse.search.indexer import apply_outbox
from tests.factories import make_record

from .people import make_account, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def manual(db):
    record = make_record("Victim interview guide")
    record_file = file_attach_text(
        record=record, text="interview protocol", name="g.txt", language="en"
    )
    RecordFile.objects.filter(pk=record_file.pk).update(access_tier="restricted")
    apply_outbox()
    return record, record_file


def test_request_grant_download_expire(manual):
    record, record_file = manual
    reader = make_account("reader")
    client = signed_in(reader)
    download = reverse("web:download", args=[record_file.pk])
    assert client.get(download).status_code == 404
    page = client.get(reverse("web:record", args=[record.pk])).content.decode()
    assert reverse("accounts:request_access", args=[record.pk]) in page
    response = client.post(
        reverse("accounts:request_access", args=[record.pk]), {"reason": "Training in Pristina"}
    )
    assert response.status_code == 302
    access_request = AccessRequest.objects.get(user=reader)

    staff = signed_in(make_account("analyst"))
    queue = staff.get(reverse("accounts:access_requests")).content.decode()
    assert "Training in Pristina" in queue
    until = timezone.now().date() + dt.timedelta(days=30)
    staff.post(
        reverse("accounts:access_request_answer", args=[access_request.pk]),
        {"decision": "grant", "expires_on": until.isoformat()},
    )
    assert client.get(download).status_code == 200
    assert (
        AuditEvent.objects.filter(action="file.download", target_id=str(record_file.pk)).count()
        == 1
    )
    with freeze_time(timezone.now() + dt.timedelta(days=31)):
        assert client.get(download).status_code == 404


def test_revoking_denies_the_very_next_request(manual):
    record, record_file = manual
    reader = make_account("reader")
    client = signed_in(reader)
    access_request = AccessRequest.objects.create(user=reader, record=record, reason="r")
    analyst = actor_for(make_account("analyst"), verified=True)
    access_request_grant(actor=analyst, access_request=access_request)
    download = reverse("web:download", args=[record_file.pk])
    assert client.get(download).status_code == 200
    staff = signed_in(analyst.user)
    staff.post(
        reverse("accounts:access_request_answer", args=[access_request.pk]), {"decision": "revoke"}
    )
    assert client.get(download).status_code == 404
    assert AuditEvent.objects.filter(action="access_request.revoke").count() == 1


def test_a_grant_reaches_the_search_engine(db):
    secret = make_record("Undercover operations handbook", access_tier="restricted")
    apply_outbox()
    reader = make_account("reader")
    client = signed_in(reader)
    search = reverse("api-records") + "?q=undercover"
    assert client.get(search).json()["total"] == 0
    access_request = AccessRequest.objects.create(user=reader, record=secret, reason="r")
    access_request_grant(
        actor=actor_for(make_account("administrator"), verified=True),
        access_request=access_request,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    data = client.get(search).json()
    assert data["total"] == 1 and data["hits"][0]["id"] == secret.pk
    assert sum(v["count"] for v in data["facets"]["kind"]) == 1


def test_nobody_but_staff_answers_and_only_registered_readers_ask(manual):
    record, _file = manual
    pending = make_account("reader", approved=False)
    assert (
        signed_in(pending).get(reverse("accounts:request_access", args=[record.pk])).status_code
        == 404
    )
    reader = make_account("reader")
    access_request = AccessRequest.objects.create(user=reader, record=record, reason="r")
    other = signed_in(make_account("reader"))
    assert other.get(reverse("accounts:access_requests")).status_code == 404
    response = other.post(
        reverse("accounts:access_request_answer", args=[access_request.pk]), {"decision": "grant"}
    )
    assert response.status_code == 404
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.PENDING
