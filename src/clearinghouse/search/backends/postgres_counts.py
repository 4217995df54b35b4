"""Facet counts kept per access class, for the PostgreSQL backend's browsing without a query.

An *access class* is one combination of the access columns (status, tier, groups, embargo);
every row of the search table names its class. ``search_class_count`` holds, per class, how
many rows it has (facet id ``TOTAL``) and how many hold each facet value. A browse with neither
text nor filters then sums the counts of the classes the viewer's access rule admits (the rule
of the search statement, applied to a handful of class rows) instead of unnesting the facet
arrays of every visible row: 382 ms p50 at 100,000 records became a few milliseconds.

Writers keep the counts in the transaction that changes the rows: what a batch's rows held
is subtracted before they change and what they hold is added after. Writers take
``WRITER_LOCK`` first, so two of them never both subtract the same old row. A rebuild
recounts in one pass instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

TABLE = "search_document"
CLASS_TABLE = "search_access_class"
COUNT_TABLE = "search_class_count"
TOTAL = 0  # the facet id under which a class's number of rows is kept (facet ids start at 1)
# pg_advisory_xact_lock key of the search table's writers ("search" in ASCII).
WRITER_LOCK = 0x736561726368

_CLASS_KEY = "(status, tier, groups, coalesce(embargo_until, '-infinity'::timestamptz))"

DDL: list[str] = [
    f"""CREATE TABLE IF NOT EXISTS {CLASS_TABLE} (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    status text NOT NULL,
    tier text NOT NULL,
    groups bigint[] NOT NULL,
    embargo_until timestamptz
)""",
    f"CREATE UNIQUE INDEX IF NOT EXISTS {CLASS_TABLE}_key ON {CLASS_TABLE} {_CLASS_KEY}",
    f"""CREATE TABLE IF NOT EXISTS {COUNT_TABLE} (
    class_id integer NOT NULL,
    facet_id integer NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (class_id, facet_id)
)""",
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS access_class integer",
]

NUMBER_CLASS_SQL = (
    f"INSERT INTO {CLASS_TABLE} (status, tier, groups, embargo_until)"  # noqa: S608 -- constant
    " VALUES (%s, %s, %s::bigint[], %s::timestamptz)"
    f" ON CONFLICT {_CLASS_KEY} DO NOTHING"
)
# The class of a row being upserted, numbered just before by ``number_classes``.
CLASS_ID_SQL = (
    f"(SELECT c.id FROM {CLASS_TABLE} c WHERE c.status = %(status)s"  # noqa: S608 -- constant
    " AND c.tier = %(tier)s AND c.groups = %(groups)s::bigint[]"
    " AND c.embargo_until IS NOT DISTINCT FROM %(embargo_until)s::timestamptz)"
)
_ADJUST_SQL = (
    f"INSERT INTO {COUNT_TABLE} (class_id, facet_id, n)"  # noqa: S608 -- constants
    " SELECT d.access_class, f.id, {sign} count(*)"
    f" FROM {TABLE} d, unnest(d.facet_ids || {TOTAL}) AS f (id)"
    " WHERE d.record_id = ANY(%s::bigint[]) GROUP BY 1, 2 ORDER BY 1, 2"
    f" ON CONFLICT (class_id, facet_id) DO UPDATE SET n = {COUNT_TABLE}.n + EXCLUDED.n"
)
RECOUNT: list[str] = [
    f"DELETE FROM {COUNT_TABLE}",  # noqa: S608 -- constants
    f"INSERT INTO {CLASS_TABLE} (status, tier, groups, embargo_until)"  # noqa: S608
    f" SELECT DISTINCT status, tier, groups, embargo_until FROM {TABLE}"
    " WHERE access_class IS NULL"
    f" ON CONFLICT {_CLASS_KEY} DO NOTHING",
    f"UPDATE {TABLE} d SET access_class = c.id FROM {CLASS_TABLE} c"  # noqa: S608
    " WHERE d.access_class IS NULL AND c.status = d.status AND c.tier = d.tier"
    " AND c.groups = d.groups AND c.embargo_until IS NOT DISTINCT FROM d.embargo_until",
    f"INSERT INTO {COUNT_TABLE} (class_id, facet_id, n)"  # noqa: S608
    " SELECT d.access_class, f.id, count(*)"
    f" FROM {TABLE} d, unnest(d.facet_ids || {TOTAL}) AS f (id) GROUP BY 1, 2",
    f"DELETE FROM {CLASS_TABLE} c WHERE NOT EXISTS"  # noqa: S608
    f" (SELECT 1 FROM {TABLE} d WHERE d.access_class = c.id)",
]


def lock_writers(cursor: Any) -> None:
    """Serialise the search table's writers until the transaction ends."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITER_LOCK])


def number_classes(cursor: Any, rows: Iterable[dict[str, Any]]) -> None:
    """Number the access classes of ``rows`` (``document_row`` dicts), sorted: no deadlock."""
    keys = {
        (row["status"], row["tier"], tuple(row["groups"]), row["embargo_until"]) for row in rows
    }
    ordered = sorted(keys, key=lambda k: (k[0], k[1], k[2], k[3] is not None, k[3] or 0))
    cursor.executemany(NUMBER_CLASS_SQL, [(s, t, list(g), e) for s, t, g, e in ordered])


def adjust(cursor: Any, record_ids: list[int], sign: int) -> None:
    """Add (``sign`` 1) or subtract (-1) what the rows of ``record_ids`` hold now."""
    if record_ids:
        cursor.execute(_ADJUST_SQL.format(sign="" if sign > 0 else "-"), [record_ids])


def recount(cursor: Any) -> None:
    """Number the classes of rows that have none, and count everything again."""
    for statement in RECOUNT:
        cursor.execute(statement)


def needs_recount(cursor: Any) -> bool:
    """Whether rows without a class exist (a table filled before the counts were kept)."""
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {TABLE} WHERE access_class IS NULL)")  # noqa: S608
    return bool(cursor.fetchone()[0])
