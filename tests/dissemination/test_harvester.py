"""The OAI-PMH harvester against local servers: real responses, changes, hostile sources."""

from __future__ import annotations

import io
import socket
import time

import pytest
from django.core.management import call_command

from clearinghouse.catalog.models import Record
from clearinghouse.dissemination.models import HarvestSource, PublicExposure
from clearinghouse.dissemination.oai.client import HarvestError, fetch
from clearinghouse.dissemination.oai.harvester import harvest, harvest_source
from tests.conftest import need_shared

from .oai_server import OaiServer, dc_record, deleted_record, dribble, page, send

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def loopback(settings):
    settings.CLEARINGHOUSE_HARVEST_ALLOW_LOOPBACK = True
    settings.CLEARINGHOUSE_HARVEST_LIMITS = {"timeout": 2.0, "deadline": 3.0, "max_bytes": 200_000}
    settings.CLEARINGHOUSE_HARVEST_MAX_PAGES = 5


@pytest.fixture
def connections(monkeypatch):
    """Every address the harvester connects to (it must never be a private one)."""
    seen: list[str] = []
    real = socket.create_connection

    def spy(address, *args, **kwargs):
        seen.append(address[0])
        assert address[0] in ("127.0.0.1", "::1"), f"connected to {address[0]}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", spy)
    return seen


@pytest.mark.corpora
def test_real_responses_are_harvested_across_tokens(vocabularies, loopback, connections):
    folder = need_shared("corpora", "oai-pmh", "sickle")

    def respond(params, handler):
        name = params.get("resumptionToken", "ListRecords.xml")
        send(handler, (folder / name).read_bytes())

    with OaiServer(respond) as server:
        run = harvest(base_url=server.url)
    assert run.status == "done", run.report
    assert run.pages == 4 and run.created >= 1
    assert (
        Record.objects.filter(identifier__startswith="oai:test.example.com:").count() == run.created
    )


def test_incremental_changes_deletions_and_supersession(vocabularies, loopback, connections):
    pages = {
        1: page(
            [
                dc_record("oai:partner:1", "Manual on shelters"),
                dc_record("oai:partner:2", "Guide for prosecutors"),
            ],
            date="2024-03-01T10:00:00Z",
        ),
        2: page(
            [
                dc_record("oai:partner:1", "Manual on shelters (revised)"),
                deleted_record("oai:partner:2"),
                dc_record(
                    "oai:partner:3",
                    "Manual on shelters, second edition",
                    relation="Replaces: oai:partner:1",
                ),
            ],
            date="2024-04-01T10:00:00Z",
        ),
    }
    state = {"round": 1}

    def respond(params, handler):
        send(handler, pages[state["round"]])

    with OaiServer(respond) as server:
        source = HarvestSource.objects.create(
            name="partner", base_url=server.url, record_status="published"
        )
        first = harvest_source(source)
        assert first.status == "done" and first.created == 2, first.report
        source.refresh_from_db()
        assert source.harvested_until == "2024-03-01"
        one = Record.objects.get(identifier="oai:partner:1")
        assert one.concepts.filter(scheme_id="topic", code="investigation").exists()
        state["round"] = 2
        second = harvest_source(source)
        assert second.status == "done", second.report
        assert server.requests[-1]["from"] == "2024-03-01"
    assert (second.created, second.updated, second.deleted) == (1, 1, 1)
    one.refresh_from_db()
    assert one.texts.get().title == "Manual on shelters (revised)"
    assert Record.objects.get(identifier="oai:partner:2").status == "withdrawn"
    assert PublicExposure.objects.filter(gone_at__isnull=False).count() == 1
    third = Record.objects.get(identifier="oai:partner:3")
    assert third.supersedes_id == one.pk


def _hostile(respond, settings=None):
    good_first = page([dc_record("oai:partner:9", "A good record")], token="next")

    def combined(params, handler):
        if "resumptionToken" not in params:
            send(handler, good_first)
        else:
            respond(params, handler)

    with OaiServer(combined) as server:
        run = harvest(base_url=server.url)
    assert run.status == "failed"
    assert Record.objects.count() == 0, "a failed harvest must change nothing"
    return run


def test_redirect_to_a_private_address_is_refused_before_connecting(
    vocabularies, loopback, connections
):
    for target in ("http://10.0.0.1/oai", "http://169.254.169.254/latest", "http://192.168.1.1/"):
        run = _hostile(lambda p, h, t=target: send(h, b"", 302, {"Location": t}))
        assert "refused" in run.report and target.split("/")[2] in run.report
    assert set(connections) == {"127.0.0.1"}


def test_private_and_loopback_addresses_are_refused(settings, vocabularies, connections):
    for url in (
        "http://10.1.2.3/oai",
        "http://[fd00::1]/oai",
        "http://127.0.0.1:9/oai",
        "file:///etc/passwd",
        "http://0.0.0.0/oai",
    ):
        with pytest.raises(HarvestError, match="refused"):
            fetch(url)
    assert connections == []


def test_endless_resumption_tokens_stop(vocabularies, loopback):
    counter = {"n": 0}

    def endless(params, handler):
        counter["n"] += 1
        send(handler, page([], token=f"t{counter['n']}"))

    run = _hostile(endless)
    assert "pages" in run.report


def test_a_repeated_token_is_a_loop(vocabularies, loopback):
    run = _hostile(lambda p, h: send(h, page([], token="next")))
    assert "repeats" in run.report


def test_giant_responses_are_cut(vocabularies, loopback):
    giant = page([dc_record(f"oai:partner:{i}", "x" * 500) for i in range(1000)])
    run = _hostile(lambda p, h: send(h, giant))
    assert "limit" in run.report


def test_slow_responses_time_out(vocabularies, loopback):
    started = time.monotonic()
    run = _hostile(lambda p, h: time.sleep(4))
    assert "timed out" in run.report
    run = _hostile(lambda p, h: dribble(h, page([]), every=0.2))
    assert "longer than" in run.report or "timed out" in run.report
    assert time.monotonic() - started < 20


@pytest.mark.corpora
def test_malformed_and_hostile_xml_fail_cleanly(vocabularies, loopback):
    broken = need_shared("corpora", "oai-pmh", "sickle", "ListRecordsBroken.xml").read_bytes()
    assert "malformed" in _hostile(lambda p, h: send(h, broken)).report
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">&b;</OAI-PMH>'
    )
    assert "malformed" in _hostile(lambda p, h: send(h, bomb)).report
    error = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>x</responseDate>'
        b'<error code="badResumptionToken">expired</error></OAI-PMH>'
    )
    assert "badResumptionToken" in _hostile(lambda p, h: send(h, error)).report


def test_the_harvest_command(vocabularies, loopback):
    with OaiServer(
        lambda p, h: send(h, page([dc_record("oai:partner:5", "Cmd record")]))
    ) as server:
        out = io.StringIO()
        call_command("harvest", server.url, "--set", "a:b", "--from", "2024-01-01", stdout=out)
        assert server.requests[0] == {
            "verb": "ListRecords",
            "metadataPrefix": "oai_dc",
            "set": "a:b",
            "from": "2024-01-01",
        }
    assert "done" in out.getvalue()
    assert Record.objects.filter(identifier="oai:partner:5").exists()


def test_due_sources_are_harvested_by_the_job(vocabularies, loopback):
    from clearinghouse.dissemination.tasks import harvest_due_sources

    with OaiServer(
        lambda p, h: send(h, page([dc_record("oai:partner:7", "Due record")]))
    ) as server:
        HarvestSource.objects.create(name="due", base_url=server.url)
        HarvestSource.objects.create(name="off", base_url=server.url, enabled=False)
        assert harvest_due_sources.call() == 1
        assert harvest_due_sources.call() == 0  # not due again before its interval
    record = Record.objects.get(identifier="oai:partner:7")
    assert record.status == "in_review"
