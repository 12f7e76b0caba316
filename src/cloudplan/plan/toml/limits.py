"""The shapes a plan file may not have, found before anything parses it: keys too long, values nested too deep; pure.

A TOML file of 100 KB can hold a table header or a dotted key of 50,000 parts, which
tomllib and the key map take minutes and gigabytes to read (each part is a table
inside the one before), or arrays nested 50,000 deep. A plan needs neither: its
deepest key is `[[project.milestone.slip]]`, its deepest value an inline table in an
array. So a file is refused, with a finding at the line and column of the first
offence, when

- a key or a table header has more than MAX_KEY_PARTS parts (`a.b.c` has three), or
- arrays and inline tables are nested more than MAX_NESTING deep.

`check` costs a few milliseconds on a file of megabytes, next to the hundreds tomllib
takes. Two searches at the speed of the regular expression engine find everything that
might break a limit: sixteen dots each between two key-like words (wherever they are:
a key, but also a string or a comment that looks like one), and the values that nest or
span lines (`_NESTED`). Only what they find is read the lexer's way, which knows strings
and comments from keys: a title "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17" breaks no
limit. A text the lexer cannot read is left to tomllib, which says what is wrong with it
(unless it holds what looks like a long key: that is refused all the same).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from cloudplan.plan.toml import lexer

# The lexer (6 ms of regular expressions to compile) is imported only for a file that may break a
# limit or has an array or inline table over lines: most plans never need it here.

MAX_KEY_PARTS = 16  # parts of a dotted key or a table header: a plan's deepest is project.milestone.slip
MAX_NESTING = 32  # arrays and inline tables, one inside another

# A key part, as the lexer's _KEY (a test keeps them equal): bare, "basic" or 'literal'.
_KEY = r"""(?:[A-Za-z0-9_-]++|"(?>(?:[^"\\\n]++|\\[^\n])*)"|'[^'\n]*+')"""
# A multi-line string, as the lexer's _TOKEN reads one (up to two quotes may end it).
_LONG_STRING = re.compile(
    r'''"""(?>(?:[^"\\]++|\\[\s\S]|"(?!""))*)"{3,5}+''' + r"""|'''(?>(?:[^']++|'(?!''))*)'{3,5}+"""
)
# A dot, then MAX_KEY_PARTS - 1 times a key and a dot: the dots of a key of MAX_KEY_PARTS + 1 parts or more
# (a literal first: the engine skips from dot to dot). Anything that may be one, in a string or a comment too.
_LONG_KEY = re.compile(rf"\.(?:[ \t]*+{_KEY}[ \t]*+\.){{{MAX_KEY_PARTS - 1}}}")


# A value that may nest or span lines: a multi-line string, or an array or inline table whose first
# bracket, brace or newline after its opening one (one-line strings and comments skipped) opens another, or
# is a newline, or a multi-line string. A value deeper than 1 is always one; a list of owners never is.
_NESTED = re.compile(
    r"=[ \t]*+(?:[\[{]"
    r"(?:[^\[\]{}\n\"'#]++|\"(?!\"\")(?>[^\"\\\n]++|\\.)*+\"|'(?!'')[^'\n]*+'|#[^\n]*+)*+"
    r"(?:[\[{]|\n|\"{3}|'{3})|(?P<long>\"{3}|'{3}))"
)


class Breach(NamedTuple):
    """Where a file first breaks a limit, and which."""

    line: int  # 1-based
    col: int
    kind: str  # "key" (a key or header of too many parts) or "nesting"
    size: int  # the parts of that key, or how deep that value nests (at least MAX_NESTING + 1)


def check(text: str) -> Breach | None:
    """Return where *text* first breaks a limit (MAX_KEY_PARTS, MAX_NESTING), or None when it breaks none."""
    found: list[Breach] = []
    long_key = _LONG_KEY.search(text)
    if long_key is not None:
        from cloudplan.plan.toml import lexer

        try:
            breach = _keys(text)
        except lexer.LexError:  # not TOML as the lexer reads it: what looks like a long key is taken for one
            line, col = _place(text, _word_start(text, long_key.start()))
            breach = Breach(line, col, "key", _parts(text, long_key.start()))
        if breach is not None:
            found.append(breach)
    nested = _nesting(text)
    if nested is not None:
        found.append(nested)
    return min(found, key=lambda b: (b.line, b.col)) if found else None


def _keys(text: str) -> Breach | None:
    """Return the first key or header of *text* with too many parts, inline tables' keys included.

    Raises LexError for a text the lexer cannot read.
    """
    from cloudplan.plan.toml import lexer

    for s in lexer.statements(text):
        if len(s.names) > MAX_KEY_PARTS:
            return Breach(s.line, s.col, "key", len(s.names))
        if isinstance(s, lexer.Entry) and s.nests:
            inner = _walk(text, s)
            if inner is not None and inner.kind == "key":
                return inner
    return None


def _nesting(text: str) -> Breach | None:
    """Return the first value of *text* nested too deep: only the values that nest or span lines are read."""
    pos = 0  # read up to here: a candidate before it is inside a value
    line, counted = 1, 0
    for m in _NESTED.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        if start < pos:
            continue
        if m["long"]:  # a multi-line string: nothing nests in it, and nothing in it is a value
            string = _LONG_STRING.match(text, m.start("long"))
            if string is None:  # not closed: tomllib says so
                return None
            pos = string.end()
            continue
        line += text.count("\n", counted, start)
        counted = start
        from cloudplan.plan.toml import lexer

        try:
            lexed = lexer._lex(text, start, len(text), line, one=True)
        except lexer.LexError:
            return None  # tomllib says what is wrong with it
        if not lexed or not isinstance(lexed[0], lexer.Entry):
            continue
        entry = lexed[0]
        pos = entry.end
        breach = _walk(text, entry)
        if breach is not None and breach.kind == "nesting":
            return breach
    return None


def _walk(text: str, entry: lexer.Entry) -> Breach | None:
    """Return the first place in *entry*'s value nested more than MAX_NESTING deep, or an inline key too long."""
    from cloudplan.plan.toml import lexer

    depth = 0
    tables: list[bool] = []  # for each open bracket: is it an inline table
    parts = 1  # the parts of the inline table's key being read
    key_at = -1
    for m in lexer._TOKEN.finditer(text, entry.value, entry.value_end):
        kind = m.lastgroup
        if kind == "open":
            depth += 1
            tables.append(m[0] == "{")
            if depth > MAX_NESTING:
                return Breach(*_place(text, m.start()), "nesting", depth)
            parts, key_at = 1, -1
        elif kind == "close":
            depth -= 1
            if tables:
                tables.pop()
        elif kind == "sep":
            if m[0] == "=" and tables and tables[-1] and key_at >= 0 and parts > MAX_KEY_PARTS:
                return Breach(*_place(text, key_at), "key", parts)
            parts, key_at = 1, -1
        elif tables and tables[-1] and kind in ("word", "str"):
            if key_at < 0:
                key_at = m.start()
            if kind == "word":
                parts += m[0].count(".")
    return None


def _place(text: str, offset: int) -> tuple[int, int]:
    """Return the line and column (1-based) of *offset*."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _word_start(text: str, offset: int) -> int:
    """Return where the key part that ends at *offset* (a dot) begins, on its line."""
    line_start = text.rfind("\n", 0, offset) + 1
    m = re.search(rf"{_KEY}[ \t]*$", text[line_start:offset])
    return line_start + m.start() if m else offset


def _parts(text: str, offset: int) -> int:
    """Return the number of parts of the dotted key whose first dot is at *offset* (counted the regex's way)."""
    run = re.compile(rf"(?:\.[ \t]*+{_KEY}[ \t]*+)*").match(text, offset)
    return (run[0].count(".") if run else 0) + 1
