"""A catalogue with one record of every access tier, and one account of every kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import Group

from clearinghouse.catalog.models import Record, RecordFile
from clearinghouse.catalog.services import file_attach_text
from clearinghouse.search.indexer import apply_outbox
from tests.factories import make_record

from .people import make_account, make_organisation

T0 = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
EMBARGO_ENDS = T0 + dt.timedelta(days=10)
AFTER_EMBARGO = T0 + dt.timedelta(days=11)

# One unique title word per record, so each can be searched for alone.
WORDS = {
    "public": "alphapublic",
    "registered": "bravoregistered",
    "group": "charliegroup",
    "embargoed": "deltaembargoed",
    "draft": "echodraft",
    "withdrawn": "foxtrotwithdrawn",
    "mixed": "golfmixed",
    "submission": "indiasubmission",
}
#: A word found only in the text of the mixed record's restricted file.
SECRET_FILE_WORD = "hotelsecretfiletext"


@dataclass
class World:
    records: dict[str, Record] = field(default_factory=dict)
    files: dict[str, RecordFile] = field(default_factory=dict)
    accounts: dict[str, object] = field(default_factory=dict)
    law_enforcement: Group | None = None


def build_world() -> World:
    world = World()
    group = Group.objects.create(name="law enforcement trainers")
    Group.objects.create(name="UNMIK training cell")
    world.law_enforcement = group
    org_a, org_b = make_organisation("Partner A"), make_organisation("Partner B")

    def record(key, **kwargs):
        world.records[key] = make_record(f"Manual {WORDS[key]} for trainers", **kwargs)
        return world.records[key]

    record("public")
    record("registered", access_tier="registered")
    record("group", access_tier="restricted", groups=[group.pk])
    record("embargoed", embargo_until=EMBARGO_ENDS)
    record("draft", status="draft")
    record("withdrawn", status="withdrawn")
    record("mixed", groups=[group.pk])  # public metadata, restricted file
    record("submission", status="in_review")
    Record.objects.filter(pk=world.records["submission"].pk).update(owner_organisation=org_a)

    for key in ("public", "registered", "group", "embargoed", "mixed", "draft"):
        text = f"file of {key}" if key != "mixed" else f"restricted annex {SECRET_FILE_WORD}"
        world.files[key] = file_attach_text(
            record=world.records[key], text=text, name=f"{key}.txt", language="en"
        )
    RecordFile.objects.filter(pk=world.files["mixed"].pk).update(access_tier="restricted")
    apply_outbox()

    world.accounts = {
        "anonymous": None,
        "pending": make_account("reader", approved=False),
        "reader": make_account("reader"),
        "member": make_account("trainer", groups=[group]),
        "partner_a": make_account("partner", organisation=org_a),
        "partner_b": make_account("partner", organisation=org_b),
        "analyst": make_account("analyst"),
        "administrator": make_account("administrator"),
    }
    return world


PUBLIC_SIDE = {"public", "mixed"}
REGISTERED_SIDE = PUBLIC_SIDE | {"registered"}
EVERYTHING = set(WORDS)

#: Which records each actor sees before the embargo ends (the embargoed one opens after).
RECORDS_SEEN = {
    "anonymous": PUBLIC_SIDE,
    "pending": PUBLIC_SIDE,
    "reader": REGISTERED_SIDE,
    "member": REGISTERED_SIDE | {"group"},
    "partner_a": REGISTERED_SIDE | {"submission"},
    "partner_b": REGISTERED_SIDE,
    "analyst": EVERYTHING,
    "administrator": EVERYTHING,
}
#: Which files each actor may download before the embargo ends.
FILES_SEEN = {
    "anonymous": {"public"},
    "pending": {"public"},
    "reader": {"public", "registered"},
    "member": {"public", "registered", "group", "mixed"},
    "partner_a": {"public", "registered"},
    "partner_b": {"public", "registered"},
    "analyst": {"public", "registered", "group", "embargoed", "mixed", "draft"},
    "administrator": {"public", "registered", "group", "embargoed", "mixed", "draft"},
}
STAFF = {"analyst", "administrator"}


def expected_records(actor: str, *, after_embargo: bool) -> set[str]:
    seen = set(RECORDS_SEEN[actor])
    if after_embargo:
        seen.add("embargoed")
    return seen


def expected_files(actor: str, *, after_embargo: bool) -> set[str]:
    seen = set(FILES_SEEN[actor])
    if after_embargo:
        seen.add("embargoed")
    return seen
