"""Public interoperability endpoints: OAI-PMH, Atom feeds, the sitemap."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from .feeds import NewRecordsFeed
from .oai.views import endpoint
from .sitemaps import SITEMAPS

urlpatterns = [
    path("oai", endpoint, name="oai"),
    path("feeds/records.atom", NewRecordsFeed(), name="feed-records"),
    path("feeds/<slug:scheme>/<slug:code>.atom", NewRecordsFeed(), name="feed-records-by"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
