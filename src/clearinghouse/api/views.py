"""REST API v1, reading: records (search with facets), one record, its files, exports.

Every answer follows the access policy through the search service, the catalogue
selectors and ``dissemination.formats.view.export_queryset``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import get_language_from_request

from clearinghouse.catalog.models import RecordFile
from clearinghouse.catalog.policies import can_download, visible_files
from clearinghouse.catalog.selectors import record_detail
from clearinghouse.dissemination.exports import (
    export_chunks,
    record_for_export,
    records_for_export,
)
from clearinghouse.dissemination.formats.record_json import record_full, record_summary
from clearinghouse.dissemination.formats.registry import EXPORTS
from clearinghouse.search.service import search_records
from clearinghouse.web.params import filters_from, int_param

from .base import ApiError, api_actor, api_endpoint, json_response
from .openapi import openapi_document


def _language(request: HttpRequest) -> str:
    return request.GET.get("lang") or get_language_from_request(request) or "en"


@api_endpoint("GET")
def records(request: HttpRequest) -> HttpResponse:
    actor = api_actor(request)
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
    return json_response(
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
        }
    )


@api_endpoint("GET")
def record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = api_actor(request)
    detail = record_detail(actor, pk, _language(request))
    if detail is None:
        raise ApiError(404, "not_found", "No such record.")
    return json_response(record_full(detail.record, visible_files(actor, detail.record)))


@api_endpoint("GET")
def record_files(request: HttpRequest, pk: int) -> HttpResponse:
    actor = api_actor(request)
    detail = record_detail(actor, pk, _language(request))
    if detail is None:
        raise ApiError(404, "not_found", "No such record.")
    return json_response({"results": [file_json(f) for f in visible_files(actor, detail.record)]})


@api_endpoint("GET")
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record_file = RecordFile.objects.select_related("record", "blob").filter(pk=pk).first()
    if record_file is None or not can_download(api_actor(request), record_file):
        raise ApiError(404, "not_found", "No such file.")
    return json_response(file_json(record_file))


def file_json(record_file: RecordFile) -> dict:
    return {
        "id": record_file.pk,
        "record": record_file.record_id,
        "name": record_file.original_name,
        "label": record_file.label,
        "language": record_file.language,
        "sha256": record_file.blob_id,
        "size": record_file.blob.size,
        "media_type": record_file.blob.media_type,
        "download": reverse("web:download", args=[record_file.pk]),
    }


@api_endpoint("GET")
def record_export(request: HttpRequest, pk: int, format_name: str) -> HttpResponse:
    fmt = EXPORTS.get(format_name)
    if fmt is None:
        raise ApiError(404, "not_found", f"No format {format_name!r}; see /api/v1/formats.")
    actor = api_actor(request)
    found = record_for_export(actor, pk)
    if found is None:
        raise ApiError(404, "not_found", "No such record.")
    root = request.build_absolute_uri("/").rstrip("/")
    body = b"".join(export_chunks(fmt, actor, [found], root=root))
    response = HttpResponse(body, content_type=_content_type(fmt.media_type))
    response["Content-Disposition"] = f'inline; filename="record-{pk}.{fmt.extension}"'
    return response


@api_endpoint("GET")
def export(request: HttpRequest, format_name: str) -> HttpResponse:
    fmt = EXPORTS.get(format_name)
    if fmt is None or not fmt.multi:
        raise ApiError(404, "not_found", f"No list export in {format_name!r}; see /api/v1/formats.")
    actor = api_actor(request)
    records = records_for_export(
        actor,
        q=request.GET.get("q", "")[:2000],
        filters=filters_from(request.GET),
        language=_language(request),
    )
    root = request.build_absolute_uri("/").rstrip("/")
    response = StreamingHttpResponse(
        export_chunks(fmt, actor, records, root=root), content_type=_content_type(fmt.media_type)
    )
    response["Content-Disposition"] = f'attachment; filename="clearinghouse.{fmt.extension}"'
    return response


def _content_type(media_type: str) -> str:
    return media_type if "charset" in media_type else f"{media_type}; charset=utf-8"


@api_endpoint("GET")
def formats(request: HttpRequest) -> HttpResponse:
    from clearinghouse.dissemination.formats.registry import IMPORTS

    return json_response(
        {
            "results": [
                {
                    "name": name,
                    "label": str(fmt.label),
                    "media_type": fmt.media_type,
                    "list_export": fmt.multi,
                    "import": name in IMPORTS,
                    "carries": sorted(fmt.carries),
                }
                for name, fmt in {**EXPORTS, **IMPORTS}.items()
            ]
        }
    )


@api_endpoint("GET")
def openapi(request: HttpRequest) -> HttpResponse:
    return json_response(openapi_document(request))
