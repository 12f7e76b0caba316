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

import tomllib
from collections.abc import Hashable
from typing import Any, NamedTuple

from cloudplan.plan.toml.lexer import Entry, Header, LexError, headers, statements

UNITS = ("plan", "project", "indicator", "contact")  # the top-level tables, each a unit with what it holds


class Unit(NamedTuple):
    """A top-level table with what it holds ("" the top of the file, above the first), as written."""

    name: str
    text: str
    heads: tuple[Header, ...]  # its headers, offsets within its text
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
    found = [Unit("", text[: cuts[0][0]] if cuts else text, (), 0)]
    counts: dict[str, int] = {}
    for n, (start, name, k) in enumerate(cuts):
        stop = cuts[n + 1][0] if n + 1 < len(cuts) else len(text)
        last = cuts[n + 1][2] if n + 1 < len(cuts) else len(heads)
        own = tuple(h._replace(start=h.start - start, end=h.end - start) for h in heads[k:last])
        found.append(Unit(name, text[start:stop], own, counts.get(name, 0)))
        counts[name] = counts.get(name, 0) + 1
    return found


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
    head = unit.heads[0]
    stop = unit.heads[1].start if len(unit.heads) > 1 else len(unit.text)
    wanted = ("owner",) if unit.name == "contact" else ("id",)
    try:
        entry = next(s for s in statements(unit.text, head.end, stop) if isinstance(s, Entry) and s.names == wanted)
        value = tomllib.loads("v = " + unit.text[entry.value : entry.value_end])["v"]
    except (LexError, StopIteration, tomllib.TOMLDecodeError):
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
                self._docs[text] = tomllib.loads(text)
            except (tomllib.TOMLDecodeError, RecursionError):
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
