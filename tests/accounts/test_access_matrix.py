"""The access matrix (C10 acceptance): every tier × every actor × every surface.

Expectations are written out in ``world.py``, not derived from the policy, so a
policy bug shows up here. The embargo is checked with a frozen clock, before and
after its date: it opens by itself on every surface at that moment.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from clearinghouse.search.indexer import apply_outbox
from tests.factories import make_record

from .people import signed_in
from .world import (
    AFTER_EMBARGO,
    SECRET_FILE_WORD,
    T0,
    WORDS,
    build_world,
    expected_files,
    expected_records,
)

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "pending",
    "reader",
    "member",
    "partner_a",
    "partner_b",
    "analyst",
    "administrator",
]


def client_for(world, actor: str) -> Client:
    user = world.accounts[actor]
    return Client() if user is None else signed_in(user)


def api_search(client, **params) -> dict:
    response = client.get("/api/v1/records?" + urlencode({"page_size": 100, **params}))
    assert response.status_code == 200
    return response.json()


def assert_surfaces(world, client, actor: str, *, after_embargo: bool) -> None:
    records = expected_records(actor, after_embargo=after_embargo)
    files = expected_files(actor, after_embargo=after_embargo)
    ids = {world.records[key].pk: key for key in records}
    where = (actor, "after" if after_embargo else "before")

    # detail surfaces: page and API answer 200 exactly for the visible records
    for key, record in world.records.items():
        page = client.get(reverse("web:record", args=[record.pk])).status_code
        api = client.get(reverse("api-record", args=[record.pk])).status_code
        expected = 200 if key in records else 404
        assert (page, api) == (expected, expected), (*where, key)

    # list surfaces: API search, its totals and facet counts; the search page; browse; home
    data = api_search(client, q="")
    assert {h["id"] for h in data["hits"]} == set(ids), where
    assert data["total"] == len(ids), where
    assert sum(v["count"] for v in data["facets"]["kind"]) == len(ids), where
    assert {v["value"]: v["count"] for v in data["facets"]["language"]} == {"en": len(ids)}

    html = client.get(reverse("web:search")).content.decode()
    linked = {int(pk) for pk in re.findall(r'href="/records/(\d+)/"', html)}
    assert linked == set(ids), where
    browse = client.get(reverse("web:browse", args=["language"])).content.decode()
    assert f'<span class="count">{len(ids)}</span>' in browse, where
    home = client.get(reverse("web:home")).content.decode()
    assert f"{len(ids)} record" in home, where

    # each record's own word finds it exactly when it is visible, on the API and the page
    for key, word in WORDS.items():
        found = api_search(client, q=word)
        want = [world.records[key].pk] if key in records else []
        assert [h["id"] for h in found["hits"]] == want, (*where, key)
        assert found["total"] == len(want)
        page = client.get(reverse("web:search"), {"q": word}).content.decode()
        assert (reverse("web:record", args=[world.records[key].pk]) in page) == bool(want)

    # downloads, and the file list of each visible record page
    for key, record_file in world.files.items():
        response = client.get(reverse("web:download", args=[record_file.pk]))
        assert response.status_code == (200 if key in files else 404), (*where, key)
        if key in records:
            page = client.get(reverse("web:record", args=[world.records[key].pk]))
            listed = reverse("web:download", args=[record_file.pk]) in page.content.decode()
            assert listed == (key in files), (*where, key)


@pytest.mark.parametrize("actor", ACTORS)
def test_every_surface_answers_as_the_policy_says(actor, db):
    with freeze_time(T0) as clock:
        world = build_world()
        client = client_for(world, actor)
        assert_surfaces(world, client, actor, after_embargo=False)
        clock.move_to(AFTER_EMBARGO)
        # nothing is reindexed: the embargo opens by itself at its date
        assert_surfaces(world, client, actor, after_embargo=True)


@freeze_time(T0)
def test_restricted_words_find_nothing_and_change_no_facet_count(vocabularies):
    make_record("Shelter standards public guide", concepts={"audience": ["prosecutors"]})
    apply_outbox()
    anonymous = Client()
    before = api_search(anonymous, q="")
    build_world()  # adds restricted, draft, embargoed... records and a restricted file
    after = api_search(anonymous, q="")
    public_keys = {"public", "mixed"}
    assert after["total"] == before["total"] + len(public_keys)
    for word in (
        WORDS["group"],
        WORDS["registered"],
        WORDS["draft"],
        WORDS["embargoed"],
        SECRET_FILE_WORD,
    ):
        found = api_search(anonymous, q=word)
        assert found["total"] == 0 and found["hits"] == [], word
        assert all(not values for values in found["facets"].values()), word
        page = anonymous.get(reverse("web:search"), {"q": word}).content.decode()
        assert "0 results" in page, word
    # a value's count grows by the new public records that carry it, and by nothing else
    for name, values in before["facets"].items():
        grown = {v["value"]: v["count"] for v in after["facets"][name]}
        for value in values:
            assert grown[value["value"]] - value["count"] in (0, len(public_keys)), name
    assert {v["value"]: v["count"] for v in after["facets"]["audience"]} == {"prosecutors": 1}


def test_restricted_file_text_is_not_searchable_even_by_those_who_may_download_it(db):
    with freeze_time(T0):
        world = build_world()
        member = signed_in(world.accounts["member"])
        assert (
            member.get(reverse("web:download", args=[world.files["mixed"].pk])).status_code == 200
        )
        assert api_search(member, q=SECRET_FILE_WORD)["total"] == 0


def test_signed_in_search_query_count_is_bounded(db, django_assert_max_num_queries):
    with freeze_time(T0):
        world = build_world()
        client = signed_in(world.accounts["partner_a"])
        client.get(reverse("web:search"))  # warm the session
        # the account (profile, groups, grants, own submissions), the search, the page
        with django_assert_max_num_queries(20):
            assert client.get(reverse("web:search"), {"q": "manual"}).status_code == 200


# --- the roster's private fields (C8) --------------------------------------------------------

#: A person's private details, each a string found nowhere else.
PRIVATE = {
    "email": "kilo.private@example.org",
    "phone": "+41 22 555 0143",
    "address": "Limaprivate Street 7",
    "notes": "mikeprivatenote",
}
#: Who reads private details: staff and (approved) trainers — "member" is a trainer.
PRIVATE_SEEN = {"member", "analyst", "administrator"}


def roster_world():
    from clearinghouse.catalog.models import RecordCreator
    from clearinghouse.catalog.services import record_changed
    from clearinghouse.directory.models import Agent, PrivateContact

    world = build_world()
    org = Agent.objects.create(key="matrix-org", kind="organisation", name="Matrix Agency")
    expert = Agent.objects.create(
        key="matrix-expert",
        kind="person",
        name="Novemberexpert Oscar",
        affiliation=org,
        disciplines=["law-enforcement"],
        languages=[{"code": "en", "level": "native"}],
        topics=["investigation"],
        available_as_trainer=True,
    )
    PrivateContact.objects.create(person=expert, **PRIVATE)
    public = world.records["public"]
    RecordCreator.objects.create(record=public, agent=expert, role="author")
    RecordCreator.objects.create(record=public, agent=org, role="provider")
    record_changed(record=public, summary="credits")
    apply_outbox()
    return world, expert, org


def _text(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", errors="replace")


@pytest.mark.parametrize("actor", ACTORS)
def test_private_roster_fields_reach_only_staff_and_trainers(actor, db):
    with freeze_time(T0):
        world, expert, org = roster_world()
        client = client_for(world, actor)
        person_page = client.get(reverse("directory:person", args=[expert.pk]))
        assert person_page.status_code == 200
        shown = {name for name, value in PRIVATE.items() if value in _text(person_page)}
        assert shown == (set(PRIVATE) if actor in PRIVATE_SEEN else set()), actor
        assert expert.name in _text(person_page)

        formats = client.get(reverse("api-formats")).json()["results"]
        surfaces = {
            "roster": reverse("directory:roster") + "?q=Novemberexpert",
            "roster all": reverse("directory:roster"),
            "organisation": reverse("directory:organisation", args=[org.pk]),
            "match": reverse("directory:match") + "?topic=investigation&language=en",
            "search": reverse("web:search") + "?q=Novemberexpert",
            "record": reverse("web:record", args=[world.records["public"].pk]),
            "api records": "/api/v1/records?q=Novemberexpert",
            "api record": reverse("api-record", args=[world.records["public"].pk]),
            "api organisations": reverse("api-organisations"),
            "feed": reverse("feed-records"),
            "sitemap": reverse("sitemap"),
            "oai": reverse("oai") + "?verb=ListRecords&metadataPrefix=oai_dc",
        } | {
            f"export {f['name']}": reverse("api-export", args=[f["name"]])
            for f in formats
            if f["list_export"]
        }
        for where, url in surfaces.items():
            response = client.get(url)
            # an export with nothing to carry answers 404 (MARC: no holdings); never an error
            assert response.status_code in (200, 404 if where.startswith("export") else 200)
            body = _text(response)
            leaked = [name for name, value in PRIVATE.items() if value in body]
            assert leaked == [], (actor, where, leaked)
        assert "Novemberexpert" in _text(client.get(surfaces["match"])), actor
        # private details are not searchable (the page would only echo the query)
        for value in PRIVATE.values():
            assert api_search(client, q=value)["total"] == 0, (actor, value)


def test_private_roster_fields_never_reach_the_offline_edition(db, tmp_path):
    from clearinghouse.dissemination.offline.build import build_edition
    from clearinghouse.dissemination.offline.selection import EditionOptions

    with freeze_time(T0):
        roster_world()
        build_edition(tmp_path / "edition", EditionOptions(languages=("en",)))
    files = [p for p in (tmp_path / "edition").rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        for name, value in PRIVATE.items():
            assert value.encode() not in data, (path.name, name)
