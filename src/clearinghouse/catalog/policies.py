"""The one access policy for records and their files (C10).

Every surface asks this module: detail pages (``can_view``), lists and exports
(``filter_records``), the search engines (``access_filter``, compiled inside
the engine query so facet counts never reveal hidden records) and downloads
(``can_download``). The rule itself is written once, in ``AccessFilter``.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from clearinghouse.core.policy import Actor
from clearinghouse.search.types import AccessFields, AccessFilter

from .models import Record, RecordFile

STAFF_STATUSES = frozenset(s.value for s in Record.Status)


def access_filter(actor: Actor, now: dt.datetime | None = None) -> AccessFilter:
    """Which records ``actor`` may see, as data every backend can compile."""
    now = now or timezone.now()
    if actor.is_staff:
        return AccessFilter(now=now, allow_all=True, statuses=STAFF_STATUSES)
    tiers = {Record.Tier.PUBLIC.value}
    if actor.is_registered:
        tiers.add(Record.Tier.REGISTERED.value)
    return AccessFilter(
        now=now,
        statuses=frozenset({Record.Status.PUBLISHED.value}),
        tiers=frozenset(tiers),
        group_ids=actor.group_ids,
    )


def _q(rule: AccessFilter) -> Q:
    if rule.allow_all:
        return Q()
    visible = Q(status__in=rule.statuses) & (
        Q(embargo_until__isnull=True) | Q(embargo_until__lte=rule.now)
    )
    tier = Q(access_tier__in=rule.tiers)
    if rule.group_ids:
        tier |= Q(access_tier=Record.Tier.RESTRICTED, access_groups__in=list(rule.group_ids))
    return visible & tier


def filter_records(actor: Actor, queryset: QuerySet[Record] | None = None) -> QuerySet[Record]:
    """``queryset`` narrowed to what ``actor`` may see."""
    queryset = Record.objects.all() if queryset is None else queryset
    rule = access_filter(actor)
    if rule.allow_all:
        return queryset
    narrowed = queryset.filter(_q(rule))
    if rule.group_ids:
        narrowed = narrowed.distinct()
    return narrowed


def record_access_fields(record: Record) -> AccessFields:
    group_ids = tuple(sorted(g.pk for g in record.access_groups.all()))
    return AccessFields(
        tier=record.access_tier,
        status=record.status,
        groups=group_ids,
        embargo_until=record.embargo_until,
    )


def can_view(actor: Actor, record: Record) -> bool:
    return access_filter(actor).allows(record_access_fields(record))


def can_download(actor: Actor, record_file: RecordFile) -> bool:
    """A file is visible when its record is, and its own tier (if stricter) allows it."""
    record = record_file.record
    if not can_view(actor, record):
        return False
    if record_file.access_tier == RecordFile.Tier.INHERIT:
        return True
    fields = record_access_fields(record)
    own = AccessFields(
        tier=record_file.access_tier,
        status=fields.status,
        groups=fields.groups,
        embargo_until=fields.embargo_until,
    )
    return access_filter(actor).allows(own)


def visible_files(actor: Actor, record: Record) -> list[RecordFile]:
    return [f for f in record.files.all() if can_download(actor, f)]
