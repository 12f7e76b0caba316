"""Surgical edits of a TOML text: change only the lines an edit touches, keep every other byte; pure.

An edit is a short list of changes to key paths (set a key, drop it, append a table to
an array of tables, remove a table). The outline of tomlmap finds the lines; values are
spelled by tomli-w; everything else in the text (comments, blank lines, key order,
quoting, indentation, line endings) is copied as it is. `expect` applies the same
changes to the parsed document, so that the caller can check that the new text parses
to exactly that, and nothing else changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple, TypeAlias

from cloudplan.errors import CannotEdit
from cloudplan.findings import Key
from cloudplan.i18n import _
from cloudplan.tomlmap import _KEY_RE, Outline

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


@dataclass(frozen=True, slots=True)
class Drop:
    """Remove *name* from *table*, with its line(s)."""

    table: Key
    name: str


@dataclass(frozen=True, slots=True)
class Append:
    """Add a table at the end of the array of tables *name* in *parent*, e.g. a new [[project.milestone]]."""

    parent: Key
    name: str
    values: tuple[tuple[str, Value], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Remove:
    """Remove a table of an array of tables, with the tables nested in it and the comments above it."""

    table: Key


Change: TypeAlias = Set | Drop | Append | Remove


# -- spelling values -----------------------------------------------------------------


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


# -- applying changes to the text ------------------------------------------------------


class Unit(NamedTuple):
    """The one element of a top-level array of tables that an edit changes, adds or removes.

    *old* and *new* are its lines (0-based, end excluded) in the text before and after:
    every line outside them is the same in both. Parsed alone, each range holds that
    element and nothing else, so an edit can be checked by parsing only these lines.
    """

    name: str  # "project" or "indicator"
    element: int  # its index in that array
    old: tuple[int, int]
    new: tuple[int, int]
    added: bool = False
    removed: bool = False


def apply(text: str, changes: Iterable[Change]) -> str:
    """Return *text* with *changes* made; every line they do not touch is kept byte for byte.

    Raises CannotEdit when the text is laid out in a way that these changes cannot be
    made safely (a table written inline, a table split across the file).
    """
    return apply_unit(text, changes)[0]


def apply_unit(text: str, changes: Iterable[Change]) -> tuple[str, Unit | None]:
    """Return the new text, and the unit it changes (None when the changes span more than one)."""
    editor = _Editor(text)
    changes = list(changes)
    for seq, change in enumerate(changes):
        editor.plan(change, seq)
    return editor.result(), editor.unit(changes)


_BLANK_OR_COMMENT = re.compile(r"\s*(#.*)?\s*")


@dataclass(slots=True)
class _Op:
    start: int  # 0-based index of the first line replaced (or where new lines go)
    stop: int  # one past the last line replaced; == start for an insertion
    lines: list[str]
    seq: int


class _Editor:
    def __init__(self, text: str) -> None:
        self.outline = Outline(text)
        self.lines = self.outline.lines
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

    def need(self, table: Key) -> None:
        if table and table not in self.outline.headers:
            raise CannotEdit(
                _("{table} is not written as a table with its own [header] line; edit it by hand").format(
                    table=_dotted(table)
                )
            )

    def content_end(self, table: Key) -> int:
        """The last line of *table*'s own keys, and of the comment lines right under them."""
        end = self.outline.end(table)
        stop = self.outline.next_header(table) if table else len(self.lines) + 1
        while end + 1 < stop and self.is_comment(end + 1):
            end += 1
        return end

    def family(self, table: Key) -> list[Key]:
        """*table* and the tables nested in it that follow it without a break, in file order."""
        tables = self.outline.tables
        i = tables.index(table)
        size = len(table)
        j = i + 1
        while j < len(tables) and tables[j][:size] == table:
            j += 1
        return tables[i:j]

    def block_end(self, table: Key) -> int:
        """The last line of *table* with everything nested in it."""
        return self.content_end(self.family(table)[-1])

    def block_start(self, table: Key) -> int:
        """*table*'s header line, or the first of the comment lines right above it after a blank line."""
        start = self.outline.headers[table]
        above = start - 1
        while above >= 1 and self.is_comment(above):
            above -= 1
        if above < start - 1 and (above == 0 or self.is_blank(above)):
            return above + 1
        return start

    # -- planning changes -----------------------------------------------------------------

    def plan(self, change: Change, seq: int) -> None:
        if isinstance(change, Set):
            self.set(change, seq)
        elif isinstance(change, Drop):
            self.need(change.table)
            span = self.outline.keys(change.table).spans.get((*change.table, change.name))
            if span is not None:
                self.ops.append(_Op(span.line - 1, span.last, [], seq))
        elif isinstance(change, Append):
            self.append(change, seq)
        else:
            self.remove(change, seq)

    def set(self, change: Set, seq: int) -> None:
        self.need(change.table)
        keys = self.outline.keys(change.table)
        new = spell(change.value)
        span = keys.spans.get((*change.table, change.name))
        if span is not None:
            self.ops.append(_Op(span.line - 1, span.last, [self.replace_value(span.line, span.last, new)], seq))
            return
        own = [s for k, s in keys.spans.items() if len(k) == len(change.table) + 1]
        anchor = next(
            (keys.spans[(*change.table, k)] for k in reversed(change.after) if (*change.table, k) in keys.spans),
            None,
        )
        after = anchor.last if anchor is not None else self.outline.end(change.table)
        if anchor is not None:
            indent = self.indent(anchor.line)
        elif own:
            indent = self.indent(own[0].line)
        else:
            indent = self.indent(self.outline.headers[change.table]) if change.table else ""
        self.insert(after, [f"{indent}{change.name} = {new}"], seq)

    def replace_value(self, first: int, last: int, new: str) -> str:
        """Return line *first* with its value replaced by *new*, its trailing comment kept in its column."""
        text = self.line(first)
        match = _KEY_RE.match(text)
        assert match is not None  # the outline found a key on this line
        start = match.end()
        while start < len(text) and text[start] in " \t":
            start += 1
        cr = "\r" if self.lines[first - 1].endswith("\r") else ""
        if last != first:
            return text[:start] + new + cr
        comment = _comment_at(text, start)
        if comment is None:
            rest = text[start:]
            return text[:start] + new + rest[len(rest.rstrip()) :] + cr
        value_end = start + len(text[start:comment].rstrip())
        gap = comment - value_end
        spaces = max(1, gap - (len(new) - (value_end - start)))
        return text[:start] + new + " " * spaces + text[comment:] + cr

    def append(self, change: Append, seq: int) -> None:
        parent, name = change.parent, change.name
        self.need(parent)
        path = (*parent, name)
        siblings = [t for t in self.outline.tables if len(t) == len(path) + 1 and t[: len(path)] == path]
        names = _names(path)
        like = siblings[-1] if siblings else next((t for t in self.outline.tables if _names(t[:-1]) == names), None)
        if like is not None:
            head_indent = self.indent(self.outline.headers[like])
            own = [s for k, s in self.outline.keys(like).spans.items() if len(k) == len(like) + 1]
            key_indent = self.indent(own[0].line) if own else head_indent
        elif parent:
            # The first of its kind: one step in from the keys of the table it goes in.
            own = [s for k, s in self.outline.keys(parent).spans.items() if len(k) == len(parent) + 1]
            head_indent = key_indent = (self.indent(own[0].line) if own else "") + "  "
        else:
            head_indent = key_indent = ""
        block = [f"{head_indent}[[{'.'.join(names)}]]"]
        block += [f"{key_indent}{k} = {spell(v)}" for k, v in change.values]
        if siblings:
            self.insert(self.block_end(siblings[-1]), ["", *block], seq)
        elif parent:
            self.insert(self.block_end(parent), ["", *block], seq)
        else:
            # A first top-level array: projects go before the indicators, anything else at the end.
            tables = self.outline.tables
            first = (
                next((i for i, t in enumerate(tables) if t[:1] == ("indicator",)), None) if name == "project" else None
            )
            if first:
                # After what comes before the first indicator, so that comments above it stay with it.
                self.insert(self.block_end(tables[first - 1]), ["", *block], seq)
            else:
                end = len(self.lines)
                while end > 0 and self.is_blank(end):
                    end -= 1
                self.insert(end, ["", *block] if end else block, seq)

    def remove(self, change: Remove, seq: int) -> None:
        table = change.table
        self.need(table)
        family = self.family(table)
        start = self.block_start(table)
        end = self.content_end(family[-1])
        # Every header in the block must be the table's or one nested in it.
        after = self.outline.tables.index(family[-1]) + 1
        if after < len(self.outline.tables) and any(t[: len(table)] == table for t in self.outline.tables[after:]):
            raise CannotEdit(
                _("the tables of {table} are not together in the file; remove it by hand").format(table=_dotted(table))
            )
        total = len(self.lines)
        last = total if self.lines[-1] else total - 1  # the last line that holds anything
        while end < last and self.is_blank(end + 1):
            end += 1
        if end >= last:
            # Nothing follows: take the blank lines above instead, so the file does not end blank.
            while start > 1 and self.is_blank(start - 1):
                start -= 1
            end = last
        self.ops.append(_Op(start - 1, end, [], seq))

    def insert(self, after: int, lines: list[str], seq: int) -> None:
        """Put *lines* after line *after* (0: at the top)."""
        self.ops.append(_Op(after, after, lines, seq))

    # -- the unit the changes fall in --------------------------------------------------------

    def unit(self, changes: Sequence[Change]) -> Unit | None:
        units: set[tuple[Any, ...]] = set()
        for change in changes:
            table = change.parent if isinstance(change, Append) else change.table
            if not table:
                if not isinstance(change, Append):
                    return None
                count = sum(1 for t in self.outline.tables if len(t) == 2 and t[0] == change.name)
                units.add((change.name, count, "added"))
            elif len(table) == 2 and isinstance(change, Remove):
                units.add((*table, "removed"))
            else:
                units.add((*table[:2], "changed"))
        if len(units) != 1 or not self.ops:
            return None
        name, index, how = units.pop()
        delta = sum(len(op.lines) - (op.stop - op.start) for op in self.ops)
        start = min(op.start for op in self.ops)
        stop = max(op.stop for op in self.ops)
        if how == "changed":
            family = self.family((name, index))
            start = min(start, self.outline.headers[(name, index)] - 1)
            stop = max(stop, self.outline.next_header(family[-1]) - 1)
        return Unit(name, index, (start, stop), (start, stop + delta), how == "added", how == "removed")

    # -- producing the text ----------------------------------------------------------------

    def result(self) -> str:
        lines = list(self.lines)
        cr = "\r" if self.crlf else ""
        # From the end; at one line, a replacement goes before an insertion there, which then lands above it.
        for op in sorted(self.ops, key=lambda o: (o.start, o.stop != o.start, o.seq), reverse=True):
            new = [text if text.endswith("\r") else text + cr for text in op.lines]
            if op.stop == op.start and op.start == len(lines) and new:
                # At the very end of a file that does not end with a newline.
                lines[-1] = lines[-1].removesuffix("\r") + cr
                new[-1] = new[-1].removesuffix("\r")
            lines[op.start : op.stop] = new
        return "\n".join(lines)


_TOKEN = re.compile(r'"""|\'\'\'|"(?:[^"\\]|\\.)*"|\'[^\']*\'|#')


def _comment_at(text: str, i: int) -> int | None:
    """Return where a comment starts on *text* after *i*, outside strings; None if none."""
    while True:
        token = _TOKEN.search(text, i)
        if token is None:
            return None
        if token[0] == "#":
            return token.start()
        if token[0] in ('"""', "'''"):
            close = text.find(token[0], token.end())
            if close < 0:
                return None
            i = close + 3
            continue
        i = token.end()


def _names(table: Key) -> tuple[str, ...]:
    return tuple(k for k in table if isinstance(k, str))


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
