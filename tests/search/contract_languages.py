"""What every backend promises across languages, with the real analysis on both sides.

Mixed into ``SearchBackendContract``: documents are analysed in their language as the
indexer does, queries as the search service does (their language detected, else the UI
language), so a stemming or cross-language regression fails on every backend alike.
"""

from __future__ import annotations

import datetime as dt

import pytest

from clearinghouse.search.analysis import analyze
from clearinghouse.search.types import AccessFields, AccessFilter, IndexDocument, SearchRequest

EVERYTHING = AccessFilter(now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), allow_all=True)


def analysed_doc(
    record_id: int,
    title: str,
    language: str,
    *,
    abstract: str = "",
    concept_labels: tuple[tuple[str, str], ...] = (),
) -> IndexDocument:
    """A document as ``search.documents`` builds it: title, abstract, concept labels."""
    title_terms = analyze(title, language)
    compact = title_terms + analyze(abstract, language)
    concept_terms = [term for label, lang in concept_labels for term in analyze(label, lang)]
    return IndexDocument(
        record_id=record_id,
        title_terms=title_terms,
        compact_terms=compact,
        full_terms=list(compact),
        facets={"language": [language]},
        access=AccessFields(tier="public", status="published"),
        sort_title=title.casefold(),
        concept_terms=concept_terms,
    )


def found(backend, query: str, ui: str = "en") -> list[int]:
    # Imported here: this module is also imported by plain subprocesses without Django.
    from clearinghouse.search.service import analysed_query

    request = SearchRequest(query=analysed_query(query, ui), access=EVERYTHING, limit=50)
    return [hit.record_id for hit in backend.search(request).hits]


# (language of the document, its title, a query with another inflection, UI language)
STEMMING_CASES = [
    ("fr", "Les formations des policiers", "formation policier", "fr"),
    ("fr", "Formation des formateurs", "formations", "en"),
    ("es", "Formaciones sobre la trata de personas", "formación trata", "es"),
    ("ru", "Торговля людьми в зонах операций", "торговли операции", "ru"),
    ("ru", "Подготовка миротворческих контингентов", "миротворческие", "en"),
    ("de", "Schulungen gegen Menschenhandel", "Schulung Menschenhandels", "de"),
    ("ar", "الاتجار بالأشخاص", "أشخاص", "en"),
    ("sr", "Трговина људима на Косову", "trgovina ljudima", "sr-latn"),
    ("zh", "打击贩运人口培训手册", "贩运人口", "en"),
]


class LanguageContract:
    @pytest.mark.parametrize(
        ("language", "title", "query", "ui"),
        STEMMING_CASES,
        ids=[f"{case[0]}-{i}" for i, case in enumerate(STEMMING_CASES)],
    )
    def test_stemming_per_language(self, backend, language, title, query, ui):
        backend.apply(
            [analysed_doc(1, title, language), analysed_doc(2, "Unrelated manual", "en")], []
        )
        assert found(backend, query, ui) == [1]

    def test_a_query_finds_a_concept_label_in_another_language(self, backend):
        trafficking = (
            ("Trafficking in persons", "en"),
            ("Traite des êtres humains", "fr"),
            ("Trata de personas", "es"),
            ("Торговля людьми", "ru"),
            ("贩运人口", "zh"),
        )
        backend.apply(
            [
                analysed_doc(1, "Handbook for peacekeepers", "en", concept_labels=trafficking),
                analysed_doc(2, "Handbook on road safety", "en"),
            ],
            [],
        )
        for query, ui in (
            ("traite des êtres humains", "fr"),
            ("trata de personas", "es"),
            ("торговля людьми", "ru"),
            ("贩运人口", "zh-hans"),
        ):
            assert found(backend, query, ui) == [1], query

    def test_a_direct_match_ranks_above_a_vocabulary_match(self, backend):
        labels = (("Trafficking in persons", "en"), ("Traite des êtres humains", "fr"))
        backend.apply(
            [
                analysed_doc(1, "Handbook for peacekeepers", "en", concept_labels=labels),
                analysed_doc(
                    2,
                    "Guide de formation",
                    "fr",
                    abstract="La traite des êtres humains dans les missions de paix.",
                    concept_labels=labels,
                ),
                analysed_doc(3, "La traite des êtres humains", "fr"),
            ],
            [],
        )
        ranked = found(backend, "traite des êtres humains", "fr")
        assert set(ranked) == {1, 2, 3}
        assert ranked[-1] == 1, "the record found only through the vocabulary comes last"
