"""Partner contribution: submit for one's organisation; never publish, edit another
organisation's record or change access — through the page, the admin or the API —
and every such attempt is refused and audited."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from clearinghouse.accounts.models import AuditEvent
from clearinghouse.catalog.models import Record
from clearinghouse.search.indexer import apply_outbox
from clearinghouse.vocabularies.models import Concept
from tests.factories import make_record

from .people import make_account, make_organisation, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(db):
    org_a, org_b = make_organisation("OSCE (test)"), make_organisation("IOM (test)")
    partner_a = make_account("partner", organisation=org_a)
    partner_b = make_account("partner", organisation=org_b)
    own = make_record("Own submission", status="in_review")
    other = make_record("Other organisation's submission", status="in_review")
    published_other = make_record("Other organisation's published manual")
    Record.objects.filter(pk=own.pk).update(owner_organisation=org_a)
    Record.objects.filter(pk__in=[other.pk, published_other.pk]).update(owner_organisation=org_b)
    for record in (own, other, published_other):
        record.refresh_from_db()
    apply_outbox()
    return {
        "a": signed_in(partner_a),
        "user_a": partner_a,
        "own": own,
        "other": other,
        "published_other": published_other,
        "b": signed_in(partner_b),
    }


def denied(action: str, record=None) -> int:
    events = AuditEvent.objects.filter(action=action, outcome="denied")
    if record is not None:
        events = events.filter(target_id=str(record.pk))
    return events.count()


def patch(client: Client, record, body: dict):
    return client.patch(
        reverse("api-record", args=[record.pk]),
        data=json.dumps(body),
        content_type="application/json",
    )


def test_partner_submits_through_the_page_and_sees_its_submission(partners):
    client = partners["a"]
    response = client.post(
        reverse("web:contribution_new"),
        {"kind": "training_material", "original_language": "en", "title": "Our new module"},
    )
    assert response.status_code == 302
    record = Record.objects.get(texts__title="Our new module")
    assert record.status == "in_review" and record.access_tier == "public"
    assert record.owner_organisation_id == partners["own"].owner_organisation_id
    assert client.get(reverse("web:contributions")).content.decode().count("Our new module") == 1
    assert client.get(reverse("web:record", args=[record.pk])).status_code == 200
    # another organisation's partner and the public do not see it while in review
    assert partners["b"].get(reverse("web:record", args=[record.pk])).status_code == 404
    assert Client().get(reverse("web:record", args=[record.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="record.submit", outcome="ok").count() == 1


def test_partner_submits_through_the_api(partners):
    response = partners["a"].post(
        reverse("api-submissions"),
        data=json.dumps({"kind": "publication", "original_language": "fr", "title": "Rapport"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    record = Record.objects.get(pk=response.json()["id"])
    assert record.status == "in_review"


def test_partner_edits_its_own_submission(partners):
    own = partners["own"]
    response = partners["a"].post(
        reverse("web:contribution_edit", args=[own.pk]), {"title": "Own submission, revised"}
    )
    assert response.status_code == 302
    assert own.texts.get().title == "Own submission, revised"
    assert patch(partners["a"], own, {"abstract": "Better"}).status_code == 200


def test_partner_cannot_publish_through_page_or_api(partners):
    own = partners["own"]
    page = partners["a"].post(
        reverse("web:contribution_edit", args=[own.pk]), {"title": "x", "status": "published"}
    )
    assert page.status_code == 403
    assert patch(partners["a"], own, {"status": "published"}).status_code == 403
    own.refresh_from_db()
    assert own.status == "in_review"
    assert denied("record.publish", own) == 2


def test_partner_cannot_change_an_access_tier_through_page_or_api(partners):
    own = partners["own"]
    page = partners["a"].post(
        reverse("web:contribution_edit", args=[own.pk]), {"title": "x", "access_tier": "registered"}
    )
    assert page.status_code == 403
    assert patch(partners["a"], own, {"access_tier": "restricted"}).status_code == 403
    assert patch(partners["a"], own, {"embargo_until": "2030-01-01T00:00:00Z"}).status_code == 403
    created = partners["a"].post(
        reverse("api-submissions"),
        data=json.dumps(
            {
                "kind": "dataset",
                "original_language": "en",
                "title": "t",
                "access_tier": "public",
                "status": "published",
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 403
    own.refresh_from_db()
    assert own.access_tier == "public" and own.embargo_until is None
    assert denied("record.access_change", own) == 3
    assert denied("record.submit") == 1


def test_partner_cannot_edit_another_organisations_record(partners):
    for record in (partners["other"], partners["published_other"]):
        page = partners["a"].post(
            reverse("web:contribution_edit", args=[record.pk]), {"title": "Defaced"}
        )
        api = patch(partners["a"], record, {"title": "Defaced"})
        # in review: invisible, so 404 like a missing id; published: visible, so 403
        expected = 404 if record.status == "in_review" else 403
        assert (page.status_code, api.status_code) == (expected, expected)
        assert record.texts.get().title != "Defaced"
        assert denied("record.edit", record) == 2


def test_partner_cannot_use_the_admin(partners):
    client = partners["a"]
    for url in (
        reverse("admin:index"),
        reverse("admin:catalog_record_change", args=[partners["own"].pk]),
    ):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    response = client.post(
        reverse("admin:catalog_record_change", args=[partners["own"].pk]),
        {"status": "published", "access_tier": "restricted"},
    )
    assert response.status_code == 302
    partners["own"].refresh_from_db()
    assert partners["own"].status == "in_review"
    assert AuditEvent.objects.filter(action="admin.access", outcome="denied").count() == 3


def test_analyst_publishes_and_sets_access_and_it_is_audited(partners, vocabularies):
    analyst = signed_in(make_account("analyst"))
    own = partners["own"]
    # publishing needs the mandatory fields (catalog/completeness.py)
    own.texts.update(abstract="What the submission covers")
    own.concepts.set(
        Concept.objects.filter(
            scheme_id__in=["audience", "purpose"], code__in=["prosecutors", "awareness"]
        )
    )
    assert (
        patch(analyst, own, {"status": "published", "access_tier": "registered"}).status_code == 200
    )
    own.refresh_from_db()
    assert (own.status, own.access_tier) == ("published", "registered")
    event = AuditEvent.objects.get(action="record.access_change", outcome="ok")
    assert event.changes["status"] == ["in_review", "published"]
    assert event.changes["access_tier"] == ["public", "registered"]
    # the partner can no longer edit it once published
    assert patch(partners["a"], own, {"title": "late"}).status_code == 403


def test_session_writes_to_the_api_need_the_csrf_token(partners):
    client = Client(enforce_csrf_checks=True)
    client.force_login(partners["user_a"])
    body = {"kind": "publication", "original_language": "en", "title": "Forged"}
    response = client.post(
        reverse("api-submissions"), data=json.dumps(body), content_type="text/plain"
    )
    assert response.status_code == 403
    assert patch(client, partners["own"], {"title": "Forged"}).status_code == 403
    assert not Record.objects.filter(texts__title="Forged").exists()
