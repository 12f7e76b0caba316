"""A plan file's text cut into units: each top-level table (`[plan]`, a project, an indicator, a contact) with
everything it holds, by its headers alone; pure.

A unit runs from the first comment line above its header (after a blank line) to the next
unit's; the text above the first unit (the `#:schema` line, `version`) is a unit of its own,
named "". Cutting a 10,000-milestone file this way lexes its headers only, so the merge and
`blame` can tell which units changed between two versions by their text, and parse only those.
A layout that does not cut cleanly (a table of one project written among another's, a comment
line that may end a multi-line string) gives None: the caller reads the file whole.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any, NamedTuple

from cloudplan.plan.toml import parser
from cloudplan.plan.toml.lexer import Entry, LexError, headers, statements

UNITS = ("plan", "project", "indicator", "contact")  # the top-level tables, each a unit with what it holds
_PLAIN = re.compile(r'"[A-Za-z0-9 ._*@-]*"')  # a basic string with nothing to unescape


class Unit(NamedTuple):
    """A top-level table with what it holds ("" the top of the file, above the first), as written."""

    name: str
    text: str
    keys: tuple[int, int]  # where its first table's keys are in its text: after its header, to the next header
    nth: int  # among the units of its name in its version


def units(text: str) -> list[Unit] | None:
    """Cut *text* into units, each from the first comment line above its header; None when the layout does not
    allow it (a table of one unit among another's, a comment line that may close a multi-line string)."""
    try:
        heads = headers(text)
    except LexError:
        return None
    cuts: list[tuple[int, str, int]] = []  # where each unit starts, its name, its first header
    for k, h in enumerate(heads):
        if len(h.names) == 1:
            if h.names[0] not in UNITS or h.is_array != (h.names[0] != "plan"):
                return None
            start = _block_start(text, h.start)
            if start is None or (cuts and start < heads[k - 1].end):
                return None
            cuts.append((start, h.names[0], k))
        elif not cuts or h.names[0] != cuts[-1][1] or cuts[-1][1] == "plan":
            return None
    found = [Unit("", text[: cuts[0][0]] if cuts else text, (0, 0), 0)]
    counts: dict[str, int] = {}
    for n, (start, name, k) in enumerate(cuts):
        stop = cuts[n + 1][0] if n + 1 < len(cuts) else len(text)
        second = heads[k + 1].start if k + 1 < len(heads) and heads[k + 1].start < stop else stop
        found.append(Unit(name, text[start:stop], (heads[k].end - start, second - start), counts.get(name, 0)))
        counts[name] = counts.get(name, 0) + 1
    return found


def aligned(ours: list[Unit], text: str) -> list[Unit] | None:
    """Cut *text*, another version of the file that *ours* cuts, lexing only where the two differ.

    Where a unit of ours comes next in *text*, as it is, it is a unit of *text* too: it starts
    a line outside any value and lexes alone to its end as it does in ours. Between two such,
    the text that differs is cut alone (it starts outside any value too); its first lines
    without a header (blank lines, comments) go with the unit before. None when a region
    does not cut: the caller cuts the whole text.
    """
    found: list[Unit] = []
    pos, k = 0, 0
    while pos < len(text) or k < len(ours):
        if k < len(ours) and ours[k].text and text.startswith(ours[k].text, pos):
            found.append(ours[k])
            pos += len(ours[k].text)
            k += 1
            continue
        k, at = _next(ours, k, text, pos)
        region = units(text[pos:at])
        while found and (region is None or (region[0].text and _has_keys(region[0].text))):
            # What follows is not a unit of its own (a table or keys that the unit before goes on with):
            # that unit was ours's only in its beginning; cut it with what follows.
            pos -= len(found.pop().text)
            region = units(text[pos:at])
        if region is None:
            return None
        lead, *rest = region
        if lead.text and found:
            found[-1] = found[-1]._replace(text=found[-1].text + lead.text)
        elif lead.text or not found:
            found.append(lead)
        found += rest
        pos = at
    counts: dict[str, int] = {}
    for n, unit in enumerate(found):
        found[n] = unit._replace(nth=counts.get(unit.name, 0))
        counts[unit.name] = counts.get(unit.name, 0) + 1
    return found


def _next(ours: list[Unit], k: int, text: str, pos: int) -> tuple[int, int]:
    """The first unit of ours from the k-th that *text* holds after *pos*, at the start of a line, and where."""
    for j in range(k + 1, len(ours)):
        needle = ours[j].text
        at = text.find(needle, pos) if needle else -1
        while at > 0 and text[at - 1] != "\n":
            at = text.find(needle, at + 1)
        if at >= 0:
            return j, at
    return len(ours), len(text)


def _has_keys(text: str) -> bool:
    """Whether *text* (lines above any header) holds a key, or cannot be lexed."""
    try:
        return any(isinstance(s, Entry) for s in statements(text))
    except LexError:
        return True


def alone(name: str, text: str) -> bool:
    """Whether *text*, lexed alone, is one unit *name*: comment lines, its top-level header, and only tables nested
    in it (the top of the file, "": keys and comments, no header)."""
    try:
        heads = headers(text)
        first = heads[0].start if heads else len(text)
        keys = any(isinstance(s, Entry) for s in statements(text, 0, first))
    except LexError:
        return False
    if name == "":
        return not heads
    top = heads[0] if heads and not keys else None
    if top is None or top.names != (name,) or top.is_array != (name != "plan"):
        return False
    return all(h.names[0] == name and len(h.names) > 1 and name != "plan" for h in heads[1:])


def _block_start(text: str, start: int) -> int | None:
    """Where a header's block starts: the comment lines right above it, after a blank line (or the file's start)."""
    pos = start
    while pos > 0:
        line_start = text.rfind("\n", 0, pos - 1) + 1
        line = text[line_start : pos - 1].strip()
        if line.startswith("#"):
            if '"""' in line or "'''" in line:
                return None  # maybe the end of a multi-line string: the lexer must say
            pos = line_start
        elif not line:
            return pos
        else:
            return start
    return pos


def identity(unit: Unit) -> Hashable | None:
    """What tells the unit apart: its id (a contact: its owner); None when it cannot be read from its first table."""
    if unit.name in ("", "plan"):
        return unit.name
    start, stop = unit.keys
    wanted = ("owner",) if unit.name == "contact" else ("id",)
    try:
        entry = next(s for s in statements(unit.text, start, stop) if isinstance(s, Entry) and s.names == wanted)
    except (LexError, StopIteration):
        return None
    written = unit.text[entry.value : entry.value_end]
    if _PLAIN.fullmatch(written):  # "cercle-2", as nearly every id is written
        return written[1:-1]
    try:
        value = parser.loads("v = " + written)["v"]
    except parser.TOMLDecodeError:
        return None
    return value if isinstance(value, str) else None


class Reader:
    """Finds one project's table in many versions of a plan file, parsing each distinct unit once (for `blame`)."""

    def __init__(self) -> None:
        self._ids: dict[str, Hashable | None] = {}
        self._docs: dict[str, dict[str, Any] | None] = {}

    def project(self, text: str, pid: str) -> dict[str, Any] | None:
        """Return the table of project *pid* in *text*, or None when the text has none (or is not TOML)."""
        cut = units(text)
        if cut is None:
            return _project_in(self._parsed(text), pid)
        for unit in cut:
            if unit.name != "project":
                continue
            if unit.text not in self._ids:
                self._ids[unit.text] = identity(unit)
            if self._ids[unit.text] == pid:
                return _project_in(self._parsed(unit.text), pid)
        return None

    def _parsed(self, text: str) -> dict[str, Any] | None:
        if text not in self._docs:
            try:
                self._docs[text] = parser.loads(text)
            except (parser.TOMLDecodeError, RecursionError):
                self._docs[text] = None
        return self._docs[text]


def _project_in(doc: dict[str, Any] | None, pid: str) -> dict[str, Any] | None:
    projects = doc.get("project") if doc is not None else None
    for project in projects if isinstance(projects, list) else ():
        if isinstance(project, dict) and project.get("id") == pid:
            return project
    return None


def milestone_in(project: dict[str, Any] | None, mid: str) -> dict[str, Any] | None:
    """Return the table of milestone *mid* in a project's table, or None."""
    milestones = project.get("milestone") if project is not None else None
    for milestone in milestones if isinstance(milestones, list) else ():
        if isinstance(milestone, dict) and milestone.get("id") == mid:
            return milestone
    return None
