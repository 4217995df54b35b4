"""The OAI-PMH provider: six verbs, valid against OAI-PMH.xsd, harvested by sickle."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
import requests
from django.test import Client
from lxml import etree
from sickle import Sickle

from clearinghouse.catalog.models import Record
from clearinghouse.catalog.services import record_deleted, record_upsert
from clearinghouse.dissemination.formats.view import oai_identifier
from clearinghouse.dissemination.imports.entry import input_from_record
from tests.factories import make_record

from .schemas import assert_valid, oai_pmh_schema

pytestmark = [pytest.mark.django_db, pytest.mark.corpora]
NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}


def oai(client, **params) -> etree._Element:
    response = client.get("/oai?" + urlencode(params, doseq=True))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    return assert_valid(oai_pmh_schema(), response.content)


def error_code(document) -> str | None:
    found = document.find("o:error", NS)
    return found.get("code") if found is not None else None


class ClientAdapter:
    """requests.get/post answered by Django's test client (sickle speaks HTTP to it)."""

    def __init__(self, client: Client):
        self.client = client

    def _response(self, django_response, url) -> requests.Response:
        response = requests.models.Response()
        response.status_code = django_response.status_code
        response._content = django_response.content
        response.headers = requests.structures.CaseInsensitiveDict(django_response.headers)
        response.encoding = "utf-8"
        response.url = url
        return response

    def get(self, url, params=None, **kwargs):
        return self._response(self.client.get("/oai", params or {}), url)

    def post(self, url, data=None, **kwargs):
        return self._response(self.client.post("/oai", data or {}), url)


@pytest.fixture
def small_pages(settings):
    settings.CLEARINGHOUSE_OAI_PAGE_SIZE = 7


def public_records():
    return Record.objects.filter(
        status="published", access_tier="public", embargo_until__isnull=True
    )


def test_identify_and_formats_and_sets(client, demo_catalogue):
    identify = oai(client, verb="Identify")
    assert identify.findtext("o:Identify/o:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("o:Identify/o:deletedRecord", namespaces=NS) == "persistent"
    formats = oai(client, verb="ListMetadataFormats")
    prefixes = {e.text for e in formats.iterfind(".//o:metadataPrefix", NS)}
    assert prefixes == {"oai_dc", "marcxml"}
    sets = {e.text for e in oai(client, verb="ListSets").iterfind(".//o:setSpec", NS)}
    assert {"kind", "kind:training_material", "audience:prosecutors", "topic:investigation"} <= sets


def test_get_record_in_both_formats(client, demo_catalogue):
    seed = Record.objects.get(identifier="demo:seed-report")
    for prefix in ("oai_dc", "marcxml"):
        document = oai(
            client, verb="GetRecord", identifier=oai_identifier(seed.pk), metadataPrefix=prefix
        )
        assert document.find(".//o:metadata", NS) is not None
    dc = oai(client, verb="GetRecord", identifier=oai_identifier(seed.pk), metadataPrefix="oai_dc")
    assert dc.findtext(".//dc:title", namespaces=NS).startswith(
        "Trafficking, Slavery and Peacekeeping"
    )


def test_list_records_pages_with_resumption_tokens(client, demo_catalogue, small_pages):
    seen, token, pages = [], None, 0
    while True:
        params = {"resumptionToken": token} if token else {"metadataPrefix": "oai_dc"}
        document = oai(client, verb="ListRecords", **params)
        seen += [e.text for e in document.iterfind(".//o:header/o:identifier", NS)]
        element = document.find(".//o:resumptionToken", NS)
        pages += 1
        if element is None or not element.text:
            if element is not None:
                assert element.get("completeListSize") == str(public_records().count())
            break
        token = element.text
    assert pages > 1
    assert len(seen) == len(set(seen)) == public_records().count()


def test_sickle_harvests_everything_across_tokens(client, demo_catalogue, small_pages, monkeypatch):
    import sickle.app

    monkeypatch.setattr(sickle.app, "requests", ClientAdapter(client))
    harvester = Sickle("http://testserver/oai", max_retries=0)
    records = list(harvester.ListRecords(metadataPrefix="oai_dc", ignore_deleted=True))
    assert len(records) == public_records().count()
    titles = [r.metadata["title"][0] for r in records]
    assert any(t.startswith("Trafficking, Slavery and Peacekeeping") for t in titles)
    identifiers = list(
        harvester.ListIdentifiers(metadataPrefix="marcxml", set="kind:training_material")
    )
    assert len(identifiers) == public_records().filter(kind="training_material").count()
    assert harvester.Identify().repositoryName == "TIP Clearinghouse"
    via_post = Sickle("http://testserver/oai", http_method="POST", max_retries=0)
    assert len(list(via_post.ListSets())) > 10


def test_protocol_errors(client, demo_catalogue):
    cases = [
        ({}, "badVerb"),
        ({"verb": "Nonsense"}, "badVerb"),
        ({"verb": ["Identify", "Identify"]}, "badVerb"),
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2002-13-45"}, "badArgument"),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2002-01-01",
                "until": "2003-01-01T00:00:00Z",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "resumptionToken": "forged"}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "identifier": "oai:elsewhere:1", "metadataPrefix": "oai_dc"},
            "idDoesNotExist",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2999-01-01"},
            "noRecordsMatch",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "topic:nonexistent"},
            "noRecordsMatch",
        ),
        ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
    ]
    for params, code in cases:
        document = oai(client, **params)
        assert error_code(document) == code, params
        if code in ("badVerb", "badArgument"):
            assert not document.find("o:request", NS).attrib


def test_from_until_and_sets_select(client, vocabularies):
    make_record("Prosecutors guide", identifier="demo:p", concepts={"audience": ["prosecutors"]})
    make_record("Judges guide", identifier="demo:j", concepts={"audience": ["judges"]})
    today = dt.date.today().isoformat()
    document = oai(
        client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="audience:prosecutors"
    )
    assert len(document.findall(".//o:header", NS)) == 1
    assert (
        len(
            oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="audience").findall(
                ".//o:header", NS
            )
        )
        == 2
    )
    assert (
        len(
            oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": today}).findall(
                ".//o:header", NS
            )
        )
        == 2
    )
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    assert (
        error_code(oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", until=yesterday))
        == "noRecordsMatch"
    )


def test_withdrawn_restricted_and_deleted_records_become_tombstones(client, vocabularies):
    keep = make_record("Kept public", identifier="demo:keep", concepts={"topic": ["demand"]})
    hide = make_record("Later restricted", identifier="demo:hide", concepts={"topic": ["demand"]})
    gone = make_record("Later deleted", identifier="demo:gone")
    never = make_record("Never public", identifier="demo:never", access_tier="restricted")
    data = input_from_record(hide)
    data.access_tier = "restricted"
    record_upsert(data=data)
    gone_pk = gone.pk
    gone.delete()
    record_deleted(record_id=gone_pk)
    document = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    headers = {
        h.findtext("o:identifier", namespaces=NS): h.get("status")
        for h in document.iterfind(".//o:header", NS)
    }
    assert headers == {
        oai_identifier(keep.pk): None,
        oai_identifier(hide.pk): "deleted",
        oai_identifier(gone_pk): "deleted",
    }
    assert oai_identifier(never.pk) not in headers
    body = etree.tostring(document).decode()
    assert "Later restricted" not in body and "Never public" not in body
    deleted = oai(
        client, verb="GetRecord", identifier=oai_identifier(hide.pk), metadataPrefix="oai_dc"
    )
    assert deleted.find(".//o:header", NS).get("status") == "deleted"
    in_set = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="topic:demand")
    assert {h.get("status") for h in in_set.iterfind(".//o:header", NS)} == {None, "deleted"}
    # Public again: the tombstone goes, the record comes back.
    data = input_from_record(Record.objects.get(pk=hide.pk))
    data.access_tier = "public"
    record_upsert(data=data)
    again = oai(
        client, verb="GetRecord", identifier=oai_identifier(hide.pk), metadataPrefix="oai_dc"
    )
    assert again.find(".//o:header", NS).get("status") is None


def test_anonymous_harvest_contains_no_restricted_record(client, demo_catalogue):
    body = client.get("/oai", {"verb": "ListRecords", "metadataPrefix": "marcxml"}).content.decode()
    for record in Record.objects.exclude(status="published", access_tier="public"):
        assert oai_identifier(record.pk) + "<" not in body
        assert record.texts.first().title not in body
