"""The shipped vocabularies: complete, multilingual, loaded idempotently."""

from __future__ import annotations

import pytest

from clearinghouse.vocabularies.labels import fallback_chain, pick_label
from clearinghouse.vocabularies.lookups import vocabulary_cache
from clearinghouse.vocabularies.models import Concept

pytestmark = pytest.mark.django_db

REQUIRED = ("en", "fr", "es", "ru", "zh", "ar")


def test_every_concept_has_labels_in_the_six_un_languages(vocabularies):
    for scheme in ("audience", "purpose", "topic", "method", "resource_type", "region"):
        concepts = Concept.objects.filter(scheme_id=scheme)
        assert concepts.count() >= 2, scheme
        for concept in concepts:
            missing = [lang for lang in REQUIRED if not concept.labels.get(lang)]
            assert not missing, f"{concept}: no label in {missing}"


def test_appendix_c_audiences_and_brief_topics_are_present(vocabularies):
    for code in (
        "military-senior",
        "police-senior",
        "civilian-senior",
        "local-law-enforcement",
        "prosecutors",
        "defence-attorneys",
        "ngo-local",
        "ngo-international",
        "journalists",
    ):
        assert Concept.objects.filter(scheme_id="audience", code=code).exists(), code
    assert Concept.objects.filter(scheme_id="topic", code="repatriation-and-asylum").exists()


def test_countries_and_languages_come_translated_from_iso(vocabularies):
    assert vocabulary_cache.label("country", "BA", "fr").startswith("Bosnie")
    assert vocabulary_cache.label("country", "XK", "en") == "Kosovo"
    assert vocabulary_cache.label("language", "fr", "de") == "Französisch"


def test_loading_twice_creates_nothing_new(vocabularies):
    from clearinghouse.vocabularies.loader import load_vocabularies

    before = Concept.objects.count()
    load_vocabularies()
    assert Concept.objects.count() == before


def test_label_fallback_chain():
    assert fallback_chain("zh-hans") == ["zh-hans", "zh", "en"]
    assert fallback_chain("sr-latn") == ["sr-latn", "sr", "bs", "hr", "en"]
    assert fallback_chain("bs") == ["bs", "hr", "sr-latn", "en"]
    assert pick_label({"en": "Judges", "sr": "Судије"}, "sr-latn") == "Sudije"
    assert pick_label({"en": "Judges", "sr-latn": "Sudije"}, "sr") == "Судије"
    assert pick_label({"en": "Judges", "hr": "Suci"}, "bs") == "Suci"
    assert pick_label({"en": "Judges", "fr": "Juges"}, "fr") == "Juges"
    assert pick_label({"en": "Judges"}, "mk") == "Judges"
    assert pick_label({"fr": "Juges"}, "de") == "Juges"
    assert pick_label({}, "en") == ""
