"""Analysis per language: the terms every backend stores and every query looks up."""

from __future__ import annotations

import threading

import pytest

from clearinghouse.search.analysis import (
    MAX_TERM_LENGTH,
    analyze,
    analyze_query_word,
    analyze_tree,
    fold,
    has_stemmer,
)
from clearinghouse.search.tree import (
    AndQ,
    MatchAllQ,
    MatchNoneQ,
    NotQ,
    OrQ,
    PhraseQ,
    PhraseWords,
    PrefixQ,
    PrefixWord,
    TermQ,
    Word,
)


@pytest.fixture(autouse=True)
def _isolated_storage():
    """Pure functions: no Django settings, files or index (overrides the suite's fixture)."""
    yield


# --- stemming per language --------------------------------------------------


def test_english_forms_share_a_stem():
    assert analyze("repatriation", "en") == ["repatri"]
    assert analyze("Repatriated", "en") == ["repatri"]


def test_french_forms_share_a_stem():
    assert analyze("traite", "fr") == analyze("traites", "fr") == ["trait"]


def test_russian_forms_share_a_stem():
    assert analyze("торговля", "ru") == analyze("торговли", "ru") == ["торговл"]


@pytest.mark.parametrize("language", ["sr", "sr-Latn", "sr-Cyrl", "bs", "hr", "sr_latn"])
def test_serbian_cyrillic_and_latin_give_the_same_terms(language):
    assert analyze("Трговина људима", language) == ["trgovin", "ljud"]
    assert analyze("Trgovina ljudima", language) == ["trgovin", "ljud"]


def test_serbian_dj_folds_in_both_scripts_and_without_diacritics():
    assert analyze("Ђорђе", "sr") == analyze("Đorđe", "sr") == analyze("Dorde", "sr") == ["dord"]


@pytest.mark.parametrize("language", ["sq", "mk", "uk", "xx", "", None])
def test_languages_without_a_stemmer_are_only_folded(language):
    assert not has_stemmer(language)
    assert analyze("Trafikimi Éducation trafficking", language) == [
        "trafikimi",
        "education",
        "trafficking",
    ]


def test_stemming_happens_before_folding():
    # The French stemmer needs the accent to remove "-ées"; the result is folded.
    assert analyze("Éducation", "fr") == analyze("education", "fr") == ["educ"]
    assert analyze("protégées", "fr") == ["proteg"]


# --- folding ----------------------------------------------------------------


def test_fold_strips_accents_and_case():
    assert fold("Éducation") == fold("education") == "education"
    assert fold("ÇA VA Ñandú") == "ca va nandu"


def test_fold_special_letters():
    assert fold("Straße ẞ") == "strasse ss"
    assert fold("Łódź Øresund Đakovo") == "lodz oresund dakovo"
    assert fold("ﬁnance ＡＢＣ") == "finance abc"


def test_fold_arabic():
    # Alef forms, alef maqsura, teh marbuta, harakat and tatweel.
    assert fold("أحمد إسلام آمن") == "احمد اسلام امن"
    assert fold("مستشفى مدرسة") == "مستشفي مدرسه"
    assert fold("الاتِّجار عـــربي") == "الاتجار عربي"
    assert fold("٢٠٠١") == "2001"


def test_fold_keeps_marks_that_are_letters():
    # Devanagari vowel signs and kana voicing are part of the letter, not accents.
    assert fold("कुछ") == "कुछ"
    assert fold("が") == "が"


def test_arabic_analysis_normalises_and_stems():
    assert analyze("أحمد مدرسة الاتِّجار", None) == ["احمد", "مدرسه", "الاتجار"]
    assert analyze("الاتِّجار بالبشر", "ar") == analyze("الاتجار بالبشر", "ar") == ["اتجار", "بشر"]


# --- tokenization -----------------------------------------------------------


def test_punctuation_and_slash_split_words_and_digits_stay():
    assert analyze("Resolution 2001/4 (UN-GIFT), art. 3", None) == [
        "resolution",
        "2001",
        "4",
        "un",
        "gift",
        "art",
        "3",
    ]


def test_french_elision_splits_at_the_apostrophe():
    assert analyze("l'exploitation d’enfants", "fr") == ["l", "exploit", "d", "enfant"]


def test_underscore_splits_words():
    assert analyze("foo_bar", None) == ["foo", "bar"]


def test_chinese_is_segmented_into_words_in_any_language():
    for language in ("zh", "zh-Hans", "en", None):
        assert analyze("贩运人口问题", language) == ["贩运", "人口", "问题"]


def test_chinese_between_latin_words():
    assert analyze("UNODC打击贩运人口2024", "zh") == ["unodc", "打击", "贩运", "人口", "2024"]


def test_kana_and_hangul_become_bigrams():
    assert analyze("ひらがな", "ja") == ["ひら", "らが", "がな"]
    assert analyze("한국어 나", "ko") == ["한국", "국어", "나"]


def test_overlong_tokens_are_dropped():
    keep = "a" * MAX_TERM_LENGTH
    assert analyze(f"x {keep} {'b' * (MAX_TERM_LENGTH + 1)} y", None) == ["x", keep, "y"]


def test_empty_and_punctuation_only_text():
    assert analyze("", "en") == []
    assert analyze(" -- ... ¿? ", "en") == []


def test_ligatures_meet_plain_letters_before_stemming():
    assert analyze("ﬁnancial", "en") == analyze("financial", "en") == ["financi"]


def test_stemmers_are_per_thread_and_agree():
    text = "Trafficking victims were repatriated; traffickers prosecuted. " * 50
    expected = analyze(text, "en")
    results: list[list[str]] = []

    def work() -> None:
        for _ in range(20):
            results.append(analyze(text, "en"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 80
    assert all(result == expected for result in results)


# --- query words ------------------------------------------------------------


def test_query_word_variants_across_languages():
    assert analyze_query_word("traffickers", ["fr", "en"]) == (
        ("trafficker",),
        ("traffick",),
        ("traffickers",),
    )
    assert analyze_query_word("victimes", ["fr", "en"]) == (("victim",), ("victimes",))


def test_query_word_variants_are_deduplicated_in_language_order():
    assert analyze_query_word("Training", ["en", "en", "fr"]) == (("train",), ("training",))
    assert analyze_query_word("Training", ["fr", "en"]) == (("training",), ("train",))


def test_query_word_that_splits_returns_a_sequence():
    assert analyze_query_word("2001/4", ["en"]) == (("2001", "4"),)
    assert analyze_query_word("贩运人口", ["zh", "en"]) == (("贩运", "人口"),)


def test_query_word_without_terms():
    assert analyze_query_word("--", ["en"]) == ()


# --- query trees ------------------------------------------------------------


def test_word_becomes_term_with_variants():
    assert analyze_tree(Word("Victimes"), ["fr", "en"]) == TermQ(("victim", "victimes"))


def test_word_that_splits_becomes_a_phrase():
    assert analyze_tree(Word("2001/4"), ["en"]) == PhraseQ(("2001", "4"))
    assert analyze_tree(Word("anti-trafficking"), ["en"]) == OrQ(
        (PhraseQ(("anti", "traffick")), PhraseQ(("anti", "trafficking")))
    )


def test_phrase_per_language_deduplicated():
    tree = analyze_tree(PhraseWords(("traite", "des", "êtres", "humains")), ["fr"])
    assert tree == OrQ(
        (
            PhraseQ(("trait", "de", "etre", "humain")),
            PhraseQ(("traite", "des", "etres", "humains")),
        )
    )
    assert analyze_tree(PhraseWords(("human", "rights")), []) == PhraseQ(("human", "rights"))


def test_one_word_phrase_is_a_term():
    assert analyze_tree(PhraseWords(("Victims",)), ["en"]) == TermQ(("victim", "victims"))


def test_prefix_includes_stems_shorter_than_the_prefix():
    # "education" is indexed as "educ", which does not start with "educat".
    assert analyze_tree(PrefixWord("educat"), ["en"]) == OrQ(
        (PrefixQ(("educat",)), TermQ(("educ",)))
    )
    assert analyze_tree(PrefixWord("repatriat"), ["fr", "en"]) == OrQ(
        (PrefixQ(("repatriat",)), TermQ(("repatri",)))
    )


def test_prefix_is_not_widened_to_a_shorter_word():
    # "traffick*" must not match "traffic".
    assert analyze_tree(PrefixWord("traffick"), ["en", "fr"]) == PrefixQ(("traffick",))


def test_prefix_stems_cover_the_folded_prefix():
    # The French stem "trait" covers the folded "traites": one prefix is enough.
    assert analyze_tree(PrefixWord("Traités"), ["fr"]) == PrefixQ(("trait",))


def test_prefix_without_stemmer_is_only_folded():
    assert analyze_tree(PrefixWord("Éduc"), []) == PrefixQ(("educ",))


def test_one_letter_prefix_is_a_word():
    assert analyze_tree(PrefixWord("a"), ["en"]) == TermQ(("a",))


def test_prefix_of_several_words():
    assert analyze_tree(PrefixWord("anti-traff"), []) == AndQ(
        (TermQ(("anti",)), PrefixQ(("traff",)))
    )


def test_words_without_terms_are_dropped():
    assert analyze_tree(AndQ((Word("*"), Word("Victims"))), ["en"]) == TermQ(("victim", "victims"))


def test_nothing_searchable_is_match_none_but_empty_is_match_all():
    assert analyze_tree(Word("*"), ["en"]) == MatchNoneQ()
    assert analyze_tree(AndQ((Word("-"), Word("("))), ["en"]) == MatchNoneQ()
    assert analyze_tree(MatchAllQ(), ["en"]) == MatchAllQ()


def test_only_negative_is_everything_except():
    tree = AndQ((MatchAllQ(), NotQ(Word("smuggling"))))
    assert analyze_tree(tree, []) == AndQ((MatchAllQ(), NotQ(TermQ(("smuggling",)))))
    assert analyze_tree(AndQ((Word("*"), NotQ(Word("x")))), []) == AndQ(
        (MatchAllQ(), NotQ(TermQ(("x",))))
    )


def test_excluding_nothing_is_no_constraint():
    assert analyze_tree(AndQ((Word("a"), NotQ(Word("*")))), []) == TermQ(("a",))


def test_single_child_and_or_collapse_and_nesting_flattens():
    tree = AndQ((OrQ((Word("a"),)), AndQ((Word("b"), Word("c"))), Word("a")))
    assert analyze_tree(tree, []) == AndQ((TermQ(("a",)), TermQ(("b",)), TermQ(("c",))))
    assert analyze_tree(OrQ((Word("a"), OrQ((Word("b"), Word("a"))))), []) == OrQ(
        (TermQ(("a",)), TermQ(("b",)))
    )


def test_negation_inside_or_becomes_everything_except():
    assert analyze_tree(OrQ((Word("a"), NotQ(Word("b")))), []) == OrQ(
        (TermQ(("a",)), AndQ((MatchAllQ(), NotQ(TermQ(("b",))))))
    )


def test_analysed_nodes_pass_through():
    tree = AndQ((TermQ(("x",)), PhraseQ(("a", "b")), PrefixQ(("ab",))))
    assert analyze_tree(tree, ["en"]) == tree
