"""Record-page pieces from the serializers: export links, schema.org JSON-LD, citations.

The record page only renders a record its reader may see, so these read that record as
it is; related records are named only when the anonymous public may see them.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from clearinghouse.catalog.models import Record
from clearinghouse.core.policy import ANONYMOUS, actor_from_request
from clearinghouse.dissemination.formats import citations, jsonld
from clearinghouse.dissemination.formats.registry import EXPORTS
from clearinghouse.dissemination.formats.view import bib_records, export_queryset

register = template.Library()


def _bib(context, record):
    """``record`` as the page's reader may see it (None if they may not), once per render."""
    cache = context.render_context
    key = ("dissemination-bib", record.pk)
    if key not in cache:
        request = context.get("request")
        actor = actor_from_request(request) if request else ANONYMOUS
        root = request.build_absolute_uri("/").rstrip("/") if request else None
        found = list(export_queryset(actor, Record.objects.filter(pk=record.pk)))
        cache[key] = next(bib_records(actor, found, root=root), None)
    return cache[key]


@register.inclusion_tag("dissemination/export_links.html", takes_context=True)
def export_links(context, record):
    """``<link rel="alternate">`` to every export format of ``record``."""
    return {
        "links": [
            (
                fmt.media_type.split(";")[0],
                fmt.label,
                reverse("api-record-export", args=[record.pk, name]),
            )
            for name, fmt in EXPORTS.items()
        ]
    }


@register.simple_tag(takes_context=True)
def record_jsonld(context, record):
    bib = _bib(context, record)
    if bib is None:
        return ""
    data = jsonld.script_json(jsonld.document(bib, get_language()))
    return mark_safe(f'<script type="application/ld+json">{data}</script>')  # noqa: S308


@register.inclusion_tag("dissemination/citations.html", takes_context=True)
def record_citations(context, record):
    bib = _bib(context, record)
    formats = [
        (name, fmt.label, reverse("api-record-export", args=[record.pk, name]))
        for name, fmt in EXPORTS.items()
    ]
    return {
        "citations": citations.citations(bib, get_language()) if bib else [],
        "formats": formats,
    }
