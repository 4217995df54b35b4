"""Public pages of the analysis: the Appendix C matrix and a record's annotation versions."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from clearinghouse.catalog.models import Record
from clearinghouse.catalog.policies import filter_records
from clearinghouse.core.policy import actor_from_request

from .framework import framework_matrix
from .selectors import annotation_text_for, annotation_version, annotation_versions, framework_cells


def appendix_c(request: HttpRequest) -> HttpResponse:
    """Audiences × framework columns, counted over what the viewer may see."""
    actor = actor_from_request(request)
    matrix = framework_matrix(actor, get_language())
    return render(request, "analysis/appendix_c.html", {"matrix": matrix})


def annotation_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version of a visible record's annotation; ``?version=n`` shows one in full."""
    actor = actor_from_request(request)
    record = filter_records(actor, Record.objects.filter(pk=pk)).prefetch_related("texts").first()
    if record is None:
        raise Http404
    versions = annotation_versions(record.pk)
    if not versions:
        raise Http404
    try:
        number = int(request.GET.get("version", versions[0].number))
    except ValueError:
        raise Http404 from None
    shown = annotation_version(record.pk, number)
    if shown is None:
        raise Http404
    language = get_language()
    return render(
        request,
        "analysis/annotation_history.html",
        {
            "record": record,
            "title": record.text_for(language),
            "versions": versions,
            "shown": shown,
            "text": annotation_text_for(shown, language),
            "framework": framework_cells(shown),
        },
    )
