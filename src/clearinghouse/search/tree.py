"""The query tree: what a user's search means, independent of any engine.

``parser.parse_user_query`` turns raw input into *raw* nodes (words as typed);
``analysis.analyze_tree`` turns those into *analysed* nodes whose terms are the
exact index terms every backend stores. Backends compile only analysed nodes,
so raw user input never reaches an engine.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- raw nodes (output of the parser) ---------------------------------------


@dataclass(frozen=True)
class Word:
    """A word as the user typed it."""

    text: str


@dataclass(frozen=True)
class PhraseWords:
    """Words the user put in double quotes."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class PrefixWord:
    """A word the user ended with ``*``."""

    text: str


# --- analysed nodes (what backends compile) ---------------------------------


@dataclass(frozen=True)
class TermQ:
    """Matches a document containing any of ``variants`` (index terms)."""

    variants: tuple[str, ...]


@dataclass(frozen=True)
class PhraseQ:
    """Matches the index terms at consecutive positions."""

    terms: tuple[str, ...]


@dataclass(frozen=True)
class PrefixQ:
    """Matches a document containing an index term that starts with any of ``prefixes``."""

    prefixes: tuple[str, ...]


# --- boolean structure (shared by raw and analysed trees) -------------------


@dataclass(frozen=True)
class AndQ:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class OrQ:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class NotQ:
    """Excludes what ``child`` matches; only meaningful inside an ``AndQ``."""

    child: Node


@dataclass(frozen=True)
class MatchAllQ:
    """Every document (an empty query: browse)."""


@dataclass(frozen=True)
class MatchNoneQ:
    """No document (a query that analysed to nothing searchable)."""


Node = (
    Word
    | PhraseWords
    | PrefixWord
    | TermQ
    | PhraseQ
    | PrefixQ
    | AndQ
    | OrQ
    | NotQ
    | MatchAllQ
    | MatchNoneQ
)
