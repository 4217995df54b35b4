"""The gap matrix's outputs agree: page, CSV, PDF (text extracted with pypdfium2) and SVG show
the same number in every cell, for the demo catalogue; and the CLI prints the same CSV."""

from __future__ import annotations

import csv
import io
import re

import pypdfium2
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.accounts.people import make_account, signed_in

CELL = re.compile(r"(\d+\.\d{2})\s*\((\d+)\)")
PAGE_CELL = re.compile(
    r'data-cell="([^"|]+)\|([^"|]+)\|([^"|]+)">(?:<a [^>]*>)?<span class="num">([^<]+)</span>'
)
SVG_CELL = re.compile(r">(\d+\.\d{2} \(\d+\))</text>")
GAP_ROW = re.compile(r'data-gap="([^"|]+)\|([^"|]+)\|([^"|]+)" data-kind="([a-z]+)"')


def _pdf_text(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def _csv_cells(text: str) -> tuple[dict, dict]:
    rows = list(csv.reader(io.StringIO(text)))
    cells, kinds = {}, {}
    for row in rows[1:]:
        key = (row[0], row[1], row[2])
        cells[key] = f"{row[7]} ({row[6]})"
        if row[9]:
            kinds[key] = row[9]
    return cells, kinds


@pytest.fixture
def outputs(demo_catalogue):
    def fetch(client: Client, name: str, query: str = "", language: str = "en") -> bytes:
        from django.utils import translation

        with translation.override(language):
            url = reverse(f"gaps:{name}")
        response = client.get(url + query)
        assert response.status_code == 200, (name, response.status_code)
        return response.content

    return fetch


@pytest.mark.parametrize("language", ["en", "fr"])
def test_page_csv_and_pdf_agree_cell_for_cell(outputs, language):
    client = Client()
    page = outputs(client, "matrix", language=language).decode()
    page_cells = {(p, a, t): text for p, a, t, text in PAGE_CELL.findall(page)}
    page_kinds = {(p, a, t): k for p, a, t, k in GAP_ROW.findall(page)}
    csv_cells, csv_kinds = _csv_cells(outputs(client, "csv", language=language).decode())

    assert len(page_cells) == len(csv_cells) > 100
    assert page_cells == csv_cells
    assert page_kinds == csv_kinds
    assert any(not text.startswith("0.00") for text in page_cells.values())
    # The demo catalogue leaves gaps of more than one kind.
    assert len(set(csv_kinds.values())) >= 2

    pdf_text = _pdf_text(outputs(client, "pdf", language=language))
    in_pdf = [f"{score} ({count})" for score, count in CELL.findall(pdf_text)]
    in_page = [f"{score} ({count})" for score, count in CELL.findall(page)]
    # Same numbers in the same order: every table cell, then every gap of the gap list.
    assert in_pdf == in_page
    assert len(in_pdf) == len(csv_cells) + len(csv_kinds)
    if language == "fr":
        assert "Sensibilisation" in pdf_text and "Sensibilisation" in page

    svg = outputs(client, "svg", language=language).decode()
    assert SVG_CELL.findall(svg) == list(csv_cells.values())
    png = outputs(client, "png", language=language)
    assert png.startswith(b"\x89PNG")


def test_cli_prints_the_public_csv(outputs, tmp_path):
    out = io.StringIO()
    call_command("gaps", "--format", "csv", stdout=out)
    public_csv = outputs(Client(), "csv").decode()
    assert out.getvalue() == public_csv
    call_command("gaps", "--format", "pdf", "--language", "en", "-o", str(tmp_path / "r.pdf"))
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    json_out = io.StringIO()
    call_command("gaps", "--format", "json", "--language", "fr", stdout=json_out)
    assert '"language": "fr"' in json_out.getvalue()


def test_drill_down_lists_exactly_the_cell(outputs):
    client = Client()
    csv_cells, _kinds = _csv_cells(outputs(client, "csv").decode())
    key, text = next((k, t) for k, t in csv_cells.items() if not t.endswith("(0)"))
    count = int(text.split("(")[1].rstrip(")"))
    page = outputs(client, "cell", f"?purpose={key[0]}&audience={key[1]}&topic={key[2]}").decode()
    assert page.count('href="/records/') == min(count, 50)


def test_analyst_page_counts_what_the_analyst_may_see(outputs):
    analyst = signed_in(make_account("analyst"))
    page = outputs(analyst, "matrix").decode()
    assert "counting the material you may see" in page
    assert "counting public material only" in outputs(Client(), "matrix").decode()
