"""Annotations are versioned, apart from the record, and shown only as the record policy allows."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from clearinghouse.accounts.models import AuditEvent
from clearinghouse.analysis.models import AnnotationVersion
from clearinghouse.analysis.selectors import annotation_current, annotation_versions
from clearinghouse.catalog.models import RecordText
from clearinghouse.core.policy import actor_for
from tests.accounts.people import make_account, signed_in
from tests.factories import make_record

from .helpers import annotate, restricted_record, staff


def test_editing_an_annotation_keeps_the_earlier_version_readable(vocabularies):
    record = make_record("Induction module for civilian police")
    user, analyst = staff()
    first = annotate(analyst, record, outcomes="Recognise indicators", abstract="First abstract")
    second = annotate(
        analyst,
        record,
        audiences=("police", "prosecutors"),
        outcomes="Refer victims to shelters",
        abstract="Second abstract",
        note="refocused on referral",
    )
    assert (first.number, second.number) == (1, 2)
    assert annotation_current(record.pk).pk == second.pk
    assert [v.number for v in annotation_versions(record.pk)] == [2, 1]
    first.refresh_from_db()
    assert first.framework == {"outcomes": {"goal": "Recognise indicators"}}
    assert first.texts.get().abstract == "First abstract"
    assert {c.code for c in first.audiences.all()} == {"prosecutors"}
    assert {c.code for c in second.audiences.all()} == {"police", "prosecutors"}
    # the bibliographic record is untouched
    assert RecordText.objects.get(record=record).abstract == ""
    url = reverse("framework:versions", args=[record.pk])
    old = Client().get(url, {"version": 1}).content.decode()
    assert "First abstract" in old and "Second abstract" not in old
    new = Client().get(url).content.decode()
    assert "Second abstract" in new and "refocused on referral" in new
    assert AuditEvent.objects.filter(action="annotation.save", actor_id=user.pk).count() == 2


def test_only_staff_annotate_and_refusals_are_audited(vocabularies):
    record = make_record("Guide")
    reader = actor_for(make_account("reader"))
    with pytest.raises(PermissionDenied):
        annotate(reader, record)
    assert AnnotationVersion.objects.count() == 0
    assert AuditEvent.objects.filter(action="annotation.save", outcome="denied").count() == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"audiences": ("no-such-audience",)},
        {"purpose": "entertainment"},
        {"duration": "four days"},
        {"depth": "abyssal"},
    ],
)
def test_bad_annotation_input_is_refused_and_nothing_is_written(vocabularies, extra):
    record = make_record("Guide")
    _user, analyst = staff()
    audiences = extra.pop("audiences", ("prosecutors",))
    with pytest.raises(ValueError):
        annotate(analyst, record, audiences=audiences, **extra)
    assert AnnotationVersion.objects.count() == 0


def test_annotation_versions_page_follows_the_record_policy(vocabularies):
    hidden = restricted_record("Closed-source investigators' handbook")
    _user, analyst = staff()
    annotate(analyst, hidden, abstract="Confidential analyst abstract")
    url = reverse("framework:versions", args=[hidden.pk])
    for client in (Client(), signed_in(make_account("reader"))):
        response = client.get(url)
        assert response.status_code == 404
        assert b"Confidential" not in response.content
    staff_client = signed_in(make_account("analyst"))
    assert b"Confidential analyst abstract" in staff_client.get(url).content
    # a visible record without any annotation has no versions page
    assert (
        Client().get(reverse("framework:versions", args=[make_record("x").pk])).status_code == 404
    )


def test_the_analyst_edits_through_the_page_and_each_save_is_a_version(vocabularies):
    record = make_record("Module")
    user = make_account("analyst")
    client = signed_in(user)
    url = reverse("analysis:annotate", args=[record.pk])
    assert client.get(url).status_code == 200
    body = {
        "language": "fr",
        "abstract": "Résumé de l'analyste",
        "audiences": ["prosecutors"],
        "purpose": "capacity-building",
        "depth": "multi-day",
        "duration": "P4D",
        "fw_outcomes_goal": "Ouvrir une enquête",
    }
    assert client.post(url, body).status_code == 302
    assert (
        client.post(url, {**body, "language": "en", "abstract": "Analyst abstract"}).status_code
        == 302
    )
    current = annotation_current(record.pk)
    assert current.number == 2
    assert {t.language: t.abstract for t in current.texts.all()} == {
        "en": "Analyst abstract",
        "fr": "Résumé de l'analyste",
    }
    assert current.cell("outcomes", "goal") == "Ouvrir une enquête"
    assert client.post(url, {**body, "duration": "four days"}).status_code == 200
    assert annotation_current(record.pk).number == 2


def test_the_demo_sample_analysis_loads_labelled_and_idempotent(demo_catalogue):
    from clearinghouse.analysis.demo.loader import load_sample_analysis
    from clearinghouse.analysis.models import Review
    from clearinghouse.analysis.selectors import best_practice_ids, effectiveness_scores
    from clearinghouse.catalog.models import Record

    assert load_sample_analysis().startswith("sample analysis: 4 annotations added, 4 reviews")
    assert load_sample_analysis().startswith("sample analysis: 0 annotations added, 4 reviews")
    assert AnnotationVersion.objects.count() == 4
    assert all(v.is_sample for v in AnnotationVersion.objects.all())
    assert all(r.is_sample for r in Review.objects.all())
    ids = list(Record.objects.filter(is_sample=True).values_list("pk", flat=True))
    assert len(effectiveness_scores(ids)) == 3
    briefing = Record.objects.get(identifier="demo:sample-senior-officers-briefing")
    assert briefing.pk in best_practice_ids(ids)
    page = Client().get(reverse("web:record", args=[briefing.pk])).content.decode()
    assert "Sample annotation written for the demo." in page
