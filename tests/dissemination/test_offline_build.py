"""The offline edition's content: only what the policy lets the public see, deterministic."""

from __future__ import annotations

import dataclasses
import json

import pytest

from clearinghouse.core.policy import Actor
from clearinghouse.dissemination.offline.selection import EditionRefused, parse_size
from tests.dissemination.offline_fixtures import SECRETS, VERSION, build, catalogue, tree_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(vocabularies):
    return catalogue()


def _all_text(root) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in root.rglob("*") if p.is_file()
    )


def test_public_edition_has_public_records_only(data, tmp_path):
    report = build(tmp_path / "ed")
    root = report.path
    records = data["records"]
    public = [records[k] for k in ("en", "fr", "ru", "ar", "zh")]
    assert report.records == 5
    for record in public:
        assert (root / "en" / "records" / f"{record.pk}.html").exists()
    for key in ("restricted", "registered", "draft", "embargoed"):
        assert not (root / "en" / "records" / f"{records[key].pk}.html").exists()
    everything = _all_text(root)
    for secret in SECRETS:
        assert secret.lower() not in everything.lower(), secret
    # The public record's restricted file is neither copied nor linked.
    assert not list(root.rglob("secret-annex*"))
    names = sorted(p.name for p in (root / "files").rglob("*") if p.is_file())
    assert names == sorted(["Памятка полицейскому.txt", "دليل الشرطة.pdf", "培训手册.txt"])


def test_pages_are_relative_and_offline(data, tmp_path):
    root = build(tmp_path / "ed").path
    for page in root.rglob("*.html"):
        html = page.read_text()
        for bad in (
            'src="http',
            'href="http',
            'src="//',
            'href="//',
            'href="/',
            'src="/',
            "url(http",
        ):
            assert bad not in html, (page, bad)
    home = (root / "index.html").read_text()
    assert 'href="en/search.html"' in home or 'action="en/search.html"' in home
    # The gap matrix snapshot (analysis.gaps), linked from the home page.
    assert "gaps.html" in home and "<table" in (root / "en" / "gaps.html").read_text()
    record_page = (root / "en" / "records" / f"{data['records']['fr'].pk}.html").read_text()
    assert "APA" in record_page and "../../data/" in record_page  # citations and exports


def test_ui_languages_and_rtl(data, tmp_path):
    options = dataclasses.replace(VERSION, languages=("en", "ar", "fr"))
    root = build(tmp_path / "ed", options).path
    arabic = (root / "ar" / "index.html").read_text()
    assert 'dir="rtl"' in arabic and 'lang="ar"' in arabic
    assert (root / "fr" / "records").is_dir()
    # --language also selects: the zh and ru records have no text in en, ar or fr.
    assert not (root / "fr" / "records" / f"{data['records']['zh'].pk}.html").exists()


def test_build_is_deterministic(data, tmp_path):
    abandoned = tmp_path / ".a.building-999999999"  # a build whose process is gone
    abandoned.mkdir()
    first = tree_digest(build(tmp_path / "a").path)
    assert not abandoned.exists()
    second = tree_digest(build(tmp_path / "b").path)
    assert first == second


def test_group_edition_needs_staff_and_is_marked(data, tmp_path):
    options = dataclasses.replace(VERSION, group="law enforcement trainers")
    with pytest.raises(EditionRefused):
        build(tmp_path / "x", options)
    with pytest.raises(EditionRefused):
        build(tmp_path / "x", options, requested_by=Actor(role="reader", is_registered=True))
    staff = Actor(role="analyst", is_staff=True, is_registered=True)
    root = build(tmp_path / "g", options, requested_by=staff).path
    restricted = data["records"]["restricted"]
    assert (root / "en" / "records" / f"{restricted.pk}.html").exists()
    assert "Draftsecretword" not in _all_text(root)
    for page in root.rglob("*.html"):
        assert "law enforcement trainers" in page.read_text(), page


def test_max_size_refuses_and_says_what_to_drop(data, tmp_path):
    options = dataclasses.replace(VERSION, max_size=parse_size("10KB"))
    with pytest.raises(EditionRefused) as refused:
        build(tmp_path / "ed", options)
    assert "over the limit" in str(refused.value)
    assert not (tmp_path / "ed").exists()
    assert not list(tmp_path.glob(".ed.*"))


def test_index_holds_the_servers_terms(data, tmp_path):
    from clearinghouse.search.documents import build_document, records_for_indexing

    root = build(tmp_path / "ed").path
    shards = sorted((root / "assets" / "index").glob("p-*.js"))
    terms = set()
    for shard in shards:
        body = shard.read_text()
        payload = json.loads(body[body.index("{") : body.rindex("}") + 1])
        terms.update(payload)
    public_ids = [data["records"][k].pk for k in ("en", "fr", "ru", "ar", "zh")]
    expected = set()
    for record in records_for_indexing(public_ids):
        doc = build_document(record)
        expected.update(doc.title_terms + doc.full_terms + doc.concept_terms)
    assert terms == expected
