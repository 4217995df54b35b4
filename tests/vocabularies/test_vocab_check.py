"""``clearinghouse vocab-check``: every concept labelled in every required language."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from clearinghouse.vocabularies.checks import missing_labels
from clearinghouse.vocabularies.models import Concept

pytestmark = pytest.mark.django_db


def test_the_shipped_vocabularies_pass(vocabularies, capsys):
    call_command("vocab-check")
    out = capsys.readouterr().out
    assert "Every concept has a label in every language." in out


def test_a_missing_label_fails_and_names_the_fallback(vocabularies, capsys):
    concept = Concept.objects.get(scheme_id="topic", code="trafficking-in-persons")
    concept.labels.pop("mk")
    concept.save()
    with pytest.raises(CommandError) as failure:
        call_command("vocab-check")
    assert failure.value.returncode == 1
    out = capsys.readouterr().out
    expected = "topic:trafficking-in-persons  [mk] missing; readers see en: Trafficking in persons"
    assert expected in out
    # Only the languages asked for are required.
    call_command("vocab-check", language=["fr", "ar"])


def test_serbian_in_one_script_labels_the_other(vocabularies):
    concept = Concept.objects.get(scheme_id="audience", code="judges")
    concept.labels.pop("sr-latn")
    concept.save()
    assert not [m for m in missing_labels(("sr-latn",)) if m.code == "judges"]


def test_every_country_and_language_is_checked_with_all(vocabularies):
    everything = {(m.scheme, m.code) for m in missing_labels(("sq",), everything=True)}
    in_use = {(m.scheme, m.code) for m in missing_labels(("sq",))}
    # pycountry has gaps in Albanian; by default only the concepts in use must be complete
    assert not in_use
    assert ("language", "ab") in everything
