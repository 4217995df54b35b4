"""REST API v1, reading the reference data: vocabularies and organisations (public)."""

from __future__ import annotations

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse

from clearinghouse.directory.models import Agent
from clearinghouse.vocabularies.models import Concept, Scheme

from .base import ApiError, api_endpoint, json_response, page_params, paged, query_text


def _scheme_json(scheme: Scheme) -> dict:
    return {"id": scheme.id, "labels": scheme.labels, "url": f"/api/v1/vocabularies/{scheme.id}"}


def _concept_json(concept: Concept) -> dict:
    return {
        "code": concept.code,
        "scheme": concept.scheme_id,
        "labels": concept.labels,
        "alt_labels": concept.alt_labels,
        "scope_note": concept.scope_note,
        "broader": concept.broader.code if concept.broader_id else None,
    }


@api_endpoint("GET")
def vocabularies(request: HttpRequest) -> HttpResponse:
    return json_response({"results": [_scheme_json(s) for s in Scheme.objects.order_by("id")]})


@api_endpoint("GET")
def vocabulary(request: HttpRequest, scheme: str) -> HttpResponse:
    found = Scheme.objects.filter(pk=scheme).first()
    if found is None:
        raise ApiError(404, "not_found", "No such vocabulary.")
    page, size = page_params(request, default_size=100)
    concepts = Concept.objects.filter(scheme=found).select_related("broader")
    q = query_text(request, "q")
    if q:
        concepts = concepts.annotate(label_text=Cast("labels", TextField())).filter(
            Q(code__icontains=q) | Q(label_text__icontains=q)
        )
    total = concepts.count()
    items = [_concept_json(c) for c in concepts[(page - 1) * size : page * size]]
    return json_response({**_scheme_json(found), **paged(request, items, total, page, size)})


@api_endpoint("GET")
def concept(request: HttpRequest, scheme: str, code: str) -> HttpResponse:
    found = Concept.objects.select_related("broader").filter(scheme_id=scheme, code=code).first()
    if found is None:
        raise ApiError(404, "not_found", "No such concept.")
    return json_response(_concept_json(found))


def _organisation_json(agent: Agent) -> dict:
    return {
        "key": agent.key,
        "name": agent.name,
        "names": agent.names,
        "acronym": agent.acronym,
        "type": agent.org_type,
        "country": agent.country,
        "url": agent.url,
        "parent": agent.parent.key if agent.parent_id else None,
        "sample": agent.is_sample,
    }


@api_endpoint("GET")
def organisations(request: HttpRequest) -> HttpResponse:
    page, size = page_params(request)
    agents = Agent.objects.filter(kind=Agent.Kind.ORGANISATION).select_related("parent")
    q = query_text(request, "q")
    if q:
        agents = agents.filter(Q(name__icontains=q) | Q(acronym__icontains=q) | Q(key__icontains=q))
    for field, value in (
        ("org_type", query_text(request, "type", 40)),
        ("country", query_text(request, "country", 8)),
    ):
        if value:
            agents = agents.filter(**{field: value})
    total = agents.count()
    items = [
        _organisation_json(a)
        for a in agents.order_by("name", "pk")[(page - 1) * size : page * size]
    ]
    return json_response(paged(request, items, total, page, size))


@api_endpoint("GET")
def organisation(request: HttpRequest, key: str) -> HttpResponse:
    agent = (
        Agent.objects.select_related("parent").filter(kind=Agent.Kind.ORGANISATION, key=key).first()
    )
    if agent is None:
        raise ApiError(404, "not_found", "No such organisation.")
    return json_response(_organisation_json(agent))
