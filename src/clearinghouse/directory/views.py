"""Roster pages: the list, one organisation or person, matching, and staff curation."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clearinghouse.catalog.models import RecordCreator
from clearinghouse.core.policy import Actor, actor_from_request
from clearinghouse.vocabularies.lookups import vocabulary_cache

from .matching import match, names_of
from .models import Agent, Discipline, LanguageLevel, OrgRole
from .params import need_from
from .params import text_param as _text
from .policies import can_curate
from .selectors import (
    ROSTER_PAGE,
    RosterFilters,
    agent_detail,
    duplicate_candidates,
    material_counts,
    roster,
)
from .services import MergeError, agent_merge, expert_erase, expert_export

CREDIT_ROLES = dict(RecordCreator.Role.choices)


def _label(scheme: str, code: str, language: str) -> str:
    return vocabulary_cache.label(scheme, code, language)


def profile_labels(agent: Agent, language: str) -> dict[str, list[str]]:
    """The roster profile's codes as labels in the UI language."""
    levels = dict(LanguageLevel.choices)
    return {
        "disciplines": [str(dict(Discipline.choices).get(c, c)) for c in agent.disciplines],
        "roles": [str(dict(OrgRole.choices).get(c, c)) for c in agent.roles],
        "topics": [_label("topic", c, language) for c in agent.topics],
        "audiences": [_label("audience", c, language) for c in agent.audiences],
        "regions": [_label("region", c, language) for c in agent.regions],
        "countries": [_label("country", c, language) for c in agent.countries],
        "languages": [
            f"{_label('language', i.get('code', ''), language)} ({levels.get(i.get('level'), '')})"
            for i in agent.languages
            if isinstance(i, dict)
        ],
    }


def _choices(scheme: str, language: str) -> list[tuple[str, str]]:
    return sorted(
        ((c, _label(scheme, c, language)) for c in vocabulary_cache.codes(scheme)),
        key=lambda item: item[1].casefold(),
    )


def roster_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    params = request.GET
    filters = RosterFilters(
        kind=_text(params, "kind", 20),
        q=_text(params, "q", 200),
        org_type=_text(params, "type", 40),
        role=_text(params, "role", 40),
        discipline=_text(params, "discipline", 40),
        topic=_text(params, "topic", 60),
        audience=_text(params, "audience", 60),
        language=_text(params, "language", 8),
        country=_text(params, "country", 8).upper(),
        available=params.get("available") == "1",
    )
    page = Paginator(roster(actor, filters), ROSTER_PAGE).get_page(params.get("page"))
    agents = list(page.object_list)
    counts = material_counts(actor, agents)
    language = get_language()
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/roster.html",
        {
            "page": page,
            "rows": [(a, counts.get(a.pk, 0), profile_labels(a, language)) for a in agents],
            "filters": filters,
            "query": query.urlencode(),
            "kinds": Agent.Kind.choices,
            "org_types": Agent.OrgType.choices,
            "roles": OrgRole.choices,
            "disciplines": Discipline.choices,
            "topics": _choices("topic", language),
            "audiences": _choices("audience", language),
        },
    )


def agent_page(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    actor = actor_from_request(request)
    detail = agent_detail(actor, pk)
    if detail is None or detail.agent.kind != kind:
        raise Http404(_("No such person or organisation."))
    language = get_language()
    return render(
        request,
        "directory/agent.html",
        {
            "d": detail,
            "a": detail.agent,
            "labels": profile_labels(detail.agent, language),
            "name": detail.agent.display_name(language),
            "materials": [
                (r, r.text_for(language), CREDIT_ROLES.get(role, role))
                for r, role in detail.materials
            ],
            "may_curate": can_curate(actor),
        },
    )


def match_page(request: HttpRequest) -> HttpResponse:
    """Anyone may match: every proposal is drawn from what the actor may see, and a team
    member is shown with public fields only (contact details stay on the person's page)."""
    actor = actor_from_request(request)
    language = get_language()
    asked = any(request.GET.get(k) for k in ("audience", "topic", "language", "country", "mission"))
    result = match(actor, need_from(request.GET)) if asked else None
    return render(
        request,
        "directory/match.html",
        {
            "result": result,
            "materials": [(p, p.item.text_for(language)) for p in result.materials]
            if result
            else [],
            "topics": _choices("topic", language),
            "audiences": _choices("audience", language),
            "purposes": _choices("purpose", language),
            "disciplines": Discipline.choices,
            "missions": Agent.objects.filter(org_type=Agent.OrgType.MISSION).order_by("name"),
            "params": request.GET,
            "chosen": {k: request.GET.getlist(k) for k in ("topic", "audience", "discipline")},
            "uncovered": ", ".join(
                filter(
                    None,
                    [
                        names_of("discipline", set(result.uncovered_disciplines)),
                        names_of("language", set(result.uncovered_languages)),
                    ],
                )
            )
            if result
            else "",
        },
    )


# --- staff ---------------------------------------------------------------------------------


def _curator(request: HttpRequest) -> Actor:
    actor = actor_from_request(request)
    if not can_curate(actor):
        raise Http404
    return actor


def duplicates(request: HttpRequest) -> HttpResponse:
    _curator(request)
    return render(request, "directory/duplicates.html", {"candidates": duplicate_candidates()})


def _agent(pk) -> Agent:
    agent = Agent.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if agent is None:
        raise Http404
    return agent


@require_POST
def merge(request: HttpRequest) -> HttpResponse:
    actor = _curator(request)
    keep, merged = _agent(request.POST.get("keep")), _agent(request.POST.get("merged"))
    try:
        agent_merge(actor=actor, keep=keep, merged=merged)
    except MergeError as error:
        return render(
            request,
            "directory/duplicates.html",
            {"candidates": duplicate_candidates(), "error": str(error)},
            status=400,
        )
    return redirect(keep.get_absolute_url())


def export(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _curator(request)
    person = _agent(pk)
    data = expert_export(actor=actor, expert=person)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _curator(request)
    person = _agent(pk)
    reason = request.POST.get("reason", "").strip()[:300]
    if not reason or not person.is_person:
        return HttpResponse(_("Give the reason for the erasure."), status=400)
    kept = expert_erase(actor=actor, expert=person, reason=reason)
    return redirect(kept.get_absolute_url()) if kept else redirect("directory:roster")
