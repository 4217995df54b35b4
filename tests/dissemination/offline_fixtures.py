"""A small multilingual catalogue for the offline-edition tests: public and hidden material."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

from django.contrib.auth.models import Group
from django.utils import timezone

from clearinghouse.catalog.models import RecordFile
from clearinghouse.catalog.services import TextInput, file_attach, file_attach_text
from clearinghouse.dissemination.offline.build import build_edition
from clearinghouse.dissemination.offline.selection import EditionOptions
from clearinghouse.search.indexer import apply_outbox
from tests.factories import make_record

VERSION = EditionOptions(version="1.0", date="2026-01-01T00:00:00+00:00")
#: Words that only hidden material contains: none may appear anywhere in a public edition.
SECRETS = (
    "Zanzibarqux",
    "Registeredonlyword",
    "Draftsecretword",
    "Embargoedword",
    "Filesecretword",
)


def catalogue() -> dict:
    group = Group.objects.create(name="law enforcement trainers")
    records = {}
    records["en"] = make_record(
        "Identification of victims of trafficking",
        abstract="A handbook on identifying trafficked persons for peacekeepers and police.",
        concepts={"audience": ["prosecutors"], "topic": ["identification-of-victims"]},
        date_issued="2002",
    )
    records["fr"] = make_record(
        "La traite des êtres humains et les opérations de paix",
        abstract="Formation des policiers à l'identification des victimes de la traite.",
        language="fr",
        concepts={"audience": ["judges"]},
        date_issued="2004",
    )
    records["ru"] = make_record(
        "Торговля людьми и миротворческие операции",
        abstract="Пособие для полицейских по выявлению жертв торговли людьми.",
        language="ru",
        date_issued="2005",
    )
    records["ar"] = make_record(
        "الاتجار بالبشر وعمليات حفظ السلام",
        abstract="دليل تدريبي للشرطة حول تحديد ضحايا الاتجار بالبشر.",
        language="ar",
        date_issued="2006",
    )
    records["zh"] = make_record(
        "打击人口贩运培训手册", abstract="维和人员识别人口贩运受害者的培训。", language="zh-Hans"
    )
    records["restricted"] = make_record(
        "Zanzibarqux investigation manual", access_tier="restricted", groups=[group.pk]
    )
    records["registered"] = make_record("Registeredonlyword guide", access_tier="registered")
    records["draft"] = make_record("Draftsecretword notes", status="draft")
    records["embargoed"] = make_record(
        "Embargoedword report", embargo_until=timezone.now() + dt.timedelta(days=30)
    )
    # Files: a public one with a Cyrillic name, one with an Arabic name, one with a Chinese
    # name, and a restricted file of a public record.
    file_attach_text(
        record=records["ru"],
        text="Памятка полицейскому.",
        name="Памятка полицейскому.txt",
        language="ru",
    )
    file_attach(
        record=records["ar"], stream=io.BytesIO(b"%PDF-1.4 sample"), original_name="دليل الشرطة.pdf"
    )
    file_attach(
        record=records["zh"],
        stream=io.BytesIO(b"zh sample bytes"),
        original_name="培训手册.txt",
        media_type="application/octet-stream",
    )
    secret_file = file_attach_text(
        record=records["en"],
        text="Filesecretword in a restricted file.",
        name="secret-annex.txt",
        language="en",
    )
    RecordFile.objects.filter(pk=secret_file.pk).update(access_tier="restricted")
    apply_outbox()
    return {"records": records, "group": group}


def build(path: Path, options: EditionOptions = VERSION, **kwargs):
    return build_edition(path, options, **kwargs)


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


__all__ = ["SECRETS", "VERSION", "TextInput", "build", "catalogue", "tree_digest"]
