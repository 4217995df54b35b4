"""XSS payloads in every text field are escaped on every page and in the API."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from clearinghouse.catalog.models import Record, RecordCreator, RecordFile, RecordText
from clearinghouse.catalog.services import file_attach_text, record_changed
from clearinghouse.search.indexer import apply_outbox
from tests.factories import make_record

from .people import make_account, make_organisation, signed_in

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"
MARKERS = ("<script>alert(1)", "<img src=x", "onerror=alert(2)>")
RECORD_TEXT_FIELDS = (
    "publisher",
    "place",
    "container",
    "licence",
    "holding_library",
    "shelfmark",
    "provenance",
    "date_issued",
    "duration",
)


@pytest.fixture
def hostile(db):
    record = make_record(f"xsstitle {PAYLOAD}", abstract=f"xssabstract {PAYLOAD}")
    RecordText.objects.filter(record=record).update(subtitle=PAYLOAD)
    RecordText.objects.create(
        record=record,
        language="fr",
        title=f"xsstitle fr {PAYLOAD}",
        abstract=PAYLOAD,
        is_original=False,
        method="human",
        translator=PAYLOAD,
        source_language=PAYLOAD[:30],
    )
    Record.objects.filter(pk=record.pk).update(
        **{
            name: PAYLOAD[: Record._meta.get_field(name).max_length or 500]
            for name in RECORD_TEXT_FIELDS
        },
        links=[
            {"url": "javascript:alert(3)", "note": PAYLOAD},
            {"url": f"https://example.org/?q={PAYLOAD}", "note": PAYLOAD},
        ],
    )
    RecordCreator.objects.create(record=record, name=PAYLOAD)
    record_file = file_attach_text(
        record=record, text=PAYLOAD, name=f"{PAYLOAD}.txt", language="en"
    )
    RecordFile.objects.filter(pk=record_file.pk).update(label=PAYLOAD, language=PAYLOAD[:35])
    record.refresh_from_db()
    record_changed(record=record, summary="hostile fields")
    apply_outbox()
    return record


def assert_escaped(html: str, where: str) -> None:
    for marker in MARKERS:
        assert marker not in html, (where, marker)
    # a javascript: URL may appear as data (JSON-LD), never where a browser follows it
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", html, re.I), where


def test_every_page_escapes_every_field(hostile, client):
    org = make_organisation(PAYLOAD[:300])
    partner = make_account("partner", organisation=org)
    Record.objects.filter(pk=hostile.pk).update(owner_organisation=org)
    pages = {
        "record": reverse("web:record", args=[hostile.pk]),
        "record fr": "/fr" + reverse("web:record", args=[hostile.pk]),
        "search": reverse("web:search") + "?q=xsstitle",
        "search with payload": reverse("web:search") + "?q=" + PAYLOAD,
        "home": reverse("web:home"),
        "browse": reverse("web:browse", args=["language"]),
    }
    anonymous = Client()
    for where, url in pages.items():
        response = anonymous.get(url)
        assert response.status_code == 200, where
        assert_escaped(response.content.decode(), where)
    html = anonymous.get(pages["record"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    partner_client = signed_in(partner)
    for url in (reverse("web:contributions"), reverse("accounts:my_access")):
        assert_escaped(partner_client.get(url).content.decode(), url)


def test_the_api_escapes_markup_in_every_field(hostile, client):
    for url in (
        reverse("api-record", args=[hostile.pk]),
        reverse("api-records") + "?q=xsstitle",
        reverse("api-records") + "?q=" + PAYLOAD,
    ):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/json")
        body = response.content.decode()
        assert "<" not in body and ">" not in body, url
        json.loads(body)  # still valid JSON, the text itself unchanged once decoded
    data = client.get(reverse("api-record", args=[hostile.pk])).json()
    assert data["publisher"] == PAYLOAD[:300]


def test_staff_pages_escape_account_fields(db):
    from clearinghouse.accounts.services.accounts import account_register

    account_register(
        username="hostile",
        email="h@example.org",
        password="a long enough pass phrase",
        organisation_name=PAYLOAD,
        purpose=PAYLOAD,
    )
    admin = signed_in(make_account("administrator"))
    assert_escaped(admin.get(reverse("accounts:approvals")).content.decode(), "approvals")
