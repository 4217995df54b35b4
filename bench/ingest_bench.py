"""Ingestion benchmark: pages per second through the sandboxed pipeline, beside the raw
library called directly on the same files (the ceiling), with the ratio.

Two rows: text PDFs (PDFium text layer) and scanned PDFs (render with PDFium + tesseract).
"Pipeline" is what a job pays per file: a fresh sandbox process under its limits, type
sniffing, the reader, OCR language choice and language detection (database writes and the
MinHash are left out). "Raw" is the same library in this process, files already known to be
PDFs, OCR language given. Reads the third-party corpus in ../shared/corpora/documents/pdf.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from clearinghouse.ingestion.readers.base import ReaderLimits  # noqa: E402
from clearinghouse.ingestion.runner import SandboxLimits, run_sandboxed  # noqa: E402

SHARED = Path(os.environ.get("CLEARINGHOUSE_SHARED_DIR", REPO.parent / "shared"))
PDFS = SHARED / "corpora" / "documents" / "pdf"
RESULTS = REPO / "bench" / "results"
TEXT_PDFS = [
    "freeculture.pdf",
    "GeoTopo-komprimiert.pdf",
    "multicolumn.pdf",
    "outlines-with-invalid-destinations.pdf",
    "Seige_of_Vicksburg_Sample_OCR.pdf",
]
SCANNED_PDFS = ["c02-22.pdf", "francais.pdf", "skew.pdf", "jbig2.pdf", "multipage.pdf"]


def raw_text(path: Path) -> tuple[int, int]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    chars = 0
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        chars += len(textpage.get_text_bounded())
        textpage.close()
        page.close()
    pages = len(pdf)
    pdf.close()
    return pages, chars


def raw_ocr(path: Path, dpi: int, languages: str) -> tuple[int, int]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    chars = 0
    with tempfile.TemporaryDirectory() as folder:
        for index in range(len(pdf)):
            page = pdf[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            image = os.path.join(folder, "page.pgm")
            with open(image, "wb") as out:
                out.write(f"P5 {bitmap.width} {bitmap.height} 255\n".encode())
                data = bytes(bitmap.buffer)
                for row in range(bitmap.height):
                    start = row * bitmap.stride
                    out.write(data[start : start + bitmap.width])
            bitmap.close()
            page.close()
            done = subprocess.run(
                ["tesseract", image, "stdout", "-l", languages, "--psm", "3"],
                capture_output=True,
                check=True,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            )
            chars += len(done.stdout)
    pages = len(pdf)
    pdf.close()
    return pages, chars


def pipeline(path: Path, limits: SandboxLimits) -> tuple[int, int]:
    outcome = run_sandboxed(str(path), "pdf", limits)
    if not outcome.ok:
        raise RuntimeError(f"{path.name}: {outcome.reason}")
    return outcome.data["page_count"], len(outcome.data["text"])


def measure(files: list[Path], run, repeat: int) -> dict:
    best = None
    pages = 0
    for _ in range(repeat):
        started = time.perf_counter()
        pages = sum(run(path)[0] for path in files)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return {"pages": pages, "seconds": round(best, 3), "pages_per_second": round(pages / best, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure; best is kept")
    parser.add_argument("--ocr-repeat", type=int, default=1)
    args = parser.parse_args(argv)
    if not PDFS.exists():
        print(f"{PDFS} is missing: the benchmark reads the shared corpus", file=sys.stderr)
        return 2
    text_files = [PDFS / name for name in TEXT_PDFS]
    scan_files = [PDFS / name for name in SCANNED_PDFS]
    base = SandboxLimits()
    text_limits = replace(base, reader=replace(base.reader, ocr=False))
    ocr_limits = base
    dpi = ReaderLimits().ocr_dpi
    rows = {
        "text PDF": (
            measure(text_files, raw_text, args.repeat),
            measure(text_files, lambda p: pipeline(p, text_limits), args.repeat),
        ),
        "scanned PDF (OCR)": (
            measure(scan_files, lambda p: raw_ocr(p, dpi, "eng"), args.ocr_repeat),
            measure(scan_files, lambda p: pipeline(p, ocr_limits), args.ocr_repeat),
        ),
    }
    print("\nIngestion: pages per second (best of runs), pipeline beside the raw library\n")
    header = f"| {'files':18} | {'pages':>5} | {'raw pages/s':>11} | {'pipeline pages/s':>16} |"
    print(header + " ratio |")
    print(f"|{'-' * 20}|{'-' * 7}|{'-' * 13}|{'-' * 18}|-------|")
    report = {}
    for name, (raw, ours) in rows.items():
        ratio = ours["pages_per_second"] / raw["pages_per_second"]
        print(
            f"| {name:18} | {raw['pages']:5} | {raw['pages_per_second']:11.2f} | "
            f"{ours['pages_per_second']:16.2f} | {ratio:5.2f} |"
        )
        report[name] = {"raw": raw, "pipeline": ours, "ratio": round(ratio, 3)}
    print(
        "\nraw text = pypdfium2 text layer in-process; raw OCR = pypdfium2 render at "
        f"{dpi} dpi + tesseract -l eng;\npipeline = one sandboxed process per file "
        "(limits, sniffing, reader, OCR language choice, language detection)."
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"ingest-{stamp}.json"
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "host": platform.node()}
    out.write_text(json.dumps({"machine": machine, "results": report}, indent=2))
    print(f"\nwritten to {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
