"""The review workflow: mandatory fields before publishing, assignment, queue, comments, history."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clearinghouse.analysis.models import Assignment
from clearinghouse.catalog.completeness import PublicationIncomplete, publication_missing
from clearinghouse.catalog.workflow import record_change, record_publish
from tests.accounts.people import make_account, signed_in
from tests.factories import make_record

from .helpers import staff


def test_publishing_without_mandatory_fields_is_refused_with_what_is_missing(vocabularies):
    record = make_record("Submitted module", status="in_review")
    _user, analyst = staff()
    with pytest.raises(PublicationIncomplete) as refused:
        record_publish(actor=analyst, record=record)
    assert [r.id for r in refused.value.missing] == ["abstract", "audience", "purpose"]
    record.refresh_from_db()
    assert record.status == "in_review"
    assert record.versions.count() == 1  # the refused change left no history entry

    complete = make_record(
        "Complete module",
        status="in_review",
        abstract="What it teaches",
        concepts={"audience": ["prosecutors"], "purpose": ["awareness"]},
    )
    assert publication_missing(complete) == []
    assert record_publish(actor=analyst, record=complete).status == "published"
    # an abstract sent with the publishing change counts
    partly = make_record(
        "Partly",
        status="in_review",
        concepts={"audience": ["police"], "purpose": ["capacity-building"]},
    )
    published = record_change(
        actor=analyst, record=partly, changes={"abstract": "Now described", "status": "published"}
    )
    assert published.status == "published"


def test_the_workflow_page_lists_what_is_missing_and_refuses_to_publish(vocabularies):
    record = make_record("Submitted module", status="in_review", abstract="Has an abstract")
    client = signed_in(make_account("analyst"))
    url = reverse("analysis:record", args=[record.pk])
    page = client.get(url).content.decode()
    assert 'data-requirement="audience"' in page and 'data-requirement="purpose"' in page
    assert 'data-requirement="abstract"' not in page
    response = client.post(url, {"action": "publish"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Not published" in text and "at least one audience" in text
    record.refresh_from_db()
    assert record.status == "in_review"


def test_assignment_queue_comments_and_history(vocabularies):
    record = make_record("Waiting module", status="in_review")
    lead = make_account("administrator")
    analyst = make_account("analyst")
    lead_client, analyst_client = signed_in(lead), signed_in(analyst)
    queue = reverse("analysis:queue")
    assert reverse("analysis:record", args=[record.pk]) in lead_client.get(queue).content.decode()
    url = reverse("analysis:record", args=[record.pk])
    assert lead_client.post(url, {"action": "assign", "analyst": analyst.pk}).status_code == 302
    assert (
        lead_client.post(url, {"action": "comment", "body": "Check the 2002 edition"}).status_code
        == 302
    )
    mine = analyst_client.get(queue).content.decode()
    assert "Waiting module" in mine
    theirs = lead_client.get(queue).content.decode()
    assert "Nothing assigned." in theirs
    page = analyst_client.get(url).content.decode()
    assert "Check the 2002 edition" in page
    assert "analysis.assign" in page and "analysis.comment" in page
    # reassigning closes the earlier assignment
    other = make_account("analyst")
    lead_client.post(url, {"action": "assign", "analyst": other.pk})
    assert Assignment.objects.filter(record=record, closed_at__isnull=True).get().analyst == other
    assert lead_client.post(url, {"action": "close"}).status_code == 302
    assert not Assignment.objects.filter(record=record, closed_at__isnull=True).exists()
    # a non-analyst cannot be assigned; an unknown action is a bad request
    reader = make_account("reader")
    lead_client.post(url, {"action": "assign", "analyst": reader.pk})
    assert not Assignment.objects.filter(analyst=reader).exists()
    assert lead_client.post(url, {"action": "explode"}).status_code == 400


def test_workflow_pages_are_staff_only(vocabularies):
    record = make_record("Module", status="in_review")
    for client in (Client(), signed_in(make_account("reader")), signed_in(make_account("trainer"))):
        for name in ("analysis:record", "analysis:annotate", "analysis:review"):
            assert client.get(reverse(name, args=[record.pk])).status_code in (302, 404)
        assert client.post(
            reverse("analysis:record", args=[record.pk]), {"action": "publish"}
        ).status_code in (302, 404)
    record.refresh_from_db()
    assert record.status == "in_review"
