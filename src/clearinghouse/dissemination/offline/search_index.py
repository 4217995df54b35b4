"""The edition's search index: the server's terms, shipped as script files for file://.

Documents come from ``search.documents.build_document`` (the one place that decides what
is searchable), so the edition holds exactly the server's terms. Browsers cannot stem, so
every word form seen in the edition's texts is analysed here, in every stemming language a
query may be read in, and shipped as a form → terms map (``forms``); the browser folds a
typed word like ``search.analysis.fold`` (ported to ``search.js``) and looks it up. Terms
and forms are cut into sorted ranges (shards) loaded on demand by ``<script>`` tags, since
file:// forbids fetch and XHR.

Tolerance against the server (the browser test checks equal hit sets for its queries): a
typed form absent from the edition's texts is searched folded and unstemmed; forms that fold
alike share their variants; phrases match as all their words (no positions are shipped); a
prefix matches the terms starting with the folded prefix (no stem expansion); a Cyrillic
query uses every Cyrillic stemmer rather than the one the server detects; Chinese is cut by
greedy longest match over the edition's own jieba words. Scores follow the same BM25 and
field boosts, so the order is close to the server's, not guaranteed identical.
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from clearinghouse.catalog.models import Record
from clearinghouse.search import analysis
from clearinghouse.search.documents import build_document
from clearinghouse.search.types import FACET_FIELDS

#: Postings per shard of terms (and entries per shard of forms): a query loads a few.
SHARD_POSTINGS = 60_000
SHARD_FORMS = 20_000
#: Characters of the abstract shipped for a hit's snippet.
SNIPPET = 240


def utf16_key(text: str) -> bytes:
    """JavaScript compares strings by UTF-16 code units: sort the same way."""
    return text.encode("utf-16-be")


def js_call(function: str, *args) -> str:
    body = ",".join(
        json.dumps(a, ensure_ascii=False, sort_keys=True, separators=(",", ":")) for a in args
    )
    # No "</script>" breakout and no line separators that old parsers dislike.
    body = body.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"OfflineSearch.{function}({body});\n"


def _stem_algorithms(languages: Iterable[str]) -> list[str]:
    """The query languages whose analysis differs, one per Snowball algorithm, in order."""
    chosen: dict[str, str] = {}
    for language in languages:
        algorithm = analysis._algorithm(language)
        if algorithm and algorithm not in chosen:
            chosen[algorithm] = language
    return list(chosen.values())


def query_language_set(edition_languages: Iterable[str]) -> list[str]:
    configured = getattr(settings, "CLEARINGHOUSE_QUERY_LANGUAGES", ("en", "fr", "es", "ru", "de"))
    ui = [code for code, _name in settings.LANGUAGES]
    return _stem_algorithms([*configured, *ui, *edition_languages])


def build_index(records: list[Record], ui_languages: tuple[str, ...], out: Path) -> dict:
    """Write ``out``/assets/index/*.js; return the meta figures (for the manifest and tests)."""
    out.mkdir(parents=True, exist_ok=True)
    docs: list[list] = []
    # Compact arrays: 10k records with long files make about 10 million postings.
    postings: dict[str, array] = {}
    raw_forms: set[str] = set()
    text_languages: set[str] = set()
    for index, record in enumerate(records):
        document = build_document(record)
        title, body, concepts = (
            Counter(document.title_terms),
            Counter(document.full_terms),
            Counter(document.concept_terms),
        )
        for term in set(title) | set(body) | set(concepts):
            found = postings.get(term)
            if found is None:
                found = postings[term] = array("I")
            found.extend((index, body.get(term, 0), title.get(term, 0), concepts.get(term, 0)))
        raw_forms.update(_forms_of(record))
        text_languages.update(t.language for t in record.texts.all())
        docs.append(
            [
                record.pk,
                record.year or 0,
                document.sort_title,
                len(document.title_terms),
                len(document.full_terms),
                len(document.concept_terms),
                {
                    name: document.facets.get(name, [])
                    for name in FACET_FIELDS
                    if document.facets.get(name)
                },
            ]
        )
    vocabulary = set(postings)
    languages = query_language_set(sorted(text_languages))
    forms = _form_map(raw_forms, languages, vocabulary)
    term_shards = _write_shards(
        out, "p", postings, SHARD_POSTINGS, _postings_weight, encode=_encode_postings
    )
    form_shards = _write_shards(out, "f", forms, SHARD_FORMS, lambda _k, _v: 1)
    han = sorted(f for f in forms if analysis.contains_cjk(f))
    n = len(docs)
    meta = {
        "count": n,
        "avg": [round(sum(d[k] for d in docs) / n, 4) if n else 0.0 for k in (3, 4, 5)],
        "languages": ["", *languages],
        # Every language code → the bit of its Snowball algorithm in the form map.
        "stemmers": {
            code: 1 + [analysis._algorithm(x) for x in languages].index(algorithm)
            for code, algorithm in sorted(analysis._ALGORITHMS.items())
            if algorithm in {analysis._algorithm(x) for x in languages}
        },
        "queryLanguages": list(
            getattr(settings, "CLEARINGHOUSE_QUERY_LANGUAGES", ("en", "fr", "es", "ru", "de"))
        ),
        "termShards": term_shards,
        "formShards": form_shards,
        "ui": list(ui_languages),
    }
    (out / "meta.js").write_text(js_call("meta", meta), encoding="utf-8")
    (out / "docs.js").write_text(js_call("docs", docs), encoding="utf-8")
    (out / "han.js").write_text(js_call("han", han), encoding="utf-8")
    facet_counts: dict[str, Counter] = {name: Counter() for name in FACET_FIELDS}
    for doc in docs:
        for name, values in doc[6].items():
            facet_counts[name].update(values)
    return {
        "documents": n,
        "terms": len(postings),
        "forms": len(forms),
        "facets": {name: dict(c) for name, c in facet_counts.items()},
    }


def write_labels(language: str, facets: dict[str, dict[str, int]], out: Path) -> None:
    """Facet value labels in one UI language (codes are shared by every language)."""
    from clearinghouse.directory.models import Agent
    from clearinghouse.web.facets import facet_label

    agents = {
        a.key: a.display_name(language)
        for a in Agent.objects.filter(key__in=list(facets.get("organisation", {})))
    }
    labels = {
        name: {code: facet_label(name, code, language, agents) for code in sorted(codes)}
        for name, codes in facets.items()
        if codes
    }
    (out / f"labels-{language}.js").write_text(
        js_call("labels", language, labels), encoding="utf-8"
    )


def write_hit_texts(records: list[Record], language: str, out: Path) -> None:
    """Per UI language: each hit's title, text language and snippet, as the portal picks them."""
    rows = []
    for record in records:
        text = record.text_for(language)
        rows.append(
            [
                text.title if text else "",
                text.language if text else record.original_language,
                (text.abstract[:SNIPPET] if text else ""),
                record.kind,
                1 if record.is_sample else 0,
            ]
        )
    (out / f"hits-{language}.js").write_text(js_call("hits", language, rows), encoding="utf-8")


def _forms_of(record: Record) -> set[str]:
    """Every word form the record's indexed texts contain, as ``tokenize`` yields them."""
    texts: list[str] = []
    for text in record.texts.all():
        texts += [text.title, text.subtitle, text.abstract, text.annotation]
    for creator in record.creators.all():
        texts.append(creator.display_name)
        if creator.agent_id and creator.agent.acronym:
            texts.append(creator.agent.acronym)
    for concept in record.concepts.all():
        if concept.scheme_id in ("audience", "purpose", "topic", "method"):
            texts += list((concept.labels or {}).values())
            for alts in (concept.alt_labels or {}).values():
                texts += list(alts or [])
    from clearinghouse.catalog.policies import indexable_files

    for record_file in indexable_files(record):
        texts.append(record_file.blob.text or "")
    forms: set[str] = set()
    for text in texts:
        forms.update(analysis.tokenize(text))
    return forms


def _form_map(raw_forms: set[str], languages: list[str], vocabulary: set[str]) -> dict[str, list]:
    """folded form → [term, language mask, …]; bit 0 is the unstemmed form.

    Only terms the edition holds are kept: a variant absent from the index matches nothing
    on the server either. A variant of several terms ("2001/4") is kept joined by spaces
    and searched as all of them.
    """
    result: dict[str, dict[str, int]] = {}
    all_languages: list[str | None] = [None, *languages]
    for form in raw_forms:
        if len(form) > 4 * analysis.MAX_TERM_LENGTH:
            continue
        key = analysis.fold(form)
        if not key:
            continue
        entry = result.setdefault(key, {})
        for bit, language in enumerate(all_languages):
            terms = analysis.analyze(form, language)
            if not terms or not all(t in vocabulary for t in terms):
                continue
            joined = " ".join(terms)
            entry[joined] = entry.get(joined, 0) | (1 << bit if bit < 31 else 0)
    return {
        key: [x for term in sorted(entry) for x in (term, entry[term])]
        for key, entry in result.items()
        if entry
    }


def _encode_postings(flat: array) -> list[int]:
    """Document indexes as deltas (smaller numbers, smaller files)."""
    out, previous = list(flat), 0
    for i in range(0, len(out), 4):
        out[i], previous = out[i] - previous, out[i]
    return out


def _postings_weight(_key: str, value: array) -> int:
    return max(1, len(value) // 4)


def _write_shards(
    out: Path, prefix: str, entries: dict, budget: int, weight, encode=lambda v: v
) -> list[str]:
    """Sorted ranges of ``entries``; returns each shard's first key (the browser bisects)."""
    keys = sorted(entries, key=utf16_key)
    bounds: list[str] = []
    shard: dict = {}
    used = 0

    def flush() -> None:
        number = len(bounds) - 1
        (out / f"{prefix}-{number:04d}.js").write_text(
            js_call("shard", prefix, number, shard), encoding="utf-8"
        )

    for key in keys:
        cost = weight(key, entries[key])
        if not bounds or (used + cost > budget and shard):
            if bounds:
                flush()
            bounds.append(key)
            shard, used = {}, 0
        shard[key] = encode(entries[key])
        used += cost
    if bounds:
        flush()
    return bounds
