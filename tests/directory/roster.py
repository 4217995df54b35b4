"""A hand-built roster for the directory tests: organisations, people, credited records."""

from __future__ import annotations

import itertools

from clearinghouse.catalog.models import RecordCreator
from clearinghouse.catalog.services import record_changed
from clearinghouse.directory.models import Agent, PrivateContact
from tests.factories import make_record

_counter = itertools.count(1)


def org(name: str, *, parent: Agent | None = None, **fields) -> Agent:
    return Agent.objects.create(
        key=f"org-{next(_counter)}",
        kind=Agent.Kind.ORGANISATION,
        name=name,
        parent=parent,
        **fields,
    )


def person(
    name: str,
    *,
    affiliation: Agent | None = None,
    disciplines=(),
    languages=(),
    topics=(),
    audiences=(),
    available: bool = True,
    **fields,
) -> Agent:
    return Agent.objects.create(
        key=f"person-{next(_counter)}",
        kind=Agent.Kind.PERSON,
        name=name,
        affiliation=affiliation,
        disciplines=list(disciplines),
        languages=[
            {"code": code, "level": level}
            for code, level in (
                item.split(":") if ":" in item else (item, "fluent") for item in languages
            )
        ],
        topics=list(topics),
        audiences=list(audiences),
        available_as_trainer=available,
        **fields,
    )


def private(agent: Agent, **fields) -> PrivateContact:
    return PrivateContact.objects.create(person=agent, **fields)


def credit(record, agent: Agent, role: str = RecordCreator.Role.AUTHOR) -> None:
    RecordCreator.objects.create(record=record, agent=agent, role=role)
    record_changed(record=record, summary="credit")


def credited_record(title: str, agent: Agent, role: str = "provider", **kwargs):
    record = make_record(title, **kwargs)
    credit(record, agent, role)
    return record
