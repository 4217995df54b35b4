"""The coverage tables: the gap matrix's input, derived from the catalogue like an index.

Counting the matrix straight from the record ↔ concept relation joins it three times
(audience, topic, purpose) for every visible record, which takes seconds at 100,000
records. Two derived tables make it one small grouped read:

- ``CoverageMember``: one row per published record and (audience, topic, purpose) it
  carries, with its year and its access class;
- ``CoverageCount``: those rows counted per (access class, audience, topic, purpose, year);
- ``CoverageLanguage``: the languages of each published record as the language filter reads
  them, and ``CoverageLanguageCount``: the counts again per language;
- ``CoverageCredit``: one row per published record, topic and creator (who to ask), and
  ``CoverageCreditCount``: those rows counted per (access class, topic, creator).

An access class (``CoverageClass``) is what the access policy reads of a published record:
its tier, its groups and its embargo. ``allowed_classes`` asks the viewer's rule
(``catalog.policies.access_filter``) about each class with ``AccessFilter.allows``, the
function the per-record check uses, so counts answer to the same policy as every other
surface; records opened to a viewer one by one (``record_ids``) are added from the member
rows (``queries``).

The records stay the truth. Every change writes an index-outbox row in its own transaction;
``sync`` applies the rows past its cursor (the ``IndexCursor`` named ``CURSOR``) before a
matrix is computed and whenever the indexer applies the outbox, and rebuilds both tables
when its cursor is missing. Re-applying a row is harmless: a record's members are replaced
and the counts of every key it touched are recounted from the members.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Max

from clearinghouse.catalog.models import Record, RecordCreator, RecordText
from clearinghouse.search.models import IndexCursor, IndexOutbox
from clearinghouse.search.types import AccessFields, AccessFilter
from clearinghouse.vocabularies.models import Concept

from ..models import (
    CoverageClass,
    CoverageCount,
    CoverageCredit,
    CoverageCreditCount,
    CoverageLanguage,
    CoverageLanguageCount,
    CoverageMember,
)

logger = logging.getLogger(__name__)

CURSOR = "analysis:coverage"
AXES = ("audience", "topic", "purpose")
CHUNK = 900  # records per read: far below every database's parameter limit
#: Above this many touched keys a batch recounts the whole table in one statement.
RECOUNT_ALL = 2000
Key = tuple[int, int, int, int, int | None]  # class, audience, topic, purpose, year
Links = Record.concepts.through
GroupLinks = Record.access_groups.through


def class_key(tier: str, group_ids: Iterable[int], embargo_until) -> str:
    groups = ",".join(str(g) for g in sorted(set(group_ids)))
    return f"{tier}|{groups}|{embargo_until.isoformat() if embargo_until else ''}"


def allowed_classes(rule: AccessFilter) -> list[int]:
    """The classes whose records ``rule`` shows (every member is published)."""
    allowed = []
    for pk, tier, groups, embargo in CoverageClass.objects.values_list(
        "pk", "tier", "group_ids", "embargo_until"
    ):
        fields = AccessFields(
            tier=tier,
            status=Record.Status.PUBLISHED.value,
            groups=tuple(int(g) for g in groups.split(",") if g),
            embargo_until=embargo,
            record_id=None,
        )
        if rule.allows(fields):
            allowed.append(pk)
    return allowed


def _chunks(values: list[int], size: int = CHUNK) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Classes:
    """Class ids by key, created on first use (inside ``sync``'s lock)."""

    def __init__(self) -> None:
        self.ids = dict(CoverageClass.objects.values_list("key", "pk"))

    def id_for(self, tier: str, groups: list[int], embargo) -> int:
        key = class_key(tier, groups, embargo)
        if key not in self.ids:
            self.ids[key] = CoverageClass.objects.create(
                key=key,
                tier=tier,
                group_ids=",".join(str(g) for g in sorted(set(groups))),
                embargo_until=embargo,
            ).pk
        return self.ids[key]


def _derived_rows(
    record_ids: list[int], schemes: dict[int, str], classes: _Classes
) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """For the published ones of ``record_ids``: member rows (record, class, audience, topic,
    purpose, year), credit rows (record, class, topic, agent) and language rows (record,
    language). ``schemes`` maps the axes' concept ids to their scheme, and language concepts'
    ids to ``"language:<code>"``."""
    records = {
        pk: (year, tier, embargo)
        for pk, year, tier, embargo in Record.objects.filter(
            pk__in=record_ids, status=Record.Status.PUBLISHED
        ).values_list("pk", "year", "access_tier", "embargo_until")
    }
    if not records:
        return [], [], []
    languages: dict[int, set[str]] = defaultdict(set)
    for pk, language in Record.objects.filter(pk__in=list(records)).values_list(
        "pk", "original_language"
    ):
        languages[pk].add((language or "").lower())
    for record_id, language in RecordText.objects.filter(record_id__in=list(records)).values_list(
        "record_id", "language"
    ):
        languages[record_id].add(language.lower())
    groups: dict[int, list[int]] = defaultdict(list)
    for record_id, group_id in GroupLinks.objects.filter(record_id__in=list(records)).values_list(
        "record_id", "group_id"
    ):
        groups[record_id].append(group_id)
    concepts: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for record_id, concept_id in Links.objects.filter(
        record_id__in=list(records), concept_id__in=list(schemes)
    ).values_list("record_id", "concept_id"):
        scheme = schemes[concept_id]
        if scheme.startswith("language:"):
            languages[record_id].add(scheme.partition(":")[2].lower())
        else:
            concepts[record_id][scheme].append(concept_id)
    agents: dict[int, set[int]] = defaultdict(set)
    for record_id, agent_id in RecordCreator.objects.filter(
        record_id__in=list(concepts), agent_id__isnull=False
    ).values_list("record_id", "agent_id"):
        agents[record_id].add(agent_id)
    members, credits, spoken = [], [], []
    for record_id, carried in concepts.items():
        year, tier, embargo = records[record_id]
        class_id = classes.id_for(tier, groups.get(record_id, []), embargo)
        members.extend(
            (record_id, class_id, a, t, p, year)
            for a in carried["audience"]
            for t in carried["topic"]
            for p in carried["purpose"]
        )
        credits.extend(
            (record_id, class_id, t, agent)
            for t in carried["topic"]
            for agent in sorted(agents.get(record_id, ()))
        )
        spoken.extend((record_id, code) for code in sorted(languages[record_id] - {""}))
    return members, credits, spoken


_COLUMNS = {
    CoverageMember: "record_id, coverage_class_id, audience_id, topic_id, purpose_id, year",
    CoverageCredit: "record_id, coverage_class_id, topic_id, agent_id",
    CoverageLanguage: "record_id, language",
}


def _insert(model, rows: list[tuple]) -> None:
    """Plain multi-row inserts: a rebuild writes ~8 rows per record."""
    if not rows:
        return
    marks = ", ".join(["%s"] * len(rows[0]))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {model._meta.db_table} ({_COLUMNS[model]}) "  # noqa: S608
            f"VALUES ({marks})",
            rows,
        )


_KEY = "coverage_class_id, audience_id, topic_id, purpose_id, year"
_CREDIT = "coverage_class_id, topic_id, agent_id"
_KEY_OF_M = ", ".join(f"m.{column}" for column in _KEY.split(", "))


def _recount_all() -> None:
    members, counts = CoverageMember._meta.db_table, CoverageCount._meta.db_table
    languages = CoverageLanguage._meta.db_table
    per_language = CoverageLanguageCount._meta.db_table
    credits, credit_counts = CoverageCredit._meta.db_table, CoverageCreditCount._meta.db_table
    count = connection.ops.quote_name("count")
    CoverageCount.objects.all().delete()
    CoverageLanguageCount.objects.all().delete()
    CoverageCreditCount.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {credit_counts} ({_CREDIT}, {count}) "  # noqa: S608
            f"SELECT {_CREDIT}, COUNT(*) FROM {credits} GROUP BY {_CREDIT}"
        )
        cursor.execute(
            f"INSERT INTO {counts} ({_KEY}, {count}) "  # noqa: S608 -- names from the models
            f"SELECT {_KEY}, COUNT(*) FROM {members} GROUP BY {_KEY}"
        )
        cursor.execute(
            f"INSERT INTO {per_language} (language, {_KEY}, {count}) "  # noqa: S608
            f"SELECT l.language, {_KEY_OF_M}, COUNT(*) FROM {members} m "
            f"JOIN {languages} l ON l.record_id = m.record_id GROUP BY l.language, {_KEY_OF_M}"
        )


def _where(class_id: int, a: int, t: int, p: int, year: int | None) -> tuple[dict, dict]:
    lookup = {"coverage_class_id": class_id, "audience_id": a, "topic_id": t, "purpose_id": p}
    where = {**lookup, "year": year} if year is not None else {**lookup, "year__isnull": True}
    return lookup, where


def _recount_rows(source, target, fields: tuple[str, ...], keys: Iterable[tuple]) -> None:
    """``target``'s count of ``source`` rows for each key (fields in order; None is NULL)."""
    for key in keys:
        lookup = dict(zip(fields, key, strict=True))
        where = {
            (f"{k}__isnull" if v is None else k): (True if v is None else v)
            for k, v in lookup.items()
        }
        n = source.objects.filter(**where).count()
        target.objects.filter(**where).delete()
        if n:
            target.objects.create(**lookup, count=n)


def _recount(
    keys: set[Key], language_keys: set[tuple[str, Key]], credit_keys: set[tuple[int, int, int]]
) -> None:
    if len(keys) + len(language_keys) + len(credit_keys) > RECOUNT_ALL:
        _recount_all()
        return
    _recount_rows(CoverageMember, CoverageCount, tuple(_KEY.split(", ")), keys)
    _recount_rows(CoverageCredit, CoverageCreditCount, tuple(_CREDIT.split(", ")), credit_keys)
    members, languages = CoverageMember._meta.db_table, CoverageLanguage._meta.db_table
    for language, key in language_keys:
        lookup, where = _where(*key)
        year = "m.year IS NULL" if key[-1] is None else "m.year = %s"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {members} m JOIN {languages} l "  # noqa: S608
                "ON l.record_id = m.record_id AND l.language = %s "
                "WHERE m.coverage_class_id = %s AND m.audience_id = %s AND m.topic_id = %s "
                f"AND m.purpose_id = %s AND {year}",
                [language, *key[:4], *([] if key[-1] is None else [key[-1]])],
            )
            n = cursor.fetchone()[0]
        CoverageLanguageCount.objects.filter(language=language, **where).delete()
        if n:
            CoverageLanguageCount.objects.create(language=language, **lookup, year=key[-1], count=n)


def _axis_schemes() -> dict[int, str]:
    """Concept ids of the axes → scheme; of languages → ``"language:<code>"``."""
    schemes = dict(Concept.objects.filter(scheme_id__in=AXES).values_list("pk", "scheme_id"))
    for pk, code in Concept.objects.filter(scheme_id="language").values_list("pk", "code"):
        schemes[pk] = f"language:{code}"
    return schemes


def _language_keys(record_ids: list[int]) -> set[tuple[str, Key]]:
    """(language, key) of the current members of ``record_ids``."""
    members, languages = CoverageMember._meta.db_table, CoverageLanguage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT l.language, {_KEY_OF_M} FROM {members} m "  # noqa: S608
            f"JOIN {languages} l ON l.record_id = m.record_id "
            f"WHERE m.record_id IN ({', '.join(['%s'] * len(record_ids))})",
            record_ids,
        )
        return {(row[0], tuple(row[1:])) for row in cursor.fetchall()}


def apply(record_ids: Iterable[int]) -> None:
    """Replace the members of ``record_ids`` from the catalogue and recount what they touch."""
    ids = sorted(set(record_ids))
    schemes = _axis_schemes()
    classes = _Classes()
    touched: set[Key] = set()
    touched_languages: set[tuple[str, Key]] = set()
    touched_credits: set[tuple[int, int, int]] = set()
    for chunk in _chunks(ids):
        old = CoverageMember.objects.filter(record_id__in=chunk)
        touched.update(
            old.values_list("coverage_class_id", "audience_id", "topic_id", "purpose_id", "year")
        )
        touched_languages |= _language_keys(chunk)
        old.delete()
        old_credits = CoverageCredit.objects.filter(record_id__in=chunk)
        touched_credits.update(old_credits.values_list(*_CREDIT.split(", ")))
        old_credits.delete()
        CoverageLanguage.objects.filter(record_id__in=chunk).delete()
        members, credits, languages = _derived_rows(chunk, schemes, classes)
        _insert(CoverageMember, members)
        _insert(CoverageCredit, credits)
        _insert(CoverageLanguage, languages)
        touched.update(row[1:] for row in members)
        touched_credits.update(row[1:] for row in credits)
        touched_languages |= _language_keys(chunk)
    _recount(touched, touched_languages, touched_credits)


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """The tables anew from every published record; returns the member rows written."""
    CoverageCount.objects.all().delete()
    CoverageLanguageCount.objects.all().delete()
    CoverageCreditCount.objects.all().delete()
    CoverageMember.objects.all().delete()
    CoverageCredit.objects.all().delete()
    CoverageLanguage.objects.all().delete()
    schemes = _axis_schemes()
    classes = _Classes()
    ids = list(
        Record.objects.filter(status=Record.Status.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    written = 0
    for done, chunk in enumerate(_chunks(ids), 1):
        members, credits, languages = _derived_rows(chunk, schemes, classes)
        _insert(CoverageMember, members)
        _insert(CoverageCredit, credits)
        _insert(CoverageLanguage, languages)
        written += len(members)
        if progress:
            progress(min(done * CHUNK, len(ids)))
    _recount_all()
    return written


def _position() -> int | None:
    return IndexCursor.objects.filter(name=CURSOR).values_list("position", flat=True).first()


def _high_water() -> int:
    return IndexOutbox.objects.aggregate(m=Max("id"))["m"] or 0


def pending() -> bool:
    """Whether the tables are behind the outbox (or were never built)."""
    position = _position()
    return position is None or _high_water() > position


def sync(batch_size: int = 5000) -> int:
    """Bring the tables up to the outbox; return the outbox rows applied (-1: rebuilt).

    Cheap when nothing changed (two reads). Otherwise one writer at a time: the cursor row
    is locked first (PostgreSQL; SQLite's immediate transactions serialise writers)."""
    if not pending():
        return 0
    with transaction.atomic():
        IndexCursor.objects.get_or_create(name=CURSOR, defaults={"position": -1})
        cursor = IndexCursor.objects.select_for_update().get(name=CURSOR)
        high = _high_water()
        if cursor.position < 0:
            written = rebuild()
            logger.info("coverage tables rebuilt: %d member rows", written)
            cursor.position = high
            cursor.save(update_fields=["position", "updated_at"])
            return -1
        applied = 0
        while True:
            rows = list(
                IndexOutbox.objects.filter(id__gt=cursor.position)
                .order_by("id")
                .values_list("id", "record_id")[:batch_size]
            )
            if not rows:
                break
            apply(record_id for _id, record_id in rows)
            cursor.position = rows[-1][0]
            applied += len(rows)
        cursor.save(update_fields=["position", "updated_at"])
        return applied
