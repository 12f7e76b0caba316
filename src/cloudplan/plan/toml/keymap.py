"""Where each table and key of a TOML text stands (line, column, last line), so that findings name their line; pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from cloudplan.plan.toml.lexer import Entry, Header, Key, Resolver, inside, statements


class Span(NamedTuple):
    """Lines line..last (1-based, inclusive) of a key-value pair or table header; col of its key."""

    line: int
    col: int
    last: int


@dataclass(slots=True)
class KeyMap:
    """Spans by key path; tables in the order they appear; the last line of each table's own keys."""

    spans: dict[Key, Span] = field(default_factory=dict)
    tables: list[Key] = field(default_factory=list)  # explicit [table] and [[array]] headers
    ends: dict[Key, int] = field(default_factory=dict)

    def locate(self, key: Key) -> tuple[int, int]:
        """Return (line, col) of *key*, else of the nearest enclosing key or table; (1, 1) at worst."""
        for n in range(len(key), 0, -1):
            span = self.spans.get(key[:n])
            if span is not None:
                return span.line, span.col
        return 1, 1


def scan(text: str) -> KeyMap:
    """Return the key map of *text*, a TOML document that tomllib accepts (without its byte order mark)."""
    result = KeyMap()
    spans, ends = result.spans, result.ends
    resolver = Resolver()
    table: Key = ()
    for s in statements(text):
        if isinstance(s, Header):
            table = resolver.path(s.names, s.is_array)
            span = Span(s.line, s.col, s.line)
            if s.is_array:
                spans.setdefault(table[:-1], span)  # an array of tables is where its first element is
            spans[table] = span
            result.tables.append(table)
            ends[table] = s.line
            continue
        assert isinstance(s, Entry)
        key = (*table, *s.names)
        spans[key] = Span(s.line, s.col, s.last)
        ends[table] = s.last
        if s.nests:
            for inner, (line, col, last) in inside(text, s, key).items():
                spans[inner] = Span(line, col, last)
    return result
