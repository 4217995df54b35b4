"""The demo catalogue is the seed report's real data, plus samples labelled as such."""

from __future__ import annotations

import pytest

from clearinghouse.catalog.models import Record, RecordText
from clearinghouse.directory.models import Agent

pytestmark = pytest.mark.django_db


def test_demo_loads_the_seed_report_with_its_text(demo_catalogue):
    seed = Record.objects.get(identifier="demo:seed-report")
    assert seed.kind == "publication" and seed.year == 2002
    text = seed.files.get().blob.text
    assert "Appendix C" in text and "Turin" in text
    assert not demo_catalogue.warnings, demo_catalogue.warnings


def test_demo_has_cited_works_organisations_and_missions(demo_catalogue):
    real = Record.objects.filter(is_sample=False, is_synthetic=False)
    assert real.count() >= 15
    assert real.filter(kind="instrument").exists()
    for acronym in ("UNICRI", "IOM", "OSCE", "UNHCR", "UNMIK"):
        assert Agent.objects.filter(acronym=acronym).exists(), acronym
    assert Agent.objects.filter(kind="person", name__icontains="Picarelli").exists()


def test_samples_are_labelled_and_multilingual(demo_catalogue):
    samples = Record.objects.filter(is_sample=True)
    assert samples.count() >= 8
    assert all("Sample" in r.provenance for r in samples)
    languages = set(
        RecordText.objects.filter(record__in=samples, is_original=True).values_list(
            "language", flat=True
        )
    )
    assert len(languages) >= 3
    assert len({c.code for r in samples for c in r.concepts.filter(scheme_id="audience")}) >= 5


def test_loading_the_demo_twice_duplicates_nothing(demo_catalogue):
    import io

    from clearinghouse.catalog.demo.loader import load_demo

    before = (Record.objects.count(), Agent.objects.count())
    load_demo(stdout=io.StringIO())
    assert (Record.objects.count(), Agent.objects.count()) == before
