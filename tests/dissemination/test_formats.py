"""Every export is valid against its official schema and read by an independent library."""

from __future__ import annotations

import io
import json

import bibtexparser
import jsonschema
import pymarc
import pytest
import rispy
from django.urls import reverse

from clearinghouse.catalog.models import Record
from clearinghouse.core.policy import ANONYMOUS
from clearinghouse.dissemination.exports import records_for_export
from clearinghouse.dissemination.formats import citations, csv_flat, oai_dc
from clearinghouse.dissemination.formats.registry import EXPORTS
from clearinghouse.dissemination.formats.view import bib_records, export_queryset
from tests.factories import make_record

from .schemas import assert_valid, csl_data_schema, marc_schema, oai_dc_schema

pytestmark = [pytest.mark.django_db, pytest.mark.corpora]


def export(name: str, actor=ANONYMOUS) -> str:
    records = records_for_export(actor)
    return b"".join(chunk.encode() for chunk in EXPORTS[name].serialize(actor, records)).decode(
        "utf-8"
    )


def public_count() -> int:
    return Record.objects.filter(status="published", access_tier="public").count()


def test_marcxml_export_is_valid_marc21_slim_and_read_by_pymarc(demo_catalogue):
    xml = export("marcxml").encode()
    assert_valid(marc_schema(), xml)
    records = pymarc.parse_xml_to_array(io.BytesIO(xml))
    assert len(records) == public_count()
    seed = next(r for r in records if r["001"].data == "demo:seed-report")
    assert seed["245"]["a"] == "Trafficking, Slavery and Peacekeeping"
    assert seed["100"]["a"] == "Picarelli, John T." and seed["100"]["4"] == "aut"
    assert {f["a"] for f in seed.get_fields("650")} >= {"Trafficking in persons"}


def test_marcxml_carries_holdings(vocabularies):
    make_record(
        "Handbook on shelter",
        identifier="demo:shelf",
        holding_library="UNICRI Library",
        shelfmark="HV 6285 .T73 2002",
    )
    xml = export("marcxml").encode()
    assert_valid(marc_schema(), xml)
    record = pymarc.parse_xml_to_array(io.BytesIO(xml))[0]
    assert record["852"]["a"] == "UNICRI Library" and record["852"]["h"] == "HV 6285 .T73 2002"


def test_csl_json_export_is_valid_against_the_csl_data_schema(demo_catalogue):
    items = json.loads(export("csl-json"))
    assert len(items) == public_count()
    jsonschema.validate(items, csl_data_schema())


def test_bibtex_export_is_read_by_bibtexparser(demo_catalogue):
    library = bibtexparser.parse_string(export("bibtex"))
    assert not library.failed_blocks
    assert len(library.entries) == public_count()
    seed = next(e for e in library.entries if e.key == "demo:seed-report")
    assert "Picarelli, John T." in seed["author"]
    assert seed["year"] == "2002"


def test_ris_export_is_read_by_rispy(demo_catalogue):
    entries = rispy.loads(export("ris"))
    assert len(entries) == public_count()
    seed = next(e for e in entries if e.get("id") == "demo:seed-report")
    assert seed["type_of_reference"] == "CONF"
    assert "Picarelli, John T." in seed["authors"]


def test_oai_dc_is_valid(demo_catalogue):
    actor = ANONYMOUS
    for bib in bib_records(actor, export_queryset(actor)):
        from xml.etree import ElementTree as ET

        assert_valid(oai_dc_schema(), ET.tostring(oai_dc.element(bib)))


def test_csv_neutralises_formulas_and_reads_back(vocabularies):
    make_record('=HYPERLINK("http://evil")', identifier="demo:evil", publisher="+cmd|' /C calc'!A0")
    text = export("csv")
    assert "'=HYPERLINK" in text and "'+cmd" in text
    parsed = list(csv_flat.parse(text.encode()))
    assert parsed[0].entry.title.startswith("=HYPERLINK")
    assert parsed[0].entry.publisher.startswith("+cmd")
    assert list(csv_flat.COLUMNS)[:4] == ["identifier", "kind", "resource_type", "title"]


def test_restricted_records_never_reach_an_export(client, vocabularies):
    make_record("Public guide", identifier="demo:pub")
    make_record("Secret manual", identifier="demo:secret", access_tier="restricted")
    make_record("Draft manual", identifier="demo:draft", status="draft")
    for name, fmt in EXPORTS.items():
        if not fmt.multi:
            continue
        body = b"".join(client.get(reverse("api-export", args=[name])).streaming_content).decode()
        assert "Public guide" in body, name
        assert "Secret manual" not in body and "Draft manual" not in body, name


def test_record_page_embeds_jsonld_links_and_citations(client, demo_catalogue):
    seed = Record.objects.get(identifier="demo:seed-report")
    html = client.get(reverse("web:record", args=[seed.pk])).content.decode()
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    assert "LearningResource" in data["@type"]
    for prop in ("educationalAudience", "teaches", "learningResourceType", "inLanguage"):
        assert prop in data, prop
    for name in EXPORTS:
        assert reverse("api-record-export", args=[seed.pk, name]) in html
    assert 'rel="alternate" type="application/x-bibtex"' in html
    assert "Picarelli, J. T." in html
    assert "(2002). <i>Trafficking" in html  # APA
    assert "Center. 2002. <i>Trafficking" in html  # Chicago author-date


def test_training_material_jsonld_has_time_required(client, demo_catalogue):
    record = Record.objects.exclude(duration="").filter(kind="training_material").first()
    data = client.get(reverse("api-record-export", args=[record.pk, "jsonld"])).json()
    assert data["timeRequired"] == record.duration
    assert data["@type"] == "LearningResource" or "LearningResource" in data["@type"]


def test_citations_escape_markup(vocabularies):
    record = make_record("<script>alert(1)</script> & more", identifier="demo:xss")
    bib = next(
        bib_records(ANONYMOUS, export_queryset(ANONYMOUS, Record.objects.filter(pk=record.pk)))
    )
    for cite in citations.citations(bib):
        assert "<script>" not in cite.html
        assert "&lt;script&gt;" in cite.html


def test_the_export_command_writes_the_public_catalogue(vocabularies, tmp_path):
    from django.core.management import call_command

    make_record("Public guide", identifier="demo:pub")
    make_record("Secret guide", identifier="demo:secret", access_tier="restricted")
    path = tmp_path / "out.ris"
    call_command("export", "ris", "-o", str(path))
    text = path.read_text()
    assert "Public guide" in text and "Secret guide" not in text
    call_command("export", "ris", "-o", str(path), "--all")
    assert "Secret guide" in path.read_text()
