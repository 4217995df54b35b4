"""The public portal and the API over the demo catalogue."""

from __future__ import annotations

import json
import random
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from clearinghouse.catalog.models import Record
from clearinghouse.search.indexer import apply_outbox
from clearinghouse.search.types import FACET_FIELDS
from tests.factories import make_record

pytestmark = pytest.mark.django_db

HOSTILE = [
    '"foo',
    "AND OR",
    "*",
    "NEAR(",
    "-",
    "(((",
    "\\",
    "a:b:c",
    "OR",
    '"',
    "--",
    "**",
    "\x00",
    "𝕏" * 50,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    '-"',
    "title:x^3~",
]


def api(client, **params):
    response = client.get("/api/v1/records?" + urlencode(params, doseq=True))
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_home_page_lists_counts_and_browse_links(client, demo_catalogue):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html and "Browse" in html
    assert reverse("web:browse", args=["audience"]) in html


def test_repatriation_finds_relevant_records_with_consistent_facets(client, demo_catalogue):
    data = api(client, q="repatriation")
    assert data["total"] >= 2
    titles = " ".join(h["title"] for h in data["hits"]).lower()
    assert "repatri" in titles or any(
        "repatriation-and-asylum" in json.dumps(client.get(h["url"]).json()) for h in data["hits"]
    )
    # facet counts match the hits they lead to
    for field, values in data["facets"].items():
        for value in values:
            narrowed = api(client, q="repatriation", f=f"{field}:{value['value']}")
            assert narrowed["total"] == value["count"], (field, value)


def test_page_and_api_return_the_same_hits(client, demo_catalogue):
    for q in ("repatriation", "trafficking", "codes of conduct", ""):
        data = api(client, q=q)
        html = client.get("/search/?" + urlencode({"q": q})).content.decode()
        for hit in data["hits"]:
            assert reverse("web:record", args=[hit["id"]]) in html
        assert f"{data['total']} result" in html


def test_filters_are_shown_and_removable(client, demo_catalogue):
    data = api(client, q="trafficking")
    field, value = "kind", data["facets"]["kind"][0]["value"]
    html = client.get("/search/?" + urlencode({"q": "trafficking", "f": f"{field}:{value}"}))
    page = html.content.decode()
    assert "Remove filter" in page
    assert f"{data['facets']['kind'][0]['count']} result" in page


def test_hostile_queries_never_fail(client, demo_catalogue):
    for query in HOSTILE:
        assert client.get("/search/", {"q": query}).status_code == 200, query
        response = client.get("/api/v1/records", {"q": query, "f": query})
        assert response.status_code == 200, query


def test_ten_kilobytes_of_random_unicode_never_fail(client, demo_catalogue):
    rng = random.Random(7)
    alphabet = [c for c in range(1, 0x10FFFF) if not 0xD800 <= c <= 0xDFFF]
    query = "".join(chr(rng.choice(alphabet)) for _ in range(10_000))
    assert client.get("/search/", {"q": query}).status_code == 200
    assert client.get("/api/v1/records", {"q": query}).status_code == 200
    bad_page = client.get("/search/", {"q": "x", "page": "-3", "sort": "evil", "f": "year:"})
    assert bad_page.status_code == 200


def test_record_page_shows_every_language_version_and_files(client, demo_catalogue):
    record = Record.objects.filter(texts__is_original=False, is_sample=True).distinct().first()
    assert record is not None, "the demo has translated samples"
    html = client.get(reverse("web:record", args=[record.pk])).content.decode()
    for text in record.texts.all():
        assert text.title.replace("'", "&#x27;").replace('"', "&quot;")[:30] in html
    assert "sample" in html.lower()
    seed = Record.objects.get(identifier="demo:seed-report")
    page = client.get(reverse("web:record", args=[seed.pk])).content.decode()
    assert "trafficking-slavery-peacekeeping-2002.txt" in page


def test_restricted_and_draft_records_never_leak(client, vocabularies):
    public = make_record("Shelter standards public guide")
    secret = make_record("Shelter standards law enforcement only", access_tier="restricted")
    draft = make_record("Shelter standards draft", status="draft")
    registered = make_record("Shelter standards for members", access_tier="registered")
    apply_outbox()
    data = api(client, q="shelter")
    assert [h["id"] for h in data["hits"]] == [public.pk]
    assert data["total"] == 1
    assert all(v["count"] <= 1 for values in data["facets"].values() for v in values)
    for hidden in (secret, draft, registered):
        assert client.get(reverse("web:record", args=[hidden.pk])).status_code == 404
        assert client.get(f"/api/v1/records/{hidden.pk}").status_code == 404
    assert "law enforcement only" not in client.get("/search/?q=shelter").content.decode()


def test_files_download_only_when_the_policy_allows(client, vocabularies):
    from clearinghouse.catalog.services import file_attach_text

    record = make_record("Manual with a file")
    secret = make_record("Secret manual with a file", access_tier="restricted")
    f1 = file_attach_text(record=record, text="public text", name="a.txt", language="en")
    f2 = file_attach_text(record=secret, text="secret text", name="b.txt", language="en")
    response = client.get(reverse("web:download", args=[f1.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"public text"
    assert client.get(reverse("web:download", args=[f2.pk])).status_code == 404


def test_browse_pages_list_values_with_counts(client, demo_catalogue):
    for facet in ("audience", "topic", "country"):
        response = client.get(reverse("web:browse", args=[facet]))
        assert response.status_code == 200
    assert client.get(reverse("web:browse", args=["nonsense"])).status_code == 404


def test_openapi_schema_describes_the_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/records", "/records/{id}"} <= set(schema["paths"])
    names = {p["name"] for p in schema["paths"]["/records"]["get"]["parameters"]}
    assert {"q", "page", *FACET_FIELDS} <= names


def test_search_page_query_count_is_bounded(client, demo_catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get("/search/", {"q": "trafficking"}).status_code == 200


def test_facet_labels_follow_the_ui_language(client, demo_catalogue):
    html = client.get("/fr/search/", {"q": "", "f": "purpose:awareness"}).content.decode()
    assert 'lang="fr"' in html
    assert "Sensibilisation" in html or "sensibilisation" in html
