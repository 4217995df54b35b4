"""The one access policy for records and their files (C10).

Every rule is written once and answers two ways: for one object ("may this
actor see / download / edit this?") and as a filter ("which rows?"). Reads:
``access_filter`` is data every search backend compiles into its engine query
(so totals and facet counts never reveal hidden records), ``filter_records``
is the same rule as a queryset filter, ``can_view`` / ``can_download`` check
one record or file. Writes: ``can_submit``, ``can_edit`` / ``filter_editable``,
``can_publish`` and ``can_change_access``. Deny by default throughout.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from clearinghouse.core.policy import ANONYMOUS, Actor
from clearinghouse.search.types import AccessFields, AccessFilter

from .models import Record, RecordFile

STAFF_STATUSES = frozenset(s.value for s in Record.Status)
#: States in which a partner may still edit its own submission.
PARTNER_EDITABLE = frozenset({Record.Status.DRAFT.value, Record.Status.IN_REVIEW.value})
#: Tiers from the most open to the most closed (a file can only be stricter than its record).
TIER_ORDER = (Record.Tier.PUBLIC.value, Record.Tier.REGISTERED.value, Record.Tier.RESTRICTED.value)
QUARANTINED = "quarantined"


# --- reading: records --------------------------------------------------------------------


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
        group_ids=actor.group_ids if actor.is_registered else frozenset(),
        record_ids=actor.record_ids,
    )


def _q(rule: AccessFilter) -> Q:
    if rule.allow_all:
        return Q()
    visible = Q(status__in=rule.statuses) & (
        Q(embargo_until__isnull=True) | Q(embargo_until__lte=rule.now)
    )
    tier = Q(access_tier__in=rule.tiers)
    if rule.group_ids:
        # A subquery, not a join: no duplicate rows, no DISTINCT, counts stay exact.
        in_group = Record.access_groups.through.objects.filter(
            group_id__in=list(rule.group_ids)
        ).values("record_id")
        tier |= Q(access_tier=Record.Tier.RESTRICTED, pk__in=in_group)
    rule_q = visible & tier
    if rule.record_ids:
        rule_q |= Q(pk__in=list(rule.record_ids))
    return rule_q


def filter_records(actor: Actor, queryset: QuerySet[Record] | None = None) -> QuerySet[Record]:
    """``queryset`` narrowed to what ``actor`` may see."""
    queryset = Record.objects.all() if queryset is None else queryset
    rule = access_filter(actor)
    if rule.allow_all:
        return queryset
    return queryset.filter(_q(rule))


def record_access_fields(record: Record) -> AccessFields:
    group_ids = tuple(sorted(g.pk for g in record.access_groups.all()))
    return AccessFields(
        tier=record.access_tier,
        status=record.status,
        groups=group_ids,
        embargo_until=record.embargo_until,
        record_id=record.pk,
    )


def can_view(actor: Actor, record: Record) -> bool:
    return access_filter(actor).allows(record_access_fields(record))


# --- reading: files ----------------------------------------------------------------------


def file_access_fields(record_file: RecordFile) -> AccessFields:
    """The file's own access: its tier if set (else the record's), the later embargo."""
    record = record_file.record
    fields = record_access_fields(record)
    tier = fields.tier
    if record_file.access_tier != RecordFile.Tier.INHERIT:
        tier = max(tier, record_file.access_tier, key=TIER_ORDER.index)
    embargo = fields.embargo_until
    if record_file.embargo_until and (embargo is None or record_file.embargo_until > embargo):
        embargo = record_file.embargo_until
    return AccessFields(
        tier=tier,
        status=fields.status,
        groups=fields.groups,
        embargo_until=embargo,
        record_id=record.pk,
    )


def is_quarantined(record_file: RecordFile) -> bool:
    return record_file.blob.extraction_status == QUARANTINED


def can_download(actor: Actor, record_file: RecordFile) -> bool:
    """A file is downloadable when its record is visible, its own tier and embargo allow it,
    and (for everyone but staff) ingestion did not quarantine it."""
    if actor.is_staff:
        return True
    if is_quarantined(record_file) or not can_view(actor, record_file.record):
        return False
    return access_filter(actor).allows(file_access_fields(record_file))


def is_public_file(record_file: RecordFile) -> bool:
    """Anyone may download it: its downloads are not audited."""
    return can_download(ANONYMOUS, record_file)


def visible_files(actor: Actor, record: Record) -> list[RecordFile]:
    return [f for f in record.files.all() if can_download(actor, f)]


def withheld_file_count(actor: Actor, record: Record) -> int:
    """Files of a visible record the actor may not download (they may request access)."""
    return sum(
        1 for f in record.files.all() if not is_quarantined(f) and not can_download(actor, f)
    )


def indexable_files(record: Record) -> list[RecordFile]:
    """Files whose text may be searched as part of the record: never stricter than it.

    A restricted file of a public record must not make the record findable by the
    words of that file, so its text stays out of the index (and out of snippets).
    """
    chosen = []
    for record_file in record.files.all():
        if is_quarantined(record_file):
            continue
        own = file_access_fields(record_file)
        if own.tier == record.access_tier and own.embargo_until == record.embargo_until:
            chosen.append(record_file)
    return chosen


# --- writing -----------------------------------------------------------------------------


def can_submit(actor: Actor) -> bool:
    """Staff and partner contributors (for their organisation) may submit records."""
    return actor.is_staff or actor.is_partner


def can_edit(actor: Actor, record: Record) -> bool:
    """Staff edit anything; a partner only its own organisation's records still in review."""
    if actor.is_staff:
        return True
    return (
        actor.is_partner
        and record.owner_organisation_id == actor.organisation_id
        and record.status in PARTNER_EDITABLE
    )


def filter_editable(actor: Actor, queryset: QuerySet[Record] | None = None) -> QuerySet[Record]:
    """The records ``can_edit`` allows, as a queryset."""
    queryset = Record.objects.all() if queryset is None else queryset
    if actor.is_staff:
        return queryset
    if not actor.is_partner:
        return queryset.none()
    return queryset.filter(owner_organisation_id=actor.organisation_id, status__in=PARTNER_EDITABLE)


def filter_submissions(actor: Actor, queryset: QuerySet[Record] | None = None) -> QuerySet[Record]:
    """A partner's own organisation's records, every state but withdrawn (its contributions)."""
    queryset = Record.objects.all() if queryset is None else queryset
    if not actor.is_partner:
        return queryset.none()
    return queryset.filter(owner_organisation_id=actor.organisation_id).exclude(
        status=Record.Status.WITHDRAWN
    )


def can_publish(actor: Actor, record: Record) -> bool:
    """Only analysts and administrators move a record's status (publish, withdraw)."""
    return actor.is_staff


def can_change_access(actor: Actor, record: Record) -> bool:
    """Only analysts and administrators change tiers, groups and embargoes."""
    return actor.is_staff
