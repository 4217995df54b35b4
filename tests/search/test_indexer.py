"""The outbox and the indexer: nothing lost, nothing duplicated, access re-checked."""

from __future__ import annotations

import pytest

from clearinghouse.catalog.models import Record
from clearinghouse.core.policy import ANONYMOUS
from clearinghouse.search import indexer
from clearinghouse.search.handler import search_backends
from clearinghouse.search.indexer import apply_outbox, index_lag, rebuild_index
from clearinghouse.search.models import IndexOutbox
from clearinghouse.search.service import analysed_query, search_records
from clearinghouse.search.types import SearchRequest
from tests.factories import make_record

pytestmark = pytest.mark.django_db


def engine_ids(q: str) -> list[int]:
    """What the engine itself returns (every status), bypassing the re-check."""
    from django.utils import timezone

    from clearinghouse.catalog.policies import STAFF_STATUSES
    from clearinghouse.search.types import AccessFilter

    request = SearchRequest(
        query=analysed_query(q, "en"),
        access=AccessFilter(now=timezone.now(), allow_all=True, statuses=STAFF_STATUSES),
        limit=100,
    )
    return [h.record_id for h in search_backends["default"].search(request).hits]


def test_changes_reach_the_index_through_the_outbox():
    record = make_record("Repatriation of trafficked women")
    assert engine_ids("repatriation") == []
    assert index_lag() >= 1
    assert apply_outbox() >= 1
    assert engine_ids("repatriation") == [record.pk]
    assert index_lag() == 0


def test_a_replaced_record_appears_exactly_once_with_its_new_terms():
    record = make_record("Shelter manual", identifier="test:replace")
    apply_outbox()
    make_record("Asylum manual", identifier="test:replace")
    make_record("Asylum manual", identifier="test:replace")
    apply_outbox()
    assert engine_ids("manual") == [record.pk]
    assert engine_ids("shelter") == []
    assert engine_ids("asylum") == [record.pk]


def test_a_deleted_record_leaves_the_index():
    from django.db import transaction

    from clearinghouse.catalog.services import record_deleted

    record = make_record("Codes of conduct for contractors")
    apply_outbox()
    with transaction.atomic():
        record_id = record.pk
        record.delete()
        record_deleted(record_id=record_id)
    apply_outbox()
    assert engine_ids("contractors") == []


def test_killing_the_indexer_mid_outbox_loses_and_duplicates_nothing(monkeypatch):
    records = [make_record(f"Investigation module {i}") for i in range(7)]
    backend = search_backends["default"]
    real_apply = backend.apply
    calls = {"n": 0}

    def dying_apply(upserts, deletes):
        calls["n"] += 1
        if calls["n"] == 2:
            # The first batch is applied and its cursor saved; the second batch
            # reaches the engine, then the process "dies" before its cursor moves.
            real_apply(upserts, deletes)
            raise KeyboardInterrupt("killed")
        return real_apply(upserts, deletes)

    monkeypatch.setattr(backend, "apply", dying_apply)
    with pytest.raises(KeyboardInterrupt):
        apply_outbox(batch_size=3)
    monkeypatch.setattr(backend, "apply", real_apply)
    assert index_lag() > 0
    apply_outbox(batch_size=3)
    ids = engine_ids("investigation")
    assert sorted(ids) == sorted(r.pk for r in records)
    assert len(ids) == len(set(ids)) == 7
    assert index_lag() == 0


def test_rebuild_recreates_the_index_from_the_database():
    keep = make_record("Trafficking and demand")
    apply_outbox()
    backend = search_backends["default"]
    backend.clear()
    assert engine_ids("demand") == []
    assert rebuild_index() == Record.objects.count()
    assert engine_ids("demand") == [keep.pk]


def test_an_index_lost_from_disk_is_rebuilt_when_the_indexer_runs():
    record = make_record("Victim protection")
    apply_outbox()
    search_backends["default"].clear()
    make_record("Another record")
    apply_outbox()
    assert engine_ids("protection") == [record.pk]


def test_access_change_holds_before_the_index_catches_up():
    record = make_record("Restricted investigation manual")
    apply_outbox()
    assert [h.record.pk for h in search_records(actor=ANONYMOUS, q="manual").hits] == [record.pk]
    Record.objects.filter(pk=record.pk).update(access_tier="restricted")
    # the index still says public, the re-check against the database hides it
    assert search_records(actor=ANONYMOUS, q="manual").hits == []


def test_outbox_is_pruned_once_applied():
    make_record("Prosecution guide")
    apply_outbox()
    assert IndexOutbox.objects.count() == 0
    assert indexer.index_lag() == 0
