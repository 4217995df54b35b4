"""The user's search syntax → a raw query tree; forgiving, it never raises.

Syntax: words (all required), "quoted phrases" (also “ ” « » „), ``word*``
for a prefix, ``-word`` / ``-"phrase"`` to exclude, and an uppercase ``OR``
between two clauses (``a OR b c`` is ``(a OR b) AND c``); an uppercase
``AND`` between two clauses is accepted and changes nothing. Anything else
(parentheses, colons, ``+``, ``~``, unbalanced quotes...) is literal text,
which analysis later reduces to words or drops.
"""

from __future__ import annotations

import re

from .tree import AndQ, MatchAllQ, Node, NotQ, OrQ, PhraseWords, PrefixWord, Word

_QUOTES = '"“”«»„'
# Any quote closes a phrase: people mix “ with " and type « » or „ “ in pairs.
_QUOTE_RE = re.compile(f"[{_QUOTES}]")
_SPACE_RE = re.compile(r"\s+")
_BARE_RE = re.compile(f"[^\\s{_QUOTES}]+")
_KEYWORDS = ("OR", "AND")


def _bare(token: str) -> Node:
    """A bare token: ``word*`` is a prefix, anything else (even a lone ``*``) a word."""
    stem = token.rstrip("*")
    if stem and stem != token:
        return PrefixWord(stem)
    return Word(token)


def _scan(text: str, max_clauses: int) -> list[Node | str]:
    """Clauses and keyword tokens ("OR"/"AND") in input order, at most ``max_clauses`` clauses."""
    items: list[Node | str] = []
    clauses = 0
    pos, end = 0, len(text)
    while pos < end and clauses < max_clauses:
        space = _SPACE_RE.match(text, pos)
        if space is not None:
            pos = space.end()
            continue
        after = text[pos + 1 : pos + 2]
        negated = text[pos] == "-" and after not in ("", "-") and not after.isspace()
        if negated:
            pos += 1
        node: Node
        if text[pos] in _QUOTES:
            close = _QUOTE_RE.search(text, pos + 1)
            stop = close.start() if close is not None else end
            words = tuple(text[pos + 1 : stop].split())
            pos = stop + 1
            if not words:
                continue
            node = PhraseWords(words)
        else:
            bare = _BARE_RE.match(text, pos)
            if bare is None:  # unreachable: pos is on a non-space, non-quote character
                pos += 1
                continue
            token = bare.group()
            pos = bare.end()
            if not negated and token in _KEYWORDS:
                items.append(token)
                continue
            node = _bare(token)
        items.append(NotQ(node) if negated else node)
        clauses += 1
    return items


def _group(items: list[Node | str]) -> list[list[Node]]:
    """Resolve keywords: OR joins its neighbours, AND is dropped, stray keywords are words."""
    groups: list[list[Node]] = []
    join_next = False
    for index, item in enumerate(items):
        if isinstance(item, str):
            between = (
                0 < index < len(items) - 1
                and not isinstance(items[index - 1], str)
                and not isinstance(items[index + 1], str)
            )
            if between:
                join_next = join_next or item == "OR"
                continue
            item = Word(item)
        if join_next and groups:
            groups[-1].append(item)
        else:
            groups.append([item])
        join_next = False
    return groups


def parse_user_query(text: str, *, max_length: int = 1000, max_clauses: int = 32) -> Node:
    """Parse a search box's text into a raw tree (see the module docstring for the syntax).

    Input is cut to ``max_length`` characters and ``max_clauses`` clauses so a
    pasted document cannot make a huge query. Empty input is ``MatchAllQ``
    (browse); a query of exclusions only excludes from everything.
    """
    items = _scan(text[: max(max_length, 0)], max(max_clauses, 0))
    nodes: list[Node] = []
    for group in _group(items):
        nodes.append(group[0] if len(group) == 1 else OrQ(tuple(group)))
    nodes = nodes[: max(max_clauses, 0)]
    if not nodes:
        return MatchAllQ()
    if all(isinstance(node, NotQ) for node in nodes):
        return AndQ((MatchAllQ(), *nodes))
    return nodes[0] if len(nodes) == 1 else AndQ(tuple(nodes))
