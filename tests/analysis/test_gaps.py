"""Gap analysis (C6): a catalogue with a known coverage pattern, every cell, every gap and the
kind of each recommendation; access (the public matrix reveals nothing restricted)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from clearinghouse.analysis.gaps import gap_matrix
from clearinghouse.analysis.gaps.matrix import ADAPT, ASK, DEVELOP, TRANSLATE
from clearinghouse.analysis.gaps.weights import GapSettings, quality, recency, weight
from clearinghouse.analysis.selectors import effectiveness_scores
from clearinghouse.catalog.models import RecordCreator
from clearinghouse.core.policy import ANONYMOUS, actor_for
from clearinghouse.directory.models import Agent
from tests.accounts.people import make_account
from tests.analysis.helpers import review, staff
from tests.factories import make_record

AUDIENCES = ["police", "police-senior", "law-enforcement", "prosecutors", "journalists"]
TOPICS = ["investigation", "prosecution", "health"]
PURPOSES = ["awareness", "capacity-building"]
GAPS = {
    "THRESHOLD": 1.0,
    "HALF_LIFE_YEARS": 10.0,
    "RECENCY_FLOOR": 0.1,
    "QUALITY_FLOOR": 0.5,
    "UNREVIEWED_SCORE": 0.5,
    "REFERENCE_YEAR": 2020,
    "AUDIENCES": AUDIENCES,
    "TOPICS": TOPICS,
    "ADVISERS": 3,
}


def _org(name: str) -> Agent:
    return Agent.objects.create(key=name.lower().replace(" ", "-"), kind="organisation", name=name)


def _record(title, audience, topic, purpose, year, *, language="en", creator=None, **kw):
    record = make_record(
        title,
        language=language,
        date_issued=str(year),
        concepts={"audience": [audience], "topic": [topic], "purpose": [purpose]},
        **kw,
    )
    if creator is not None:
        RecordCreator.objects.create(record=record, agent=creator, role="corporate-author")
    return record


@pytest.fixture
def catalogue(vocabularies, settings):
    """R1, R2 (reviewed): law enforcement × investigation × capacity building (en);
    R3: prosecutors × prosecution × awareness (fr); R5: journalists × prosecution × capacity
    building, 1990; three restricted records on health for journalists (awareness)."""
    settings.CLEARINGHOUSE_GAPS = GAPS
    org_a, org_b, secret = _org("Org A"), _org("Org B"), _org("Secret Org")
    r1 = _record("R1", "law-enforcement", "investigation", "capacity-building", 2020, creator=org_a)
    r2 = _record("R2", "law-enforcement", "investigation", "capacity-building", 2010)
    _record("R3", "prosecutors", "prosecution", "awareness", 2020, language="fr", creator=org_b)
    _record("R5", "journalists", "prosecution", "capacity-building", 1990)
    group = Group.objects.create(name="health trainers")
    for i in range(3):
        _record(
            f"Restricted health {i}",
            "journalists",
            "health",
            "awareness",
            2020,
            creator=secret,
            access_tier="restricted",
            groups=[group.pk],
        )
    # A draft is never counted, not even for staff.
    _record("Draft", "police", "health", "awareness", 2020, status="draft")
    _user, analyst = staff()
    review(analyst, r2)
    return {"r1": r1, "r2": r2, "score": effectiveness_scores([r2.pk])[r2.pk], "group": group}


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


def _cells(matrix) -> dict[tuple[str, str, str], tuple[float, int]]:
    return {key: (cell.value, cell.count) for key, cell in matrix.cells.items()}


def _kinds(matrix) -> dict[tuple[str, str, str], str]:
    return {gap.cell.key: gap.recommendation.kind for gap in matrix.gaps}


def _every_cell(value=(0.0, 0)):
    return {(p, a, t): value for p in PURPOSES for a in AUDIENCES for t in TOPICS}


def test_weights_follow_the_documented_formula(settings):
    settings.CLEARINGHOUSE_GAPS = GAPS
    config = GapSettings.current()
    assert recency(2020, config) == 1.0
    assert recency(2010, config) == 0.5
    assert recency(1990, config) == 0.125
    assert recency(1900, config) == 0.1  # the floor
    assert recency(None, config) == 0.1
    assert recency(2030, config) == 1.0  # never above 1
    assert quality(None, config) == 0.75
    assert quality(1.0, config) == 1.0
    assert quality(0.0, config) == 0.5
    assert weight(2010, 1.0, config) == 0.5


def test_public_matrix_every_cell_and_gap(catalogue):
    matrix = gap_matrix(actor=ANONYMOUS, ui_language="en")
    assert [a.code for a in matrix.audiences] == AUDIENCES
    assert [t.code for t in matrix.topics] == TOPICS
    assert [p.code for p in matrix.purposes] == PURPOSES

    r2_weight = 0.5 * (0.5 + 0.5 * catalogue["score"])
    expected = _every_cell()
    expected[("capacity-building", "law-enforcement", "investigation")] = (
        round(0.75 + r2_weight, 2),
        2,
    )
    expected[("awareness", "prosecutors", "prosecution")] = (0.75, 1)
    expected[("capacity-building", "journalists", "prosecution")] = (0.09, 1)
    assert _cells(matrix) == expected

    kinds = {key: ASK for key in expected if key[2] in ("investigation", "prosecution")}
    kinds.update({key: DEVELOP for key in expected if key[2] == "health"})
    # The broader concept and a sibling of "law enforcement" can adapt its material.
    kinds[("capacity-building", "police", "investigation")] = ADAPT
    kinds[("capacity-building", "police-senior", "investigation")] = ADAPT
    del kinds[("capacity-building", "law-enforcement", "investigation")]  # covered
    assert _kinds(matrix) == kinds

    gaps = {gap.cell.key: gap.recommendation for gap in matrix.gaps}
    adapt = gaps[("capacity-building", "police", "investigation")]
    assert [n.code for n in adapt.neighbours] == ["law-enforcement"]
    assert [name for _pk, name in gaps[("awareness", "police", "investigation")].advisers] == [
        "Org A"
    ]
    assert [name for _pk, name in gaps[("awareness", "journalists", "prosecution")].advisers] == [
        "Org B"
    ]


def test_language_filter_recommends_translation(catalogue):
    matrix = gap_matrix(actor=ANONYMOUS, ui_language="en", language="fr")
    expected = _every_cell()
    expected[("awareness", "prosecutors", "prosecution")] = (0.75, 1)
    assert _cells(matrix) == expected
    kinds = _kinds(matrix)
    assert kinds[("capacity-building", "law-enforcement", "investigation")] == TRANSLATE
    assert kinds[("capacity-building", "journalists", "prosecution")] == TRANSLATE
    gaps = {gap.cell.key: gap.recommendation for gap in matrix.gaps}
    assert gaps[("capacity-building", "law-enforcement", "investigation")].elsewhere == 2
    # No French material for law enforcement to adapt: ask who published on investigation.
    assert kinds[("capacity-building", "police", "investigation")] == ASK
    assert kinds[("awareness", "prosecutors", "prosecution")] == ASK
    assert {k for k in kinds.values()} == {TRANSLATE, ASK, DEVELOP}


def test_other_filters_narrow_the_matrix(catalogue):
    old = gap_matrix(actor=ANONYMOUS, ui_language="en", year_to=2015)
    expected = _every_cell()
    expected[("capacity-building", "law-enforcement", "investigation")] = (
        round(0.5 * (0.5 + 0.5 * catalogue["score"]), 2),
        1,
    )
    expected[("capacity-building", "journalists", "prosecution")] = (0.09, 1)
    assert _cells(old) == expected
    only = gap_matrix(actor=ANONYMOUS, ui_language="en", purpose="awareness")
    assert [p.code for p in only.purposes] == ["awareness"]
    assert {key[0] for key in only.cells} == {"awareness"}


def test_public_matrix_reveals_nothing_restricted(catalogue):
    public = gap_matrix(actor=ANONYMOUS, ui_language="en")
    _user, analyst = staff()
    full = gap_matrix(actor=analyst, ui_language="en")
    member = make_account("reader", groups=[catalogue["group"]])
    insider = gap_matrix(actor=actor_for(member), ui_language="en")

    key = ("awareness", "journalists", "health")
    assert public.cells[key].count == 0
    assert full.cells[key].count == 3 and full.cells[key].value == 2.25
    assert insider.cells[key].count == 3
    assert key not in {g.cell.key for g in full.gaps}
    # Staff are told to ask the organisation behind the restricted material; the public
    # is not told it exists.
    staff_health = {g.cell.key: g.recommendation for g in full.gaps if g.cell.topic == "health"}
    assert staff_health[("awareness", "police", "health")].kind == ASK
    assert [n for _pk, n in staff_health[("awareness", "police", "health")].advisers] == [
        "Secret Org"
    ]
    public_health = [g.recommendation for g in public.gaps if g.cell.topic == "health"]
    assert public_health and all(r.kind == DEVELOP for r in public_health)
    # The draft counts for nobody.
    assert full.cells[("awareness", "police", "health")].count == 0


def test_cache_is_invalidated_by_changes(catalogue):
    before = gap_matrix(actor=ANONYMOUS, ui_language="en")
    assert gap_matrix(actor=ANONYMOUS, ui_language="en").cells == before.cells  # cached
    key = ("awareness", "police", "investigation")
    assert before.cells[key].count == 0
    _record("New", "police", "investigation", "awareness", 2020)
    after = gap_matrix(actor=ANONYMOUS, ui_language="en")
    assert after.cells[key].count == 1 and after.cells[key].value == 0.75
    # A completed review changes the weights without touching the record.
    _user, analyst = staff()
    review(analyst, catalogue["r1"])
    reviewed = gap_matrix(actor=ANONYMOUS, ui_language="en")
    cell = ("capacity-building", "law-enforcement", "investigation")
    assert reviewed.cells[cell].value != after.cells[cell].value


def test_gap_pages_and_downloads_reveal_nothing_restricted(catalogue):
    """Page, drill-down, CSV, JSON, SVG and PDF: the public sees public material only; an
    analyst and a member of the group see the restricted cell."""
    from django.urls import reverse

    from tests.accounts.people import signed_in
    from tests.analysis.test_gaps_outputs import _csv_cells, _pdf_text

    cell = "?purpose=awareness&audience=journalists&topic=health"
    public, analyst = Client(), signed_in(make_account("analyst"))
    member = signed_in(make_account("reader", groups=[catalogue["group"]]))
    for name in ("matrix", "csv", "json", "svg", "pdf"):
        body = public.get(reverse(f"gaps:{name}")).content
        text = _pdf_text(body) if name == "pdf" else body.decode()
        assert "Secret Org" not in text and "Restricted health" not in text, name
    public_cells, _ = _csv_cells(public.get(reverse("gaps:csv")).content.decode())
    staff_cells, _ = _csv_cells(analyst.get(reverse("gaps:csv")).content.decode())
    key = ("awareness", "journalists", "health")
    assert public_cells[key] == "0.00 (0)"
    assert staff_cells[key] == "2.25 (3)"
    assert {k for k in public_cells if public_cells[k] != staff_cells[k]} == {key}
    assert "Secret Org" in analyst.get(reverse("gaps:csv")).content.decode()

    public_list = public.get(reverse("gaps:cell") + cell).content.decode()
    assert "Restricted health" not in public_list
    for client in (analyst, member):
        listed = client.get(reverse("gaps:cell") + cell).content.decode()
        assert listed.count("Restricted health") == 3
    assert "R1" not in public.get(reverse("gaps:cell") + cell).content.decode()


def test_fragment_for_the_offline_edition_is_self_contained(catalogue):
    import re

    from clearinghouse.analysis.gaps import render_fragment

    html = render_fragment(gap_matrix(actor=ANONYMOUS, ui_language="fr"))
    assert "<style>" in html and "<table" in html
    assert not re.search(r"<script|<link|<img|\b(src|href)=|url\(", html, re.IGNORECASE)
    assert 'data-cell="capacity-building|law-enforcement|investigation"' in html
    assert "Sensibilisation" in html  # labels in the requested language
    assert "Secret Org" not in html
