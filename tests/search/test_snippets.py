"""Highlights and snippets: the right original words marked, everything escaped."""

from __future__ import annotations

import re

import pytest

from clearinghouse.search.analysis import analyze_tree
from clearinghouse.search.parser import parse_user_query
from clearinghouse.search.snippets import highlight, snippet
from clearinghouse.search.tree import MatchAllQ, Node


@pytest.fixture(autouse=True)
def _isolated_storage():
    """Pure functions: no Django settings, files or index (overrides the suite's fixture)."""
    yield


def query(text: str, *languages: str) -> Node:
    return analyze_tree(parse_user_query(text), languages or ("en",))


def visible(html_text: str) -> str:
    return re.sub(r"</?mark>", "", html_text)


# --- highlight --------------------------------------------------------------


def test_marks_every_form_with_its_original_casing():
    assert highlight(
        "Trafficking victims; TRAFFICKERS and a victim", query("trafficking victims"), "en"
    ) == (
        "<mark>Trafficking</mark> <mark>victims</mark>; <mark>TRAFFICKERS</mark> and a "
        "<mark>victim</mark>"
    )


def test_marks_keep_original_accents():
    assert highlight("Éducation pour TOUS, education", query("education", "fr"), "fr") == (
        "<mark>Éducation</mark> pour TOUS, <mark>education</mark>"
    )


def test_text_is_escaped():
    text = "<script>alert(\"trafficking\")</script> & 'victims'"
    assert highlight(text, query("trafficking"), "en") == (
        "&lt;script&gt;alert(&quot;<mark>trafficking</mark>&quot;)&lt;/script&gt; "
        "&amp; &#x27;victims&#x27;"
    )


def test_excluded_words_are_not_marked():
    assert highlight("Trafficking and smuggling", query("trafficking -smuggling"), "en") == (
        "<mark>Trafficking</mark> and smuggling"
    )


def test_prefix_marks_words_starting_with_it_but_not_shorter_words():
    assert highlight("Trafficking, Traffickers, traffic", query("traffick*"), "en") == (
        "<mark>Trafficking</mark>, <mark>Traffickers</mark>, traffic"
    )


def test_prefix_marks_words_whose_stem_is_shorter_than_the_prefix():
    assert highlight("Education; educated; EDUCATIONAL; edit", query("educat*"), "en") == (
        "<mark>Education</mark>; <mark>educated</mark>; <mark>EDUCATIONAL</mark>; edit"
    )


def test_phrase_terms_are_marked():
    assert highlight("human rights and human trafficking", query('"human rights"'), "en") == (
        "<mark>human</mark> <mark>rights</mark> and <mark>human</mark> trafficking"
    )


def test_words_only_sharing_a_beginning_are_not_marked():
    assert highlight("victimisation victims victory", query("victims"), "en") == (
        "victimisation <mark>victims</mark> victory"
    )


def test_digits_and_split_words():
    assert highlight(
        "Resolution 2001/4, anti-trafficking", query("2001/4 anti-trafficking"), "en"
    ) == ("Resolution <mark>2001</mark>/<mark>4</mark>, <mark>anti</mark>-<mark>trafficking</mark>")


def test_serbian_latin_query_marks_cyrillic_text():
    assert highlight(
        "Трговина људима; trgovina ljudima", query("trgovina ljudima", "sr"), "sr"
    ) == ("<mark>Трговина</mark> <mark>људима</mark>; <mark>trgovina</mark> <mark>ljudima</mark>")


def test_arabic_clitics_points_and_alef_forms():
    text = "الاتِّجار بالبشر وإنسان"
    # Stems: "اتجار" for both spellings, "انس" for "الإنسان" and "وإنسان".
    assert highlight(text, query("الاتجار الإنسان", "ar"), "ar") == (
        "<mark>الاتِّجار</mark> بالبشر <mark>وإنسان</mark>"
    )


def test_chinese_words_are_marked_where_they_occur():
    assert highlight("打击贩运人口问题，人口", query("人口", "zh"), "zh") == (
        "打击贩运<mark>人口</mark>问题，<mark>人口</mark>"
    )


def test_eszett_matches_ss():
    assert highlight("Die Straße, die STRASSE", query("strasse", "de"), "de") == (
        "Die <mark>Straße</mark>, die <mark>STRASSE</mark>"
    )


def test_raw_query_is_analysed_in_the_text_language():
    raw = parse_user_query("victims")
    assert highlight("Victims of trafficking", raw, "en") == "<mark>Victims</mark> of trafficking"


def test_nothing_to_mark():
    assert highlight("a < b", MatchAllQ(), "en") == "a &lt; b"
    assert highlight("", query("x"), "en") == ""


def test_lone_surrogates_are_replaced():
    assert highlight("a\ud800 victims", query("victims"), "en") == "a\ufffd <mark>victims</mark>"


def test_text_in_decomposed_form_is_matched():
    assert highlight("E\u0301ducation", query("education", "fr"), "fr") == "<mark>Éducation</mark>"


# --- snippet ----------------------------------------------------------------

FILLER = " ".join(f"w{i}" for i in range(40))
DENSE = (
    f"Victims first. {FILLER} Trafficking victims and traffickers: the victims of "
    f"trafficking. {FILLER} victims last."
)


def test_snippet_prefers_the_dense_region():
    assert snippet(DENSE, query("trafficking victims"), "en", max_chars=80) == (
        "…w38 w39 <mark>Trafficking</mark> <mark>victims</mark> and <mark>traffickers</mark>: "
        "the <mark>victims</mark> of <mark>trafficking</mark>. w0 w1…"
    )


def test_snippet_without_match_starts_at_the_beginning():
    text = "one two three four five six seven"
    assert snippet(text, query("nothing"), "en", max_chars=20) == "one two three four…"
    assert snippet(text, MatchAllQ(), "en", max_chars=100) == text


def test_snippet_of_a_short_text_is_the_whole_text():
    assert snippet("A short <b>text</b> on victims", query("victims"), "en") == (
        "A short &lt;b&gt;text&lt;/b&gt; on <mark>victims</mark>"
    )


def test_snippet_collapses_whitespace():
    assert snippet("Victims \n\n of\ttrafficking  ", query("victims"), "en") == (
        "<mark>Victims</mark> of trafficking"
    )


@pytest.mark.parametrize("max_chars", [10, 40, 80, 240])
def test_snippet_respects_max_chars_and_cuts_between_words(max_chars):
    result = snippet(DENSE, query("trafficking victims"), "en", max_chars=max_chars)
    text = visible(result).strip("…")
    assert len(text) <= max_chars
    assert "<mark>" in result
    if max_chars >= 40:
        assert text.split()[0] in DENSE.split()
        assert text.split()[-1] in DENSE.split()


def test_snippet_of_a_long_text():
    words = [f"filler{i % 500}" for i in range(15_000)]
    words[12_000:12_003] = ["human", "trafficking", "victims"]
    text = " ".join(words)
    result = snippet(text, query("trafficking victims"), "en")
    assert result.startswith("…") and result.endswith("…")
    assert "<mark>trafficking</mark> <mark>victims</mark>" in result
    assert highlight(text, query("trafficking victims"), "en").count("<mark>") == 2


def test_snippet_of_a_long_text_with_a_frequent_word():
    text = "the victims " * 20_000
    result = snippet(text, query("victims"), "en")
    assert result.count("<mark>victims</mark>") == 20
