"""Machine translation: the engine interface, Argos when present, and the staff pages."""

from __future__ import annotations

import sys
import types

import pytest
from django.core.management import call_command

from clearinghouse.catalog.translations import TextVersion, record_text_upsert
from clearinghouse.core.policy import actor_for
from clearinghouse.translation.backends.argos import ArgosBackend
from clearinghouse.translation.backends.base import TranslationUnavailable
from clearinghouse.translation.handler import translation_backends
from clearinghouse.translation.services import (
    machine_translation_refusal,
    record_machine_translate,
)
from tests.accounts.people import make_account, signed_in
from tests.factories import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_engines():
    translation_backends.reset()
    yield
    translation_backends.reset()


@pytest.fixture
def analyst_user():
    return make_account("analyst")


def test_machine_output_is_marked_as_such_and_never_reviewed(vocabularies, analyst_user):
    record = make_record("Victim identification", abstract="A guide for police.")
    actor = actor_for(analyst_user, verified=True)
    text = record_machine_translate(actor=actor, record=record, language="fr")
    assert (text.title, text.abstract) == ("[fr] Victim identification", "[fr] A guide for police.")
    assert (text.method, text.reviewed, text.source_language) == ("machine", False, "en")
    assert text.translator == "Deterministic test engine (en→fr)"
    # a person reviews it by editing it; machine output written again is unreviewed again
    record_text_upsert(
        actor=actor,
        record=record,
        language="fr",
        data=TextVersion(
            "Identification des victimes", method="machine", translator=text.translator,
            reviewed=True,
        ),
    )  # fmt: skip
    assert record.texts.get(language="fr").reviewed
    again = record_machine_translate(actor=actor, record=record, language="fr")
    assert again.reviewed is False


def test_a_persons_translation_is_never_overwritten(vocabularies, analyst_user):
    record = make_record("Handbook")
    actor = actor_for(analyst_user, verified=True)
    record_text_upsert(actor=actor, record=record, language="de", data=TextVersion("Handbuch"))
    assert "edit it instead" in machine_translation_refusal(record, "de")
    with pytest.raises(TranslationUnavailable):
        record_machine_translate(actor=actor, record=record, language="de")
    assert record.texts.get(language="de").title == "Handbuch"


def test_argos_absent_is_reported_clearly(settings, monkeypatch, vocabularies):
    monkeypatch.setitem(sys.modules, "argostranslate", None)  # import fails
    settings.CLEARINGHOUSE_TRANSLATION = {
        "default": {"BACKEND": "clearinghouse.translation.backends.argos.ArgosBackend"}
    }
    backend = translation_backends["default"]
    assert backend.check() == [
        "Argos Translate is not installed: pip install argostranslate, then install its "
        "language packages (for example: argospm install translate-en_fr)."
    ]
    assert backend.pairs() == set()
    record = make_record("Handbook")
    assert machine_translation_refusal(record, "fr").startswith("Argos Translate is not installed")


def _fake_argos(pairs: list[tuple[str, str]]) -> types.ModuleType:
    """A stand-in for ``argostranslate.translate`` with the given installed packages."""
    languages: dict[str, types.SimpleNamespace] = {}

    def language(code):
        return languages.setdefault(
            code, types.SimpleNamespace(code=code, translations_from=[], targets={})
        )

    for source, target in pairs:
        a, b = language(source), language(target)
        translation = types.SimpleNamespace(
            from_lang=a, to_lang=b, translate=lambda text, t=target: f"<{t}>{text}"
        )
        a.translations_from.append(translation)
        a.targets[target] = translation
    for lang in languages.values():
        lang.get_translation = lambda other, lang=lang: lang.targets.get(other.code)
    module = types.ModuleType("argostranslate.translate")
    module.get_installed_languages = lambda: list(languages.values())
    return module


def test_argos_translates_with_its_installed_packages(monkeypatch):
    package = types.ModuleType("argostranslate")
    package.translate = _fake_argos([("en", "fr"), ("en", "zh")])
    monkeypatch.setitem(sys.modules, "argostranslate", package)
    monkeypatch.setitem(sys.modules, "argostranslate.translate", package.translate)
    backend = ArgosBackend("default", {})
    assert backend.check() == []
    assert backend.can_translate("en", "fr") and backend.can_translate("en", "zh-hans")
    assert not backend.can_translate("en", "sq")
    assert backend.translate(["Handbook", ""], "en", "fr") == ["<fr>Handbook", ""]
    with pytest.raises(TranslationUnavailable, match="argospm install translate-en_sq"):
        backend.translate(["Handbook"], "en", "sq")
    assert backend.describe("en", "fr").startswith("Argos Translate")

    package.translate = _fake_argos([])
    monkeypatch.setitem(sys.modules, "argostranslate.translate", package.translate)
    assert "no language package" in backend.check()[0]


def test_the_engines_command_reports(capsys):
    call_command("translation-engines")
    assert "Deterministic test engine" in capsys.readouterr().out


def test_staff_pages_add_edit_machine_translate_and_remove(vocabularies, analyst_user):
    record = make_record("Victim identification")
    client = signed_in(analyst_user)
    queue = client.get("/staff/translations/?language=fr")
    assert queue.status_code == 200
    assert f"/staff/translations/records/{record.pk}/fr/" in queue.content.decode()

    page = client.post(
        f"/staff/translations/records/{record.pk}/fr/",
        {"title": "Identification des victimes", "method": "human", "translator": "A. B."},
    )
    assert page.status_code == 302
    assert record.texts.get(language="fr").translator == "A. B."

    machine = client.post(f"/staff/translations/records/{record.pk}/machine/", {"language": "es"})
    assert machine.status_code == 302
    spanish = record.texts.get(language="es")
    assert (spanish.title, spanish.method, spanish.reviewed) == (
        "[es] Victim identification",
        "machine",
        False,
    )
    versions = client.get(f"/staff/translations/records/{record.pk}/").content.decode()
    assert "Deterministic test engine (en→es)" in versions

    # the public record page says the Spanish text is an unreviewed machine translation
    public = client.get(f"/es/records/{record.pk}/").content.decode()
    assert "traducción automática" in public and "No revisado." in public

    client.post(f"/staff/translations/records/{record.pk}/es/delete/")
    assert not record.texts.filter(language="es").exists()


def test_translation_pages_are_staff_only(client, vocabularies):
    record = make_record("Handbook")
    reader = signed_in(make_account("reader"))
    unverified = signed_in(make_account("analyst"), verified=False)
    for who in (client, reader):
        assert who.get("/staff/translations/").status_code == 404
        assert who.get(f"/staff/translations/records/{record.pk}/").status_code == 404
        response = who.post(f"/staff/translations/records/{record.pk}/fr/", {"title": "X"})
        assert response.status_code in (403, 404)
    assert unverified.get("/staff/translations/").status_code == 302  # to two-factor
    assert not record.texts.filter(language="fr").exists()


def test_translation_queue_query_count_is_bounded(
    vocabularies, analyst_user, django_assert_max_num_queries
):
    for i in range(5):
        make_record(f"Manual {i}")
    client = signed_in(analyst_user)
    client.get("/staff/translations/?language=fr")  # warm the vocabulary cache
    with django_assert_max_num_queries(23):
        assert client.get("/staff/translations/?language=ru").status_code == 200
