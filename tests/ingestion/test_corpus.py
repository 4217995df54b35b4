"""`clearinghouse ingest` over every file of the real third-party corpus (../shared/corpora).

The table was written after looking at each file (see MANIFEST.tsv): what must happen
to it, and for quarantined ones, why.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from clearinghouse.catalog.models import Blob, Record, RecordFile
from clearinghouse.ingestion.models import Extraction, IngestBatch, IngestJob

from ..conftest import need_shared

I = "ingested"  # noqa: E741 - reads as a table
#: file → "ingested", or the quarantine reason code
EXPECTED = {
    "docx/doc-no-coreprops.docx": "no_text",  # python-docx fixture: no paragraphs with text
    "docx/ecma376standard_password.docx": "encrypted",
    "docx/empty.docx": "no_text",
    "docx/example_password.docx": "encrypted",
    "docx/footnotes.docx": I,
    "docx/having-images.docx": "no_text",  # images only
    "docx/hdr-header-footer.docx": I,
    "docx/plain.doc": "unsupported",  # Word 97-2003 (with a ZIP inside): convert first
    "docx/sty-having-no-styles-part.docx": "no_text",
    "docx/tbl-having-tables.docx": "no_text",  # empty table cells
    "docx/utf8-bom.docx": I,
    "html/GB2312/_mozilla_bug171813_text.html": I,
    "html/heise/source.html": I,
    "html/ietf-1/source.html": I,
    "html/la-nacion/source.html": I,
    "html/lemonde-1/source.html": I,
    "html/windows-1256-arabic/_chromium_windows-1256_with_no_encoding_specified.html": I,
    "odt/aes_sample.odt": "encrypted",
    "odt/blowfish_sample.odt": "extension_mismatch",  # its mimetype says presentation
    "odt/libreoffice-form.odt": I,
    "odt/serious_poem.odt": I,
    "odt/simpletable.odt": I,
    "odt/source.odt": I,
    "odt/tagged.odt": "damaged",  # overlapping ZIP members
    "pdf/ArabicCIDTrueType.pdf": I,
    "pdf/GeoTopo-komprimiert.pdf": I,
    "pdf/PDFBOX-3148-2-fuzzed.pdf": "no_text",
    "pdf/Seige_of_Vicksburg_Sample_OCR.pdf": I,
    "pdf/TWG test suite A001-pdfa1-pass-a.pdf": I,
    "pdf/aes-256-r6.pdf": "encrypted",
    "pdf/bug1020226.pdf": "damaged",
    "pdf/c02-22.pdf": I,  # scanned: OCR
    "pdf/crazyones-pdfa.pdf": I,
    "pdf/docinfo_latin1_key.pdf": "no_text",
    "pdf/encrypted_doc_no_id.pdf": I,  # empty user password
    "pdf/enormous.pdf": I,
    "pdf/francais.pdf": I,  # scanned French: OCR
    "pdf/freeculture.pdf": I,
    "pdf/hugemono.pdf": I,  # 35000² px image: rendered down to the pixel cap
    "pdf/imagemagick-CCITTFaxDecode.pdf": "no_text",
    "pdf/invalid.pdf": "damaged",
    "pdf/issue-791-non-unicode-cmap.pdf": I,
    "pdf/issue6010_2.pdf": "encrypted",
    "pdf/jbig2.pdf": I,
    "pdf/jo.pdf": I,
    "pdf/libreoffice-writer-password.pdf": "encrypted",
    "pdf/minimal-document.pdf": I,
    "pdf/multicolumn.pdf": I,
    "pdf/multipage.pdf": I,
    "pdf/outlines-with-invalid-destinations.pdf": I,
    "pdf/r6-both-passwords.pdf": "encrypted",
    "pdf/scan-bad.pdf": I,
    "pdf/skew.pdf": I,
    "pdf/truetype_font_nomapping.pdf": I,
    "pdf/vector.pdf": I,  # text drawn as curves: OCR
    "pdf/veraPDF test suite 6-1-2-t01-fail-a.pdf": I,
    "pdf/vertical.pdf": I,
    "pdf/xref_command_missing.pdf": I,
    "pdf/zen_of_python_corrupted.pdf": I,
    "pptx/missing_rels_item.pptx": I,
    "pptx/no-core-props.pptx": I,
    "pptx/no-slides.pptx": "no_text",
    "pptx/prs-notes.pptx": I,
    "pptx/tbl-cell.pptx": I,
    "text/UTF-16/bom-utf-16-le.srt": I,
    "text/UTF-16LE/nobom-utf16le.txt": I,
    "text/iso-8859-2-croatian/_ude_1.txt": I,
    "text/sample-arabic-1.txt": I,
    "text/sample-chinese.txt": I,
    "text/sample-english.bom.txt": I,
    "text/sample-french-1.txt": I,
    "text/windows-1250-croatian/_ude_1.txt": I,
}
#: Words that are really on the page (read from the rendered scans).
OCR_WORDS = {
    "pdf/c02-22.pdf": ["garden", "kitchen"],
    "pdf/francais.pdf": ["whisky", "juge", "intérieure"],
    "pdf/jbig2.pdf": ["LinnSequencer", "musician"],
    "pdf/skew.pdf": ["LinnSequencer"],
    "pdf/vector.pdf": ["Sample", "Vector", "OCR"],
}
LANGUAGES = {
    "pdf/francais.pdf": "fr",
    "text/sample-french-1.txt": "fr",
    "html/lemonde-1/source.html": "fr",
    "text/sample-chinese.txt": "zh",
    "html/GB2312/_mozilla_bug171813_text.html": "zh",
    "text/sample-arabic-1.txt": "ar",
    "html/la-nacion/source.html": "es",
    "pdf/GeoTopo-komprimiert.pdf": "de",
    "text/windows-1250-croatian/_ude_1.txt": "hr",
    "pdf/freeculture.pdf": "en",
}


@pytest.mark.corpora
@pytest.mark.django_db
def test_ingest_the_whole_document_corpus_then_again(settings):
    corpus = need_shared("corpora", "documents")
    out = io.StringIO()
    call_command("ingest", str(corpus), "--json", stdout=out)
    report = json.loads(out.getvalue())
    rows = {row["path"].split("/documents/", 1)[1]: row for row in report["files"]}
    assert set(rows) == set(EXPECTED), "the corpus changed: look at the new files, then the table"

    for path, expected in EXPECTED.items():
        row = rows[path]
        job = IngestJob.objects.select_related("blob", "record_file").get(pk=row["job"])
        extraction = Extraction.objects.get(blob=job.blob)
        assert job.record_file is not None, path  # quarantined files stay available to staff
        if expected == I:
            assert row["outcome"] == "ingested", (path, row["reason"])
            assert job.blob.text.strip() and job.blob.extraction_status == "done", path
        else:
            assert row["outcome"] == "quarantined", (path, row["reason"])
            assert extraction.reason_code == expected, (path, extraction.reason)
            assert len(job.reason) > 15 and job.blob.extraction_status == "quarantined", path

    for path, words in OCR_WORDS.items():
        blob = IngestJob.objects.get(pk=rows[path]["job"]).blob
        assert blob.extraction.ocr, path
        for word in words:
            assert word in blob.text, (path, word)
    for path, language in LANGUAGES.items():
        assert rows[path]["language"] == language, path

    # The Croatian text in two code pages is a near-duplicate of the first one ingested.
    second = rows["text/windows-1250-croatian/_ude_1.txt"]
    first_record = rows["text/iso-8859-2-croatian/_ude_1.txt"]["records"]
    assert second["near_duplicates"][0]["records"] == first_record
    assert "looks like a version of record" in second["reason"]
    # Metadata suggestions come from the files, not from our guesses.
    geotopo = IngestJob.objects.get(pk=rows["pdf/GeoTopo-komprimiert.pdf"]["job"]).blob
    assert geotopo.extraction.metadata_suggestions["title"] == "Geometrie und Topologie"
    assert geotopo.page_count == 117

    counts = [m.objects.count() for m in (Record, RecordFile, Blob, IngestJob, IngestBatch)]
    again = io.StringIO()
    call_command("ingest", str(corpus), "--json", stdout=again)
    second_report = json.loads(again.getvalue())
    assert {row["outcome"] for row in second_report["files"]} == {"duplicate"}
    assert second_report["batch"] is None
    assert [m.objects.count() for m in (Record, RecordFile, Blob, IngestJob, IngestBatch)] == counts
