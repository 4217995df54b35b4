"""The built edition in headless Chromium from file://, network disabled.

Searches in English, French and Russian (the hits must be the server's for the same
queries), follows a facet, opens a record and a file, and takes screenshots into
``var/test-artifacts/offline/`` (CLEARINGHOUSE_TEST_ARTIFACTS overrides). Also checks the
JavaScript port of ``search.analysis.fold`` / ``tokenize`` against Python on many strings.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from clearinghouse.core.policy import ANONYMOUS
from clearinghouse.search import analysis
from clearinghouse.search.service import search_records
from tests.conftest import IN_CI
from tests.dissemination.offline_fixtures import VERSION, build, catalogue

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("CLEARINGHOUSE_TEST_ARTIFACTS", REPO / "var" / "test-artifacts"))
CHROMIUM = os.environ.get("CLEARINGHOUSE_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")

FOLD_SAMPLES = [
    "Éducation",
    "ÉDUCATION",
    "straße",
    "STRASSE",
    "Đorđević",
    "Łódź",
    "ıstanbul",
    "İstanbul",
    "Øresund",
    "ﬁnance",
    "Ångström",
    "naïve café",
    "TRAFFICKING",
    "Ελληνικά Ά",
    "Việt Nam",
    "Торговля ЛЮДЬМИ",
    "Ёлка",
    "йод",
    "Ђорђе Џакула",
    "Македонија ѓ ќ ѕ",
    "ї є ґ",
    "الاتجار بالبشر",
    "مُدَرِّب",
    "مكتبة ى ة ٱ",
    "ی ک",
    "كتــــاب",
    "٢٠٠١",
    "۲۰۰۱",
    "人口贩运",
    "打击人口贩运培训手册",
    "ひらがな カタカナ",
    "한국어 훈련",
    "Ｆｕｌｌｗｉｄｔｈ",
    "dž ǆ Ǆ",
    "zero\u200cwidth\u200djoiner",
    "e\u0301cole",
    "Ω ℃ ™ ½",
    "x² H₂O",
    "anti-trafficking 2001/4",
    "under_score",
    "Ⅻ roman",
    "ǅ titlecase",
    "𝐛𝐨𝐥𝐝",
    "İi̇",
    "Σίσυφος",
    "ΣΊΣΥΦΟΣ",
]


def _chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if IN_CI:
            pytest.fail("playwright is required (pip install -e '.[dev]')")
        pytest.skip("playwright not installed")
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
        pytest.skip("chromium not installed")
    return sync_playwright


def _server_ids(q: str, filters=(), language: str = "en") -> set[int]:
    outcome = search_records(
        actor=ANONYMOUS, q=q, filters=filters, language=language, page_size=100
    )
    return {hit.record.pk for hit in outcome.hits}


def _offline_ids(page) -> set[int]:
    hrefs = page.eval_on_selector_all(
        "#hits li.hit h3 a", "els => els.map(e => e.getAttribute('href'))"
    )
    return {int(h.rsplit("/", 1)[1].split(".")[0]) for h in hrefs}


def _search(page, query: str) -> None:
    done = (
        page.get_attribute("#offline-search", "data-done")
        if page.query_selector("#offline-search")
        else None
    )
    page.fill("#q", query)
    page.press("#q", "Enter")
    page.wait_for_function(
        "(before) => { const r = document.getElementById('offline-search');"
        " return r && r.dataset.done && r.dataset.done !== before; }",
        arg=done or "",
    )


def test_edition_in_headless_chromium_offline(vocabularies, tmp_path):
    sync_playwright = _chromium()
    data = catalogue()
    options = dataclasses.replace(VERSION, languages=("en", "fr", "ru"))
    root = build(tmp_path / "edition", options).path
    cases = [
        ("trafficking", "en"),
        ("victims", "en"),
        ("traite des êtres humains", "fr"),
        ("victimes", "fr"),
        ("торговля людьми", "ru"),
        ("жертв", "ru"),
    ]
    # The server's answers, asked before the browser's event loop starts (Django is sync).
    expected = {query: _server_ids(query) for query, _lang in cases}
    by_audience = {
        code: _server_ids("trafficking", [("audience", code)]) for code in ("prosecutors", "judges")
    }
    forms = _edition_forms(root)
    python_fold = [analysis.fold(s) for s in FOLD_SAMPLES + forms]
    plain = [s for s in FOLD_SAMPLES + forms if not analysis.contains_cjk(s)]
    python_tokens = [analysis.tokenize(s) for s in plain]
    shots = ARTIFACTS / "offline"
    shots.mkdir(parents=True, exist_ok=True)
    network: list[str] = []

    def guard(route):
        if not route.request.url.startswith("file://"):
            network.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(offline=True)
        context.route("**/*", guard)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto((root / "index.html").as_uri())
        page.screenshot(path=str(shots / "home.png"), full_page=True)

        for query, _language in cases:
            _search(page, query)
            offline = _offline_ids(page)
            assert offline == expected[query], query
            assert offline, query
        page.screenshot(path=str(shots / "search-ru.png"), full_page=True)

        _search(page, "trafficking")
        facet = page.query_selector("a[data-facet^='audience:']")
        code = facet.get_attribute("data-facet").split(":", 1)[1]
        facet.click()
        page.wait_for_function("() => location.hash.includes('f=audience')")
        page.wait_for_function("() => document.querySelectorAll('#chosen li').length === 1")
        assert _offline_ids(page) == by_audience[code]
        page.screenshot(path=str(shots / "facet.png"), full_page=True)

        # Browse in French, then open the Russian record and its file.
        page.goto((root / "fr" / "browse" / "audience.html").as_uri())
        assert page.locator("h1").inner_text().startswith("Parcourir")
        ru = data["records"]["ru"]
        page.goto((root / "fr" / "search.html").as_uri())
        _search(page, "торговля")
        page.click(f"#hits a[href$='/{ru.pk}.html']")
        page.wait_for_load_state()
        assert page.url.endswith(f"fr/records/{ru.pk}.html")
        assert "Торговля людьми" in page.inner_text("h1")
        page.screenshot(path=str(shots / "record.png"), full_page=True)
        page.click("a.file")
        page.wait_for_load_state()
        assert page.url.startswith("file://") and "Памятка полицейскому." in page.content()
        page.screenshot(path=str(shots / "file.png"))

        # The JavaScript port of the server's folding and tokenizing.
        page.goto((root / "en" / "search.html").as_uri())
        page.wait_for_function("() => document.getElementById('offline-search').dataset.done")
        folded = page.evaluate("xs => xs.map(x => OfflineSearch.fold(x))", FOLD_SAMPLES + forms)
        assert folded == python_fold
        tokens = page.evaluate("xs => xs.map(x => OfflineSearch.tokenize(x))", plain)
        assert tokens == python_tokens
        context.close()
        browser.close()
    assert network == []
    assert errors == []


def _edition_forms(root: Path) -> list[str]:
    """Every folded form key the edition ships (what the browser will look up)."""
    import json

    forms: list[str] = []
    for shard in sorted((root / "assets" / "index").glob("f-*.js")):
        body = shard.read_text()
        forms += list(json.loads(body[body.index("{") : body.rindex("}") + 1]))
    return forms
