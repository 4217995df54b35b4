"""REST API v1 for the roster: experts (public fields; private ones only for those the
policy allows) and matching. Mounted by ``api/urls.py``; described in ``api/openapi_*``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from clearinghouse.api.base import (
    ApiError,
    api_actor,
    api_endpoint,
    json_response,
    page_params,
    paged,
    query_text,
)

from .matching import match
from .models import Agent, PrivateContact
from .params import need_from
from .policies import filter_agents, may_see_private, private_of
from .selectors import RosterFilters, roster

PRIVATE_FIELDS = ("email", "phone", "address", "notes")


def expert_json(person: Agent, private: PrivateContact | None = None) -> dict:
    """The public profile; ``private`` only when the policy gave it (``private_of``)."""
    data = {
        "key": person.key,
        "name": person.name,
        "names": person.names,
        "title": person.title,
        "affiliation": person.affiliation.key if person.affiliation_id else None,
        "city": person.city,
        "country": person.country,
        "disciplines": person.disciplines,
        "topics": person.topics,
        "audiences": person.audiences,
        "languages": person.languages,
        "regions": person.regions,
        "available_as_trainer": person.available_as_trainer,
        "sample_profile": person.profile_is_sample,
        "url": person.get_absolute_url(),
    }
    if private is not None:
        data["private"] = {name: getattr(private, name) for name in PRIVATE_FIELDS}
    return data


@api_endpoint("GET")
def experts(request: HttpRequest) -> HttpResponse:
    actor = api_actor(request)
    page, size = page_params(request)
    filters = RosterFilters(
        kind=Agent.Kind.PERSON,
        q=query_text(request, "q"),
        discipline=query_text(request, "discipline", 40),
        topic=query_text(request, "topic", 60),
        audience=query_text(request, "audience", 60),
        language=query_text(request, "language", 8),
        country=query_text(request, "country", 8).upper(),
        available=request.GET.get("available") == "true",
    )
    people = roster(actor, filters)
    total = people.count()
    rows = list(people[(page - 1) * size : page * size])
    private = {}
    if may_see_private(actor):
        private = {p.person_id: p for p in PrivateContact.objects.filter(person__in=rows)}
    items = [expert_json(p, private.get(p.pk)) for p in rows]
    return json_response(paged(request, items, total, page, size))


@api_endpoint("GET")
def expert(request: HttpRequest, key: str) -> HttpResponse:
    actor = api_actor(request)
    person = (
        filter_agents(actor, Agent.objects.filter(kind=Agent.Kind.PERSON, key=key))
        .select_related("affiliation")
        .first()
    )
    if person is None:
        raise ApiError(404, "not_found", "No such expert.")
    return json_response(expert_json(person, private_of(actor, person)))


@api_endpoint("GET")
def match_need(request: HttpRequest) -> HttpResponse:
    """Materials, providers and a team; team members with public fields only."""
    actor = api_actor(request)
    need = need_from(request.GET)
    if not (need.audiences or need.topics or need.languages or need.country or need.mission):
        raise ApiError(
            400, "bad_request", "Give at least one of audience, topic, language, country."
        )
    result = match(actor, need)
    return json_response(
        {
            "materials": [
                {"id": p.item.pk, "score": p.score, "why": p.reasons} for p in result.materials
            ],
            "providers": [
                {"key": p.item.key, "name": p.item.name, "score": p.score, "why": p.reasons}
                for p in result.providers
            ],
            "team": [
                {**expert_json(p.item), "score": p.score, "why": p.reasons} for p in result.team
            ],
            "uncovered": {
                "disciplines": result.uncovered_disciplines,
                "languages": result.uncovered_languages,
            },
        }
    )
