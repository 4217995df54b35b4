"""Pages and downloads of the gap analysis: the matrix (public or what an analyst may see),
a cell's materials, and the matrix as CSV, JSON, SVG, PNG and PDF. Thin: parse, call
``gaps.gap_matrix`` (always for the requesting actor), render."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clearinghouse.core.policy import actor_from_request
from clearinghouse.vocabularies.lookups import vocabulary_cache

from . import reports
from .gaps import GapFilters, GapMatrix, GapSettings
from .gaps.cache import cache_key, cached_matrix
from .gaps.matrix import clean_language, clean_year
from .gaps.queries import cell_records

LANGUAGE_CHOICES = (
    "en",
    "fr",
    "es",
    "ru",
    "zh",
    "ar",
    "de",
    "sq",
    "sr",
    "sr-latn",
    "bs",
    "hr",
    "mk",
)
CELL_PAGE = 50


def filters_from_params(params) -> GapFilters:
    """Filters from a query string; unknown codes are dropped, never passed on."""

    def concept(scheme: str) -> str:
        code = str(params.get(scheme, "")).strip()[:64]
        return code if code and vocabulary_cache.exists(scheme, code) else ""

    return GapFilters(
        language=clean_language(params.get("language", "")),
        region=concept("region"),
        resource_type=concept("resource_type"),
        year_from=clean_year(params.get("year_from")),
        year_to=clean_year(params.get("year_to")),
        purpose=concept("purpose"),
    )


def _matrix(request: HttpRequest) -> GapMatrix:
    return cached_matrix(
        actor=actor_from_request(request),
        filters=filters_from_params(request.GET),
        language=get_language(),
    )


def _query(filters: GapFilters, **extra: str) -> str:
    return urlencode([*filters.items(), *extra.items()])


def _choices(language: str) -> dict[str, list[tuple[str, str]]]:
    choices = {
        scheme: [
            (c, vocabulary_cache.label(scheme, c, language)) for c in vocabulary_cache.codes(scheme)
        ]
        for scheme in ("region", "resource_type", "purpose")
    }
    choices["language"] = [
        (code, vocabulary_cache.label("language", code, language)) for code in LANGUAGE_CHOICES
    ]
    return choices


def gap_matrix_page(request: HttpRequest) -> HttpResponse:
    matrix = _matrix(request)
    query = _query(matrix.filters)
    downloads = [
        (label, reverse(f"gaps:{name}") + (f"?{query}" if query else ""))
        for name, label in (
            ("csv", "CSV"),
            ("svg", "SVG"),
            ("png", "PNG"),
            ("pdf", "PDF"),
            ("json", "JSON"),
        )
    ]
    cell_base = reverse("gaps:cell") + "?" + (f"{query}&" if query else "")
    context = reports.report_context(matrix)
    context.update(
        {
            "downloads": downloads,
            "cell_base": cell_base,
            "choices": _choices(matrix.language),
            "is_public": not request.user.is_authenticated,
        }
    )
    return render(request, "analysis/gaps/matrix.html", context)


def gap_cell_page(request: HttpRequest) -> HttpResponse:
    """The materials one cell counts, in pages, through the access policy."""
    filters = filters_from_params(request.GET)
    language = get_language()
    axes = {}
    for scheme in ("purpose", "audience", "topic"):
        code = str(request.GET.get(scheme, ""))[:64]
        axes[scheme] = code if vocabulary_cache.exists(scheme, code) else ""
    queryset = (
        cell_records(actor=actor_from_request(request), filters=filters, **axes)
        .order_by("-year", "id")
        .prefetch_related("texts")
        if all(axes.values())
        else None
    )
    items, total, has_next, page_number = [], 0, False, 1
    if queryset is not None:
        paginator = Paginator(queryset, CELL_PAGE)
        try:
            page_number = max(1, int(request.GET.get("page", 1)))
        except ValueError:
            page_number = 1
        page = paginator.get_page(page_number)
        total, has_next = paginator.count, page.has_next()
        for record in page.object_list:
            text = record.text_for(language)
            items.append(
                {
                    "pk": record.pk,
                    "title": text.title if text else _("untitled"),
                    "lang": text.language if text else "",
                    "year": record.year,
                }
            )
    matrix_query = _query(filters)
    return render(
        request,
        "analysis/gaps/cell.html",
        {
            "items": items,
            "total": total,
            "has_next": has_next,
            "next_query": _query(filters, **axes, page=str(page_number + 1)),
            "purpose_label": vocabulary_cache.label("purpose", axes["purpose"], language),
            "audience_label": vocabulary_cache.label("audience", axes["audience"], language),
            "topic_label": vocabulary_cache.label("topic", axes["topic"], language),
            "back": reverse("gaps:matrix") + (f"?{matrix_query}" if matrix_query else ""),
        },
    )


def _download(body, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def gap_matrix_csv(request: HttpRequest) -> HttpResponse:
    return _download(reports.csv_text(_matrix(request)), "text/csv; charset=utf-8", "gaps.csv")


def gap_matrix_json(request: HttpRequest) -> HttpResponse:
    body = json.dumps(reports.json_data(_matrix(request)), ensure_ascii=False, indent=1)
    return _download(body, "application/json; charset=utf-8", "gaps.json")


def gap_matrix_svg(request: HttpRequest) -> HttpResponse:
    return _download(reports.svg_text(_matrix(request)), "image/svg+xml; charset=utf-8", "gaps.svg")


def gap_matrix_png(request: HttpRequest) -> HttpResponse:
    return _download(reports.png_bytes(_matrix(request)), "image/png", "gaps.png")


def gap_matrix_pdf(request: HttpRequest) -> HttpResponse:
    """The PDF costs seconds to lay out: it is cached under the matrix's own key, so
    repeated requests for an unchanged catalogue cost nothing."""
    actor, filters = actor_from_request(request), filters_from_params(request.GET)
    config = GapSettings.current()
    key = cache_key(actor, filters, get_language(), config) + ":pdf"
    body = cache.get(key) if config.cache_seconds > 0 else None
    if body is None:
        matrix = cached_matrix(actor=actor, filters=filters, language=get_language(), config=config)
        body = reports.pdf_bytes(matrix)
        if config.cache_seconds > 0:
            cache.set(key, body, config.cache_seconds)
    return _download(body, "application/pdf", "gap-report.pdf")
