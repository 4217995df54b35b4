"""Hostile and broken files in the sandbox: each is refused with a clear reason, within limits."""

from __future__ import annotations

import zlib

import pytest

from clearinghouse.ingestion.names import name_problem, safe_display_name
from clearinghouse.ingestion.runner import SandboxLimits, run_sandboxed

from . import builders

#: Tight limits for hostile files: the memory cap is asserted against the child's peak.
HOSTILE = SandboxLimits(memory_mb=512, cpu_seconds=30, wall_seconds=60)


def _run(tmp_path, name: str, data: bytes, limits: SandboxLimits = HOSTILE):
    path = tmp_path / name
    path.write_bytes(data)
    outcome = run_sandboxed(str(path), name.rsplit(".", 1)[-1], limits)
    assert outcome.peak_memory_kb < limits.memory_mb * 1024, "the sandbox broke its memory cap"
    assert outcome.wall_seconds < limits.wall_seconds + 5
    return outcome


def test_a_good_docx_pdf_and_odt_are_read(tmp_path):
    docx = _run(tmp_path, "a.docx", builders.docx(["Peacekeepers must report trafficking"]))
    assert docx.ok and "Peacekeepers must report trafficking" in docx.data["text"]
    pdf = _run(tmp_path, "b.pdf", builders.pdf(["Codes of conduct for international staff " * 3]))
    assert pdf.ok and "Codes of conduct" in pdf.data["text"] and pdf.data["page_count"] == 1
    odt = _run(tmp_path, "c.odt", builders.odt_text(["Formation des gardiens de la paix"]))
    assert odt.ok and "gardiens de la paix" in odt.data["text"]


def test_zip_bomb_inside_a_docx_is_refused_before_inflating(tmp_path):
    for megabytes in (60, 300):  # one caught by its ratio, one by its size
        outcome = _run(tmp_path, "bomb.docx", builders.docx_zip_bomb(megabytes))
        assert not outcome.ok and outcome.code == "zip_bomb"
        assert "zip bomb" in outcome.reason and "word/document.xml" in outcome.reason
        assert outcome.peak_memory_kb < 100 * 1024


def test_too_many_zip_members(tmp_path):
    extra = {f"word/media/{i}.txt": b"x" for i in range(6000)}
    outcome = _run(tmp_path, "many.docx", builders.docx(["text"], extra=extra))
    assert outcome.code == "zip_members" and "6002 members" in outcome.reason


def test_billion_laughs_in_an_odt_is_refused(tmp_path):
    outcome = _run(tmp_path, "laughs.odt", builders.odt(builders.BILLION_LAUGHS))
    assert outcome.code == "xml_entities"
    assert "content.xml" in outcome.reason and "billion-laughs" in outcome.reason


def test_external_entity_in_a_docx_part_is_refused(tmp_path):
    data = builders.docx([], document_xml=builders.EXTERNAL_ENTITY)
    outcome = _run(tmp_path, "xxe.docx", data)
    assert outcome.code == "xml_entities" and "word/document.xml" in outcome.reason
    assert "root:" not in str(outcome.data)


def test_pdf_with_a_huge_page_tree_is_refused_by_page_count(tmp_path):
    outcome = _run(tmp_path, "huge.pdf", builders.pdf_huge_page_tree(200_000))
    assert outcome.code == "too_many_pages" and "200000 pages" in outcome.reason


def test_pdf_with_a_circular_page_tree_is_refused(tmp_path):
    outcome = _run(tmp_path, "loop.pdf", builders.pdf_circular())
    assert not outcome.ok and outcome.code == "damaged"
    assert "page tree" in outcome.reason or "cannot be parsed" in outcome.reason


def test_pdf_with_a_deep_object_graph_ends_within_limits(tmp_path):
    outcome = _run(tmp_path, "deep.pdf", builders.pdf_deep_graph(100_000))
    assert not outcome.ok and outcome.reason


def test_truncated_pdf_is_refused(tmp_path):
    whole = builders.pdf(["Hello world, this is a page of text. " * 20] * 3)
    outcome = _run(tmp_path, "cut.pdf", whole[: len(whole) // 2])
    assert outcome.code == "damaged" and "truncated" in outcome.reason


def test_a_decompression_bomb_pdf_hits_the_memory_cap(tmp_path):
    """600 MB of drawing operators in a 1 MB Flate stream: the child dies, the parent reports."""
    compressor = zlib.compressobj(9)
    chunk = b"0 0 m 1 1 l S\n" * (1024 * 1024 // 14)
    data = b"".join(compressor.compress(chunk) for _ in range(600)) + compressor.flush()
    pdf = builders._assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        ]
    )
    limits = SandboxLimits(memory_mb=384, cpu_seconds=30, wall_seconds=60)
    outcome = _run(tmp_path, "inflate.pdf", pdf, limits)
    assert not outcome.ok and "384 MB memory limit" in outcome.reason


def test_wall_clock_limit_kills_the_process_group(tmp_path):
    limits = SandboxLimits(memory_mb=512, cpu_seconds=30, wall_seconds=1)
    ten_scans = builders.pdf(["page"] * 10)  # no text layer worth the name: OCR, page by page
    outcome = _run(tmp_path, "slow.pdf", ten_scans, limits)
    assert outcome.code == "limit_time" and "longer than 1 s" in outcome.reason


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("report.pdf", builders.docx(["hello there"]), "content is a Word (DOCX) document"),
        ("slides.pptx", b"%PDF-1.4\n" + b"x" * 100, "content is a PDF document"),
        ("notes.txt", b"\x7fELF\x02\x01\x01" + bytes(200), "content is an executable program"),
        ("photo.docx", b"\x89PNG\r\n\x1a\n" + bytes(100), "content is a PNG image"),
    ],
)
def test_a_lying_extension_is_refused(tmp_path, name, data, says):
    outcome = _run(tmp_path, name, data)
    assert outcome.code == "extension_mismatch" and says in outcome.reason


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("../../etc/passwd.pdf", "parent-directory reference"),
        ("report\x00.pdf", "NUL"),
        ("invoice\u202efdp.exe", "U+202E"),
        ("x" * 10_000 + ".pdf", "10004 characters"),
        ("dir/file.pdf", "path separator"),
    ],
)
def test_hostile_file_names_are_named_and_displayed_safely(name, says):
    assert says in name_problem(name)
    shown = safe_display_name(name)
    assert "\x00" not in shown and "\u202e" not in shown and "/" not in shown
    assert len(shown) <= 200


def test_ordinary_names_pass():
    for name in ("Manual de capacitación.pdf", "Руководство.docx", "培训.txt", "a.b.c.odt"):
        assert name_problem(name) == ""
