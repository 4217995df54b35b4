"""One reader per kind of file; ``read`` picks it from the sniffed kind, never the name."""

from __future__ import annotations

from ..sniff import DESCRIPTIONS, MEDIA_TYPES, PLAIN_TEXT_EXTENSIONS, check_extension, sniff
from .base import Extracted, ReaderLimits, Refused

_UNSUPPORTED = {
    "doc": "legacy Word 97-2003 (.doc) files are not supported: convert to DOCX or PDF first",
    "ppt": "legacy PowerPoint 97-2003 (.ppt) files are not supported: convert to PPTX or PDF first",
    "xls": "spreadsheets are not documents: export the text to PDF or CSV first",
    "xlsx": "spreadsheets are not documents: export the text to PDF or CSV first",
    "ods": "spreadsheets are not documents: export the text to PDF or CSV first",
    "rtf": "RTF files are not supported: convert to DOCX or PDF first",
    "epub": "EPUB books are not supported yet: convert to PDF first",
    "zip": "ZIP archives are not unpacked: ingest the files inside one by one",
    "xml": "XML data files are not documents: convert to PDF or HTML first",
    "ole": "this OLE compound file is not a document that can be read",
}


def read(path: str, ext: str, limits: ReaderLimits) -> Extracted:
    """Sniff ``path``, check its extension ``ext`` and run the reader for its real kind."""
    kind = sniff(path)
    if kind == "zip-damaged":
        raise Refused("damaged", "the ZIP container is damaged (truncated or overlapping members)")
    check_extension(kind, ext)
    if kind == "empty":
        raise Refused("no_text", "the file is empty")
    if kind == "ole-encrypted":
        raise Refused(
            "encrypted",
            "the Office document is password-protected; save it without a password",
        )
    if kind in ("executable", "binary"):
        raise Refused("unsupported", f"the content is {DESCRIPTIONS[kind]}, not a document")
    if kind in _UNSUPPORTED:
        raise Refused("unsupported", _UNSUPPORTED[kind])
    if kind in ("html", "xml") and ext in PLAIN_TEXT_EXTENSIONS:
        kind = "text"
    result = _reader(kind)(path, limits)
    result.kind = kind
    result.media_type = MEDIA_TYPES[kind]
    return result


def _reader(kind: str):
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf
    if kind == "docx":
        from .office import read_docx

        return read_docx
    if kind == "pptx":
        from .office import read_pptx

        return read_pptx
    if kind in ("odt", "odp"):
        from .odf import read_odf

        return lambda path, limits: read_odf(path, limits, kind)
    if kind == "html":
        from .html import read_html

        return read_html
    if kind == "text":
        from .text import read_text

        return read_text
    from .image import read_image

    return lambda path, limits: read_image(path, limits, kind)


__all__ = ["Extracted", "ReaderLimits", "Refused", "read"]
