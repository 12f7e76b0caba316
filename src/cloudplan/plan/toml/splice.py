"""Surgical edits of a TOML text: change only the lines an edit touches, keep every other byte; pure.

An edit is a short list of changes to key paths (set a key, drop it, append a table to
an array of tables, remove a table). The lexer finds the lines; values are spelled by
tomli-w; everything else in the text (comments, blank lines, key order, quoting,
indentation, line endings) is copied as it is. `expect` applies the same changes to
the parsed document: what the new text must parse to. This module knows TOML, not
plans: where a new table goes is decided by the tables already there (and, for the
first of its kind, by the `before` names its caller gives).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeAlias

from cloudplan.base.errors import CannotEdit
from cloudplan.base.translate import _
from cloudplan.plan.toml.lexer import Entry, Header, Key, Resolver, headers, statements

Value: TypeAlias = "str | int | float | bool | date | Sequence[Value] | dict[str, Value]"


@dataclass(frozen=True, slots=True)
class Set:
    """Give *name* in *table* a value: in place if it is there, else after the keys listed in *after*.

    *after* names the keys that come before *name* in the house order; the new line goes
    after the last of them that the table holds, else after the table's last key.
    """

    table: Key
    name: str
    value: Value
    after: tuple[str, ...] = ()
    text: str | None = None  # the statement as another version wrote it (key, value, comment), used as it is


@dataclass(frozen=True, slots=True)
class Drop:
    """Remove *name* from *table*, with its line(s)."""

    table: Key
    name: str


@dataclass(frozen=True, slots=True)
class Append:
    """Add a table at the end of the array of tables *name* in *parent*, e.g. a new [[project.milestone]].

    The first table of a top-level array goes before the first table named in *before*
    (if any), else at the end of the text.
    """

    parent: Key
    name: str
    values: tuple[tuple[str, Value], ...] = field(default=())
    before: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Remove:
    """Remove a table of an array of tables, with the tables nested in it and the comments above it."""

    table: Key


Change: TypeAlias = Set | Drop | Append | Remove


@dataclass(frozen=True, slots=True)
class Replace:
    """Put *text* (whole lines) in place of *table*'s block (see `span`); with *family*, of the tables nested in it too.

    The root's block, `()`, is everything above the first table's block. *value* is what the
    new lines parse to (None for lines that are not TOML, such as a merge's conflict markers).
    """

    table: Key
    text: str
    value: dict[str, Value] | None = None
    family: bool = False


@dataclass(frozen=True, slots=True)
class Insert:
    """Put *text* (whole lines: a new table of the array *name* in *parent* and what it holds) into the file.

    It goes before the block of *before*, else after the family of *after*, else after the
    block of *parent* (a top-level array's new table: at the end of the text).
    """

    parent: Key
    name: str
    text: str
    value: dict[str, Value] | None = None
    before: Key | None = None
    after: Key | None = None


Splice: TypeAlias = Change | Replace | Insert
"""What `edit` makes: an edit command's changes, and the whole blocks of lines that a merge moves."""


def spell(value: Value) -> str:
    """Return *value* as TOML: scalars by tomli-w, arrays and tables inline, on one line."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k} = {spell(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(spell(v) for v in value) + "]"
    import tomli_w

    return tomli_w.dumps({"v": value})[4:-1]


class Outline:
    """The table headers of a TOML text with the key path each opens, and the keys of a table when asked.

    Headers alone are what an edit needs to find its place; the keys of the few tables
    it touches are lexed on demand (a 10,000-milestone plan has 66,000 lines).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.headers: list[Header] = headers(text)
        self.paths: list[Key] = Resolver().paths(self.headers)
        self.index = {path: i for i, path in enumerate(self.paths)}
        self._entries: dict[int, list[Entry]] = {}
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        """The text split at each newline (a line keeps its carriage return)."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def block(self, i: int) -> tuple[int, int]:
        """Return the offsets of header *i*'s block: from its line to the next header (-1: the root's)."""
        start = self.headers[i].start if i >= 0 else 0
        stop = self.headers[i + 1].start if i + 1 < len(self.headers) else len(self.text)
        return start, stop

    def entries(self, i: int) -> list[Entry]:
        """Return the key/value pairs of the table of header *i* (-1: the root table, above every header)."""
        found = self._entries.get(i)
        if found is None:
            start, stop = self.block(i)
            if i >= 0:
                start, line = self.headers[i].end, self.headers[i].line + 1
            else:
                line = 1
            found = [s for s in statements(self.text, start, stop, line) if isinstance(s, Entry)]
            self._entries[i] = found
        return found

    def statements_end(self, i: int) -> int:
        """Return the offset after the last statement of header *i*'s block (its header's, when it has no keys)."""
        own = self.entries(i)
        if own:
            return own[-1].end
        return self.headers[i].end if i >= 0 else 0


def apply(text: str, changes: Iterable[Splice]) -> str:
    """Return *text* with *changes* made; every line they do not touch is kept byte for byte.

    Raises CannotEdit when the text is laid out in a way that these changes cannot be
    made safely (a table written inline, a table split across the file).
    """
    return edit(Outline(text), changes)


def edit(outline: Outline, changes: Iterable[Splice]) -> str:
    """Return the text of *outline* with *changes* made."""
    editor = _Editor(outline)
    for seq, change in enumerate(changes):
        editor.plan(change, seq)
    return editor.result()


@dataclass(slots=True)
class _Op:
    start: int  # 0-based index of the first line replaced (or where new lines go)
    stop: int  # one past the last line replaced; == start for an insertion
    lines: list[str]
    seq: int


class _Editor:
    def __init__(self, outline: Outline) -> None:
        self.outline = outline
        self.lines = list(outline.lines)
        self.crlf = len(self.lines) > 1 and self.lines[0].endswith("\r")
        self.ops: list[_Op] = []

    # -- reading the outline ------------------------------------------------------------

    def line(self, number: int) -> str:
        """Return line *number* (1-based) without its carriage return."""
        return self.lines[number - 1].removesuffix("\r")

    def is_blank(self, number: int) -> bool:
        return not self.line(number).strip()

    def is_comment(self, number: int) -> bool:
        return self.line(number).lstrip().startswith("#")

    def indent(self, number: int) -> str:
        text = self.line(number)
        return text[: len(text) - len(text.lstrip())]

    def find(self, table: Key) -> int:
        """The header index of *table* (-1 for the root); CannotEdit when it has no [header] line."""
        if not table:
            return -1
        i = self.outline.index.get(table)
        if i is None:
            raise CannotEdit(
                _("{table} is not written as a table with its own [header] line; edit it by hand").format(
                    table=_dotted(table)
                )
            )
        return i

    def own(self, i: int) -> dict[tuple[str, ...], Entry]:
        return {e.names: e for e in self.outline.entries(i)}

    def header_line(self, i: int) -> int:
        return self.outline.headers[i].line if i >= 0 else 0

    def next_header(self, i: int) -> int:
        """The line of the header after *i*'s, or one past the last line."""
        heads = self.outline.headers
        if i + 1 < len(heads):
            return heads[i + 1].line
        return len(self.lines) + 1

    def end(self, i: int) -> int:
        """The last line of table *i*'s own keys, else its header's line (0 for the root)."""
        own = self.outline.entries(i)
        return own[-1].last if own else self.header_line(i)

    def content_end(self, i: int) -> int:
        """The last line of table *i*'s own keys, and of the comment lines right under them."""
        end = self.end(i)
        stop = self.next_header(i)
        while end + 1 < stop and self.is_comment(end + 1):
            end += 1
        return end

    def family(self, i: int) -> list[int]:
        """Header *i* and the headers nested in it that follow it without a break."""
        paths = self.outline.paths
        table = paths[i]
        j = i + 1
        while j < len(paths) and paths[j][: len(table)] == table:
            j += 1
        return list(range(i, j))

    def block_start(self, i: int) -> int:
        """Header *i*'s line, or the first of the comment lines right above it after a blank line."""
        start = self.header_line(i)
        above = start - 1
        floor = self.end(i - 1) if i >= 0 else 0
        while above > floor and self.is_comment(above):
            above -= 1
        if above < start - 1 and (above == 0 or self.is_blank(above)):
            return above + 1
        return start

    # -- planning changes -----------------------------------------------------------------

    def span(self, table: Key, family: bool = False) -> tuple[int, int]:
        """The first and last lines of *table*'s block; with *family*, of the tables nested in it too.

        A block is the comment lines right above its header (after a blank line), the header,
        its own keys and the comment lines right under them. The root's: every line above the
        first table's block.
        """
        if not table:
            first = self.block_start(0) if self.outline.headers else len(self.lines) + 1
            return 1, first - 1
        i = self.find(table)
        if not family:
            return self.block_start(i), self.content_end(i)
        members = self.family(i)
        paths = self.outline.paths
        if any(t[: len(table)] == table for t in paths[members[-1] + 1 :]):
            raise CannotEdit(
                _("the tables of {table} are not together in the file; remove it by hand").format(table=_dotted(table))
            )
        return self.block_start(i), self.content_end(members[-1])

    def plan(self, change: Splice, seq: int) -> None:
        if isinstance(change, Set):
            self.set(change, seq)
        elif isinstance(change, Drop):
            entry = self.own(self.find(change.table)).get((change.name,))
            if entry is not None:
                self.ops.append(_Op(entry.line - 1, entry.last, [], seq))
        elif isinstance(change, Append):
            self.append(change, seq)
        elif isinstance(change, Replace):
            first, last = self.span(change.table, change.family)
            self.ops.append(_Op(first - 1, last, _lines(change.text), seq))
        elif isinstance(change, Insert):
            self.insert_block(change, seq)
        else:
            self.remove(change, seq)

    def insert_block(self, change: Insert, seq: int) -> None:
        lines = _lines(change.text)
        self.inline_array(self.find(change.parent), change.parent, change.name, seq)
        if change.before is not None:
            first, _last = self.span(change.before)
            self.insert(first - 1, [*lines, ""], seq)
            return
        if change.after is not None:
            # After the last table of its family, wherever it is (a project's milestones may be written later).
            table = change.after
            self.find(table)
            last = self.content_end(max(i for i, t in enumerate(self.outline.paths) if t[: len(table)] == table))
        elif change.parent:
            _first, last = self.span(change.parent)
        else:
            last = len(self.lines)
            while last > 0 and self.is_blank(last):
                last -= 1
        self.insert(last, ["", *lines] if last else lines, seq)

    def set(self, change: Set, seq: int) -> None:
        i = self.find(change.table)
        own = self.own(i)
        new = spell(change.value)
        entry = own.get((change.name,))
        if entry is not None:
            lines = _lines(change.text) if change.text is not None else [self.replace_value(entry, new)]
            self.ops.append(_Op(entry.line - 1, entry.last, lines, seq))
            return
        if any(names[0] == change.name for names in own):
            raise CannotEdit(
                _("{table}.{name} is written as dotted keys; edit it by hand").format(
                    table=_dotted(change.table), name=change.name
                )
            )
        anchor = next((own[(k,)] for k in reversed(change.after) if (k,) in own), None)
        after = anchor.last if anchor is not None else self.end(i)
        if anchor is not None:
            indent = self.indent(anchor.line)
        elif own:
            indent = self.indent(next(iter(own.values())).line)
        else:
            indent = self.indent(self.header_line(i)) if i >= 0 else ""
        self.insert(after, _lines(change.text) if change.text is not None else [f"{indent}{change.name} = {new}"], seq)

    def replace_value(self, entry: Entry, new: str) -> str:
        """Return the entry's first line with its value replaced by *new*, its trailing comment kept in its column."""
        text = self.outline.text
        line_end = text.find("\n", entry.value_end)
        line_end = len(text) if line_end < 0 else line_end
        head = text[entry.start : entry.value]
        rest = text[entry.value_end : line_end]
        cr = "\r" if rest.endswith("\r") else ""
        rest = rest.removesuffix("\r")
        comment = rest.lstrip(" \t")
        if not comment:
            return head + new + cr
        gap = len(rest) - len(comment)
        if entry.last == entry.line:
            gap = max(1, gap - (len(new) - (entry.value_end - entry.value)))
        return head + new + " " * gap + comment + cr

    def append(self, change: Append, seq: int) -> None:
        parent, name = change.parent, change.name
        paths = self.outline.paths
        heads = self.outline.headers
        names = (*_names(parent), name)
        p = self.find(parent)
        self.inline_array(p, parent, name, seq)
        path = (*parent, name)
        siblings = [i for i, t in enumerate(paths) if len(t) == len(path) + 1 and t[: len(path)] == path]
        like = siblings[-1] if siblings else next((i for i, h in enumerate(heads) if h.names == names), None)
        if like is not None:
            head_indent = self.indent(heads[like].line)
            own = self.outline.entries(like)
            key_indent = self.indent(own[0].line) if own else head_indent
        elif parent:
            # The first of its kind: one step in from the keys of the table it goes in.
            own = self.outline.entries(p)
            head_indent = key_indent = (self.indent(own[0].line) if own else "") + "  "
        else:
            head_indent = key_indent = ""
        block = [f"{head_indent}[[{'.'.join(_spell_key(n) for n in names)}]]"]
        block += [f"{key_indent}{k} = {spell(v)}" for k, v in change.values]
        if parent:
            # After the last table inside the parent: nothing that follows can belong to the new one.
            last = max(i for i, t in enumerate(paths) if t[: len(parent)] == parent)
            self.insert(self.content_end(last), ["", *block], seq)
            return
        # A top-level array: after the last table whose name begins with it (its elements and
        # everything nested in them, wherever they are), so that no later header falls into it.
        last_of = [i for i, h in enumerate(heads) if h.names[0] == name]
        if last_of:
            self.insert(self.content_end(last_of[-1]), ["", *block], seq)
            return
        first = next((i for i, h in enumerate(heads) if h.names[0] in change.before), None)
        if first:
            # After what comes before that table, so that the comments above it stay with it.
            self.insert(self.content_end(first - 1), ["", *block], seq)
            return
        end = len(self.lines)
        while end > 0 and self.is_blank(end):
            end -= 1
        self.insert(end, ["", *block] if end else block, seq)

    def inline_array(self, p: int, parent: Key, name: str, seq: int) -> None:
        """Make way for a new [[name]] table in table *p*, which may hold *name* as a key: `name = []` goes.

        An empty array written inline (`project = []`) is a place-holder: its line is removed and
        the new table written as a [[...]] table, which parses to the same array with one more
        element. An inline array that holds something, or a dotted key, is refused: the file
        must use [[...]] tables for cloudplan to add one.
        """
        entry = next((e for e in self.outline.entries(p) if e.names[0] == name), None)
        if entry is None:
            return
        from cloudplan.plan.toml import parser

        written = self.outline.text[entry.value : entry.value_end]
        try:
            empty = entry.names == (name,) and parser.loads(f"v = {written}")["v"] == []
        except parser.TOMLDecodeError:  # pragma: no cover - the lexer read it as one value
            empty = False
        if not empty:
            tables = "[[" + ".".join(_spell_key(n) for n in (*_names(parent), name)) + "]]"
            raise CannotEdit(
                _("{table} is written inline ({key} = [...]); cloudplan adds only {tables} tables").format(
                    table=_dotted((*parent, name)), key=".".join(entry.names), tables=tables
                ),
                hint=_(
                    "write each element as a {tables} table, or make the change by hand; nothing was written"
                ).format(tables=tables),
            )
        self.ops.append(_Op(entry.line - 1, entry.last, [], seq))

    def remove(self, change: Remove, seq: int) -> None:
        i = self.find(change.table)
        family = self.family(i)
        paths = self.outline.paths
        table = change.table
        if any(t[: len(table)] == table for t in paths[family[-1] + 1 :]):
            raise CannotEdit(
                _("the tables of {table} are not together in the file; remove it by hand").format(table=_dotted(table))
            )
        start = self.block_start(i)
        end = self.content_end(family[-1])
        total = len(self.lines)
        last = total if self.lines[-1] else total - 1  # the last line that holds anything
        while end < last and self.is_blank(end + 1):
            end += 1
        if end >= last:
            # Nothing follows: take the blank lines above instead, so the file does not end blank.
            floor = self.end(i - 1) if i >= 0 else 0
            while start > floor + 1 and self.is_blank(start - 1):
                start -= 1
            end = last
        self.ops.append(_Op(start - 1, end, [], seq))

    def insert(self, after: int, lines: list[str], seq: int) -> None:
        """Put *lines* after line *after* (0: at the top)."""
        self.ops.append(_Op(after, after, lines, seq))

    # -- producing the text ----------------------------------------------------------------

    def result(self) -> str:
        lines = list(self.lines)
        final_newline = lines[-1] == ""
        cr = "\r" if self.crlf else ""
        # From the end; at one line, a replacement goes before an insertion there, which then lands above it.
        for op in sorted(self.ops, key=lambda o: (o.start, o.stop != o.start, o.seq), reverse=True):
            new = [text if text.endswith("\r") else text + cr for text in op.lines]
            if op.stop == op.start and op.start == len(lines) and new:
                # At the very end of a file that does not end with a newline.
                lines[-1] = lines[-1].removesuffix("\r") + cr
                new[-1] = new[-1].removesuffix("\r")
            lines[op.start : op.stop] = new
        if not final_newline and lines:
            # The last line has no newline: it has no carriage return either (a bare one is not TOML).
            lines[-1] = lines[-1].removesuffix("\r")
        return "\n".join(lines)


def _lines(text: str) -> list[str]:
    """Whole lines of *text*, without their line ends (the file's own are put back)."""
    return [line.removesuffix("\r") for line in text.removesuffix("\n").split("\n")]


class Spans:
    """Where the blocks of an outline's tables are (see `Replace`), for a caller that asks about many."""

    def __init__(self, outline: Outline) -> None:
        self._editor = _Editor(outline)

    def span(self, table: Key, family: bool = False) -> tuple[int, int]:
        """Return the first and last lines (1-based) of *table*'s block; with *family*, of its nested tables too.

        Raises CannotEdit when the table has no [header] line of its own, or (with *family*)
        when its tables are not together.
        """
        return self._editor.span(table, family)

    def lines(self, table: Key, family: bool = False) -> list[str]:
        """Return the lines of *table*'s block (without their line ends)."""
        first, last = self.span(table, family)
        return [line.removesuffix("\r") for line in self._editor.lines[first - 1 : last]]


def statement(outline: Outline, table: Key, name: str) -> str | None:
    """Return the lines of key *name* of *table* as written (with its comment), or None when it has none there."""
    i = outline.index.get(table, -2) if table else -1
    if i == -2:
        return None
    entry = next((e for e in outline.entries(i) if e.names == (name,)), None)
    if entry is None:
        return None
    return "\n".join(line.removesuffix("\r") for line in outline.lines[entry.line - 1 : entry.last])


def _names(table: Key) -> tuple[str, ...]:
    return tuple(k for k in table if isinstance(k, str))


def _spell_key(name: str) -> str:
    import re

    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else spell(name)


def _dotted(table: Key) -> str:
    return ".".join(str(k) for k in table)


# -- applying changes to the parsed document ----------------------------------------------


def expect(doc: dict[str, Any], changes: Iterable[Change]) -> dict[str, Any]:
    """Make *changes* in *doc* (in place) and return it: what the edited text must parse to."""
    for change in changes:
        if isinstance(change, Set):
            _at(doc, change.table)[change.name] = _plain(change.value)
        elif isinstance(change, Drop):
            _at(doc, change.table).pop(change.name, None)
        elif isinstance(change, Append):
            _at(doc, change.parent).setdefault(change.name, []).append({k: _plain(v) for k, v in change.values})
        else:
            container = _at(doc, change.table[:-1])
            del container[change.table[-1]]
            if not container and len(change.table) >= 2:
                del _at(doc, change.table[:-2])[change.table[-2]]
    return doc


def _at(doc: Any, path: Key) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _plain(value: Value) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
