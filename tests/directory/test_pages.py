"""Roster pages, the roster API and the demo roster (C8)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from clearinghouse.directory.models import Affiliation, Agent
from clearinghouse.search.indexer import apply_outbox
from tests.accounts.people import make_account, signed_in
from tests.conftest import need_shared

from .roster import credited_record, org, person, private

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(vocabularies):
    agency = org("Counter-Trafficking Agency", acronym="CTA", roles=["education", "sheltering"])
    credited_record("Public shelter manual", agency, concepts={"topic": ["health"]})
    credited_record("Restricted police annex", agency, access_tier="restricted")
    credited_record("Draft curriculum", agency, status="draft")
    expert = person(
        "Vesna Expertić",
        affiliation=agency,
        disciplines=["health"],
        languages=["sr:native"],
        topics=["health"],
        title="Doctor",
    )
    private(expert, email="vesna@example.org")
    apply_outbox()
    return agency, expert


def test_organisation_page_lists_only_visible_materials(agency):
    org_, expert = agency
    url = reverse("directory:organisation", args=[org_.pk])
    public = Client().get(url).content.decode()
    assert "Public shelter manual" in public
    assert "Restricted police annex" not in public and "Draft curriculum" not in public
    assert "education and training" in public and "Vesna Expertić" in public
    assert f"f=organisation:{org_.key}" in public  # the catalogue's facet by organisation
    staff = signed_in(make_account("analyst")).get(url).content.decode()
    assert "Restricted police annex" in staff and "Draft curriculum" in staff
    # a person's URL does not answer for an organisation, and the other way round
    assert Client().get(reverse("directory:person", args=[org_.pk])).status_code == 404
    assert Client().get(reverse("directory:organisation", args=[expert.pk])).status_code == 404


def test_roster_filters_and_counts(agency, django_assert_max_num_queries):
    org_, expert = agency
    for i in range(30):
        person(f"Filler Person {i}", affiliation=org_, disciplines=["media"])
    client = Client()
    page = client.get(reverse("directory:roster"), {"discipline": "health"}).content.decode()
    assert "Vesna Expertić" in page and "Filler Person" not in page
    page = client.get(reverse("directory:roster"), {"kind": "organisation"}).content.decode()
    assert "Counter-Trafficking Agency" in page and "Vesna" not in page
    assert "1 material" in page  # the anonymous reader sees one of its three
    page = client.get(reverse("directory:roster"), {"language": "sr"}).content.decode()
    assert "Vesna Expertić" in page and "Filler" not in page
    client.get(reverse("directory:roster"))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("directory:roster")).status_code == 200


def test_api_experts_private_fields_follow_the_policy(agency):
    _, expert = agency
    url = reverse("api-expert", args=[expert.key])
    public = Client().get(url).json()
    assert public["name"] == "Vesna Expertić" and "private" not in public
    assert "vesna@example.org" not in Client().get(reverse("api-experts")).content.decode()
    reader = signed_in(make_account("reader"))
    assert "private" not in reader.get(url).json()
    trainer = signed_in(make_account("trainer"))
    assert trainer.get(url).json()["private"]["email"] == "vesna@example.org"
    listed = trainer.get(reverse("api-experts"), {"discipline": "health"}).json()
    assert [e["private"]["email"] for e in listed["results"]] == ["vesna@example.org"]
    match = Client().get(reverse("api-match"), {"topic": "health", "language": "sr"}).json()
    assert match["team"][0]["name"] == "Vesna Expertić" and "private" not in match["team"][0]
    assert Client().get(reverse("api-match")).status_code == 400


def test_nul_and_junk_parameters_are_harmless(agency):
    client = Client()
    for url in (reverse("directory:roster"), reverse("directory:match"), reverse("api-experts")):
        response = client.get(
            url, {"q": "a\x00b", "topic": "x\x00", "language": "\x00", "start": "junk"}
        )
        assert response.status_code == 200


def test_the_demo_roster(demo_catalogue):
    need_shared("seed")
    mara = Agent.objects.get(key="radovanovic-mara")
    assert mara.profile_is_sample and mara.disciplines == ["ngo-victim-services"]
    assert Affiliation.objects.filter(person=mara, organisation__key="ngo-lara").exists()
    # real people without invented attributes stay unflagged, and no contact is invented
    assert not Agent.objects.get(key="machin-john").profile_is_sample
    assert not Agent.objects.filter(private__isnull=False).exists()
    out = StringIO()
    call_command(
        "match", "--topic", "protection-and-assistance", "--language", "sr,ru", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert len(data["team"]) == 6 and all(m["sample_profile"] for m in data["team"])
    assert data["team"][0]["key"] == "radovanovic-mara"
    page = Client().get(reverse("directory:person", args=[mara.pk])).content.decode()
    assert "Sample profile" in page and "Bijeljina" in page


def test_record_pages_link_their_credited_agents(agency):
    org_, _ = agency
    record = org_.credits.get(record__texts__title="Public shelter manual").record
    page = Client().get(reverse("web:record", args=[record.pk])).content.decode()
    assert f'href="{org_.get_absolute_url()}"' in page
