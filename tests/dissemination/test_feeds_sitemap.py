"""Atom feeds and the sitemap show what the public may see, with language alternates."""

from __future__ import annotations

import pytest
from django.urls import reverse
from lxml import etree

from tests.factories import make_record

pytestmark = pytest.mark.django_db
ATOM = {"a": "http://www.w3.org/2005/Atom"}


def test_atom_feeds_overall_and_per_audience_and_topic(client, vocabularies):
    make_record(
        "Guide for prosecutors", concepts={"audience": ["prosecutors"], "topic": ["prosecution"]}
    )
    make_record("Guide for judges", concepts={"audience": ["judges"]})
    make_record(
        "Restricted guide for prosecutors",
        access_tier="restricted",
        concepts={"audience": ["prosecutors"]},
    )
    make_record("Draft guide", status="draft")
    feed = etree.fromstring(client.get("/feeds/records.atom").content)
    titles = [e.text for e in feed.iterfind("a:entry/a:title", ATOM)]
    assert sorted(titles) == ["Guide for judges", "Guide for prosecutors"]
    by_audience = etree.fromstring(client.get("/feeds/audience/prosecutors.atom").content)
    assert [e.text for e in by_audience.iterfind("a:entry/a:title", ATOM)] == [
        "Guide for prosecutors"
    ]
    by_topic = etree.fromstring(client.get("/feeds/topic/prosecution.atom").content)
    assert len(by_topic.findall("a:entry", ATOM)) == 1
    assert client.get("/feeds/audience/nobody.atom").status_code == 404
    assert client.get("/feeds/colour/red.atom").status_code == 404


def test_sitemap_lists_public_records_with_language_alternates(client, vocabularies):
    public = make_record("Public guide")
    secret = make_record("Secret guide", access_tier="registered")
    body = client.get("/sitemap.xml").content.decode()
    assert reverse("web:record", args=[public.pk]) in body
    assert f"/fr/records/{public.pk}/" in body and 'hreflang="x-default"' in body
    assert f"/records/{secret.pk}/" not in body


def test_pages_link_the_feed(client, vocabularies):
    html = client.get("/").content.decode()
    assert 'type="application/atom+xml"' in html and "/feeds/records.atom" in html
