"""The search box syntax: every construct, and no input that makes it raise."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearinghouse.search.analysis import analyze_tree
from clearinghouse.search.parser import parse_user_query
from clearinghouse.search.tree import (
    AndQ,
    MatchAllQ,
    MatchNoneQ,
    Node,
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


def W(text: str) -> Word:  # noqa: N802 - reads like the node it builds
    return Word(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # empty input browses
        ("", MatchAllQ()),
        ("   \t\n", MatchAllQ()),
        # bare words: implicit AND
        ("trafficking", W("trafficking")),
        ("human  trafficking", AndQ((W("human"), W("trafficking")))),
        # phrases, with straight and typographic quotes
        ('"human trafficking"', PhraseWords(("human", "trafficking"))),
        ("“human trafficking”", PhraseWords(("human", "trafficking"))),
        ("« traite des êtres »", PhraseWords(("traite", "des", "êtres"))),
        ("„Menschen handel“", PhraseWords(("Menschen", "handel"))),
        ('a "b c" d', AndQ((W("a"), PhraseWords(("b", "c")), W("d")))),
        ('foo"bar baz"', AndQ((W("foo"), PhraseWords(("bar", "baz"))))),
        ('"a OR -b* (c)"', PhraseWords(("a", "OR", "-b*", "(c)"))),
        # unbalanced quote: the phrase runs to the end
        ('"human trafficking', PhraseWords(("human", "trafficking"))),
        ('a "b c', AndQ((W("a"), PhraseWords(("b", "c"))))),
        ('""', MatchAllQ()),
        ('a "" b', AndQ((W("a"), W("b")))),
        # prefixes
        ("traff*", PrefixWord("traff")),
        ("traff**", PrefixWord("traff")),
        ("*", W("*")),
        ("**", W("**")),
        ("*traff", W("*traff")),
        ("tr*ff", W("tr*ff")),
        # exclusion
        ("-smuggling", AndQ((MatchAllQ(), NotQ(W("smuggling"))))),
        ("a -b", AndQ((W("a"), NotQ(W("b"))))),
        ('a -"b c"', AndQ((W("a"), NotQ(PhraseWords(("b", "c")))))),
        ("-a -b", AndQ((MatchAllQ(), NotQ(W("a")), NotQ(W("b"))))),
        ("a -traff*", AndQ((W("a"), NotQ(PrefixWord("traff"))))),
        ("-OR", AndQ((MatchAllQ(), NotQ(W("OR"))))),
        ("-", W("-")),
        ("a - b", AndQ((W("a"), W("-"), W("b")))),
        ("--a", W("--a")),
        ("anti-trafficking", W("anti-trafficking")),
        # OR binds tighter than the implicit AND
        ("a OR b", OrQ((W("a"), W("b")))),
        ("a OR b c", AndQ((OrQ((W("a"), W("b"))), W("c")))),
        ("c a OR b", AndQ((W("c"), OrQ((W("a"), W("b")))))),
        ("a OR b OR c", OrQ((W("a"), W("b"), W("c")))),
        ('a OR "b c"', OrQ((W("a"), PhraseWords(("b", "c"))))),
        ("-a OR b", OrQ((NotQ(W("a")), W("b")))),
        # AND between clauses is accepted and changes nothing
        ("a AND b", AndQ((W("a"), W("b")))),
        ("a AND b OR c", AndQ((W("a"), OrQ((W("b"), W("c")))))),
        # keywords elsewhere, or not uppercase, are words
        ("a or b", AndQ((W("a"), W("or"), W("b")))),
        ("OR", W("OR")),
        ("OR a", AndQ((W("OR"), W("a")))),
        ("a OR", AndQ((W("a"), W("OR")))),
        ("AND OR", AndQ((W("AND"), W("OR")))),
        ("a OR OR b", AndQ((W("a"), W("OR"), W("OR"), W("b")))),
        ("a AND OR b", AndQ((W("a"), W("AND"), W("OR"), W("b")))),
        # everything else is literal text
        ("title:foo", W("title:foo")),
        ("NEAR(a b)", AndQ((W("NEAR(a"), W("b)")))),
        ("(a OR b)", OrQ((W("(a"), W("b)")))),
        ("+a ~b c^2 d\\e", AndQ((W("+a"), W("~b"), W("c^2"), W("d\\e")))),
        ("a\x00b", W("a\x00b")),
        ("a\tb\nc", AndQ((W("a"), W("b"), W("c")))),
    ],
)
def test_syntax(text, expected):
    assert parse_user_query(text) == expected


def test_input_is_cut_to_max_length():
    assert parse_user_query("ab cd ef", max_length=5) == AndQ((W("ab"), W("cd")))
    assert parse_user_query("abcdef", max_length=3) == W("abc")
    assert parse_user_query("abc", max_length=0) == MatchAllQ()


def test_at_most_max_clauses():
    words = [f"w{i}" for i in range(40)]
    assert parse_user_query(" ".join(words)) == AndQ(tuple(W(w) for w in words[:32]))
    assert parse_user_query("a b c d", max_clauses=2) == AndQ((W("a"), W("b")))
    assert parse_user_query("a OR b OR c", max_clauses=2) == OrQ((W("a"), W("b")))
    assert parse_user_query("a b", max_clauses=0) == MatchAllQ()


def test_stray_keywords_count_as_clauses():
    assert parse_user_query("OR " * 50) == AndQ(tuple(W("OR") for _ in range(32)))


def test_a_realistic_query_end_to_end():
    raw = parse_user_query('“child trafficking” OR "forced labour" -smuggling repatriat*')
    assert raw == AndQ(
        (
            OrQ((PhraseWords(("child", "trafficking")), PhraseWords(("forced", "labour")))),
            NotQ(W("smuggling")),
            PrefixWord("repatriat"),
        )
    )
    assert analyze_tree(raw, ["en"]) == AndQ(
        (
            OrQ(
                (
                    PhraseQ(("child", "traffick")),
                    PhraseQ(("child", "trafficking")),
                    PhraseQ(("forc", "labour")),
                    PhraseQ(("forced", "labour")),
                )
            ),
            NotQ(TermQ(("smuggl", "smuggling"))),
            OrQ((PrefixQ(("repatriat",)), TermQ(("repatri",)))),
        )
    )


# --- never raises -----------------------------------------------------------

RAW_TYPES = (Word, PhraseWords, PrefixWord)
ANALYSED_TYPES = (TermQ, PhraseQ, PrefixQ)


def _nodes(node: Node):
    yield node
    if isinstance(node, AndQ | OrQ):
        for child in node.children:
            yield from _nodes(child)
    elif isinstance(node, NotQ):
        yield from _nodes(node.child)


def _check(text: str) -> None:
    raw = parse_user_query(text)
    assert isinstance(raw, Node)
    assert not any(isinstance(n, (*ANALYSED_TYPES, MatchNoneQ)) for n in _nodes(raw))
    clauses = [n for n in _nodes(raw) if isinstance(n, RAW_TYPES)]
    assert len(clauses) <= 32
    assert all(n.text for n in clauses if isinstance(n, Word | PrefixWord))
    analysed = analyze_tree(raw, ["en", "fr", "ar", "sr", "zh", "ru"])
    assert isinstance(analysed, Node)
    assert not any(isinstance(n, RAW_TYPES) for n in _nodes(analysed))


HOSTILE = '*-:()"“”«»ORANDNEAR \\^~+'
LETTERS = "abcxyzéÉßÆ贩运人口ひらがなтрговинаالبشر0123456789"
TOKENS = ["OR", "AND", "NEAR(", "-", "*", '"', "“", "”", "«", "»", "word", "a", " ", "\x00", "\t"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(HOSTILE + LETTERS)))
def test_hostile_characters_never_raise(text):
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS)).map("".join))
def test_hostile_tokens_never_raise(text):
    _check(text)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ten_kilobytes_of_random_unicode(seed):
    rng = random.Random(seed)
    code_points = (rng.randrange(0x110000) for _ in range(10_000))
    text = "".join(chr(cp) for cp in code_points if not 0xD800 <= cp <= 0xDFFF)
    _check(text)
    _check(text.replace(" ", ""))  # one long "word"


@pytest.mark.parametrize("seed", [0, 1])
def test_lone_surrogates_and_nul_bytes(seed):
    rng = random.Random(seed)
    text = rng.randbytes(10_000).decode("utf-8", errors="surrogateescape")
    assert any(0xDC80 <= ord(c) <= 0xDCFF for c in text)
    _check(text)
    _check('\ud800 a \udfff -\ud83d OR \x00* "\udc80 b')
