"""Where each table and key of a TOML text stands (line, column, extent); pure.

tomllib gives values but no positions. This scanner walks the text once, tracking
table headers, arrays of tables and multi-line values, so that a finding can name
the line of its key and an edit can touch only the lines it changes. It assumes
text that tomllib has already accepted.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from cloudplan.findings import Key

_BARE = r"[A-Za-z0-9_-]+"
_KEY = rf'(?:{_BARE}|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_KEY_RE = re.compile(rf"\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*=")
_PART_RE = re.compile(_KEY)


class Span(NamedTuple):
    """Lines first..last (1-based, inclusive) of a key-value pair or table header; col of its key."""

    line: int
    col: int
    last: int


@dataclass(slots=True)
class TomlMap:
    """Spans by key path; tables in the order they appear, each with the lines it owns."""

    spans: dict[Key, Span] = field(default_factory=dict)
    tables: list[Key] = field(default_factory=list)  # explicit [table] and [[array]] headers
    ends: dict[Key, int] = field(default_factory=dict)  # a table's last line holding one of its keys

    def locate(self, key: Key) -> tuple[int, int]:
        """Return (line, col) of *key*, else of the nearest enclosing key or table; (1, 1) at worst."""
        for n in range(len(key), 0, -1):
            span = self.spans.get(key[:n])
            if span is not None:
                return span.line, span.col
        return 1, 1


def _names(dotted: str) -> list[str]:
    if '"' not in dotted and "'" not in dotted:
        return [part.strip() for part in dotted.split(".")]
    names = []
    for part in _PART_RE.findall(dotted):
        if part[0] in "\"'":
            part = part[1:-1]
        names.append(part)
    return names


# A line that opens a table ([a.b] or [[a.b]]) or a key-value pair, found by one regex
# over the whole text: the Python loop runs once per key, not once per character.
_START_RE = re.compile(rf"^[ \t]*(?:(\[\[?)[ \t]*([^\]\n]*?)[ \t]*\]|({_KEY}(?:[ \t]*\.[ \t]*{_KEY})*)[ \t]*=)", re.M)
_BARE_RE = re.compile(_BARE)
_MAYBE_OPEN = re.compile(r"\[|\"\"\"|\'\'\'")


def scan(text: str) -> TomlMap:
    """Return the map of *text*, a TOML document that parses."""
    result = TomlMap()
    spans, tables, ends = result.spans, result.tables, result.ends
    counters: dict[Key, int] = {}  # next index of each array of tables, by its concrete path
    arrays: dict[tuple[str, ...], Key] = {}  # current concrete path of each array of tables, by names
    table: Key = ()
    number, counted = 1, 0  # the line number of position `counted`
    skip_until = 0  # the end of the last multi-line value: starts before it are inside it
    for match in _START_RE.finditer(text):
        start = match.start()
        if start < skip_until:
            continue
        # TOML ends lines with LF or CRLF only; counting "\n" alone keeps U+2028 inside a line.
        number += text.count("\n", counted, start)
        counted = start
        opener = match[1]
        if opener is not None:
            col = match.start(1) - start + 1
            names = _names(match[2])
            table = _concrete(names, arrays)
            if opener == "[[":
                index = counters.get(table, 0)
                counters[table] = index + 1
                arrays[tuple(names)] = (*table, index)
                # A new element forgets the arrays nested in the one before it.
                for other in [k for k in arrays if len(k) > len(names) and k[: len(names)] == tuple(names)]:
                    del arrays[other]
                # The array itself is where its first element is declared.
                result.spans.setdefault(table, Span(number, col, number))
                table = (*table, index)
            spans[table] = Span(number, col, number)
            tables.append(table)
            ends[table] = number
            continue
        dotted = match[3]
        key = (*table, dotted) if _BARE_RE.fullmatch(dotted) else (*table, *_names(dotted))
        col = match.start(3) - start + 1
        eol = text.find("\n", match.end())
        if eol < 0:
            eol = len(text)
        last = number
        if _MAYBE_OPEN.search(text, match.end(), eol) or text.find("{", match.end(), eol) >= 0:
            depth, multiline = _scan_value(text[match.end() : eol], 0, 0, None)
            if depth > 0 or multiline is not None or text.find("{", match.end(), eol) >= 0:
                # Over several lines, or holding inline tables: worth spans for what is inside.
                last, eol = _multiline(text, match.end(), eol, number, key, spans, depth, multiline)
            skip_until = eol
        spans[key] = Span(number, col, last)
        ends[table] = last
    return result


@dataclass(slots=True)
class _Frame:
    """An array or inline table being scanned: its key path, and where its current element stands."""

    path: Key
    is_array: bool
    line: int
    col: int
    index: int = 0  # arrays: the current element
    expect: bool = True  # arrays: an element may start; tables: a key may start


class _Inline:
    """Spans of the elements and keys inside an array or inline table value, over as many lines as it takes.

    `measure = [ { on = 2020-06-30, value = 110 }, ... ]` gives the measure array's elements
    spans of their own, so that a finding on one of them names its line, not the array's.
    """

    def __init__(self, spans: dict[Key, Span], key: Key) -> None:
        self.spans = spans
        self.key = key
        self.stack: list[_Frame] = []
        self.multiline: str | None = None

    def feed(self, s: str, number: int, i: int) -> bool:
        """Scan line *number* from *i*; return True once the value is closed."""
        n = len(s)
        while i < n:
            if self.multiline is not None:
                end = _find_close(s, i, self.multiline)
                if end < 0:
                    return False
                i, self.multiline = end + 3, None
                continue
            c = s[i]
            if c in " \t":
                i += 1
            elif c == "#":
                break
            elif not self.stack:
                self._open(self.key, c, number, i)
                i += 1
            elif c in "]}":
                frame = self.stack.pop()
                if not self.stack:
                    return True  # the value itself: its key keeps its own span
                self.spans[frame.path] = Span(frame.line, frame.col, number)
                i += 1
            elif c == ",":
                top = self.stack[-1]
                if top.is_array:
                    top.index += 1
                top.expect = True
                i += 1
            else:
                i = self._element(s, number, i)
        return False

    def _open(self, path: Key, c: str, number: int, i: int) -> None:
        self.stack.append(_Frame(path, c == "[", number, i + 1))

    def _element(self, s: str, number: int, i: int) -> int:
        top = self.stack[-1]
        if top.is_array:
            path = (*top.path, top.index)
            if top.expect:
                self.spans[path] = Span(number, i + 1, number)
            top.expect = False
        else:
            if not top.expect:  # the rest of a scalar, e.g. the time of a date-time
                return self._scalar(s, i)
            match = _KEY_RE.match(s, i)
            if match is None:
                return self._scalar(s, i)
            path = (*top.path, *_names(match[1]))
            self.spans[path] = Span(number, i + 1, number)
            top.expect = False
            i = match.end()
            while i < len(s) and s[i] in " \t":
                i += 1
            if i >= len(s):
                return i
        c = s[i]
        if c in "[{":
            self._open(path, c, number, i)
            return i + 1
        if c in "\"'":
            if s.startswith(c * 3, i):
                self.multiline = c * 3
                return i + 3
            return _skip_string(s, i + 1, c)
        return self._scalar(s, i)

    @staticmethod
    def _scalar(s: str, i: int) -> int:
        while i < len(s) and s[i] not in ",]}# \t":
            i += 1
        return i


def _multiline(
    text: str, value: int, eol: int, number: int, key: Key, spans: dict[Key, Span], depth: int, multiline: str | None
) -> tuple[int, int]:
    """Follow a value that spans lines from position *value* on line *number*; return its last line and end.

    An array or inline table written over several lines gives its elements and keys
    spans of their own, so that a finding on one names its line, not the first.
    """
    last = number
    start = value
    while start < eol and text[start] in " \t":
        start += 1
    if text.startswith(("[", "{"), start):
        inline = _Inline(spans, key)
        line_start = text.rfind("\n", 0, start) + 1
        closed = inline.feed(text[line_start:eol].removesuffix("\r"), number, start - line_start)
        while not closed and eol < len(text):
            following = text.find("\n", eol + 1)
            if following < 0:
                following = len(text)
            last += 1
            closed = inline.feed(text[eol + 1 : following].removesuffix("\r"), last, 0)
            eol = following
        return last, eol
    while (depth > 0 or multiline is not None) and eol < len(text):
        following = text.find("\n", eol + 1)
        if following < 0:
            following = len(text)
        depth, multiline = _scan_value(text[eol + 1 : following], 0, depth, multiline)
        eol = following
        last += 1
    return last, eol


def _concrete(names: list[str], arrays: dict[tuple[str, ...], Key]) -> Key:
    """Turn header names into a key path, with the current index of every enclosing array."""
    path: Key = ()
    for n in range(1, len(names) + 1):
        current = arrays.get(tuple(names[:n]))
        path = current if current is not None and n < len(names) else (*path, names[n - 1])
    return path


# What can change the scanner's state inside a value: strings (which may hold brackets
# and '#'), the opening of a multi-line string, a comment, and brackets.
_TOKEN = re.compile(r'"""|\'\'\'|"(?:[^"\\]|\\.)*"|\'[^\']*\'|[#\[\]]')


def _scan_value(s: str, i: int, depth: int, multiline: str | None) -> tuple[int, str | None]:
    """Scan *s* from *i*: return the bracket depth and open multi-line string delimiter after it."""
    while True:
        if multiline is not None:
            end = _find_close(s, i, multiline)
            if end < 0:
                return depth, multiline
            i, multiline = end + 3, None
        token = _TOKEN.search(s, i)
        if token is None:
            return depth, None
        t = token[0]
        if t == "#":
            return depth, None
        if t == "[":
            depth += 1
        elif t == "]":
            depth -= 1
        elif t in ('"""', "'''"):
            multiline = t
        i = token.end()


def _find_close(s: str, i: int, delim: str) -> int:
    while True:
        j = s.find(delim, i)
        if j < 0 or delim == "'''":
            return j
        backslashes = len(s[:j]) - len(s[:j].rstrip("\\"))
        if backslashes % 2 == 0:
            # Up to two more quotes may end the string: """a""""" is `a""`.
            while s.startswith('"', j + 3):
                j += 1
            return j
        i = j + 1


def _skip_string(s: str, i: int, quote: str) -> int:
    """Return the position after the one-line string whose body starts at *i*."""
    while i < len(s):
        c = s[i]
        if c == "\\" and quote == '"':
            i += 2
            continue
        if c == quote:
            return i + 1
        i += 1
    return i


# Where a line begins with "[" (a literal "\n" first lets the regex engine skip ahead fast),
# and the header that starts there.
_LINE_BRACKET_RE = re.compile(r"\n[ \t]*\[")
_LEADING_BRACKET_RE = re.compile(r"[ \t]*\[")
_HEADER_RE = re.compile(r"(\[\[?)[ \t]*([^\]\n]*?)[ \t]*\]")


class Outline:
    """The table headers of a TOML text, and the keys of a table when asked: what an edit needs.

    Finding the headers alone is several times faster than a whole scan (a 10,000-milestone
    plan has 66,000 lines, 11,000 of them headers). It takes every line that begins with
    `[` for a header, except inside the multi-line strings that key values open. That
    holds for a valid plan, whose arrays hold strings only: no line of a multi-line array
    begins with `[`. (An edit checks its result against the plan it read, so an outline
    fooled by a stranger layout makes an edit slower or refused, never wrong.) Lines are
    split on "\\n" only, as TOML does.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.tables: list[Key] = []
        self.headers: dict[Key, int] = {}  # the line of each table's header
        self._keys: dict[Key, TomlMap] = {}
        multiline = '"""' in text or "'''" in text
        self._headers(text, _multiline_strings(text) if multiline else [])
        following = [*(self.headers[t] for t in self.tables[1:]), len(self.lines) + 1]
        self._next = dict(zip(self.tables, following, strict=True))

    def _headers(self, text: str, skip: list[tuple[int, int]]) -> None:
        counters: dict[Key, int] = {}
        arrays: dict[tuple[str, ...], Key] = {}  # the current element of each array of tables
        kinds: dict[str, tuple[bool, tuple[str, ...], list[tuple[str, ...]]]] = {}
        nested: dict[tuple[str, ...], list[tuple[str, ...]]] = {}  # the arrays met inside each array
        number, pos = 1, 0
        regions = iter(skip)
        region = next(regions, None)
        starts = (m.end() - 1 for m in _LINE_BRACKET_RE.finditer(text))
        first = _LEADING_BRACKET_RE.match(text)
        for start in itertools.chain([first.end() - 1] if first else [], starts):
            while region is not None and region[1] <= start:
                region = next(regions, None)
            if region is not None and region[0] <= start:
                continue  # a line of a multi-line string
            header = _HEADER_RE.match(text, start)
            if header is None:
                continue
            number += text.count("\n", pos, start)
            pos = start
            kind = kinds.get(header[0])
            if kind is None:
                names = tuple(_names(header[2]))
                kind = kinds[header[0]] = (header[1] == "[[", names, [names[:n] for n in range(1, len(names))])
                for other in list(nested):
                    if len(names) > len(other) and names[: len(other)] == other:
                        nested[other].append(names)
                nested[names] = [k for k in nested if len(k) > len(names) and k[: len(names)] == names]
            is_array, names, prefixes = kind
            # The path of the table: each enclosing array's current element, then the last name.
            path: Key = ()
            for n, prefix in enumerate(prefixes):
                path = arrays.get(prefix) or (*path, names[n])
            table: Key = (*path, names[-1])
            if is_array:
                index = counters.get(table, 0)
                counters[table] = index + 1
                table = (*table, index)
                arrays[names] = table
                for inner in nested[names]:  # a new element forgets the arrays nested in the one before it
                    arrays.pop(inner, None)
            self.tables.append(table)
            self.headers[table] = number

    def next_header(self, table: Key) -> int:
        """Return the line of the header that follows *table*'s, or one past the last line."""
        return self._next[table]

    def keys(self, table: Key) -> TomlMap:
        """Return the spans of the keys that *table* (one with a header, or the root) holds itself."""
        found = self._keys.get(table)
        if found is None:
            first = self.headers.get(table, 0) + 1
            # The root table's keys are those above the first header.
            root_stop = self.headers[self.tables[0]] if self.tables else len(self.lines) + 1
            stop = self._next[table] if table else root_stop
            # A block holds no header, so it scans alone, as a root table shifted into place.
            block = scan("\n".join(self.lines[first - 1 : stop - 1]))
            shift = first - 1
            found = TomlMap()
            found.spans = {(*table, *k): Span(s.line + shift, s.col, s.last + shift) for k, s in block.spans.items()}
            if () in block.ends:
                found.ends[table] = block.ends[()] + shift
            self._keys[table] = found
        return found

    def end(self, table: Key) -> int:
        """Return the last line that holds one of *table*'s own keys, else its header's line (0 for the root)."""
        return self.keys(table).ends.get(table, self.headers.get(table, 0))


_TRIPLE_RE = re.compile("\"\"\"|'''")


def _multiline_strings(text: str) -> list[tuple[int, int]]:
    """Return the spans of *text* inside the multi-line strings that key values open, in order."""
    regions = []
    pos = 0
    for match in _TRIPLE_RE.finditer(text):
        if match.start() < pos:
            continue
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.start())
        end = len(text) if end < 0 else end
        key = _KEY_RE.match(text, start, end)
        if key is None:
            continue  # in a comment, or in an array spanning lines: not a plan's layout
        _depth, delim = _scan_value(text[start:end], key.end() - start, 0, None)
        if delim is None:
            pos = end  # opened and closed on its line, or inside another string or a comment
            continue
        close = _closing(text, end, delim)
        regions.append((end, close))
        pos = close + 3
    return regions


def _closing(text: str, i: int, delim: str) -> int:
    """Return where the multi-line string open before *i* closes (the end of *text* if never)."""
    while True:
        j = text.find(delim, i)
        if j < 0:
            return len(text)
        if delim == "'''":
            return j
        k = j
        while k > i and text[k - 1] == "\\":
            k -= 1
        if (j - k) % 2 == 0:  # not escaped
            return j
        i = j + 1
