"""The statements of a TOML text: table headers and key/value pairs, where each begins and ends; pure.

tomllib gives values but no positions. This lexer gives positions, for the two uses
that need them: `keymap` (where a finding's key stands) and `edit` (the lines an edit
replaces). It reads a text that tomllib has accepted, and follows TOML 1.0 as
Python's tomllib does: strings of the four kinds (with escapes, and the one or two
quotes that may end a multi-line string), comments, arrays and inline tables at any
depth and over many lines, dotted and quoted keys with their escapes decoded.

At the start of a line outside any value (the lexer's only state between
statements: bracket depth 0, outside any string) a line is blank, a comment, a
header or a key/value pair; a value begins on its key's line (TOML forbids a newline
after `=`). `statements` matches one compiled pattern at each such line: a value
that ends on its line (a string, number or date, a one-line array or inline table of
them) is taken by the pattern, inside the regular expression engine; a value that
spans lines or nests is followed token by token (`_value_end`, one compiled token
pattern driven by `finditer`). `headers` needs only the headers, and only two kinds
of line can hide one: a line that begins with a bracket, and a line whose value
opens a bracket, a brace or a multi-line string. Two searches over the whole text
find those; each is lexed in its turn as a statement, and what a value spans is
skipped. Every other line is a blank, a comment or a one-line key/value pair,
which can neither be a header nor hide one. The tests check, on the official TOML
test suite and on generated plans, that both give the same headers.

Where the text is not what tomllib accepts, `LexError` is raised: the callers refuse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

Key = tuple[str | int, ...]

_WS = r"[ \t]*"
_BARE = r"[A-Za-z0-9_-]++"
_BASIC = r'"(?>(?:[^"\\\n]++|\\[^\n])*)"'
_LITERAL = r"'[^'\n]*+'"
_KEY = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_PATH = rf"{_KEY}(?>(?:{_WS}\.{_WS}{_KEY})*)"
# A number, a boolean, a date or a time: never a quote, bracket, brace, comma or '#'.
_SCALAR = r"[0-9A-Za-z_+.:-]++(?: [0-9][0-9:.]*+(?:[Zz]|[+-][0-9:]++)?)?"
_ELEM = rf"(?:{_BASIC}|{_LITERAL}|{_SCALAR})"
_ARRAY1 = rf"\[{_WS}(?:{_ELEM}{_WS}(?>(?:,{_WS}{_ELEM}{_WS})*),?{_WS})?\]"
_INLINE1 = rf"\{{{_WS}(?:{_PATH}{_WS}={_WS}{_ELEM}{_WS}(?>(?:,{_WS}{_PATH}{_WS}={_WS}{_ELEM}{_WS})*))?\}}"
# A value that ends on its line, nesting nothing deeper than one array or inline table of scalars.
_SIMPLE = rf"(?:{_BASIC}|{_LITERAL}|{_ARRAY1}|{_INLINE1}|{_SCALAR})"
_END = r"[ \t]*+(?:#[^\n]*+)?\r?(?:\n|\Z)"
_HEADER = rf"{_WS}(?P<open>\[\[?){_WS}(?P<names>{_PATH}){_WS}\]\]?{_END}"
_PLAIN_LINE = rf"{_WS}(?:{_PATH}{_WS}={_WS}{_SIMPLE})?{_END}"

# What can hide a header from a line-by-line reading: a value that spans lines or nests. It
# begins right after its key's `=` with a bracket, a brace or three quotes (and is not a
# one-line array or inline table of scalars). Two searches find these and the lines that
# begin with a bracket; an `=` inside a string or a comment is a false alarm, lexed away.
# A header line, found from the newline before it (a literal first: the engine skips ahead fast).
_BRACKET = re.compile(rf"\n{_WS}(?P<open>\[\[?){_WS}(?P<names>{_PATH}){_WS}\]\]?(?=[ \t]*+(?:#[^\n]*+)?\r?(?:\n|\Z))")
_OPENER = re.compile(rf"=[ \t]*+(?=[\[{{]|\"\"\"|\'\'\')(?!(?:{_ARRAY1}|{_INLINE1}){_END})")
_FIRST = re.compile(r"[ \t]*\[")
# Every statement: one line (or the start of a long value) a match.
_EACH = re.compile(rf"{_HEADER}|{_WS}(?P<key>{_PATH}){_WS}={_WS}(?:(?P<simple>{_SIMPLE}){_END})?|(?P<blank>{_END})")

# Repeated groups are written (?>(?:...)*), not (?:...)*+: the same, but Python 3.11.0 to
# 3.11.3 mismatch a possessive repeat of a group holding a lookahead (seen on 3.11.2).
# The tokens inside a value: multi-line strings (up to two quotes may end them), strings,
# comments, brackets, separators, newlines, and bare words (keys, numbers, dates).
_TOKEN = re.compile(
    r'(?P<str>"""(?>(?:[^"\\]++|\\[\s\S]|"(?!""))*)"{3,5}+'
    r"|'''(?>(?:[^']++|'(?!''))*)'{3,5}+"
    rf"|{_BASIC}|{_LITERAL})"
    r"|(?P<comment>#[^\n]*+)"
    r"|(?P<open>[\[{])|(?P<close>[\]}])|(?P<sep>[,=\n])"
    r"|(?P<word>[0-9A-Za-z_+.:-]++)"
    r"|(?P<other>[^ \t\r])"
)
_HEADER_RE = re.compile(_HEADER)
_END_RE = re.compile(_END)
_KEY_PART = re.compile(_KEY)
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class LexError(ValueError):
    """The text is not TOML as tomllib reads it (or not at this position)."""


class Header(NamedTuple):
    """A `[table]` or `[[array]]` header line."""

    names: tuple[str, ...]  # decoded
    is_array: bool
    start: int  # offset of its line
    line: int  # 1-based
    col: int  # 1-based column of its first bracket
    end: int  # offset after its line


class Entry(NamedTuple):
    """A `key = value` statement, from its line to the end of the line where its value ends."""

    names: tuple[str, ...]  # the dotted key, decoded
    start: int  # offset of its first line
    line: int
    col: int  # 1-based column of its key
    value: int  # offset of its value
    value_end: int
    last: int  # the line where it ends
    end: int  # offset after that line
    nests: bool  # its value holds arrays or inline tables, or spans lines


Statement = Header | Entry


def _decode(part: str) -> str:
    if part[0] == "'":
        return part[1:-1]
    if part[0] != '"':
        return part
    body = part[1:-1]
    if "\\" not in body:
        return body

    def one(m: re.Match[str]) -> str:
        code = m[1] or m[2]
        if code:
            return chr(int(code, 16))
        if m[3] not in _ESCAPES:
            raise LexError(f"unknown escape \\{m[3]}")
        return _ESCAPES[m[3]]

    return _ESCAPE.sub(one, body)


_NAMES: dict[str, tuple[str, ...]] = {}


def names(dotted: str) -> tuple[str, ...]:
    """Return the decoded parts of a dotted key as written: `a."b.c".'d'` is (a, b.c, d)."""
    found = _NAMES.get(dotted)
    if found is None:
        if '"' not in dotted and "'" not in dotted:
            found = tuple(p.strip(" \t") for p in dotted.split("."))
        else:
            found = tuple(_decode(p) for p in _KEY_PART.findall(dotted))
        if len(_NAMES) < 4096:
            _NAMES[dotted] = found
    return found


def _value_end(text: str, pos: int, stop: int) -> tuple[int, bool]:
    """Return where the value that starts at *pos* ends, and whether it nests or spans lines."""
    depth = 0
    nests = False
    for m in _TOKEN.finditer(text, pos, stop):
        kind = m.lastgroup
        if kind == "open":
            depth += 1
            nests = True
        elif kind == "close":
            depth -= 1
            if depth < 0:
                break
        elif kind == "comment" or kind == "sep":
            if depth == 0:
                break
            if m[0] == "\n":
                nests = True
            continue
        elif kind == "other":
            break
        elif kind == "str" and "\n" in m[0]:
            nests = True
        elif kind == "word" and depth == 0 and text.startswith(" ", m.end()) and _TIME.match(text, m.end()):
            return _TIME.match(text, m.end()).end(), nests  # type: ignore[union-attr]
        if depth == 0:
            return m.end(), nests
    raise LexError(f"a value that does not end, at offset {pos}")


_TIME = re.compile(r" [0-9][0-9:.]*+(?:[Zz]|[+-][0-9:]++)?")


def _lex(text: str, pos: int, stop: int, line: int, one: bool = False) -> list[Statement]:
    found: list[Statement] = []
    pattern = _EACH
    counted = pos
    while pos < stop and not (one and found):
        m = pattern.match(text, pos, stop)
        if m is None or m.end() == pos:
            raise LexError(f"not a TOML statement at offset {pos}")
        if m.lastgroup == "blank":
            pos = m.end()
            continue
        start = pos
        line += text.count("\n", counted, start)
        counted = start
        opener = m["open"]
        if opener is not None:
            col = m.start("open") - start + 1
            found.append(Header(names(m["names"]), opener == "[[", start, line, col, m.end()))
            pos = m.end()
            continue
        key = m["key"]
        col = m.start("key") - start + 1
        if m["simple"] is not None:
            value, value_end, nests = m.start("simple"), m.end("simple"), "[" in m["simple"] or "{" in m["simple"]
            end = m.end()
            last = line
        else:
            value = m.end()
            value_end, nests = _value_end(text, value, stop)
            tail = _END_RE.match(text, value_end, stop)
            if tail is None:
                raise LexError(f"something after a value at offset {value_end}")
            end = tail.end()
            last = line + text.count("\n", start, value_end)
        found.append(Entry(names(key), start, line, col, value, value_end, last, end, nests))
        pos = end
    return found


def headers(text: str) -> list[Header]:
    """Return the table headers of *text*, in order.

    Only the lines that begin with a bracket, or with a value that may span lines,
    are lexed: every other line is a blank, a comment or a key with a one-line value,
    which cannot hide a header.
    """
    found: list[Header] = []
    stop = len(text)
    pos = 0  # lexed up to here: a candidate before it is inside a value
    line, counted = 1, 0
    # Where headers may be (a line of a multi-line value may look like one), and where a value
    # that may span lines begins: each is lexed in turn, skipping what a value before it spans.
    candidates: list[tuple[int, re.Match[str] | None]] = [(m.start() + 1, m) for m in _BRACKET.finditer(text)]
    candidates += [(text.rfind("\n", 0, m.start()) + 1, None) for m in _OPENER.finditer(text)]
    if _FIRST.match(text):
        candidates.append((0, None))
    candidates.sort(key=lambda c: c[0])
    for start, header in candidates:
        if start < pos:
            continue
        line += text.count("\n", counted, start)
        counted = start
        if header is None:
            header = _HEADER_RE.match(text, start)
            if header is None or header["open"] is None:
                lexed = _lex(text, start, stop, line, one=True)
                if lexed and isinstance(lexed[0], Header):
                    found.append(lexed[0])
                pos = lexed[0].end if lexed else stop
                continue
        opener = header["open"]
        found.append(Header(names(header["names"]), opener == "[[", start, line, header.start("open") - start + 1,
                            text.find("\n", header.end() - 1) + 1 or stop))  # fmt: skip
        pos = found[-1].end
    return found


def statements(text: str, start: int = 0, stop: int | None = None, line: int = 1) -> list[Statement]:
    """Return every header and key/value pair of text[start:stop], which must begin outside any value.

    *line* is the number of the line at *start*.
    """
    return _lex(text, start, len(text) if stop is None else stop, line)


class Resolver:
    """Turns headers into the key paths they stand for, as TOML does: `[[a.b]]` is the next b of the latest a.

    Fed the headers in order; it keeps which element of each array of tables is current.
    *start* gives the next index of arrays that already have elements (a text read from its middle).
    """

    def __init__(self, start: dict[Key, int] | None = None) -> None:
        self._counters: dict[Key, int] = dict(start or {})  # the next index of each array of tables
        self._arrays: dict[tuple[str, ...], Key] = {}  # by names: the current element
        self._prefixes: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}

    def path(self, names: tuple[str, ...], is_array: bool) -> Key:
        """Return the key path of the table that a header *names* opens (with its index, for an array)."""
        arrays = self._arrays
        prefixes = self._prefixes.get(names)
        if prefixes is None:
            prefixes = self._prefixes[names] = tuple(names[:n] for n in range(1, len(names)))
        path: Key = ()
        for n, prefix in enumerate(prefixes):
            current = arrays.get(prefix)
            # An element of an array counts only while the table it was made in is current.
            path = current if current is not None and current[:-2] == path else (*path, names[n])
        table: Key = (*path, names[-1])
        if is_array:
            index = self._counters.get(table, 0)
            self._counters[table] = index + 1
            table = (*table, index)
            arrays[names] = table
        return table

    def paths(self, found: Iterable[Header]) -> list[Key]:
        return [self.path(h.names, h.is_array) for h in found]


# -- inside one value -----------------------------------------------------------------------


class _Frame:
    __slots__ = ("expect", "index", "is_array", "key", "key_at", "key_start", "path")

    def __init__(self, path: Key, is_array: bool) -> None:
        self.path = path
        self.is_array = is_array
        self.index = 0  # arrays: the current element
        self.expect = True  # arrays: an element may start; tables: a key may start
        self.key_start = -1  # tables: where the key being read starts
        self.key_at = (0, 0)
        self.key: Key | None = None  # tables: the key whose value comes next


def inside(text: str, entry: Entry, path: Key) -> dict[Key, tuple[int, int, int]]:
    """Return (line, col, last line) of the elements and keys inside *entry*'s value, whose key path is *path*.

    A key of an inline table is at its own line and column; an element of an array is
    placed when it is a table or an array, or when the value spans lines or holds
    inline tables (else it is left to its key).
    """
    found: dict[Key, tuple[int, int, int]] = {}
    line, line_start = entry.line, entry.start
    stack: list[_Frame] = []
    # Scalars in an array are placed when it spans lines or holds inline tables (else at their key).
    spans = text.count("\n", entry.value, entry.value_end) > 0 or "{" in text[entry.value : entry.value_end]
    for m in _TOKEN.finditer(text, entry.value, entry.value_end):
        kind, t = m.lastgroup, m[0]
        if t == "\n":
            line, line_start = line + 1, m.end()
            continue
        if kind == "comment":
            continue
        here = (line, m.start() - line_start + 1)
        if kind == "str" and "\n" in t:
            line += t.count("\n")
            line_start = m.start() + t.rfind("\n") + 1
        if not stack:
            if kind == "open":
                stack.append(_Frame(path, t == "["))
            continue
        top = stack[-1]
        if kind == "close":
            stack.pop()
            if top.path in found:
                found[top.path] = (*found[top.path][:2], line)
            continue
        if top.is_array:
            if t == ",":
                top.index += 1
                top.expect = True
            elif top.expect:
                top.expect = False
                element: Key = (*top.path, top.index)
                if kind == "open" or spans:
                    found[element] = (*here, line)
                if kind == "open":
                    stack.append(_Frame(element, t == "["))
            continue
        if t == ",":
            top.expect = True
        elif top.expect and t == "=":
            top.key = (*top.path, *names(text[top.key_start : m.start()].rstrip(" \t")))
            found[top.key] = (*top.key_at, line)
            top.expect = False
            top.key_start = -1
        elif top.expect:
            if top.key_start < 0:
                top.key_start, top.key_at = m.start(), here
        elif top.key is not None:
            if kind == "open":
                stack.append(_Frame(top.key, t == "["))
            top.key = None
    return found
