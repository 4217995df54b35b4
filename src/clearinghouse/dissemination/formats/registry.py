"""The formats, by name: what each is called, its media type, and whether it imports.

One serializer module per format; the API, exports, OAI-PMH, the record page and (later)
the offline edition all take them from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType

from django.utils.translation import gettext_lazy as _

from clearinghouse.catalog.models import Record
from clearinghouse.core.policy import Actor

from . import bibtex, csl_json, csv_flat, jsonld, marc21, oai_dc, record_json, ris
from .bibrecord import ParsedEntry
from .view import bib_records


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    media_type: str
    extension: str
    module: ModuleType
    #: Exports many records in one document (else one record per document).
    multi: bool = True
    parser: Callable[[bytes], Iterator[ParsedEntry]] | None = None

    @property
    def carries(self) -> frozenset[str]:
        return self.module.CARRIES

    def serialize(
        self, actor: Actor, records: Iterable[Record], root: str | None = None
    ) -> Iterator[str]:
        """``records`` (from ``view.export_queryset(actor)``) in this format, in chunks."""
        if hasattr(self.module, "serialize_records"):
            return self.module.serialize_records(actor, records)
        return self.module.serialize(bib_records(actor, records, root=root))


EXPORTS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", _("JSON (ours, v1)"), "application/json", "json", record_json),
        Format("csv", _("CSV"), "text/csv; charset=utf-8", "csv", csv_flat, parser=csv_flat.parse),
        Format("bibtex", _("BibTeX"), bibtex.MEDIA_TYPE, "bib", bibtex, parser=bibtex.parse),
        Format("ris", _("RIS"), ris.MEDIA_TYPE, "ris", ris, parser=ris.parse),
        Format(
            "csl-json", _("CSL-JSON"), csl_json.MEDIA_TYPE, "json", csl_json, parser=csl_json.parse
        ),
        Format("marcxml", _("MARCXML"), marc21.MEDIA_TYPE, "xml", marc21, parser=marc21.parse),
        Format("oai_dc", _("Dublin Core"), "application/xml", "xml", oai_dc, multi=False),
        Format("jsonld", _("schema.org JSON-LD"), jsonld.MEDIA_TYPE, "jsonld", jsonld),
    )
}
#: Import formats: the exports that parse, plus binary MARC (ISO 2709).
IMPORTS: dict[str, Format] = {
    **{name: f for name, f in EXPORTS.items() if f.parser},
    "marc": Format(
        "marc", _("MARC (ISO 2709)"), "application/marc", "mrc", marc21, parser=marc21.parse_binary
    ),
    "marc-json": Format(
        "marc-json",
        _("MARC-in-JSON"),
        "application/marc+json",
        "json",
        marc21,
        parser=marc21.parse_json,
    ),
}
