"""Language versions of records: the service, its history, the rules, and the queue."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from clearinghouse.catalog.models import Record, RecordText
from clearinghouse.catalog.translations import (
    TextVersion,
    TranslationInvalid,
    record_text_delete,
    record_text_upsert,
    translation_queue,
)
from clearinghouse.core.policy import ANONYMOUS, actor_for
from clearinghouse.search.indexer import apply_outbox
from clearinghouse.search.service import search_records
from tests.accounts.people import make_account
from tests.factories import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst():
    return actor_for(make_account("analyst"), verified=True)


def test_a_translation_records_source_translator_and_review(vocabularies, analyst):
    record = make_record("Victim identification manual")
    text = record_text_upsert(
        actor=analyst,
        record=record,
        language="fr",
        data=TextVersion(
            title="Manuel d'identification des victimes",
            abstract="Résumé.",
            annotation="Note du catalogueur.",
            translator="A. Traductrice",
            reviewed=True,
        ),
    )
    assert (text.is_original, text.method, text.source_language) == (False, "human", "en")
    assert (text.translator, text.reviewed, text.annotation) == (
        "A. Traductrice",
        True,
        "Note du catalogueur.",
    )
    version = record.versions.order_by("-number").first()
    assert version.summary == "fr text added" and version.actor_id == analyst.user_id
    assert any(t["language"] == "fr" for t in version.snapshot["texts"])
    # the new text is searchable once the index catches up
    apply_outbox()
    hits = search_records(actor=ANONYMOUS, q="identification victimes", language="fr").hits
    assert [h.record.pk for h in hits] == [record.pk]
    assert hits[0].language == "fr"


def test_editing_keeps_one_text_per_language_and_one_original(vocabularies, analyst):
    record = make_record("Handbook")
    record_text_upsert(actor=analyst, record=record, language="de", data=TextVersion("Handbuch"))
    record_text_upsert(
        actor=analyst, record=record, language="DE", data=TextVersion("Das Handbuch")
    )
    assert record.texts.filter(language="de").get().title == "Das Handbuch"
    # the German text becomes the original: the English one is no longer
    record_text_upsert(
        actor=analyst,
        record=record,
        language="de",
        data=TextVersion("Das Handbuch", is_original=True),
    )
    record.refresh_from_db()
    assert record.original_language == "de"
    assert list(record.texts.filter(is_original=True).values_list("language", flat=True)) == ["de"]
    former = record.texts.get(language="en")
    assert (former.method, former.source_language) == ("human", "de")
    # editing the original keeps it the original
    record_text_upsert(
        actor=analyst, record=record, language="de", data=TextVersion("Handbuch (2. Aufl.)")
    )
    assert record.texts.get(language="de").is_original


def test_invalid_versions_are_refused(vocabularies, analyst):
    record = make_record("Handbook")
    with pytest.raises(TranslationInvalid):
        record_text_upsert(actor=analyst, record=record, language="fr", data=TextVersion("  "))
    with pytest.raises(TranslationInvalid):
        record_text_upsert(
            actor=analyst,
            record=record,
            language="fr",
            data=TextVersion("Manuel", source_language="fr"),
        )


def test_only_staff_translate_and_refusals_are_audited(vocabularies):
    from clearinghouse.accounts.models import AuditEvent

    record = make_record("Handbook")
    reader = actor_for(make_account("reader"))
    for actor in (ANONYMOUS, reader):
        with pytest.raises(PermissionDenied):
            record_text_upsert(actor=actor, record=record, language="fr", data=TextVersion("X"))
    assert AuditEvent.objects.filter(action="record.translate", outcome="denied").count() == 2
    assert not record.texts.filter(language="fr").exists()


def test_removing_a_translation_never_removes_the_original(vocabularies, analyst):
    record = make_record("Handbook")
    record_text_upsert(actor=analyst, record=record, language="fr", data=TextVersion("Manuel"))
    record_text_delete(actor=analyst, record=record, language="fr")
    record_text_delete(actor=analyst, record=record, language="en")
    assert list(record.texts.values_list("language", flat=True)) == ["en"]


def test_the_queue_puts_what_is_most_needed_first(vocabularies, analyst):
    old_manual = make_record("Old manual", date_issued="1999")
    new_manual = make_record("New manual", date_issued="2004")
    report = make_record("Report", kind="publication", date_issued="2005")
    instrument = make_record("Regulation", kind="instrument", date_issued="2001")
    registered = make_record("Members' manual", access_tier="registered", date_issued="2006")
    draft = make_record("Draft manual", status="draft", date_issued="2006")
    french = make_record("Manuel", language="fr", date_issued="2006")
    done = make_record("Translated manual", date_issued="2006")
    record_text_upsert(actor=analyst, record=done, language="fr", data=TextVersion("Traduit"))
    queue = [r.pk for r in translation_queue(analyst, "fr")]
    assert queue == [
        new_manual.pk,
        instrument.pk,
        old_manual.pk,
        report.pk,
        registered.pk,
        draft.pk,
    ]
    assert french.pk not in queue and done.pk not in queue
    # the public sees no queue; readers' queues hold only what they may see
    assert registered.pk not in [r.pk for r in translation_queue(ANONYMOUS, "fr")]
    assert Record.objects.count() == 8
    assert RecordText.objects.filter(language="fr").count() == 2
