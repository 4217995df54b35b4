"""Small builders for records in tests (real services, no mocks)."""

from __future__ import annotations

import itertools

from clearinghouse.catalog.services import RecordInput, TextInput, record_upsert

_counter = itertools.count(1)


def make_record(
    title: str = "Identification of victims of trafficking",
    *,
    abstract: str = "",
    language: str = "en",
    kind: str = "training_material",
    status: str = "published",
    access_tier: str = "public",
    concepts: dict | None = None,
    groups: list[int] | None = None,
    identifier: str | None = None,
    **attributes,
):
    return record_upsert(
        data=RecordInput(
            identifier=identifier or f"test:{next(_counter)}",
            kind=kind,
            original_language=language,
            texts=[TextInput(language=language, title=title, abstract=abstract, is_original=True)],
            status=status,
            access_tier=access_tier,
            access_group_ids=groups or [],
            concepts=concepts or {},
            attributes=attributes,
        )
    )
