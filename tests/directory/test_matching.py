"""Matching a training need (C8): team composition, availability, balance, providers."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from clearinghouse.core.policy import ANONYMOUS, Actor
from clearinghouse.directory.matching import Need, match, organisation_of
from clearinghouse.search.indexer import apply_outbox

from .roster import credited_record, org, person

pytestmark = pytest.mark.django_db

STAFF = Actor(role="analyst", is_staff=True, is_registered=True)
POLICE = ("investigation",)


@pytest.fixture
def roster(vocabularies):
    un = org("United Nations Agency")
    un_office = org("UN Agency Field Office", parent=un)
    academy = org("Police Academy")
    ngo = org("Shelter Network")
    army = org("Army Brigade")
    uni = org("University Institute")
    people = {
        "le_ru": person("Ivan Petrov", affiliation=un, disciplines=["law-enforcement"],
                        languages=["ru:native", "en"], topics=POLICE),
        "le_en": person("Jane Doe", affiliation=un_office, disciplines=["law-enforcement"],
                        languages=["en:native"], topics=[*POLICE, "identification-of-victims"]),
        "pros_ru": person("Olga Smirnova", affiliation=un, disciplines=["prosecution-legal"],
                          languages=["ru:native"], topics=["prosecution"]),
        "pros_en": person("Paul Martin", affiliation=academy, disciplines=["prosecution-legal"],
                          languages=["en:native"], topics=["prosecution"]),
        "ngo_sr": person("Mara Petrović", affiliation=ngo, disciplines=["ngo-victim-services"],
                         languages=["sr:native", "en:working"]),
        "mil_en": person("John Smith", affiliation=army, disciplines=["military-pko"],
                         languages=["en:native"]),
        "mil_ru_off": person("Sergei Off", affiliation=army, disciplines=["military-pko"],
                             languages=["ru:native"], available=False),
        "health_ru": person("Anna Health", affiliation=uni, disciplines=["health"],
                            languages=["ru:fluent"],
                            unavailable=[["2026-07-05", "2026-07-20"]]),
        "research_sr": person("Milan Research", affiliation=uni,
                              disciplines=["academic-research"], languages=["sr:native"]),
        "health_en": person("Ruth Nurse", affiliation=un, disciplines=["health"],
                            languages=["en:native", "ru:basic"]),
    }  # fmt: skip
    orgs = {"un": un, "academy": academy, "ngo": ngo, "army": army, "uni": uni}
    police = {"audience": ["police"]}
    credited_record(
        "Investigation manual", academy, concepts={"topic": ["investigation"], **police}
    )
    credited_record(
        "Victim identification guide",
        ngo,
        concepts={"topic": ["identification-of-victims"], **police},
    )
    credited_record(
        "Investigating and identifying victims",
        ngo,
        role="corporate-author",
        concepts={"topic": ["investigation", "identification-of-victims"], **police},
    )
    credited_record(
        "Restricted brigade investigation drill",
        army,
        access_tier="restricted",
        concepts={"topic": ["investigation"]},
    )
    apply_outbox()
    return people, orgs


def names(team) -> set[str]:
    return {p.item.name for p in team}


def assert_balanced(team, size: int) -> None:
    roots = [organisation_of(p.item).pk for p in team]
    cap = -(-size // 3)
    assert max(roots.count(r) for r in set(roots)) <= cap, roots


def test_a_six_person_team_covers_the_disciplines_and_languages_and_is_available(roster):
    people, _ = roster
    need = Need(
        topics=["investigation"],
        audiences=["police"],
        languages=["ru", "sr"],
        start=dt.date(2026, 7, 1),
        end=dt.date(2026, 7, 10),
    )
    result = match(ANONYMOUS, need)
    team = [p.item for p in result.team]
    assert len(team) == 6
    covered = {d for member in team for d in member.disciplines}
    assert {
        "law-enforcement",
        "prosecution-legal",
        "ngo-victim-services",
        "military-pko",
    } <= covered
    spoken = {i["code"] for m in team for i in m.languages if i["level"] != "basic"}
    assert {"ru", "sr"} <= spoken
    assert result.uncovered_disciplines == [] and result.uncovered_languages == []
    # never an unavailable person: not a trainer, or away on the need's dates
    assert people["mil_ru_off"] not in team
    assert people["health_ru"] not in team
    assert_balanced(result.team, 6)
    # every member says why
    assert all(p.reasons for p in result.team)


def test_dates_decide_who_covers_a_discipline(roster):
    people, _ = roster
    need = Need(disciplines=["health", "military-pko"], languages=["ru"], team_size=2)
    undated = match(ANONYMOUS, need)
    assert people["health_ru"] in [p.item for p in undated.team]
    assert undated.team[0].item == people["health_ru"]  # covers health and Russian at once
    assert "covers health" in undated.team[0].reasons[0]

    need.start, need.end = dt.date(2026, 7, 6), dt.date(2026, 7, 8)
    dated = match(ANONYMOUS, need)
    team = [p.item for p in dated.team]
    assert people["health_ru"] not in team
    assert people["health_en"] in team  # the other health expert ("ru: basic" is not teaching)
    assert {"health", "military-pko"} <= {d for m in team for d in m.disciplines}
    assert dated.uncovered_languages == ["ru"]


def test_no_organisation_dominates_a_small_team(roster):
    people, orgs = roster
    need = Need(disciplines=["law-enforcement"], topics=["investigation"], team_size=2)
    team = match(ANONYMOUS, need).team
    assert len(team) == 2
    # both law-enforcement experts belong to the UN agency (one through its field office);
    # a team of two takes at most one person from it
    roots = [organisation_of(p.item) for p in team]
    assert len(set(roots)) == 2
    assert sum(1 for r in roots if r == orgs["un"]) == 1


def test_team_size_is_respected_and_the_pool_can_run_out(roster):
    need = Need(disciplines=["law-enforcement"], team_size=20)
    team = match(ANONYMOUS, need).team
    available = 9  # ten people, one not a trainer
    assert len(team) <= available
    assert_balanced(team, 20)


def test_providers_rank_by_visible_materials(roster):
    _, orgs = roster
    need = Need(topics=["investigation", "identification-of-victims"], audiences=["police"])
    public = match(ANONYMOUS, need)
    ranked = [p.item for p in public.providers]
    assert ranked[:2] == [orgs["ngo"], orgs["academy"]]
    assert orgs["army"] not in ranked  # its only material is restricted
    assert public.providers[0].reasons[0] == "2 matching materials"
    staff = [p.item for p in match(STAFF, need).providers]
    assert orgs["army"] in staff
    # materials: the record matching both topics first; the restricted one hidden
    titles = [p.item.texts.first().title for p in public.materials]
    assert titles[0] == "Investigating and identifying victims"
    assert "Restricted brigade investigation drill" not in titles


def test_cli_match_json(roster):
    out = StringIO()
    call_command(
        "match",
        "--topic", "investigation", "--audience", "police", "--language", "ru,sr",
        "--team-size", "6", "--json", stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())
    assert len(data["team"]) == 6
    assert data["uncovered"] == {"disciplines": [], "languages": []}
    assert data["materials"][0]["why"]
    assert data["providers"][0]["name"] == "Shelter Network"
    assert all(set(m) >= {"name", "why"} and "email" not in m for m in data["team"])


def test_match_page_for_anonymous(roster):
    response = Client().get(
        reverse("directory:match"),
        {"topic": "investigation", "audience": "police", "language": "ru,sr"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Shelter Network" in html and "Ivan Petrov" in html
    assert "Restricted brigade" not in html
