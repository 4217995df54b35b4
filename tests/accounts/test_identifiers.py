"""Guessing identifiers: a restricted record or file answers exactly like a missing one."""

from __future__ import annotations

import pytest
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from clearinghouse.catalog.models import Record, RecordFile

from .people import signed_in
from .world import T0, build_world

pytestmark = pytest.mark.django_db

HIDDEN_FROM_READER = ("group", "embargoed", "draft", "withdrawn", "submission")


def _answer(client: Client, url: str, method: str = "get") -> tuple[int, bytes]:
    response = getattr(client, method)(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def _surfaces(record_id: int) -> list[tuple[str, str]]:
    return [
        (reverse("web:record", args=[record_id]), "get"),
        (reverse("api-record", args=[record_id]), "get"),
        (reverse("accounts:request_access", args=[record_id]), "get"),
        (reverse("web:contribution_edit", args=[record_id]), "get"),
        (reverse("web:contribution_edit", args=[record_id]), "post"),
        (reverse("api-record", args=[record_id]), "patch"),
    ]


@freeze_time(T0)
@pytest.mark.parametrize("actor", ["anonymous", "reader", "partner_b"])
def test_hidden_records_and_files_answer_like_missing_ones(actor, db):
    world = build_world()
    user = world.accounts[actor]
    client = Client() if user is None else signed_in(user)
    missing_record = (Record.objects.aggregate(n=Max("pk"))["n"] or 0) + 1000
    missing_file = (RecordFile.objects.aggregate(n=Max("pk"))["n"] or 0) + 1000
    hidden = [k for k in HIDDEN_FROM_READER if not (actor == "partner_a" and k == "submission")]
    if actor == "anonymous":
        hidden.append("registered")
    for key in hidden:
        for (url, method), (missing_url, _m) in zip(
            _surfaces(world.records[key].pk), _surfaces(missing_record), strict=True
        ):
            assert _answer(client, url, method) == _answer(client, missing_url, method), (key, url)
    for key in ("group", "embargoed", "mixed", "draft"):
        url = reverse("web:download", args=[world.files[key].pk])
        missing = reverse("web:download", args=[missing_file])
        assert _answer(client, url) == _answer(client, missing), key
