"""The audit trail: append-only, written with each change, for administrators, exportable."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from clearinghouse.accounts.models import AuditEvent
from clearinghouse.accounts.services.audit import audit_write
from clearinghouse.catalog.models import Record
from clearinghouse.catalog.services import file_attach_text
from clearinghouse.search.indexer import apply_outbox
from tests.factories import make_record

from .people import make_account, signed_in

pytestmark = pytest.mark.django_db


def test_audit_events_are_append_only():
    event = audit_write(actor=None, action="test.event", summary="kept")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="changed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        event.delete()
    event.summary = "changed"
    with pytest.raises(PermissionError):
        event.save()
    # and below the ORM, the database refuses too
    for statement in (
        "UPDATE accounts_auditevent SET summary = 'x' WHERE id = %s",
        "DELETE FROM accounts_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == "kept"


def test_only_non_public_downloads_are_audited(db, client):
    public = make_record("Open manual")
    members = make_record("Members manual", access_tier="registered")
    open_file = file_attach_text(record=public, text="a", name="a.txt", language="en")
    member_file = file_attach_text(record=members, text="b", name="b.txt", language="en")
    apply_outbox()
    reader = make_account("reader")
    reader_client = signed_in(reader)
    assert reader_client.get(reverse("web:download", args=[open_file.pk])).status_code == 200
    assert reader_client.get(reverse("web:download", args=[member_file.pk])).status_code == 200
    events = AuditEvent.objects.filter(action="file.download")
    assert [(e.target_id, e.actor_id) for e in events] == [(str(member_file.pk), reader.pk)]


def _admin_form(record: Record, **changes) -> dict:
    text = record.texts.get()
    data = {
        "kind": record.kind,
        "status": record.status,
        "access_tier": record.access_tier,
        "original_language": record.original_language,
        "texts-TOTAL_FORMS": "1",
        "texts-INITIAL_FORMS": "1",
        "texts-0-id": str(text.pk),
        "texts-0-record": str(record.pk),
        "texts-0-language": text.language,
        "texts-0-title": text.title,
        "texts-0-is_original": "on",
        "texts-0-method": text.method,
        "creators-TOTAL_FORMS": "0",
        "creators-INITIAL_FORMS": "0",
        "files-TOTAL_FORMS": "0",
        "files-INITIAL_FORMS": "0",
        "links": "[]",
    }
    data.update(changes)
    return data


def test_access_changes_in_the_admin_are_audited(db):
    record = make_record("Tier to change")
    analyst = make_account("analyst")
    client = signed_in(analyst)
    url = reverse("admin:catalog_record_change", args=[record.pk])
    response = client.post(url, _admin_form(record, access_tier="restricted"))
    assert response.status_code == 302, response.content.decode()[:2000]
    record.refresh_from_db()
    assert record.access_tier == "restricted"
    event = AuditEvent.objects.get(action="record.access_change")
    assert event.actor_id == analyst.pk
    assert event.changes == {"access_tier": ["public", "restricted"]}
    assert AuditEvent.objects.filter(action="record.change", target_id=str(record.pk)).exists()


def test_administrators_see_and_export_the_trail_analysts_do_not(db):
    audit_write(actor=None, action="test.event", summary="=HYPERLINK(evil)")
    administrator = signed_in(make_account("administrator"))
    changelist = reverse("admin:accounts_auditevent_changelist")
    assert administrator.get(changelist).status_code == 200
    export = administrator.get(reverse("admin:accounts_auditevent_export"))
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][:4] == ["created_at", "actor_id", "actor_name", "action"]
    assert any(r[3] == "test.event" and r[7] == "'=HYPERLINK(evil)" for r in rows[1:])
    analyst = signed_in(make_account("analyst"))
    assert analyst.get(changelist).status_code == 403
    assert analyst.get(reverse("admin:accounts_auditevent_export")).status_code == 403
    # no add, change or delete, even for administrators
    event = AuditEvent.objects.first()
    assert administrator.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    assert (
        administrator.post(
            reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_role_changes_in_the_admin_go_through_the_audited_service(db):
    reader = make_account("reader")
    administrator = signed_in(make_account("administrator"))
    url = reverse("admin:accounts_profile_change", args=[reader.profile.pk])
    response = administrator.post(url, {"role": "analyst", "organisation": ""})
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.profile.role == "analyst" and reader.is_staff and not reader.is_superuser
    assert reader.user_permissions.filter(content_type__app_label="catalog").exists()
    event = AuditEvent.objects.get(action="account.role")
    assert event.changes["role"] == ["reader", "analyst"]
