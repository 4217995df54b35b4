"""Matching a training need to materials, providers and a briefing team (C8).

Pure scoring over data read through the policies; every proposal carries its reasons.
The weights are documented in docs/roster.md — change both together.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from clearinghouse.catalog.models import Record, RecordCreator
from clearinghouse.catalog.policies import filter_records
from clearinghouse.core.policy import Actor
from clearinghouse.vocabularies.lookups import vocabulary_cache

from .models import Agent, Discipline
from .policies import filter_agents

#: The report's briefing team: law enforcement, prosecution, NGOs, military "and others".
DEFAULT_DISCIPLINES = (
    Discipline.LAW_ENFORCEMENT.value,
    Discipline.PROSECUTION.value,
    Discipline.NGO.value,
    Discipline.MILITARY.value,
)
#: Credit roles that make an organisation a provider of a material.
PROVIDER_ROLES = (
    RecordCreator.Role.PROVIDER,
    RecordCreator.Role.CORPORATE_AUTHOR,
    RecordCreator.Role.AUTHOR,
    RecordCreator.Role.PUBLISHER,
    RecordCreator.Role.ORGANISER,
)
#: Language levels good enough to teach in.
TEACHING_LEVELS = frozenset({"native", "fluent", "working"})
#: Records read as candidates for one need (the best of them are shown).
CANDIDATE_LIMIT = 2000

# Weights (docs/roster.md).
W_TOPIC, W_AUDIENCE, W_LANGUAGE, W_PLACE, W_PURPOSE, W_TRAINING = 3, 2, 2, 1, 1, 1
W_NEW_DISCIPLINE, W_NEW_LANGUAGE, W_SAME_ORGANISATION, W_AUTHORED = 6, 4, 3, 0.5


@dataclass
class Need:
    audiences: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    country: str = ""
    #: A mission's directory key: its countries of work join ``country``.
    mission: str = ""
    purpose: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    team_size: int = 6
    disciplines: list[str] = field(default_factory=lambda: list(DEFAULT_DISCIPLINES))


@dataclass
class Proposal:
    item: object
    score: float
    reasons: list[str]


@dataclass
class Match:
    need: Need
    countries: list[str]
    materials: list[Proposal]
    providers: list[Proposal]
    team: list[Proposal]
    #: Required disciplines and languages the team does not cover.
    uncovered_disciplines: list[str]
    uncovered_languages: list[str]


def match(actor: Actor, need: Need, *, materials: int = 10, providers: int = 10) -> Match:
    countries = _countries(need)
    scored = _score_materials(actor, need, countries)
    team, missing_d, missing_l = propose_team(actor, need, countries, scored)
    return Match(
        need=need,
        countries=countries,
        materials=scored[:materials],
        providers=_rank_providers(actor, need, countries, scored)[:providers],
        team=team,
        uncovered_disciplines=missing_d,
        uncovered_languages=missing_l,
    )


def _countries(need: Need) -> list[str]:
    found = [need.country.upper()] if need.country else []
    if need.mission:
        mission = Agent.objects.filter(key=need.mission).first()
        if mission is not None:
            found += [c.upper() for c in [mission.country, *mission.countries] if c]
    return list(dict.fromkeys(found))


# --- materials ---------------------------------------------------------------------------


def _score_materials(actor: Actor, need: Need, countries: list[str]) -> list[Proposal]:
    """Visible records sharing at least one topic or audience with the need, scored."""
    wanted = Q(scheme_id="topic", code__in=need.topics) | Q(
        scheme_id="audience", code__in=need.audiences
    )
    candidates = (
        filter_records(actor, Record.objects.filter(concepts__in=_concepts(wanted)).distinct())
        .prefetch_related("texts", "concepts")
        .order_by("-year", "pk")[:CANDIDATE_LIMIT]
    )
    proposals = []
    for record in candidates:
        codes: dict[str, set[str]] = defaultdict(set)
        for concept in record.concepts.all():
            codes[concept.scheme_id].add(concept.code)
        languages = {t.language.split("-")[0] for t in record.texts.all()} | codes["language"]
        reasons, score = [], 0.0
        for message, scheme, weight, shared in (
            (_("topics: %(names)s"), "topic", W_TOPIC, codes["topic"] & set(need.topics)),
            (
                _("audiences: %(names)s"),
                "audience",
                W_AUDIENCE,
                codes["audience"] & set(need.audiences),
            ),
            (_("languages: %(names)s"), "language", W_LANGUAGE, languages & set(need.languages)),
            (_("countries: %(names)s"), "country", W_PLACE, codes["country"] & set(countries)),
        ):
            if shared:
                score += weight * len(shared)
                reasons.append(message % {"names": names_of(scheme, shared)})
        if need.purpose and need.purpose in codes["purpose"]:
            score += W_PURPOSE
            reasons.append(_("purpose: %(names)s") % {"names": names_of("purpose", {need.purpose})})
        if record.kind == Record.Kind.TRAINING_MATERIAL:
            score += W_TRAINING
            reasons.append(_("a training material"))
        proposals.append(Proposal(record, score, reasons))
    proposals.sort(key=lambda p: (-p.score, -(p.item.year or 0), p.item.pk))
    return proposals


def names_of(scheme: str, codes: set[str]) -> str:
    """Codes as labels in the active UI language, for the reasons a proposal gives."""
    if scheme == "discipline":
        labels = [str(Discipline(c).label) if c in Discipline.values else c for c in codes]
    else:
        language = get_language() or "en"
        labels = [vocabulary_cache.label(scheme, c, language) for c in codes]
    return ", ".join(sorted(labels))


def _concepts(where: Q):
    from clearinghouse.vocabularies.models import Concept

    return Concept.objects.filter(where)


# --- providers ---------------------------------------------------------------------------


def _rank_providers(
    actor: Actor, need: Need, countries: list[str], materials: list[Proposal]
) -> list[Proposal]:
    """Organisations credited on matching materials, plus those whose roster profile fits."""
    by_record = {p.item.pk: p for p in materials if p.score > 0}
    credits = (
        RecordCreator.objects.filter(
            record_id__in=list(by_record),
            role__in=PROVIDER_ROLES,
            agent__kind=Agent.Kind.ORGANISATION,
        )
        .values_list("agent_id", "record_id")
        .distinct()
    )
    earned: dict[int, list[int]] = defaultdict(list)
    for agent_id, record_id in credits:
        earned[agent_id].append(record_id)
    profile = Q(pk__in=list(earned))
    for code in need.topics:
        profile |= Q(topics__icontains=f'"{code}"')
    organisations = filter_agents(
        actor, Agent.objects.filter(kind=Agent.Kind.ORGANISATION).filter(profile)
    ).exclude(org_type=Agent.OrgType.MISSION)
    proposals = []
    for org in organisations:
        records = earned.get(org.pk, [])
        score = sum(by_record[r].score for r in records) / max(1.0, math.sqrt(len(records)))
        reasons = []
        if records:
            reasons.append(
                ngettext(
                    "%(count)d matching material", "%(count)d matching materials", len(records)
                )
                % {"count": len(records)}
            )
        shared = set(org.topics) & set(need.topics)
        if shared:
            score += W_TOPIC * len(shared)
            reasons.append(_("works on: %(names)s") % {"names": names_of("topic", shared)})
        works_in = {c.upper() for c in [org.country, *org.countries] if c} & set(countries)
        if works_in:
            score += W_PLACE * 2
            reasons.append(_("works in: %(names)s") % {"names": names_of("country", works_in)})
        if "education" in org.roles:
            score += W_TRAINING
            reasons.append(_("provides education and training"))
        proposals.append(Proposal(org, round(score, 2), reasons))
    proposals.sort(key=lambda p: (-p.score, p.item.name))
    return [p for p in proposals if p.score > 0]


# --- the briefing team -------------------------------------------------------------------


def _available(person: Agent, need: Need) -> bool:
    if not person.available_as_trainer:
        return False
    if need.start is None:
        return True
    end = need.end or need.start
    for period in person.unavailable or []:
        try:
            begins, ends = (dt.date.fromisoformat(str(d)) for d in period)
        except (TypeError, ValueError):
            continue
        if begins <= end and need.start <= ends:
            return False
    return True


def _teaching_languages(person: Agent) -> set[str]:
    return {
        item.get("code", "")
        for item in person.languages
        if isinstance(item, dict) and item.get("level", "working") in TEACHING_LEVELS
    }


def organisation_of(person: Agent) -> Agent | None:
    """The top of the person's affiliation's hierarchy: balance counts whole organisations."""
    org, hops = person.affiliation, 0
    while org is not None and org.parent_id and hops < 10:
        org, hops = org.parent, hops + 1
    return org


def _base_score(
    person: Agent, need: Need, countries: list[str], authored: int
) -> tuple[float, list[str]]:
    score, reasons = 0.0, []
    for message, scheme, weight, shared in (
        (_("topics: %(names)s"), "topic", W_TOPIC, set(person.topics) & set(need.topics)),
        (
            _("audiences: %(names)s"),
            "audience",
            W_AUDIENCE,
            set(person.audiences) & set(need.audiences),
        ),
    ):
        if shared:
            score += weight * len(shared)
            reasons.append(message % {"names": names_of(scheme, shared)})
    if countries and person.country.upper() in countries:
        score += W_PLACE
        country = names_of("country", {person.country.upper()})
        reasons.append(_("based in %(names)s") % {"names": country})
    if authored:
        score += W_AUTHORED * min(authored, 4)
        reasons.append(
            ngettext(
                "authored %(count)d matching material",
                "authored %(count)d matching materials",
                authored,
            )
            % {"count": authored}
        )
    return score, reasons


def propose_team(
    actor: Actor, need: Need, countries: list[str], materials: list[Proposal]
) -> tuple[list[Proposal], list[str], list[str]]:
    """Greedy: each seat goes to the available person adding most, given the team so far.

    Gain = base score + W_NEW_DISCIPLINE per required discipline not yet covered
    + W_NEW_LANGUAGE per required language not yet covered − W_SAME_ORGANISATION per member
    already from their organisation; no organisation fills more than a third of the seats.
    """
    size = max(1, min(need.team_size, 20))
    people = [
        p
        for p in filter_agents(
            actor, Agent.objects.filter(kind=Agent.Kind.PERSON, available_as_trainer=True)
        ).select_related("affiliation__parent__parent")
        if _available(p, need)
    ]
    matching_ids = [p.item.pk for p in materials if p.score > 0]
    authored = Counter(
        RecordCreator.objects.filter(agent__in=people, record_id__in=matching_ids).values_list(
            "agent_id", flat=True
        )
    )
    cap = max(1, math.ceil(size / 3))
    need_d, need_l = set(need.disciplines), set(need.languages)
    team: list[Proposal] = []
    per_org: Counter[int] = Counter()
    covered_d: set[str] = set()
    covered_l: set[str] = set()
    pool = {p.pk: (p, *_base_score(p, need, countries, authored[p.pk])) for p in people}
    while len(team) < size and pool:
        best = None
        for pk, (person, base, reasons) in pool.items():
            org = organisation_of(person)
            if org is not None and per_org[org.pk] >= cap:
                continue
            new_d = (set(person.disciplines) & need_d) - covered_d
            new_l = (_teaching_languages(person) & need_l) - covered_l
            same = per_org[org.pk] if org is not None else 0
            gain = base + W_NEW_DISCIPLINE * len(new_d) + W_NEW_LANGUAGE * len(new_l)
            gain -= W_SAME_ORGANISATION * same
            key = (gain, -pk)
            if best is None or key > best[0]:
                why = list(reasons)
                if new_d:
                    why.insert(0, _("covers %(names)s") % {"names": names_of("discipline", new_d)})
                if new_l:
                    teaches = _("teaches in %(names)s") % {"names": names_of("language", new_l)}
                    why.insert(1 if new_d else 0, teaches)
                if same:
                    why.append(
                        ngettext(
                            "%(count)d other member from %(organisation)s",
                            "%(count)d other members from %(organisation)s",
                            same,
                        )
                        % {"count": same, "organisation": org.name}
                    )
                if not why:
                    why.append(_("available; adds depth, no further need covered"))
                best = (key, person, org, new_d, new_l, why)
        if best is None:
            break
        (gain, _pk), person, org, new_d, new_l, why = best
        team.append(Proposal(person, round(gain, 2), why))
        covered_d |= new_d
        covered_l |= new_l
        if org is not None:
            per_org[org.pk] += 1
        del pool[person.pk]
    return team, sorted(need_d - covered_d), sorted(need_l - covered_l)
