"""The sandboxed extraction process: ``python -m clearinghouse.ingestion.sandbox``.

It reads one file and writes one JSON object to stdout. The parent (``runner.py``)
has already applied the OS limits (memory, CPU, output size, open files) before
this program started; here every verdict becomes data, never an exception.
Imports no Django.
"""

from __future__ import annotations

import argparse
import json
import sys

from .readers import ReaderLimits, Refused, read


def extract(path: str, ext: str, limits: ReaderLimits) -> dict:
    try:
        result = read(path, ext, limits)
        if not result.text.strip():
            raise Refused(
                "no_text",
                "no text found: the document is empty"
                + (" (not even OCR found words)" if result.kind == "pdf" and limits.ocr else ""),
            )
        from .language import detect_languages

        return {
            "ok": True,
            "kind": result.kind,
            "media_type": result.media_type,
            "text": result.text,
            "page_count": result.page_count,
            "metadata": result.metadata,
            "ocr": result.ocr,
            "notes": result.notes,
            "languages": detect_languages(result.text, limits.language_sample_chars),
        }
    except Refused as refused:
        return {"ok": False, "code": refused.code, "reason": refused.reason}
    except MemoryError:
        return {"ok": False, "code": "limit_memory", "reason": ""}
    except RecursionError:
        return {"ok": False, "code": "damaged", "reason": "the file is nested too deeply to read"}
    except Exception as exc:  # any parser failure is a verdict on the file
        detail = str(exc).replace("\n", " ")[:300]
        return {
            "ok": False,
            "code": "damaged",
            "reason": f"the file could not be read ({type(exc).__name__}: {detail})",
        }


def peak_memory_kb() -> int:
    """Peak resident memory of this program and of the tools it ran (tesseract), in KiB.

    Read from /proc (this process image only): ``ru_maxrss`` would also count the
    parent's pages that the fork copied before ``exec``.
    """
    import resource

    own = vm_hwm_kb("self")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children)


def vm_hwm_kb(pid: str | int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clearinghouse.ingestion.sandbox")
    parser.add_argument("path")
    parser.add_argument("--ext", default="")
    parser.add_argument("--limits", default="{}", help="ReaderLimits fields as JSON")
    args = parser.parse_args(argv)
    limits = ReaderLimits(**json.loads(args.limits))
    payload = extract(args.path, args.ext, limits)
    payload["peak_memory_kb"] = peak_memory_kb()
    sys.stdout.write(json.dumps(payload, ensure_ascii=False))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
