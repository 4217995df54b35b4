"""Every write to the roster: merge duplicates, export and erase a person (C8).

Each is one transaction with its audit row. Merging repoints every foreign key to the
merged agent generically (records' credits, owner organisations, accounts, affiliations,
members, children and whatever a later app adds), so no link is lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from clearinghouse.accounts.services.audit import audit_denied, audit_write
from clearinghouse.catalog.models import Record, RecordCreator
from clearinghouse.catalog.services import record_changed
from clearinghouse.core.policy import Actor

from .models import Affiliation, Agent, PrivateContact
from .policies import can_curate

#: List fields whose values are unions when two agents are merged.
UNION_FIELDS = ("countries", "roles", "disciplines", "topics", "audiences", "regions")
#: Scalar fields the kept agent takes from the merged one when it has none.
FILL_FIELDS = ("acronym", "org_type", "title", "city", "country", "url", "consent_date")
PRIVATE_FIELDS = ("email", "phone", "address", "notes")


class MergeError(ValueError):
    pass


def _refuse(actor: Actor, action: str, target: Any) -> None:
    if not can_curate(actor):
        raise audit_denied(actor=actor, action=action, target=target, summary="not allowed")


def agent_merge(*, actor: Actor, keep: Agent, merged: Agent) -> Agent:
    """Fold ``merged`` into ``keep``: every link to ``merged`` now points at ``keep``."""
    _refuse(actor, "directory.merge", keep)  # before the transaction: the refusal is kept
    return _merge(actor, keep, merged)


@transaction.atomic
def _merge(actor: Actor, keep: Agent, merged: Agent) -> Agent:
    if keep.pk == merged.pk:
        raise MergeError("an agent cannot be merged into itself")
    if keep.kind != merged.kind:
        raise MergeError("a person and an organisation cannot be merged")
    moved: dict[str, int] = {}
    for relation in Agent._meta.related_objects:
        if not (relation.one_to_many or relation.one_to_one):
            continue
        model, column = relation.related_model, relation.field.name
        if model is PrivateContact:
            continue
        count = model._default_manager.filter(**{column: merged}).update(**{column: keep})
        if count:
            moved[f"{model._meta.label_lower}.{column}"] = count
    _merge_private(keep, merged)
    _merge_profile(keep, merged)
    Affiliation.objects.filter(person=keep, organisation=keep).delete()
    touched = Record.objects.filter(creators__agent=keep).distinct()
    summary = f"merged {merged.key} ({merged.name}) into {keep.key}"
    for record in touched:
        record_changed(record=record, actor=actor, summary=summary)
    audit_write(
        actor=actor,
        action="directory.merge",
        target=keep,
        summary=summary,
        changes={"merged": {"id": merged.pk, "key": merged.key, "name": merged.name}, **moved},
    )
    merged.delete()
    return keep


def _merge_private(keep: Agent, merged: Agent) -> None:
    other = PrivateContact.objects.filter(person=merged).first()
    if other is None:
        return
    mine, _ = PrivateContact.objects.get_or_create(person=keep)
    for name in PRIVATE_FIELDS:
        theirs = getattr(other, name)
        if theirs and not getattr(mine, name):
            setattr(mine, name, theirs)
        elif theirs and theirs != getattr(mine, name) and name == "notes":
            mine.notes = f"{mine.notes}\n{theirs}"
    mine.save()
    other.delete()


def _merge_profile(keep: Agent, merged: Agent) -> None:
    for name in UNION_FIELDS:
        setattr(keep, name, list(dict.fromkeys([*getattr(keep, name), *getattr(merged, name)])))
    known = {item.get("code") for item in keep.languages}
    keep.languages = keep.languages + [i for i in merged.languages if i.get("code") not in known]
    keep.unavailable = keep.unavailable + [
        p for p in merged.unavailable if p not in keep.unavailable
    ]
    for name in FILL_FIELDS:
        if not getattr(keep, name) and getattr(merged, name):
            setattr(keep, name, getattr(merged, name))
    keep.names = {**merged.names, **keep.names}
    keep.available_as_trainer = keep.available_as_trainer or merged.available_as_trainer
    keep.consent_keep_authorship = keep.consent_keep_authorship or merged.consent_keep_authorship
    keep.profile_is_sample = keep.profile_is_sample or merged.profile_is_sample
    note = f"Merged with {merged.key} ({merged.name})."
    keep.provenance = f"{keep.provenance}\n{note}".strip()
    links = {}
    for name in ("affiliation_id", "parent_id"):
        # Never a link to itself or to the agent about to be deleted.
        current = getattr(keep, name)
        if current in (None, merged.pk, keep.pk):
            theirs = getattr(merged, name)
            links[name] = theirs if theirs not in (None, merged.pk, keep.pk) else None
    fields = [*UNION_FIELDS, *FILL_FIELDS, "languages", "unavailable", "names"]
    fields += ["available_as_trainer", "consent_keep_authorship", "profile_is_sample"]
    keep.save(update_fields=[*fields, "provenance"])
    if links:
        Agent.objects.filter(pk=keep.pk).update(**links)


def expert_export(*, actor: Actor, expert: Agent) -> dict[str, Any]:
    """Everything held on one person, as JSON-ready data (a subject access request)."""
    _refuse(actor, "directory.export", expert)
    private = PrivateContact.objects.filter(person=expert).first()
    data = {
        "exported_at": timezone.now().isoformat(),
        "person": {
            field.name: _jsonable(getattr(expert, field.attname))
            for field in Agent._meta.concrete_fields
        },
        "private": {name: getattr(private, name) for name in PRIVATE_FIELDS} if private else {},
        "affiliations": [
            {
                "organisation": a.organisation.key,
                "organisation_name": a.organisation.name,
                "title": a.title,
                "from": a.start,
                "until": a.end,
                "source": a.source,
            }
            for a in expert.affiliations.select_related("organisation")
        ],
        "credits": [
            {"record": c.record_id, "identifier": c.record.identifier, "role": c.role}
            for c in RecordCreator.objects.filter(agent=expert).select_related("record")
        ],
        "accounts": [p.user.get_username() for p in expert.accounts.select_related("user")],
    }
    audit_write(
        actor=actor, action="directory.export", target=expert, summary="personal data export"
    )
    return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def expert_erase(*, actor: Actor, expert: Agent, reason: str) -> Agent | None:
    """Erase a person on request: private details always; the public profile too; their
    authorship stays on the records only if they consented to that.

    Returns the kept (name-only) agent, or None when nothing of the person remains.
    """
    _refuse(actor, "directory.erase", expert)
    return _erase(actor, expert, reason)


@transaction.atomic
def _erase(actor: Actor, expert: Agent, reason: str) -> Agent | None:
    if not expert.is_person:
        raise MergeError("only people are erased; organisations are edited")
    PrivateContact.objects.filter(person=expert).delete()
    expert.affiliations.all().delete()
    credits = RecordCreator.objects.filter(agent=expert)
    record_ids = list(credits.values_list("record_id", flat=True).distinct())
    keep = expert.consent_keep_authorship and bool(record_ids)
    summary = f"erased on request: {reason}"[:300]
    audit_write(
        actor=actor,
        action="directory.erase",
        target=expert,
        summary=summary,
        changes={"kept_authorship": keep, "records": record_ids},
    )
    if not keep:
        credits.delete()
        for record in Record.objects.filter(pk__in=record_ids):
            record_changed(record=record, actor=actor, summary="creator erased on request")
        Agent.objects.filter(affiliation=expert).update(affiliation=None)
        expert.delete()
        return None
    blank = {
        field.name: field.get_default()
        for field in Agent._meta.concrete_fields
        if field.name not in {"id", "key", "kind", "name", "names", "consent_date",
                              "consent_keep_authorship", "erased_at"}
    }  # fmt: skip
    for name, value in blank.items():
        setattr(expert, name, value)
    expert.erased_at = timezone.now()
    expert.provenance = "Erased on request; the name is kept on authored materials by consent."
    expert.save()
    for record in Record.objects.filter(pk__in=record_ids):
        record_changed(record=record, actor=actor, summary="creator erased on request")
    return expert
