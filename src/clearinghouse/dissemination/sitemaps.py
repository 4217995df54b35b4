"""The sitemap: every public record page, in every UI language (hreflang alternates)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from clearinghouse.catalog.policies import filter_records
from clearinghouse.core.policy import ANONYMOUS


class RecordSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"

    def items(self):
        return filter_records(ANONYMOUS).only("pk", "updated_at").order_by("pk")

    def location(self, item) -> str:
        return reverse("web:record", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at


class PageSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["web:home", "web:search"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "records": RecordSitemap}
