"""Imports: every real third-party file imports or rejects its entries with a reason."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from clearinghouse.catalog.models import Record
from clearinghouse.core.policy import Actor
from clearinghouse.dissemination.imports.service import import_file
from clearinghouse.dissemination.models import ImportRun
from tests.conftest import need_shared

pytestmark = [pytest.mark.django_db, pytest.mark.corpora]
STAFF = Actor(role="administrator", is_staff=True, is_registered=True)
FOLDERS = {
    "bibtex": "bibtex",
    "ris": "ris",
    "csl-json": "csl-json",
    "marcxml": "marcxml",
    "marc": "marc",
    "marc-json": "marc-json",
}


def corpus_files() -> list[tuple[str, Path]]:
    base = need_shared("corpora", "bibliographic")
    files = []
    for name, folder in FOLDERS.items():
        for path in sorted((base / folder).rglob("*")):
            if path.is_file():
                files.append((name, path))
    return files


def test_every_real_bibliographic_file_imports_or_rejects_with_reasons(vocabularies):
    summary = {}
    for name, path in corpus_files():
        report = import_file(
            actor=STAFF, format_name=name, data=path.read_bytes(), file_name=path.name
        )
        assert report.total >= 1, path
        for outcome in report.rejections:
            assert outcome.reason, (path, outcome)
            assert outcome.line or outcome.number, (path, outcome)
        summary[f"{path.parent.name}/{path.name}"] = (
            report.counts["create"] + report.counts["update"],
            report.counts["reject"],
        )
    # Files known to hold good records import them.
    for good in (
        "bibtex/bibliography.bib",
        "bibtex/examples.bib",
        "bibtex/traps.bib",
        "ris/example_full.ris",
        "ris/bibliography.ris",
        "csl-json/bibliography.json",
        "marc/summerland.mrc",
        "marc/chabon-loc.mrc",
        "marcxml/summerland.xml",
        "marcxml/batch.xml",
        "marcxml/OCLC_814388508.xml",
        "empty-date-parts-csl/pruned.json",
        "test-suite-fixtures/name_AsianGlyphs.txt",
        "marc-json/marc-in-json.json",
    ):
        assert summary[good][0] >= 1, (good, summary[good])
    # Broken entries are rejected, good neighbours still come in.
    assert summary["bibtex/wrong.bib"] == (0, 2)  # no titles: both rejected, nothing stops
    assert summary["excess-date-parts-csl/pruned.json"] == (0, 1)  # no title: rejected


def test_bibtex_entries_keep_their_fields(vocabularies):
    data = need_shared("corpora", "bibliographic", "bibtex", "bibliography.bib").read_bytes()
    report = import_file(actor=STAFF, format_name="bibtex", data=data, file_name="bibliography.bib")
    assert report.counts["reject"] == 0
    keys = {o.key for o in report.outcomes}
    assert any(k.startswith("doi:10.") for k in keys)
    record = Record.objects.get(identifier=next(k for k in keys if k.startswith("doi:")))
    assert record.texts.get().title and record.creators.exists() and record.year


def test_latex_and_latin_encodings_are_decoded(vocabularies):
    base = need_shared("corpora", "bibliographic", "bibtex")
    import_file(actor=STAFF, format_name="bibtex", data=(base / "traps.bib").read_bytes())
    assert Record.objects.filter(texts__abstract__contains="érudit").exists()
    import_file(actor=STAFF, format_name="bibtex", data=(base / "encoding1.bib").read_bytes())
    assert Record.objects.filter(texts__title__startswith="Šome").exists()


def test_marc8_records_are_converted_to_unicode(vocabularies):
    data = need_shared("corpora", "bibliographic", "marc", "chabon-loc.mrc").read_bytes()
    report = import_file(actor=STAFF, format_name="marc", data=data)
    assert report.counts["create"] >= 1
    record = Record.objects.get(pk=report.outcomes[0].record_id)
    assert "Chabon" in record.creators.first().name
    assert record.identifier.startswith(("isbn:", "marc:"))


def test_broken_entries_carry_line_or_record_numbers(vocabularies):
    bad = b"TY  - JOUR\nAU  - Nobody, A\nER  - \n\nTY  - BOOK\nTI  - A real book\nER  - \n"
    report = import_file(actor=STAFF, format_name="ris", data=bad)
    assert report.counts == {"create": 1, "update": 0, "reject": 1}
    rejected = report.rejections[0]
    assert rejected.line == 1 and "title" in rejected.reason
    marc = need_shared("corpora", "bibliographic", "marc", "bad_records.mrc").read_bytes()
    report = import_file(actor=STAFF, format_name="marc", data=marc)
    assert all(o.number >= 1 and o.reason for o in report.rejections)


def test_natural_keys_make_reimport_update(vocabularies):
    ris = (
        b"TY  - BOOK\nTI  - Shelter standards\nAU  - Doe, Jane\nPY  - 2001\n"
        b"SN  - 0-306-40615-2\nER  - \n"
        b"TY  - JOUR\nTI  - Victim identification\nDO  - https://doi.org/10.1234/ABC.5\nER  - \n"
        b"TY  - RPRT\nTI  - A report without ids\nAU  - Roe, R\nPY  - 1999\nER  - \n"
    )
    first = import_file(actor=STAFF, format_name="ris", data=ris)
    assert first.counts["create"] == 3
    keys = sorted(o.key for o in first.outcomes)
    assert keys[0] == "doi:10.1234/abc.5" and keys[2] == "isbn:9780306406157"
    assert keys[1].startswith("hash:")
    again = import_file(
        actor=STAFF,
        format_name="ris",
        data=ris.replace(b"Shelter standards", b"Shelter standards, 2nd printing"),
    )
    assert again.counts == {"create": 0, "update": 3, "reject": 0}
    assert Record.objects.count() == 3
    assert Record.objects.filter(texts__title="Shelter standards, 2nd printing").exists()


def test_an_update_keeps_what_the_format_cannot_carry(vocabularies):
    ris = b"TY  - BOOK\nTI  - Shelter standards\nSN  - 0-306-40615-2\nER  - \n"
    import_file(actor=STAFF, format_name="ris", data=ris)
    record = Record.objects.get()
    from clearinghouse.vocabularies.models import Concept

    record.concepts.add(Concept.objects.get(scheme_id="method", code="case-based"))
    import_file(actor=STAFF, format_name="ris", data=ris)
    assert record.concepts.filter(code="case-based").exists()


def test_dry_run_changes_nothing_and_reports(vocabularies):
    data = need_shared("corpora", "bibliographic", "ris", "example_full.ris").read_bytes()
    report = import_file(actor=STAFF, format_name="ris", data=data, dry_run=True)
    assert report.dry_run and report.counts["create"] >= 1
    assert Record.objects.count() == 0
    assert ImportRun.objects.get(pk=report.run_id).status == "dry-run"


def test_an_interrupted_import_resumes_at_its_cursor(vocabularies, monkeypatch):
    from clearinghouse.dissemination.imports import service

    entries = b"".join(
        f"TY  - BOOK\nTI  - Book number {i}\nPY  - 2000\nER  - \n".encode() for i in range(10)
    )
    real_apply = service.EntryImporter.apply
    calls = {"n": 0}

    def crash_on_the_seventh(self, parsed):
        calls["n"] += 1
        if calls["n"] == 7:
            raise RuntimeError("power cut")
        return real_apply(self, parsed)

    monkeypatch.setattr(service.EntryImporter, "apply", crash_on_the_seventh)
    with pytest.raises(RuntimeError):
        import_file(actor=STAFF, format_name="ris", data=entries, chunk_size=3)
    run = ImportRun.objects.get(status="running")
    assert run.cursor == 6 and Record.objects.count() == 6
    monkeypatch.setattr(service.EntryImporter, "apply", real_apply)
    report = import_file(actor=STAFF, format_name="ris", data=entries, chunk_size=3)
    assert report.resumed_from == 6 and report.counts["create"] == 4
    assert Record.objects.count() == 10


def test_supersession_is_linked_from_marc_780(vocabularies):
    old = (
        b'<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000   4500</leader>'
        b'<controlfield tag="001">1</controlfield><controlfield tag="003">X</controlfield>'
        b'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Old manual</subfield>'
        b"</datafield></record>"
    )
    new = (
        b'<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000   4500</leader>'
        b'<controlfield tag="001">2</controlfield><controlfield tag="003">X</controlfield>'
        b'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">New manual</subfield>'
        b'</datafield><datafield tag="780" ind1="0" ind2="2"><subfield code="w">marc:X:1'
        b"</subfield></datafield></record>"
    )
    import_file(actor=STAFF, format_name="marcxml", data=old)
    import_file(actor=STAFF, format_name="marcxml", data=new)
    newer = Record.objects.get(identifier="marc:X:2")
    assert newer.supersedes.identifier == "marc:X:1"


def test_hostile_xml_is_refused(vocabularies):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><collection>&lol2;</collection>'
    )
    report = import_file(actor=STAFF, format_name="marcxml", data=bomb)
    assert report.counts["reject"] == 1 and Record.objects.count() == 0


def test_the_import_command_has_a_dry_run(vocabularies, tmp_path):
    path = tmp_path / "refs.ris"
    path.write_bytes(b"TY  - BOOK\nTI  - Shelter standards\nER  - \n")
    out = io.StringIO()
    call_command("import", "ris", str(path), "--dry-run", stdout=out)
    assert "would create 1" in out.getvalue() and Record.objects.count() == 0
    call_command("import", "ris", str(path), stdout=io.StringIO(), verbosity=0)
    assert Record.objects.count() == 1


def test_staff_import_page_dry_run_then_confirm(client, vocabularies, django_user_model):
    from clearinghouse.accounts.models import Profile

    user = django_user_model.objects.create_user("analyst", password="x" * 14)
    Profile.objects.create(user=user, role="analyst", approval="approved")
    client.force_login(user)
    _verify(client)
    upload = io.BytesIO(b"TY  - BOOK\nTI  - Shelter standards\nER  - \n")
    upload.name = "refs.ris"
    url = reverse("dissemination:import")
    page = client.post(
        url, {"format": "ris", "file": upload, "status": "in_review", "access": "public"}
    )
    assert page.status_code == 200 and b"Dry run" in page.content
    assert Record.objects.count() == 0
    run = ImportRun.objects.get(status="dry-run")
    client.post(url, {"format": "ris", "run": run.pk, "status": "in_review", "access": "public"})
    assert Record.objects.count() == 1


def test_staff_import_page_is_closed_to_others(client, vocabularies):
    assert client.get(reverse("dissemination:import")).status_code == 302


def _verify(client):
    """Mark the session as having passed two-factor authentication (staff powers)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = client.session and client.get("/").wsgi_request.user
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
