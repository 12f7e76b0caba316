"""Where each table and key of a TOML text stands (line, column, extent); pure.

tomllib gives values but no positions. This scanner walks the text once, tracking
table headers, arrays of tables and multi-line values, so that a finding can name
the line of its key and an edit can touch only the lines it changes. It assumes
text that tomllib has already accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cloudplan.findings import Key

_BARE = r"[A-Za-z0-9_-]+"
_KEY = rf'(?:{_BARE}|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_KEY_RE = re.compile(rf"\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*=")
_PART_RE = re.compile(_KEY)
_BARE_RE = re.compile(_BARE)


@dataclass(frozen=True, slots=True)
class Span:
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
    names = []
    for part in _PART_RE.findall(dotted):
        if part[0] in "\"'":
            part = part[1:-1]
        names.append(part)
    return names


def scan(text: str) -> TomlMap:
    """Return the map of *text*, a TOML document that parses."""
    result = TomlMap()
    _scan(text.split("\n"), 1, (), _Arrays(), result)
    return result


class _Arrays:
    """The arrays of tables met so far: which element each header names."""

    def __init__(self) -> None:
        self.counters: dict[Key, int] = {}  # next index of each array of tables, by its concrete path
        self.current: dict[tuple[str, ...], Key] = {}  # current concrete path of each array, by names
        self._names: dict[str, list[str]] = {}

    def header(self, stripped: str) -> Key:
        """Return the key path of the table that the header line *stripped* opens."""
        is_array = stripped.startswith("[[")
        inner = stripped[2:] if is_array else stripped[1:]
        inner = inner[: inner.index("]")]
        names = self._names.get(inner)
        if names is None:
            names = self._names[inner] = _names(inner)
        table = _concrete(names, self.current)
        if is_array:
            index = self.counters.get(table, 0)
            self.counters[table] = index + 1
            key = tuple(names)
            self.current[key] = (*table, index)
            # A new element forgets the arrays nested in the one before it.
            for other in [k for k in self.current if len(k) > len(key) and k[: len(key)] == key]:
                del self.current[other]
            table = (*table, index)
        return table


def _scan(lines: list[str], first: int, table: Key, arrays: _Arrays | None, result: TomlMap) -> None:
    """Scan *lines* (the first is line *first*) in *table*; with no *arrays*, stop at the first header."""
    depth = 0
    multiline: str | None = None
    pending: tuple[Key, Span] | None = None  # a value spanning several lines, still open
    # Only "\n" ends a line in TOML: str.splitlines() would also split at U+2028 or U+0085,
    # which strings and comments may hold, and put every later key on the wrong line.
    for number, line in enumerate(lines, start=first):
        if pending is not None:
            depth, multiline = _scan_value(line, 0, depth, multiline)
            if depth <= 0 and multiline is None:
                key, span = pending
                result.spans[key] = Span(span.line, span.col, number)
                result.ends[table] = number
                pending = None
            continue
        stripped = line.lstrip()
        if not stripped or stripped[0] == "#":
            continue
        col = len(line) - len(stripped) + 1
        if stripped[0] == "[":
            if arrays is None:
                return
            table = arrays.header(stripped)
            result.spans[table] = Span(number, col, number)
            result.tables.append(table)
            result.ends[table] = number
            continue
        match = _KEY_RE.match(line)
        if match is None:
            continue
        name = match[1]
        key = (*table, name) if _BARE_RE.fullmatch(name) else (*table, *_names(name))
        span = Span(number, col, number)
        result.spans[key] = span
        result.ends[table] = number
        rest = line[match.end() :]
        # Only an array or a triple-quoted string can go on past this line: most values skip the scan.
        if "[" in rest or '"""' in rest or "'''" in rest:
            depth, multiline = _scan_value(line, match.end(), 0, None)
            if depth > 0 or multiline is not None:
                pending = (key, span)


_HEADER_RE = re.compile(r"^[ \t]*\[", re.MULTILINE)


class Outline:
    """The table headers of a TOML text, and the keys of a table when asked: what an edit needs.

    Finding the headers alone is much faster than a whole scan (a 10,000-milestone plan
    has 66,000 lines, a few thousand of them headers). The fast way takes every line
    that begins with `[` for a header, which holds for a valid plan without triple-quoted
    strings: a plan's arrays hold strings only, so no line of a multi-line array begins
    with `[`. Otherwise the whole text is scanned.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.tables: list[Key] = []
        self.headers: dict[Key, int] = {}  # the line of each table's header
        self._next: dict[Key, int] = {}  # the line of the header after it, or one past the end
        self._keys: dict[Key, TomlMap] = {}
        if '"""' in text or "'''" in text:
            full = scan(text)
            self.tables = list(full.tables)
            self.headers = {t: full.spans[t].line for t in self.tables}
        else:
            arrays = _Arrays()
            number, pos = 1, 0
            for match in _HEADER_RE.finditer(text):
                number += text.count("\n", pos, match.start())
                pos = match.start()
                table = arrays.header(self.lines[number - 1].lstrip())
                self.tables.append(table)
                self.headers[table] = number
        following = [*(self.headers[t] for t in self.tables[1:]), len(self.lines) + 1]
        self._next = dict(zip(self.tables, following, strict=True))

    def next_header(self, table: Key) -> int:
        """Return the line of the header that follows *table*'s, or one past the last line."""
        return self._next[table]

    def keys(self, table: Key) -> TomlMap:
        """Return the spans of the keys that *table* (one with a header, or the root) holds itself."""
        found = self._keys.get(table)
        if found is None:
            found = TomlMap()
            first = self.headers.get(table, 0) + 1
            # The root table's keys are those above the first header.
            root_stop = self.headers[self.tables[0]] if self.tables else len(self.lines) + 1
            stop = self._next[table] if table else root_stop
            # A block holds no header, so its lines scan alone, in the table's context.
            _scan(self.lines[first - 1 : stop - 1], first, table, None, found)
            self._keys[table] = found
        return found

    def end(self, table: Key) -> int:
        """Return the last line that holds one of *table*'s own keys, else its header's line (0 for the root)."""
        return self.keys(table).ends.get(table, self.headers.get(table, 0))


def _concrete(names: list[str], arrays: dict[tuple[str, ...], Key]) -> Key:
    """Turn header names into a key path, with the current index of every enclosing array."""
    path: Key = ()
    for n in range(1, len(names) + 1):
        current = arrays.get(tuple(names[:n]))
        path = current if current is not None and n < len(names) else (*path, names[n - 1])
    return path


def _scan_value(s: str, i: int, depth: int, multiline: str | None) -> tuple[int, str | None]:
    """Scan *s* from *i*: return the bracket depth and open multi-line string delimiter after it."""
    n = len(s)
    while i < n:
        if multiline is not None:
            end = _find_close(s, i, multiline)
            if end < 0:
                return depth, multiline
            i, multiline = end + 3, None
            continue
        c = s[i]
        if c == "#":
            break
        if c in "\"'":
            triple = c * 3
            if s.startswith(triple, i):
                multiline = triple
                i += 3
                continue
            i = _skip_string(s, i + 1, c)
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        i += 1
    return depth, multiline


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
    while i < len(s):
        c = s[i]
        if c == "\\" and quote == '"':
            i += 2
            continue
        if c == quote:
            return i + 1
        i += 1
    return i
