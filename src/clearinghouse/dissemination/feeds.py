"""Atom feeds of newly published records: all of them, or per audience or topic.

Items come from ``filter_records(ANONYMOUS)``: a feed shows what the public may see.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clearinghouse.catalog.models import Record
from clearinghouse.catalog.policies import filter_records
from clearinghouse.core.policy import ANONYMOUS
from clearinghouse.vocabularies.lookups import vocabulary_cache

FEED_SIZE = 50
FEED_SCHEMES = ("audience", "topic")


class NewRecordsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, scheme: str = "", code: str = ""):
        if scheme and (scheme not in FEED_SCHEMES or not vocabulary_cache.exists(scheme, code)):
            raise Http404(_("No such feed."))
        return (scheme, code)

    def title(self, obj) -> str:
        scheme, code = obj
        if not scheme:
            return _("TIP Clearinghouse: new records")
        label = vocabulary_cache.label(scheme, code, get_language())
        return _("TIP Clearinghouse: new records for %(label)s") % {"label": label}

    def subtitle(self, obj) -> str:
        return _("Training materials, reports and instruments newly published in the catalogue.")

    def link(self, obj) -> str:
        scheme, code = obj
        base = reverse("web:search")
        return f"{base}?sort=newest" + (f"&f={scheme}:{code}" if scheme else "")

    def items(self, obj):
        scheme, code = obj
        queryset = filter_records(ANONYMOUS).filter(is_synthetic=False)
        if scheme:
            through = Record.concepts.through.objects.filter(
                concept__scheme_id=scheme, concept__code=code
            )
            queryset = queryset.filter(pk__in=through.values("record_id"))
        return queryset.prefetch_related("texts", "concepts").order_by("-created_at", "-pk")[
            :FEED_SIZE
        ]

    def item_title(self, item: Record) -> str:
        text = item.text_for(get_language())
        return text.title if text else str(item)

    def item_description(self, item: Record) -> str:
        text = item.text_for(get_language())
        return text.abstract if text else ""

    def item_link(self, item: Record) -> str:
        return reverse("web:record", args=[item.pk])

    def item_pubdate(self, item: Record):
        return item.created_at

    def item_updateddate(self, item: Record):
        return item.updated_at

    def item_categories(self, item: Record) -> list[str]:
        language = get_language()
        return [
            vocabulary_cache.label(c.scheme_id, c.code, language)
            for c in item.concepts.all()
            if c.scheme_id in ("topic", "audience")
        ]
