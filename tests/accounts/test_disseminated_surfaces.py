"""Exports, OAI-PMH, feeds, sitemaps and the file API never carry what the policy hides.

A probe over the world of every tier: for each actor, every list surface is fetched and
must not contain a hidden record's word, its page link, or the text of a restricted file;
every detail surface answers a hidden record or file exactly like a missing one.
"""

from __future__ import annotations

import re

import pytest
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from clearinghouse.catalog.models import Record, RecordFile
from clearinghouse.dissemination.formats.view import oai_identifier

from .people import signed_in
from .world import SECRET_FILE_WORD, T0, WORDS, build_world, expected_files, expected_records

pytestmark = pytest.mark.django_db
ACTORS = ["anonymous", "reader", "member", "partner_a", "partner_b"]


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", errors="replace")


def _list_surfaces(client: Client) -> dict[str, str]:
    formats = client.get(reverse("api-formats")).json()["results"]
    urls = {
        f"export {f['name']}": reverse("api-export", args=[f["name"]])
        for f in formats
        if f["list_export"]
    }
    urls |= {
        "oai ListRecords": reverse("oai") + "?verb=ListRecords&metadataPrefix=oai_dc",
        "oai ListIdentifiers": reverse("oai") + "?verb=ListIdentifiers&metadataPrefix=oai_dc",
        "feed": reverse("feed-records"),
        "feed by": reverse("feed-records-by", args=["language", "en"]),
        "sitemap": reverse("sitemap"),
    }
    return urls


def _normalise(text: str, *ids: int) -> str:
    text = re.sub(r"<responseDate>[^<]*</responseDate>", "", text)
    for number in ids:
        text = re.sub(rf"\b{number}\b", "ID", text)
    return text


@freeze_time(T0)
@pytest.mark.parametrize("actor", ACTORS)
def test_no_list_surface_carries_hidden_records(actor):
    world = build_world()
    user = world.accounts[actor]
    client = Client() if user is None else signed_in(user)
    seen = expected_records(actor, after_embargo=False)
    # the public surfaces (OAI-PMH, feeds, sitemap) show the public view to everyone
    public = expected_records("anonymous", after_embargo=False)
    for where, url in _list_surfaces(client).items():
        response = client.get(url)
        assert response.status_code in (200, 404), where
        body = _body(response).lower()
        shown = seen if where.startswith("export") else public
        for key, word in WORDS.items():
            if key not in shown:
                assert word not in body, (actor, where, key)
                assert f"/records/{world.records[key].pk}/" not in body, (actor, where, key)
        assert SECRET_FILE_WORD not in body, (actor, where)
        if where.startswith("export") and response.status_code == 200:
            assert WORDS["public"] in body, (actor, where)


@freeze_time(T0)
@pytest.mark.parametrize("actor", ["anonymous", "reader", "partner_b"])
def test_detail_surfaces_answer_hidden_like_missing(actor):
    world = build_world()
    user = world.accounts[actor]
    client = Client() if user is None else signed_in(user)
    missing = (Record.objects.aggregate(n=Max("pk"))["n"] or 0) + 1000
    missing_file = (RecordFile.objects.aggregate(n=Max("pk"))["n"] or 0) + 1000
    formats = [f["name"] for f in client.get(reverse("api-formats")).json()["results"]]
    seen = expected_records(actor, after_embargo=False)

    def answer(url: str, *ids: int) -> tuple[int, str]:
        response = client.get(url)
        return response.status_code, _normalise(_body(response), *ids)

    for key, record in world.records.items():
        if key in seen:
            continue
        pairs = [
            (
                reverse("api-record-files", args=[record.pk]),
                reverse("api-record-files", args=[missing]),
            ),
            *(
                (
                    reverse("api-record-export", args=[record.pk, name]),
                    reverse("api-record-export", args=[missing, name]),
                )
                for name in formats
            ),
            (
                reverse("oai")
                + f"?verb=GetRecord&metadataPrefix=oai_dc&identifier={oai_identifier(record.pk)}",
                reverse("oai")
                + f"?verb=GetRecord&metadataPrefix=oai_dc&identifier={oai_identifier(missing)}",
            ),
        ]
        for hidden_url, missing_url in pairs:
            assert answer(hidden_url, record.pk, missing) == answer(
                missing_url, record.pk, missing
            ), (actor, key, hidden_url)
    downloadable = expected_files(actor, after_embargo=False)
    for key, record_file in world.files.items():
        if key in downloadable:
            assert client.get(reverse("api-file", args=[record_file.pk])).status_code == 200
            continue
        hidden = answer(reverse("api-file", args=[record_file.pk]), record_file.pk, missing_file)
        assert hidden == answer(
            reverse("api-file", args=[missing_file]), record_file.pk, missing_file
        ), (actor, key)
    # a visible record's file list carries only the files the actor may download
    mixed = world.records["mixed"]
    listed = client.get(reverse("api-record-files", args=[mixed.pk])).json()["results"]
    assert [f["id"] for f in listed] == (
        [world.files["mixed"].pk] if "mixed" in downloadable else []
    )
