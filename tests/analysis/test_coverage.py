"""The coverage tables (gaps.coverage) against the records they are derived from: after
every kind of change, for every kind of viewer, the matrix's counts equal the counts taken
straight from the record ↔ concept links through the policy's queryset."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from clearinghouse.analysis.gaps import coverage
from clearinghouse.analysis.gaps.matrix import GapFilters
from clearinghouse.analysis.gaps.queries import (
    AXES,
    _axes,
    _run,
    grouped_counts,
    links_grouped_sql,
    visible_records,
)
from clearinghouse.analysis.gaps.weights import GapSettings
from clearinghouse.analysis.models import CoverageCredit, CoverageMember
from clearinghouse.catalog.models import Record, RecordCreator
from clearinghouse.catalog.services import record_changed, record_deleted
from clearinghouse.core.policy import ANONYMOUS, Actor
from clearinghouse.directory.models import Agent
from clearinghouse.search.indexer import apply_outbox
from clearinghouse.search.models import IndexCursor, IndexOutbox
from tests.factories import make_record

FILTERS = [
    GapFilters(),
    GapFilters(language="fr"),
    GapFilters(year_from=2005, year_to=2015),
    GapFilters(region="south-eastern-europe"),
]


def _record(key, audiences, topics, purposes, year=2010, regions=(), **kw):
    return make_record(
        f"Coverage {key}",
        identifier=f"coverage:{key}",
        date_issued=str(year),
        concepts={
            "audience": audiences,
            "topic": topics,
            "purpose": purposes,
            "region": list(regions),
        },
        **kw,
    )


def _viewers(group: Group, opened: Record) -> dict[str, Actor]:
    return {
        "public": ANONYMOUS,
        "registered": Actor(role="user", is_registered=True),
        "group member": Actor(role="user", is_registered=True, group_ids=frozenset({group.pk})),
        "opened one by one": Actor(
            role="partner", is_registered=True, record_ids=frozenset({opened.pk})
        ),
        "analyst": Actor(role="analyst", is_staff=True, is_registered=True),
    }


def _assert_counts_match_links(viewers: dict[str, Actor]) -> None:
    coverage.sync()
    config = GapSettings.current()
    for filters in FILTERS:
        axes = _axes(config, filters, "en")
        ids = {s: [pk for pk, _pos, _a in axes[s]] for s in AXES}
        for name, actor in viewers.items():
            ours = sorted(tuple(row) for row in grouped_counts(actor, filters, ids) if row[-1])
            direct = sorted(
                tuple(row) for row in _run(*links_grouped_sql(visible_records(actor, filters), ids))
            )
            assert ours == direct, (name, filters)


@pytest.fixture
def catalogue(vocabularies):
    group = Group.objects.create(name="coverage group")
    records = {
        "a": _record("a", ["police"], ["investigation"], ["awareness"], 2001),
        "b": _record(
            "b", ["police", "prosecutors"], ["investigation", "health"], ["capacity-building"]
        ),
        "fr": _record("fr", ["journalists"], ["prosecution"], ["awareness"], 2012, language="fr"),
        "region": _record("region", ["police"], ["health"], ["awareness"], 2014),
        "restricted": _record(
            "restricted",
            ["police"],
            ["health"],
            ["awareness"],
            access_tier="restricted",
            groups=[group.pk],
        ),
        "registered": _record(
            "registered", ["prosecutors"], ["prosecution"], ["awareness"], access_tier="registered"
        ),
        "draft": _record("draft", ["police"], ["investigation"], ["awareness"], status="draft"),
        "secret": _record(
            "secret", ["journalists"], ["health"], ["capacity-building"], access_tier="restricted"
        ),
        "undated": _record("undated", ["journalists"], ["health"], ["awareness"], year=""),
    }
    _record("region2", ["police"], ["health"], ["awareness"], 2014, ["south-eastern-europe"])
    return group, records


def test_counts_equal_the_links_for_every_viewer_and_slice(catalogue):
    group, records = catalogue
    _assert_counts_match_links(_viewers(group, records["secret"]))


def test_counts_follow_every_kind_of_change(catalogue):
    group, records = catalogue
    viewers = _viewers(group, records["secret"])
    _assert_counts_match_links(viewers)
    # concepts changed, a year changed, tiers and groups changed, an embargo set
    _record("a", ["police", "journalists"], ["prosecution"], ["awareness", "capacity-building"])
    _record("b", ["police"], ["investigation"], ["capacity-building"], 1999)
    _record("registered", ["prosecutors"], ["prosecution"], ["awareness"], access_tier="public")
    _record(
        "fr",
        ["journalists"],
        ["prosecution"],
        ["awareness"],
        access_tier="restricted",
        groups=[group.pk],
        language="fr",
    )
    _record(
        "region",
        ["police"],
        ["health"],
        ["awareness"],
        embargo_until=timezone.now() + dt.timedelta(days=30),
    )
    _assert_counts_match_links(viewers)
    # published, withdrawn, deleted
    _record("draft", ["police"], ["investigation"], ["awareness"], status="published")
    _record("undated", ["journalists"], ["health"], ["awareness"], year="", status="withdrawn")
    with transaction.atomic():
        pk = records["secret"].pk
        Record.objects.filter(pk=pk).delete()
        record_deleted(record_id=pk)
    _assert_counts_match_links(viewers)
    assert not CoverageMember.objects.filter(record_id=pk).exists()


def test_a_missing_cursor_rebuilds_the_tables(catalogue):
    group, records = catalogue
    coverage.sync()
    before = sorted(CoverageMember.objects.values_list("record_id", "audience_id", "topic_id"))
    IndexCursor.objects.filter(name=coverage.CURSOR).delete()
    CoverageMember.objects.all().delete()
    assert coverage.sync() == -1
    after = sorted(CoverageMember.objects.values_list("record_id", "audience_id", "topic_id"))
    assert after == before and before
    _assert_counts_match_links(_viewers(group, records["secret"]))


def test_credits_name_each_creator_once_per_record_and_topic(catalogue):
    _group, records = catalogue
    agent = Agent.objects.create(key="coverage-org", kind="organisation", name="Coverage Org")
    record = records["b"]
    with transaction.atomic():
        for role in ("corporate-author", "publisher"):
            RecordCreator.objects.create(record=record, agent=agent, role=role)
        record_changed(record=record, summary="creators added")
    coverage.sync()
    rows = CoverageCredit.objects.filter(record_id=record.pk, agent_id=agent.pk)
    assert rows.count() == 2  # two topics, one agent: not one row per role


def test_the_indexer_keeps_the_tables_current_so_the_outbox_can_be_pruned(catalogue):
    coverage.sync()
    _record("a", ["police"], ["prosecution"], ["awareness"], 2001)
    assert coverage.pending()
    apply_outbox()
    assert not coverage.pending()
    position = IndexCursor.objects.get(name=coverage.CURSOR).position
    assert not IndexOutbox.objects.filter(id__lte=position).exists()  # pruned
