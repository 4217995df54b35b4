"""The real type of a file from its bytes; the extension is only checked against it.

Runs in the sandbox. A legacy ``.doc`` may contain a ZIP stream (so
``zipfile.is_zipfile`` says yes): the container's magic bytes decide first.
"""

from __future__ import annotations

import zipfile

from .readers.base import Refused

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: What each kind is called in messages.
DESCRIPTIONS = {
    "pdf": "a PDF document",
    "docx": "a Word (DOCX) document",
    "pptx": "a PowerPoint (PPTX) presentation",
    "xlsx": "an Excel (XLSX) workbook",
    "odt": "an OpenDocument text",
    "odp": "an OpenDocument presentation",
    "ods": "an OpenDocument spreadsheet",
    "epub": "an EPUB book",
    "zip": "a ZIP archive",
    "zip-damaged": "a damaged ZIP container",
    "doc": "a legacy Word 97-2003 (.doc) document",
    "ppt": "a legacy PowerPoint 97-2003 (.ppt) presentation",
    "xls": "a legacy Excel 97-2003 (.xls) workbook",
    "ole-encrypted": "a password-protected Office document",
    "ole": "an OLE compound file",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "tiff": "a TIFF image",
    "gif": "a GIF image",
    "bmp": "a BMP image",
    "webp": "a WebP image",
    "html": "an HTML page",
    "xml": "an XML file",
    "rtf": "an RTF document",
    "text": "plain text",
    "executable": "an executable program",
    "binary": "binary data of an unknown kind",
    "empty": "an empty file",
}

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "epub": "application/epub+zip",
    "zip": "application/zip",
    "zip-damaged": "application/zip",
    "doc": "application/msword",
    "ppt": "application/vnd.ms-powerpoint",
    "xls": "application/vnd.ms-excel",
    "ole-encrypted": "application/x-ole-storage",
    "ole": "application/x-ole-storage",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "webp": "image/webp",
    "html": "text/html",
    "xml": "application/xml",
    "rtf": "application/rtf",
    "text": "text/plain",
    "executable": "application/octet-stream",
    "binary": "application/octet-stream",
    "empty": "application/octet-stream",
}

_TEXT = {"text", "html", "xml"}
_OOXML_ENCRYPTED = {"ole-encrypted"}
#: For each extension, the kinds its content may really be.
EXTENSION_KINDS: dict[str, set[str]] = {
    "pdf": {"pdf"},
    **{e: {"docx"} | _OOXML_ENCRYPTED for e in ("docx", "docm", "dotx")},
    **{e: {"pptx"} | _OOXML_ENCRYPTED for e in ("pptx", "ppsx", "potx")},
    **{e: {"xlsx"} | _OOXML_ENCRYPTED for e in ("xlsx", "xlsm")},
    "odt": {"odt"},
    "ott": {"odt"},
    "odp": {"odp"},
    "ods": {"ods"},
    "doc": {"doc", "rtf", "ole-encrypted"},
    "dot": {"doc"},
    "ppt": {"ppt", "ole-encrypted"},
    "pps": {"ppt"},
    "xls": {"xls", "ole-encrypted"},
    "rtf": {"rtf"},
    "epub": {"epub"},
    "zip": {"zip", "docx", "pptx", "xlsx", "odt", "odp", "ods", "epub"},
    **{e: {"html", "text", "xml"} for e in ("html", "htm", "xhtml", "shtml")},
    **{e: _TEXT for e in ("txt", "text", "srt", "vtt", "csv", "tsv", "md", "log", "xml")},
    "png": {"png"},
    "jpg": {"jpeg"},
    "jpeg": {"jpeg"},
    "tif": {"tiff"},
    "tiff": {"tiff"},
    "gif": {"gif"},
    "bmp": {"bmp"},
    "webp": {"webp"},
}
#: Extensions that say "read me as plain text" even when the text looks like markup.
PLAIN_TEXT_EXTENSIONS = {"txt", "text", "srt", "vtt", "csv", "tsv", "md", "log"}


def _zip_kind(path: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()[:100_000]
            names = {info.filename for info in infos}
            for info in infos[:10_000]:
                if info.file_size < 64 * 1024 and not info.flag_bits & 0x1:
                    zf.read(info)  # overlapping or truncated members fail here, cheaply
            mimetype = ""
            if "mimetype" in names and zf.getinfo("mimetype").file_size < 200:
                mimetype = zf.read("mimetype").decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError):
        return "zip-damaged"
    for suffix, kind in (
        ("opendocument.text", "odt"),
        ("opendocument.presentation", "odp"),
        ("opendocument.spreadsheet", "ods"),
        ("epub+zip", "epub"),
    ):
        if mimetype.endswith(suffix):
            return kind
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


def _ole_kind(head: bytes) -> str:
    def has(stream: str) -> bool:
        return stream.encode("utf-16-le") in head

    if has("EncryptedPackage"):
        return "ole-encrypted"
    if has("WordDocument"):
        return "doc"
    if has("PowerPoint Document"):
        return "ppt"
    if has("Workbook") or has("Book"):
        return "xls"
    return "ole"


def _looks_like_utf16(head: bytes) -> bool:
    sample = head[:4096]
    if len(sample) < 16:
        return False
    odd_nuls = sample[1::2].count(0) / max(1, len(sample[1::2]))
    even_nuls = sample[0::2].count(0) / max(1, len(sample[0::2]))
    return (odd_nuls > 0.3 and even_nuls < 0.05) or (even_nuls > 0.3 and odd_nuls < 0.05)


def _text_kind(head: bytes) -> str:
    probe = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith(b"<!doctype html") or b"<html" in probe or b"<body" in probe:
        return "html"
    if probe.startswith(b"<?xml"):
        return "xml"
    return "text"


def sniff(path: str) -> str:
    """The kind of file at ``path`` (a key of DESCRIPTIONS)."""
    with open(path, "rb") as fh:
        head = fh.read(1024 * 1024)
    if not head:
        return "empty"
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(OLE_MAGIC):
        return _ole_kind(head)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path)
    for magic, kind in (
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\xff\xd8\xff", "jpeg"),
        (b"II*\x00", "tiff"),
        (b"MM\x00*", "tiff"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"{\\rtf", "rtf"),
        (b"\x7fELF", "executable"),
        (b"MZ", "executable"),
        (b"\xca\xfe\xba\xbe", "executable"),
        (b"\xcf\xfa\xed\xfe", "executable"),
    ):
        if head.startswith(magic):
            return kind
    if head.startswith(b"BM") and len(head) > 14 and head[6:10] == b"\x00\x00\x00\x00":
        return "bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(head):
        return "text"
    sample = head[:8192]
    if b"\x00" in sample:
        return "binary"
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    if controls > len(sample) * 0.05:
        return "binary"
    return _text_kind(head)


def check_extension(kind: str, ext: str) -> None:
    """Refuse a file whose extension names another kind than its content."""
    allowed = EXTENSION_KINDS.get(ext)
    if allowed is None or kind in allowed or kind == "empty":
        return
    expected = " or ".join(sorted(DESCRIPTIONS[k] for k in allowed if k in DESCRIPTIONS))
    raise Refused(
        "extension_mismatch",
        f"the name ends in .{ext} ({expected}) but the content is {DESCRIPTIONS[kind]}",
    )
