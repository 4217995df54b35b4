"""Generated records for benchmarks, marked ``is_synthetic`` in the data itself.

The mix imitates this domain: most records are short (title and abstract), about
a third carry 2,000–15,000 words of full text, and the word "trafficking"
appears in nearly every record. Words are drawn from a Zipf distribution over
the domain's vocabulary plus generated filler words.
"""

from __future__ import annotations

import bisect
import itertools
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

DOMAIN_WORDS = (
    "trafficking persons victims peacekeeping mission police training law enforcement "
    "prosecution investigation protection assistance repatriation asylum shelter code "
    "conduct accountability demand corruption organised crime border migration smuggling "
    "exploitation labour sexual women children rights court judge prosecutor evidence "
    "testimony witness referral identification interview regulation protocol convention "
    "coordination ngo awareness capacity module course manual handbook seminar briefing "
    "curriculum trainer learner assessment kosovo bosnia herzegovina albania balkans timor "
    "sierra leone congo contractor civilian military officer unit deployment recruitment "
    "debt bondage passport document fraud brothel bar nightclub raid rescue reintegration "
    "counselling health medical psychosocial media journalist research data statistics "
    "report analysis policy plan national action strategy funding donor cooperation regional "
    "international local "
).split()
LANGUAGES = ("en", "en", "en", "fr", "es", "ru", "de", "sq", "sr-latn", "bs")
KINDS = ("training_material", "publication", "instrument", "dataset")
AUDIENCES = (
    "military-senior",
    "military-personnel",
    "police-senior",
    "law-enforcement",
    "civilian-senior",
    "contractors",
    "employees",
    "local-law-enforcement",
    "prosecutors",
    "judges",
    "defence-attorneys",
    "municipal-officials",
    "ngo-local",
    "ngo-international",
    "victim-service-providers",
    "journalists",
    "academics",
    "trainers",
    "policymakers",
)
TOPICS = (
    "identification-of-victims",
    "investigation",
    "prosecution",
    "adjudication",
    "protection-and-assistance",
    "repatriation-and-asylum",
    "codes-of-conduct",
    "demand",
    "corruption",
    "legal-frameworks",
    "coordination",
    "health",
    "media",
    "organized-crime",
    "migration-and-smuggling",
    "human-rights",
    "gender",
    "children",
)
METHODS = (
    "classroom",
    "manual-based",
    "case-based",
    "simulation",
    "e-learning",
    "training-of-trainers",
    "briefing",
)
RESOURCE_TYPES = (
    "course",
    "module",
    "manual",
    "handbook",
    "slide-deck",
    "research-report",
    "article",
    "regulation",
    "guidelines",
    "dataset",
)
COUNTRIES = (
    "BA",
    "XK",
    "AL",
    "MK",
    "RS",
    "HR",
    "ME",
    "MD",
    "RO",
    "BG",
    "UA",
    "TL",
    "SL",
    "CD",
    "ER",
    "ET",
    "IT",
    "US",
    "NG",
    "PH",
)
ORGANISATIONS = ("unicri", "traccc", "iom", "osce", "unhcr", "ohchr", "ilo", "interpol")
SYLLABLES = (
    "ka ri to men sa lo vi de na pe tra ko ber an il us om ev ag ul zi mo ne ta sh ch ro la "
).split()


def _filler_vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


@dataclass
class SyntheticRecord:
    key: int
    kind: str
    language: str
    title: str
    abstract: str
    full_text: str
    year: int
    facets: dict[str, list[str]] = field(default_factory=dict)
    access: str = "public"


class SyntheticCorpus:
    """Deterministic generator: the same seed gives the same records."""

    def __init__(self, seed: int = 2002, vocabulary: int = 30_000):
        self.rng = random.Random(seed)
        filler = _filler_vocabulary(vocabulary, self.rng)
        self.words = list(DOMAIN_WORDS) + filler
        weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(self.words))]
        self.cumulative = list(itertools.accumulate(weights))

    def _text(self, count: int) -> str:
        rng, words, cumulative = self.rng, self.words, self.cumulative
        total = cumulative[-1]
        picks = [words[bisect.bisect(cumulative, rng.random() * total)] for _ in range(count)]
        return " ".join(picks)

    def records(self, n: int) -> Iterator[SyntheticRecord]:
        rng = self.rng
        for i in range(n):
            title = self._text(rng.randint(4, 12))
            if rng.random() < 0.95:
                title = f"trafficking {title}"
            abstract = self._text(rng.randint(40, 160))
            full = self._text(int(rng.uniform(2_000, 15_000))) if rng.random() < 1 / 3 else ""
            yield SyntheticRecord(
                key=i,
                kind=rng.choice(KINDS),
                language=rng.choice(LANGUAGES),
                title=f"Synthetic record {i}: {title}",
                abstract=abstract,
                full_text=full,
                year=rng.randint(1995, 2026),
                facets={
                    "audience": rng.sample(AUDIENCES, rng.randint(1, 3)),
                    "topic": rng.sample(TOPICS, rng.randint(1, 4)),
                    "purpose": rng.sample(("awareness", "capacity-building"), rng.randint(1, 2)),
                    "method": rng.sample(METHODS, rng.randint(0, 2)),
                    "resource_type": [rng.choice(RESOURCE_TYPES)],
                    "country": rng.sample(COUNTRIES, rng.randint(0, 2)),
                    "region": ["south-eastern-europe"] if rng.random() < 0.5 else [],
                    "organisation": rng.sample(ORGANISATIONS, rng.randint(0, 2)),
                },
                access="public"
                if rng.random() < 0.85
                else rng.choice(("registered", "restricted")),
            )


def add_synthetic_records(n: int, stdout=None, seed: int = 2002, batch: int = 500) -> int:
    """Write ``n`` synthetic records to the database (bulk, with outbox rows)."""
    from django.db import transaction
    from rich.progress import Progress

    from clearinghouse.search.models import IndexOutbox
    from clearinghouse.vocabularies.models import Concept

    from ..models import Record, RecordText
    from ..services import file_attach_text

    concepts = {(c.scheme_id, c.code): c for c in Concept.objects.all()}
    start = Record.objects.filter(is_synthetic=True).count()
    corpus = SyntheticCorpus(seed)
    generated = corpus.records(start + n)
    for _ in range(start):
        next(generated)
    added = 0
    with Progress(transient=not (stdout or sys.stdout).isatty()) as progress:
        task = progress.add_task("Adding synthetic records", total=n)
        while added < n:
            chunk = list(itertools.islice(generated, min(batch, n - added)))
            with transaction.atomic():
                records = Record.objects.bulk_create(
                    Record(
                        kind=s.kind,
                        status=Record.Status.PUBLISHED,
                        access_tier=s.access,
                        original_language=s.language,
                        date_issued=str(s.year),
                        year=s.year,
                        identifier=f"synthetic:{seed}:{s.key}",
                        is_synthetic=True,
                        provenance="Synthetic record generated for benchmarks; not real data.",
                        resource_type=concepts.get(("resource_type", s.facets["resource_type"][0])),
                    )
                    for s in chunk
                )
                RecordText.objects.bulk_create(
                    RecordText(
                        record=r,
                        language=s.language,
                        title=s.title[:1000],
                        abstract=s.abstract,
                        is_original=True,
                    )
                    for r, s in zip(records, chunk, strict=True)
                )
                through = Record.concepts.through
                links = []
                for r, s in zip(records, chunk, strict=True):
                    for scheme in ("audience", "topic", "purpose", "method", "country", "region"):
                        for code in s.facets.get(scheme, []):
                            concept = concepts.get((scheme, code))
                            if concept:
                                links.append(through(record_id=r.pk, concept_id=concept.pk))
                through.objects.bulk_create(links, ignore_conflicts=True)
                for r, s in zip(records, chunk, strict=True):
                    if s.full_text:
                        file_attach_text(
                            record=r,
                            text=s.full_text,
                            name=f"synthetic-{s.key}.txt",
                            language=s.language,
                        )
                IndexOutbox.objects.bulk_create(IndexOutbox(record_id=r.pk) for r in records)
            added += len(chunk)
            progress.update(task, completed=added)
    return added
