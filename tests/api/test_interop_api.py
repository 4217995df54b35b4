"""API v1: reading (records, files, vocabularies, organisations, exports), staff writing
with tokens, rate limits and paging."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from clearinghouse.accounts.models import Profile
from clearinghouse.api.models import ApiToken
from clearinghouse.api.tokens import token_create
from clearinghouse.catalog.models import Record
from clearinghouse.catalog.services import file_attach_text
from tests.factories import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_token(django_user_model):
    user = django_user_model.objects.create_user("analyst", password="x" * 14)
    Profile.objects.create(user=user, role="analyst", approval="approved")
    _row, token = token_create(user=user, name="tests")
    return token


@pytest.fixture
def reader_token(django_user_model):
    user = django_user_model.objects.create_user("reader", password="x" * 14)
    Profile.objects.create(user=user, role="reader", approval="approved")
    return token_create(user=user, name="tests")[1]


def auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


NEW_RECORD = {
    "kind": "training_material",
    "identifier": "demo:api-new",
    "status": "published",
    "access": "public",
    "resource_type": "module",
    "texts": [{"language": "en", "title": "Module on victim interviews", "original": True}],
    "creators": [{"name": "Doe, Jane", "role": "author"}],
    "concepts": {"audience": ["prosecutors"], "topic": ["investigation"]},
    "date_issued": "2003-05",
    "duration": "PT8H",
    "links": [{"url": "https://example.org/module"}],
    "physical_copy": {"holding_library": "UNICRI Library", "shelfmark": "TR 12"},
}


def test_reading_vocabularies_and_organisations(client, vocabularies):
    schemes = client.get("/api/v1/vocabularies").json()["results"]
    assert {"audience", "topic", "country"} <= {s["id"] for s in schemes}
    page = client.get("/api/v1/vocabularies/audience", {"page_size": 5}).json()
    assert page["total"] > 5 and len(page["results"]) == 5 and page["next"]
    concept = client.get("/api/v1/vocabularies/audience/prosecutors").json()
    assert concept["labels"]["fr"]
    assert client.get("/api/v1/vocabularies/audience", {"page": "0"}).status_code == 400
    assert client.get("/api/v1/vocabularies/nope").status_code == 404


def test_organisations(client, demo_catalogue):
    page = client.get("/api/v1/organisations", {"q": "UNICRI"}).json()
    assert page["results"][0]["key"] == "unicri"
    assert client.get("/api/v1/organisations/unicri").json()["acronym"] == "UNICRI"


def test_files_follow_the_policy(client, vocabularies):
    public = make_record("Public manual")
    secret = make_record("Secret manual", access_tier="restricted")
    f1 = file_attach_text(record=public, text="hello", name="a.txt", language="en")
    f2 = file_attach_text(record=secret, text="secret", name="b.txt", language="en")
    assert client.get(f"/api/v1/files/{f1.pk}").json()["sha256"] == f1.blob_id
    assert client.get(f"/api/v1/files/{f2.pk}").status_code == 404
    assert [
        f["id"] for f in client.get(f"/api/v1/records/{public.pk}/files").json()["results"]
    ] == [f1.pk]
    assert client.get(f"/api/v1/records/{secret.pk}/files").status_code == 404


def test_exports_through_the_api(client, vocabularies):
    record = make_record("Exported guide", identifier="demo:exp")
    bib = client.get(f"/api/v1/records/{record.pk}/export/bibtex")
    assert bib["Content-Type"].startswith("application/x-bibtex")
    assert b"@misc{demo:exp" in bib.content
    assert client.get(f"/api/v1/records/{record.pk}/export/nonsense").status_code == 404
    formats = {f["name"]: f for f in client.get("/api/v1/formats").json()["results"]}
    assert formats["marc"]["import"] and "holding_library" in formats["marcxml"]["carries"]


def test_staff_write_with_a_token(client, vocabularies, staff_token):
    created = client.post(
        "/api/v1/records",
        json.dumps(NEW_RECORD),
        content_type="application/json",
        **auth(staff_token),
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["physical_copy"]["shelfmark"] == "TR 12"
    text = {
        "title": "Module sur les entretiens",
        "translation": {"method": "human", "translator": "A"},
    }
    response = client.put(
        f"/api/v1/records/{pk}/texts/fr",
        json.dumps(text),
        content_type="application/json",
        **auth(staff_token),
    )
    assert response.status_code == 200
    assert {t["language"] for t in response.json()["texts"]} == {"en", "fr"}
    assert client.delete(f"/api/v1/records/{pk}/texts/en", **auth(staff_token)).status_code == 409
    assert client.delete(f"/api/v1/records/{pk}/texts/fr", **auth(staff_token)).status_code == 204
    changed = {**NEW_RECORD, "texts": [{"language": "en", "title": "Renamed module"}]}
    assert (
        client.put(
            f"/api/v1/records/{pk}",
            json.dumps(changed),
            content_type="application/json",
            **auth(staff_token),
        ).json()["texts"][0]["title"]
        == "Renamed module"
    )
    with open(__file__, "rb") as fh:
        upload = client.post(
            f"/api/v1/records/{pk}/files", {"file": fh, "language": "en"}, **auth(staff_token)
        )
    assert upload.status_code == 201
    withdrawn = client.delete(f"/api/v1/records/{pk}", **auth(staff_token))
    assert withdrawn.json()["status"] == "withdrawn"
    assert client.get(f"/api/v1/records/{pk}").status_code == 404  # anonymous


def test_imports_through_the_api(client, vocabularies, staff_token):
    body = b"TY  - BOOK\nTI  - Shelter standards\nER  - \n"
    dry = client.post(
        "/api/v1/imports?format=ris&dry_run=true",
        body,
        content_type="application/octet-stream",
        **auth(staff_token),
    )
    assert dry.status_code == 200 and dry.json()["created"] == 1
    assert Record.objects.count() == 0
    done = client.post(
        "/api/v1/imports?format=ris",
        body,
        content_type="application/octet-stream",
        **auth(staff_token),
    )
    assert done.json()["entries"][0]["action"] == "create" and Record.objects.count() == 1


def test_writes_are_refused_to_everyone_else(client, vocabularies, reader_token):
    body = json.dumps(NEW_RECORD)
    assert client.post("/api/v1/records", body, content_type="application/json").status_code == 401
    assert (
        client.post(
            "/api/v1/records", body, content_type="application/json", **auth(reader_token)
        ).status_code
        == 403
    )
    bad = client.post(
        "/api/v1/records",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer chp_nope_nope",
    )
    assert bad.status_code == 401
    ApiToken.objects.update(revoked=True)
    assert client.get("/api/v1/records", **auth(reader_token)).status_code == 401
    assert Record.objects.count() == 0


def test_invalid_bodies_name_their_fields(client, vocabularies, staff_token):
    body = {**NEW_RECORD, "kind": "poem", "texts": [{"language": "en"}], "date_issued": "May"}
    response = client.post(
        "/api/v1/records", json.dumps(body), content_type="application/json", **auth(staff_token)
    )
    assert response.status_code == 400
    assert {"kind", "texts[0].title", "date_issued"} <= set(response.json()["fields"])


def test_tokens_are_stored_hashed(staff_token):
    row = ApiToken.objects.get()
    # chp_<prefix>_<secret>: the secret itself may contain "_", so split twice only.
    secret = staff_token.split("_", 2)[2]
    assert secret and secret not in row.digest and row.digest != staff_token
    assert len(row.digest) == 64


def test_rate_limits(client, settings, vocabularies):
    cache.clear()
    settings.CLEARINGHOUSE_API_RATE_LIMITS = {"anonymous": (3, 60)}
    codes = [client.get("/api/v1/vocabularies").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    limited = client.get("/api/v1/vocabularies")
    assert int(limited["Retry-After"]) > 0
    cache.clear()


def test_search_endpoint_pages(client, vocabularies):
    for i in range(3):
        make_record(f"Guide number {i}")
    from clearinghouse.search.indexer import apply_outbox

    apply_outbox()
    data = client.get("/api/v1/records", {"page_size": 2}).json()
    assert data["total"] == 3 and len(data["hits"]) == 2
    assert reverse("api-record", args=[data["hits"][0]["id"]]) == data["hits"][0]["url"]


def test_the_api_token_command(django_user_model):
    import io

    from django.core.management import call_command

    django_user_model.objects.create_user("script", password="x" * 14)
    out = io.StringIO()
    call_command("api_token", "script", "--name", "nightly import", stdout=out)
    assert out.getvalue().startswith("chp_")
    assert ApiToken.objects.get().name == "nightly import"


def test_nul_characters_in_filters_are_harmless(client, vocabularies):
    for params in ({"audience": "\x00"}, {"f": "audience:\x00"}, {"kind": "a\x00b"}):
        assert client.get("/api/v1/records", params).status_code == 200
        assert client.get("/api/v1/export/csv", params).status_code == 200
