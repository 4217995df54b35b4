"""Portal views: parse the request, call a selector or the search service, render."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clearinghouse.accounts.services.access_requests import can_request_access
from clearinghouse.analysis.policies import can_run_workflow
from clearinghouse.analysis.selectors import record_analysis
from clearinghouse.catalog.downloads import file_download_open
from clearinghouse.catalog.policies import visible_files, withheld_file_count
from clearinghouse.catalog.selectors import record_detail, visible_counts_by_kind
from clearinghouse.catalog.translations import can_translate
from clearinghouse.core.policy import actor_from_request
from clearinghouse.search.service import search_records

from .facets import FACET_TITLES, build_facets, chosen_filters, facet_label
from .params import filters_from, int_param

BROWSABLE = ("audience", "topic", "country", "region", "resource_type", "language")


def home(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    language = get_language()
    outcome = search_records(actor=actor, language=language, page_size=5, sort="newest")
    return render(
        request,
        "web/home.html",
        {
            "counts": visible_counts_by_kind(actor),
            "latest": outcome.hits,
            "total": outcome.total,
            "browse": [(name, FACET_TITLES[name]) for name in BROWSABLE],
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    language = get_language()
    params = request.GET
    outcome = search_records(
        actor=actor,
        q=params.get("q", "")[:2000],
        filters=filters_from(params),
        page=int_param(params, "page", 1),
        language=language,
        sort=params.get("sort", "relevance"),
    )
    base = reverse("web:search")
    return render(
        request,
        "web/search.html",
        {
            "outcome": outcome,
            "facets": build_facets(outcome, language, base),
            "chosen": chosen_filters(outcome, language, base),
            "page_range": _page_window(outcome.page, outcome.pages),
        },
    )


def _page_window(page: int, pages: int) -> list[int]:
    return list(range(max(1, page - 3), min(pages, page + 3) + 1))


def record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    detail = record_detail(actor, pk, get_language())
    if detail is None:
        raise Http404(_("No such record, or you may not see it."))
    return render(
        request,
        "web/record.html",
        {
            "d": detail,
            "files": visible_files(actor, detail.record),
            "withheld": withheld_file_count(actor, detail.record),
            "may_request": can_request_access(actor, detail.record),
            "may_translate": can_translate(actor, detail.record),
            "analysis": record_analysis(actor, detail.record.pk, get_language()),
            "may_analyse": can_run_workflow(actor),
        },
    )


def browse(request: HttpRequest, facet: str) -> HttpResponse:
    if facet not in BROWSABLE:
        raise Http404(_("Nothing to browse by that name."))
    actor = actor_from_request(request)
    language = get_language()
    outcome = search_records(actor=actor, language=language, page_size=1)
    values = sorted(
        (
            (facet_label(facet, code, language), code, count)
            for code, count in outcome.facets.get(facet, [])
        ),
        key=lambda v: v[0].casefold(),
    )
    return render(
        request,
        "web/browse.html",
        {"facet": facet, "title": FACET_TITLES[facet], "values": values},
    )


def download(request: HttpRequest, pk: int) -> FileResponse:
    opened = file_download_open(
        actor=actor_from_request(request), file_id=pk, ip=request.META.get("REMOTE_ADDR")
    )
    if opened is None:
        raise Http404(_("No such file, or you may not download it."))
    record_file, stream = opened
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=record_file.original_name,
        content_type=record_file.blob.media_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
