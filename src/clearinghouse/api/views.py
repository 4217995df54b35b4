"""REST API v1: records list/search and detail, with the portal's search service and policy."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import get_language_from_request

from clearinghouse.catalog.policies import visible_files
from clearinghouse.catalog.selectors import record_detail
from clearinghouse.core.policy import actor_from_request
from clearinghouse.dissemination.formats.record_json import record_full, record_summary
from clearinghouse.search.service import search_records
from clearinghouse.web.params import filters_from, int_param

from .openapi import openapi_document


def _language(request: HttpRequest) -> str:
    return request.GET.get("lang") or get_language_from_request(request) or "en"


def records(request: HttpRequest) -> JsonResponse:
    actor = actor_from_request(request)
    params = request.GET
    language = _language(request)
    outcome = search_records(
        actor=actor,
        q=params.get("q", "")[:2000],
        filters=filters_from(params),
        page=int_param(params, "page", 1),
        page_size=int_param(params, "page_size", 20),
        language=language,
        sort=params.get("sort", "relevance"),
    )
    return JsonResponse(
        {
            "query": outcome.query,
            "filters": [{"field": f, "value": v} for f, v in outcome.filters],
            "total": outcome.total,
            "page": outcome.page,
            "page_size": outcome.page_size,
            "hits": [
                {**record_summary(hit.record, language), "score": hit.score} for hit in outcome.hits
            ],
            "facets": {
                name: [{"value": v, "count": n} for v, n in values]
                for name, values in outcome.facets.items()
            },
        },
        json_dumps_params={"ensure_ascii": False},
    )


def record(request: HttpRequest, pk: int) -> JsonResponse:
    actor = actor_from_request(request)
    detail = record_detail(actor, pk, _language(request))
    if detail is None:
        return JsonResponse({"error": "not_found", "detail": "No such record."}, status=404)
    return JsonResponse(
        record_full(detail.record, visible_files(actor, detail.record)),
        json_dumps_params={"ensure_ascii": False},
    )


def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_document(request), json_dumps_params={"ensure_ascii": False})
