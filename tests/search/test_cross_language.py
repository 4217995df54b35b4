"""Cross-language retrieval over the demo catalogue (C4, C7), on the configured backend.

A query in French, Spanish, Russian or Chinese finds the English material tagged with
the concept it names, through the vocabulary's labels in every language; a record that
matches in the query's own language ranks first; each hit says its language.
"""

from __future__ import annotations

import pytest

from clearinghouse.catalog.models import Record
from clearinghouse.core.policy import ANONYMOUS
from clearinghouse.search.query_language import detect_query_language
from clearinghouse.search.service import search_records

pytestmark = pytest.mark.django_db

CASES = [
    # (query, UI language, identifier of the direct match in that language, or None)
    ("traite des êtres humains", "fr", "demo:sample-judges-seminar"),
    ("trata de personas", "es", "demo:sample-health-self-study-guide"),
    ("торговля людьми", "ru", "demo:sample-contributing-states-seminar"),
    ("贩运人口", "zh-hans", None),
]


def english_only_tagged(code: str) -> set[int]:
    """Published public records in English alone, tagged with topic ``code``."""
    records = Record.objects.filter(
        status="published",
        access_tier="public",
        original_language="en",
        concepts__scheme_id="topic",
        concepts__code=code,
    ).prefetch_related("texts")
    return {r.pk for r in records if {t.language for t in r.texts.all()} == {"en"}}


@pytest.mark.parametrize(("query", "ui", "direct"), CASES)
def test_a_query_finds_english_material_through_the_vocabulary(demo_catalogue, query, ui, direct):
    tagged = english_only_tagged("trafficking-in-persons")
    assert len(tagged) >= 3, "the demo tags English material with trafficking in persons"
    outcome = search_records(actor=ANONYMOUS, q=query, language=ui, page_size=100)
    found = {hit.record.pk: hit for hit in outcome.hits}
    assert tagged <= found.keys(), f"{query}: missing {tagged - found.keys()}"
    assert all(found[pk].language == "en" for pk in tagged)
    if direct is not None:
        # Records with a text in the query's language rank first, above every record
        # found through the vocabulary alone.
        assert outcome.hits[0].language == ui
        order = [hit.record.identifier for hit in outcome.hits]
        last_direct = order.index(direct)
        first_by_concept = min(i for i, hit in enumerate(outcome.hits) if hit.record.pk in tagged)
        assert last_direct < first_by_concept, order


def test_the_query_language_is_detected_and_reported(demo_catalogue):
    assert (
        search_records(actor=ANONYMOUS, q="торговля людьми", language="en").query_language == "ru"
    )
    assert search_records(actor=ANONYMOUS, q="", language="fr").query_language == ""


@pytest.mark.parametrize(
    ("query", "ui", "expected"),
    [
        ("traite des êtres humains", "en", "fr"),
        ("trata de personas", "en", "es"),
        ("Schulung der Polizei", "en", "de"),
        ("торговля людьми", "en", "ru"),
        ("трговина људима", "en", "sr"),
        ("трговија со луѓе", "en", "mk"),
        ("trgovina ljudima", "en", "hr"),
        ("trgovina ljudima", "bs", "bs"),
        ("trafikimi i qenieve njerëzore", "en", "sq"),
        ("贩运人口", "fr", "zh"),
        ("الاتجار بالأشخاص", "en", "ar"),
        ("formation", "fr", "fr"),
        ("formation", "en", "en"),
        ("2001/4", "ru", "ru"),
        ("trafficking", "zh-hans", "en"),
    ],
)
def test_query_language_detection(query, ui, expected):
    assert detect_query_language(query, ui) == expected
