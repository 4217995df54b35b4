"""Reads of the roster for pages, the API and the CLI, always through the policies."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from clearinghouse.catalog.models import Record, RecordCreator
from clearinghouse.catalog.policies import filter_records
from clearinghouse.core.policy import Actor

from .models import Affiliation, Agent, PrivateContact
from .names import SIMILAR, name_key, similarity
from .policies import filter_agents, private_of

ROSTER_PAGE = 50


@dataclass
class RosterFilters:
    kind: str = ""
    q: str = ""
    org_type: str = ""
    role: str = ""
    discipline: str = ""
    topic: str = ""
    audience: str = ""
    language: str = ""
    country: str = ""
    region: str = ""
    available: bool = False


def _contains(field: str, value) -> Q:
    """A JSON list field contains ``value``: portable across SQLite and PostgreSQL."""
    return Q(**{f"{field}__icontains": f'"{value}"'})


def roster(actor: Actor, filters: RosterFilters) -> QuerySet[Agent]:
    """People and organisations ``actor`` may list, narrowed by ``filters``."""
    agents = filter_agents(actor).select_related("affiliation", "parent")
    if filters.kind in Agent.Kind.values:
        agents = agents.filter(kind=filters.kind)
    if filters.q:
        agents = agents.filter(
            Q(name__icontains=filters.q)
            | Q(acronym__icontains=filters.q)
            | Q(title__icontains=filters.q)
        )
    if filters.org_type:
        agents = agents.filter(org_type=filters.org_type)
    for field, value in (
        ("roles", filters.role),
        ("disciplines", filters.discipline),
        ("topics", filters.topic),
        ("audiences", filters.audience),
        ("regions", filters.region),
    ):
        if value:
            agents = agents.filter(_contains(field, value))
    if filters.language:
        agents = agents.filter(languages__icontains=f'"code": "{filters.language}"')
    if filters.country:
        agents = agents.filter(Q(country=filters.country) | _contains("countries", filters.country))
    if filters.available:
        agents = agents.filter(available_as_trainer=True)
    return agents.order_by("name", "pk")


@dataclass
class AgentDetail:
    agent: Agent
    #: (record, role) pairs of the records the actor may see, newest first.
    materials: list[tuple[Record, str]]
    affiliations: list[Affiliation]
    members: list[Agent]
    children: list[Agent]
    private: PrivateContact | None


def agent_detail(actor: Actor, pk: int) -> AgentDetail | None:
    agent = filter_agents(actor, Agent.objects.filter(pk=pk)).select_related(
        "affiliation", "parent"
    )
    agent = agent.first()
    if agent is None:
        return None
    return AgentDetail(
        agent=agent,
        materials=materials_of(actor, agent),
        affiliations=list(agent.affiliations.select_related("organisation")),
        members=list(filter_agents(actor, agent.members.all())),
        children=list(filter_agents(actor, agent.children.all())),
        private=private_of(actor, agent) if agent.is_person else None,
    )


def materials_of(actor: Actor, agent: Agent, limit: int = 200) -> list[tuple[Record, str]]:
    """The records crediting ``agent`` that ``actor`` may see (through catalog.policies)."""
    credits = RecordCreator.objects.filter(agent=agent)
    visible = (
        filter_records(actor, Record.objects.filter(pk__in=credits.values("record_id")))
        .prefetch_related("texts")
        .order_by("-year", "pk")[:limit]
    )
    roles: dict[int, list[str]] = defaultdict(list)
    for record_id, role in credits.values_list("record_id", "role"):
        roles[record_id].append(role)
    return [(record, roles[record.pk][0]) for record in visible]


def material_counts(actor: Actor, agents: list[Agent]) -> dict[int, int]:
    """How many visible records credit each agent (one query)."""
    rows = (
        RecordCreator.objects.filter(
            agent__in=agents, record__in=filter_records(actor, Record.objects.all())
        )
        .values("agent_id")
        .annotate(n=Count("record_id", distinct=True))
    )
    return {row["agent_id"]: row["n"] for row in rows}


@dataclass
class DuplicateCandidate:
    first: Agent
    second: Agent
    score: float
    reason: str


def duplicate_candidates(limit: int = 200) -> list[DuplicateCandidate]:
    """Pairs of people, or of organisations, whose names are likely the same one.

    Names (and every per-language name) are compared on their keys (``names.name_key``:
    transliterated, folded, tokens sorted); blocking on each key token's first letters keeps
    the comparison near-linear on a large roster.
    """
    agents = list(
        Agent.objects.filter(erased_at__isnull=True).only(
            "id", "key", "kind", "name", "names", "acronym"
        )
    )
    spellings = {a.pk: {n for n in {a.name, *a.names.values()} if n} for a in agents}
    blocks: dict[tuple[str, str], set[int]] = defaultdict(set)
    by_id = {a.pk: a for a in agents}
    for agent in agents:
        for spelling in spellings[agent.pk]:
            for token in name_key(spelling).split():
                blocks[(agent.kind, token[:3])].add(agent.pk)
    seen: set[tuple[int, int]] = set()
    found: list[DuplicateCandidate] = []
    for members in blocks.values():
        if len(members) > 500:  # a very common prefix tells nothing
            continue
        ordered = sorted(members)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if (a, b) in seen:
                    continue
                seen.add((a, b))
                score, pair = max(
                    (similarity(x, y), (x, y)) for x in spellings[a] for y in spellings[b]
                )
                if score >= SIMILAR:
                    why = "same name key" if score == 1.0 else f"similar names ({score:.2f})"
                    found.append(
                        DuplicateCandidate(
                            by_id[a], by_id[b], score, f"{why}: {pair[0]} / {pair[1]}"
                        )
                    )
    found.sort(key=lambda c: (-c.score, c.first.name))
    return found[:limit]
