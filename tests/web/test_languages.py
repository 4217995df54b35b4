"""The portal in many languages: choosing one, keeping it, and what each page says about it."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from clearinghouse.catalog.models import Record
from clearinghouse.search.indexer import apply_outbox
from tests.factories import make_record

pytestmark = pytest.mark.django_db


def test_the_switcher_sets_the_cookie_and_goes_to_the_prefixed_page(client, demo_catalogue):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/search/?q=trafficking"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/search/?q=trafficking"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_an_unprefixed_visit_shows_the_remembered_language(client, demo_catalogue):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.get("/search/?q=trafficking")
    assert response.status_code == 302
    assert response["Location"] == "/ru/search/?q=trafficking"
    assert "Cookie" in response["Vary"]
    page = client.get(response["Location"]).content.decode()
    assert '<html lang="ru"' in page


def test_english_and_non_portal_urls_are_not_redirected(client, demo_catalogue):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/").status_code == 200
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert client.get("/api/v1/records").status_code == 200
    assert client.get("/de/").status_code == 200  # already prefixed
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx-nonsense"
    assert client.get("/").status_code == 200


def test_every_page_offers_the_switcher_and_alternates(client, demo_catalogue):
    html = client.get("/fr/browse/topic/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    for code, _name in settings.LANGUAGES:
        assert f'hreflang="{code}"' in html
    assert 'hreflang="ar" href="/ar/browse/topic/"' in html
    assert 'hreflang="en" href="/browse/topic/"' in html


def test_facet_labels_follow_the_ui_language_and_never_repeat(client, demo_catalogue):
    html = client.get("/de/search/", {"q": ""}).content.decode()
    assert "Menschenhandel" in html  # the topic trafficking-in-persons, in German
    for facet in re.findall(r"<details.*?</details>", html, flags=re.S):
        labels = re.findall(r'<a href="[^"]*"[^>]*>([^<]+)</a>', facet)
        assert len(labels) == len(set(labels)), labels
    es = client.get("/es/search/", {"f": "topic:trafficking-in-persons"}).content.decode()
    assert "Trata de personas" in es


def test_each_hit_says_its_language(client, vocabularies):
    make_record("Manuel de formation sur la traite", language="fr")
    make_record("Training manual on trafficking", language="en")
    apply_outbox()
    html = client.get("/es/search/", {"f": "kind:training_material"}).content.decode()
    assert '<span class="lang-tag">Francés' in html
    assert '<span class="lang-tag">Inglés' in html
    searched = client.get("/es/search/", {"q": "la traite des êtres humains"}).content.decode()
    assert "Consulta leída en: Francés" in searched


def test_record_page_says_which_language_it_shows(client, demo_catalogue):
    translated = (
        Record.objects.filter(texts__is_original=False, original_language="fr").distinct().first()
    )
    assert translated is not None, "the demo has a French original with an English translation"
    english = client.get(f"/records/{translated.pk}/").content.decode()
    assert "Shown in English: translated from French" in english
    french = client.get(f"/fr/records/{translated.pk}/").content.decode()
    assert "Texte original, en langue : Français." in french
    only_english = Record.objects.get(identifier="demo:seed-report")
    german = client.get(f"/de/records/{only_english.pk}/").content.decode()
    assert "In der Originalsprache (Englisch) angezeigt" in german


def test_arabic_layout_uses_logical_properties_only():
    from pathlib import Path

    import clearinghouse.web

    css = (Path(clearinghouse.web.__file__).parent / "static/clearinghouse/site.css").read_text()
    physical = re.findall(
        r"(?<![-\w])(?:margin|padding|border)-(?:left|right)\b|text-align:\s*(?:left|right)|float:\s*(?:left|right)|(?<![-\w])(?:left|right):",
        css,
    )
    assert not physical, physical
