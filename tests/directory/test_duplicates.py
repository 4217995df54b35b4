"""Duplicate people and organisations (C8): name keys across scripts, and merging."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from clearinghouse.accounts.models import AuditEvent
from clearinghouse.catalog.models import Record, RecordCreator
from clearinghouse.core.policy import ANONYMOUS, Actor
from clearinghouse.directory.models import Affiliation, Agent, PrivateContact
from clearinghouse.directory.names import name_key, similarity
from clearinghouse.directory.selectors import duplicate_candidates
from clearinghouse.directory.services import MergeError, agent_merge
from clearinghouse.search.indexer import apply_outbox
from clearinghouse.search.service import search_records
from tests.accounts.people import make_account, signed_in

from .roster import credit, org, person, private

STAFF = Actor(role="analyst", is_staff=True, is_registered=True)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Мара Радовановић", "Mara Radovanović"),
        ("Mara Radovanović", "Radovanovic, Mara"),
        ("Љиљана Њежић", "Ljiljana Nježić"),
        ("Юлия Тимошенко", "Yulia Tymoshenko"),
        ("Мария Иванова", "Maria Ivanova"),
        ("Elisabeth Griffin", "Elizabeth Griffin"),
    ],
)
def test_variants_of_one_name_are_alike(a, b):
    assert similarity(a, b) >= 0.88


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mara Radovanović", "Marko Radović"),
        ("John Machin", "David Marshall"),
        ("UNICRI", "UNMIK"),
        ("Maria Elena Andreotti", "Maryann C. Love"),
    ],
)
def test_different_names_are_not(a, b):
    assert similarity(a, b) < 0.88


def test_name_key_folds_script_accents_case_and_order():
    assert name_key("Мара Радовановић") == name_key("RADOVANOVIC, Mara") == "mara radovanovic"


@pytest.mark.django_db
def test_transliteration_duplicates_are_flagged_and_others_are_not():
    cyrillic = person("Мара Радовановић")
    latin = person("Mara Radovanović")
    person("Marko Radović")
    person("Мара Радовановић-Јовановић")  # a different, longer name
    org("Organization for Security and Co-operation in Europe", acronym="OSCE")
    org("Organisation for Security and Co-operation in Europe")
    pairs = {frozenset((c.first.name, c.second.name)) for c in duplicate_candidates()}
    assert frozenset((cyrillic.name, latin.name)) in pairs
    assert (
        frozenset(
            (
                "Organization for Security and Co-operation in Europe",
                "Organisation for Security and Co-operation in Europe",
            )
        )
        in pairs
    )
    assert len(pairs) == 2
    # a person is never a duplicate of an organisation
    org("Mara Radovanović")
    assert len(duplicate_candidates()) == 2


@pytest.mark.django_db
def test_merge_keeps_every_link(vocabularies):
    from tests.factories import make_record

    lara = org("Lara")
    lara_cyr = org("Лара")
    keep = person("Mara Radovanović", affiliation=lara, disciplines=["ngo-victim-services"])
    merged = person(
        "Мара Радовановић",
        affiliation=lara_cyr,
        disciplines=["health"],
        languages=["sr:native"],
        title="President",
    )
    private(merged, email="mara@example.org")
    Affiliation.objects.create(person=merged, organisation=lara_cyr, title="President")
    first, second = make_record("Shelter handbook"), make_record("Shelter standards")
    credit(first, keep)
    credit(second, merged)
    credit(second, lara_cyr, role="corporate-author")
    Record.objects.filter(pk=second.pk).update(owner_organisation=lara_cyr)
    partner = make_account("partner", organisation=lara_cyr)

    agent_merge(actor=STAFF, keep=keep, merged=merged)
    agent_merge(actor=STAFF, keep=lara, merged=lara_cyr)

    assert not Agent.objects.filter(pk__in=[merged.pk, lara_cyr.pk]).exists()
    assert set(RecordCreator.objects.filter(agent=keep).values_list("record_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert RecordCreator.objects.filter(agent=lara, record=second).exists()
    assert Record.objects.get(pk=second.pk).owner_organisation_id == lara.pk
    partner.profile.refresh_from_db()
    assert partner.profile.organisation_id == lara.pk
    assert Affiliation.objects.filter(person=keep, organisation=lara, title="President").exists()
    keep.refresh_from_db()
    assert keep.disciplines == ["ngo-victim-services", "health"]
    assert keep.language_codes == ["sr"] and keep.title == "President"
    assert PrivateContact.objects.get(person=keep).email == "mara@example.org"
    events = AuditEvent.objects.filter(action="directory.merge")
    assert events.count() == 2
    assert "Мара Радовановић" in events.get(target_id=str(keep.pk)).summary
    # the index follows: the organisation facet counts the kept organisation's key
    apply_outbox()
    facets = dict(search_records(actor=ANONYMOUS).facets["organisation"])
    assert facets == {lara.key: 1}


@pytest.mark.django_db
def test_merge_refuses_nonsense_and_strangers():
    a, b = person("A Person"), org("An Organisation")
    with pytest.raises(MergeError):
        agent_merge(actor=STAFF, keep=a, merged=b)
    with pytest.raises(MergeError):
        agent_merge(actor=STAFF, keep=a, merged=a)
    reader = Actor(role="reader", is_registered=True)
    with pytest.raises(PermissionDenied):
        agent_merge(actor=reader, keep=a, merged=person("A Persson"))
    assert AuditEvent.objects.filter(action="directory.merge", outcome="denied").count() == 1


@pytest.mark.django_db
def test_duplicates_page_is_staff_only_and_merges():
    cyrillic, latin = person("Мара Радовановић"), person("Mara Radovanović")
    url = reverse("directory:duplicates")
    assert Client().get(url).status_code == 404
    assert signed_in(make_account("trainer")).get(url).status_code == 404
    staff = signed_in(make_account("analyst"))
    page = staff.get(url).content.decode()
    assert "Мара Радовановић" in page and "Mara Radovanović" in page
    response = staff.post(reverse("directory:merge"), {"keep": latin.pk, "merged": cyrillic.pk})
    assert response.status_code == 302
    assert not Agent.objects.filter(pk=cyrillic.pk).exists()
    assert Client().post(reverse("directory:merge"), {"keep": 1, "merged": 2}).status_code == 404


@pytest.mark.django_db
def test_merging_a_parent_into_its_child_leaves_no_loop():
    parent = org("Agency")
    child = org("Agency", parent=parent)  # entered twice, once as its own unit
    member = person("Someone", affiliation=parent)
    agent_merge(actor=STAFF, keep=child, merged=parent)
    child.refresh_from_db()
    member.refresh_from_db()
    assert child.parent_id is None
    assert member.affiliation_id == child.pk
