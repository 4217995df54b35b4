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
