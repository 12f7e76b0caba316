"""Differential fuzz of the edits: valid plans in random layouts, times every edit command.

An edit either writes bytes whose cold parse (tomllib on the whole file, then build) is
the plan before with exactly the intended change, and the parsed-plan cache then holds
that same plan; or it refuses (a CloudplanError, exit 2 at the command line) and the
file keeps every byte. Layouts: arrays of tables split across the file, milestones as
inline tables, multi-line arrays with comments, strings of the four kinds holding text
that looks like headers, escaped and quoted keys, indentation, comments, CRLF with or
without a final newline, a byte order mark.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cloudplan import store
from cloudplan.base.errors import CloudplanError
from cloudplan.plan import edits
from cloudplan.plan.toml import keymap
from cloudplan.plan.toml.splice import Outline, expect

TODAY = date(2020, 6, 30)
TEXTS = ["Alpha", "[[project]]", 'id = "fake"', "[plan]\ntitle = 'x'", "a ] } b", "# not a comment", 'q"""q', "É ✓"]


def _string(draw: st.DrawFn, text: str, one_line: bool = False) -> str:
    """*text* as a TOML string of a kind drawn among those that can hold it."""
    if one_line:
        return tomli_w.dumps({"v": text})[4:-1]
    kinds = ["basic"]
    if "'" not in text and "\n" not in text:
        kinds.append("literal")
    if '"""' not in text and not text.endswith('"'):
        kinds.append("multi")
    if "'''" not in text and not text.endswith("'"):
        kinds.append("multi-literal")
    kind = draw(st.sampled_from(kinds))
    if kind == "literal":
        return f"'{text}'"
    if kind == "multi":
        return '"""' + text.replace("\\", "\\\\") + '"""'
    if kind == "multi-literal":
        return "'''" + text + "'''"
    return tomli_w.dumps({"v": text})[4:-1]


def _key(draw: st.DrawFn, name: str) -> str:
    style = draw(st.sampled_from(["bare", "bare", "quoted", "escaped", "literal"]))
    if style == "quoted":
        return f'"{name}"'
    if style == "escaped":
        return '"' + "".join(f"\\u{ord(c):04x}" if i == 0 else c for i, c in enumerate(name)) + '"'
    if style == "literal":
        return f"'{name}'"
    return name


@st.composite
def plans(draw: st.DrawFn, inline_arrays: bool = True) -> str:
    """A valid plan's text, laid out at random.

    Without *inline_arrays*, no array of projects, indicators, measures or slips is written
    inline, nor an empty one of milestones, and there is at least one project.
    """
    lines: list[str] = []
    indent = draw(st.sampled_from(["", "  ", "\t"]))

    def trivia() -> None:
        for _ in range(draw(st.integers(0, 2))):
            lines.append(draw(st.sampled_from(["", "# a comment [[project]]", "   # another = 1", ""])))

    def kv(name: str, value: str, pad: str = "") -> None:
        comment = draw(st.sampled_from(["", "", "  # note ]"]))
        lines.append(f"{pad}{_key(draw, name)} = {value}{comment}")

    def inline(values: list[tuple[str, str]]) -> str:
        return "{ " + ", ".join(f"{k} = {v}" for k, v in values) + " }" if values else "{}"

    def array(items: list[str], pad: str = "") -> str:
        """An inline array of *items*: on one line, or one item a line (with a comment, a trailing comma)."""
        if not items or not inline_arrays or draw(st.booleans()):
            return "[" + ", ".join(items) + "]" if items else draw(st.sampled_from(["[]", "[ ]", "[  # none yet\n]"]))
        body = "".join(f"\n{pad}  {item},{draw(st.sampled_from(['', '  # an item ]']))}" for item in items)
        return "[" + body + "\n" + pad + "]"

    def milestone_values(p: int, m: int, one_line: bool = False) -> list[tuple[str, str]]:
        values = [("id", f'"m{m}"'), ("title", _string(draw, draw(st.sampled_from(TEXTS)), one_line))]
        due = draw(st.sampled_from([None, '"2020"', '"2021-Q1"', "2020-03-15"]))
        if due:
            values.append(("due", due))
        if draw(st.booleans()):
            values.append(("done", "2020-01-15"))
        if m > 0 and draw(st.booleans()):
            values.append(("depends_on", '["m0"]'))
        if draw(st.booleans()):
            notes = draw(st.sampled_from(TEXTS)) + "\n[[project.milestone]]\n"
            values.append(("notes", _string(draw, notes, one_line)))
        if due and inline_arrays and draw(st.integers(0, 3)) == 0:
            values.append(("slip", "[]"))  # no slip yet: an empty inline array that reschedule may fill
        return values

    def milestone_block(p: int, m: int) -> None:
        trivia()
        header = draw(
            st.sampled_from(["[[project.milestone]]", '[[project."mil\\u0065stone"]]', "[[ project . milestone ]]"])
        )
        lines.append(indent + header)
        for name, value in milestone_values(p, m):
            kv(name, value, indent)

    def indicator_values(i: int, one_line: bool = False) -> list[tuple[str, str]]:
        return [
            ("id", f'"i{i}"'),
            ("title", _string(draw, draw(st.sampled_from(TEXTS)), one_line)),
            ("baseline", '{ value = 1, on = "2018" }'),
            ("target", '{ value = 10, "by" = "2022" }'),
        ]

    def measure_values(k: int) -> list[tuple[str, str]]:
        return [("on", f"2019-0{k + 1}-01"), ("value", str(k + 2))]

    def indicator(i: int, measures: int) -> None:
        trivia()
        lines.append("[[indicator]]")
        for name, value in indicator_values(i):
            kv(name, value)
        if inline_measures[i]:  # the measures written inline (none yet: `measure = []`)
            lines.append("measure = " + array([inline(measure_values(k)) for k in range(measures)]))
            return
        for k in range(measures):
            measure(k)

    def measure(k: int) -> None:
        trivia()
        lines.append(indent + "[[indicator.measure]]")
        for name, value in measure_values(k):
            kv(name, value, indent)

    def project_values(p: int, one_line: bool = False) -> list[tuple[str, str]]:
        return [("id", f'"p{p}"'), ("title", _string(draw, draw(st.sampled_from(TEXTS)), one_line))]

    n_projects = draw(st.integers(0 if inline_arrays else 1, 3))
    n_indicators = draw(st.integers(0, 2))
    counts = [draw(st.integers(0, 3)) for _ in range(n_projects)]
    measures = [draw(st.integers(0, 2)) for _ in range(n_indicators)]
    inline_measures = [inline_arrays and draw(st.integers(0, 3)) == 0 for _ in range(n_indicators)]
    # Either array may be written inline, as a key of the root table (`project = [{ ... }]`, or `[]`
    # when there are none yet); so may the plan table. The root's keys come in any order.
    inline_projects = inline_arrays and draw(st.integers(0, 3)) == 0
    inline_indicators = inline_arrays and draw(st.integers(0, 3)) == 0
    inline_plan = draw(st.integers(0, 4)) == 0
    root = ["version"] + ["project"] * inline_projects + ["indicator"] * inline_indicators + ["plan"] * inline_plan
    for name in draw(st.permutations(root)):
        trivia()
        if name == "version":
            kv("version", "1")
        elif name == "plan":
            kv("plan", '{ title = "Plan" }')
        elif name == "project":
            items = []
            for p in range(n_projects):
                values = project_values(p, one_line=True)
                if counts[p] or draw(st.booleans()):
                    ms = [inline(milestone_values(p, m, one_line=True)) for m in range(counts[p])]
                    values.append(("milestone", "[" + ", ".join(ms) + "]"))
                items.append(inline(values))
            kv("project", array(items))
        else:
            kv(
                "indicator",
                array([inline([*indicator_values(i, True), ("measure", "[]")]) for i in range(n_indicators)]),
            )
    if not inline_plan:
        trivia()
        lines.append("[plan]")
        kv("title", _string(draw, "Plan"))
    indicators_first = draw(st.booleans())
    split = draw(st.booleans())  # the last project's last milestones, or the last indicator's measures, come later
    inline_milestones = [draw(st.integers(0, 5)) == 0 for _ in range(n_projects)]
    later: list[int] = []

    def projects() -> None:
        if inline_projects:
            return
        for p in range(n_projects):
            trivia()
            lines.append("[[project]]")
            for name, value in project_values(p):
                kv(name, value)
            if draw(st.booleans()):
                lines.append(_key(draw, "owners") + " = [")
                lines.append('  "DINSIC",   # ] a comment')
                lines.append('"""\n[[project]]\nid = "fake"\n""",')
                lines.append("]")
            if inline_milestones[p] and (counts[p] or inline_arrays):
                items = [inline(milestone_values(p, m, one_line=True)) for m in range(counts[p])]
                lines.append("milestone = " + array(items))
                continue
            keep = counts[p] - (1 if split and p == n_projects - 1 and counts[p] and not indicators_first else 0)
            for m in range(keep):
                milestone_block(p, m)
            later.extend(range(keep, counts[p]) if p == n_projects - 1 else [])

    def indicators() -> None:
        if inline_indicators:
            return
        for i in range(n_indicators):
            last = i == n_indicators - 1
            held = split and last and measures[i] and indicators_first and not inline_measures[i]
            indicator(i, measures[i] - (1 if held else 0))

    if indicators_first:
        indicators()
        projects()
        if split and n_indicators and measures[-1] and not inline_indicators and not inline_measures[-1]:
            measure(measures[-1] - 1)
    else:
        projects()
        indicators()
        for m in later:
            milestone_block(n_projects - 1, m)
    text = "\n".join(lines)
    if draw(st.booleans()):
        text += "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


SET_MILESTONE = ["title=T [[x]]", "notes=n", "notes=", "owners=A, B", "owners=", "start=2020-Q1", "depends_on=m0"]
SET_PROJECT = ["title=New", "description=d", "description=", "owners=X", "tags=a,b", "tags="]
SET_INDICATOR = ["title=New", "unit=km", "unit=", "project=p0"]


@st.composite
def commands(draw: st.DrawFn) -> tuple[str, tuple[Any, ...]]:
    often = st.sampled_from([0, 0, 0, 0, 0, 1, 1, 2, 3])  # mostly what the plans have; sometimes what they lack
    ref = f"p{draw(often)}/m{draw(often)}"
    day = draw(st.sampled_from(["2020-01-15", "2020-02-01", "2019-12-31"]))
    return draw(
        st.sampled_from(
            [
                ("add project", (f"n{draw(st.integers(0, 2))}", "New")),
                ("add milestone", (f"p{draw(often)}/new", "New")),
                ("add indicator", (f"j{draw(st.integers(0, 2))}", "J")),
                ("done", (ref, day)),
                ("reopen", (ref,)),
                ("cancel", (ref, day, draw(st.sampled_from([None, "why [[x]]"])))),
                ("reschedule", (ref, draw(st.sampled_from(["2022", "2021-Q3"])), "late", day)),
                ("remove", (draw(st.sampled_from([ref, f"p{draw(often)}"])), True)),
                ("measure", (f"i{draw(often)}", "7", day)),
                ("set", (ref, tuple(draw(st.lists(st.sampled_from(SET_MILESTONE), min_size=1, max_size=2))))),
                (
                    "set",
                    (f"p{draw(often)}", tuple(draw(st.lists(st.sampled_from(SET_PROJECT), min_size=1, max_size=2)))),
                ),
                ("set indicator", (f"i{draw(often)}", (draw(st.sampled_from(SET_INDICATOR)),))),
            ]
        )
    )


def _edit(portfolio: Any, command: str, args: tuple[Any, ...]) -> edits.Edit:
    if command == "add project":
        return edits.add_project(portfolio, args[0], args[1])
    if command == "add milestone":
        return edits.add_milestone(portfolio, args[0], args[1], TODAY, due="2021")
    if command == "add indicator":
        return edits.add_indicator(
            portfolio, args[0], args[1], TODAY, baseline="1", baseline_on="2018", target="2", target_by="2022"
        )
    if command == "done":
        return edits.done(portfolio, args[0], args[1], TODAY)
    if command == "reopen":
        return edits.reopen(portfolio, args[0])
    if command == "cancel":
        return edits.cancel(portfolio, args[0], args[1], args[2], TODAY)
    if command == "reschedule":
        return edits.reschedule(portfolio, args[0], args[1], args[2], args[3], TODAY)
    if command == "remove":
        return edits.remove(portfolio, args[0], args[1])
    if command.startswith("set"):
        return edits.set_keys(portfolio, args[0], args[1], TODAY, indicator=command == "set indicator")
    return edits.measure(portfolio, args[0], args[1], args[2], None, TODAY)


CACHE = tempfile.mkdtemp(prefix="cloudplan-fuzz-cache-")


# The writes are not flushed to disk (test_store_write covers that; here it would take most of the time).
# About 1,100 plans, 2,200 edits and 3,300 comparisons of the cache with a cold parse: some 40 s.
@settings(max_examples=1100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=plans(), bom=st.booleans(), steps=st.lists(commands(), min_size=1, max_size=3))
def test_an_edit_writes_exactly_its_change_or_nothing(text: str, bom: bool, steps: list[Any]) -> None:
    old_env = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = CACHE  # shared by the examples: a warm cache must never lie either
    try:
        with mock.patch.object(os, "fsync"), tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "plan.toml"
            path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
            for command, args in steps:
                _one(path, command, args)
    finally:
        if old_env is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = old_env


def _one(path: Path, command: str, args: tuple[Any, ...]) -> None:
    before = path.read_bytes()
    text = before.decode("utf-8").removeprefix("\ufeff")
    # The lexer's two readings agree: the headers alone, and every statement.
    assert Outline(text).paths == keymap.scan(text).tables
    files = store.discover([str(path)], {}, path.parent)
    plans = store.open_for_edit(files, lambda _tz: TODAY)  # the generated plans are valid: this must not raise
    try:
        edit = _edit(plans.loaded.portfolio, command, args)
        if not edit.changes:
            event("nothing to change")
            return
        document = plans.apply(edit.source, edit.changes).document
        document.write()
    except CloudplanError as e:
        event(f"refused: {type(e).__name__}")
        if "bug in cloudplan" in str(e.hint):  # a refusal the user can act on, never one the proof fell into
            pytest.fail(f"{e} ({e.hint})")
        assert path.read_bytes() == before
        _the_cache_tells_what_a_cold_parse_does(files[0], path)
        return
    event(f"written, proved by a {document.proof} parse")
    after = path.read_bytes()
    assert after == document.data
    assert after.startswith(b"\xef\xbb\xbf") == before.startswith(b"\xef\xbb\xbf")
    old_text = before.decode("utf-8").removeprefix("\ufeff")
    new_text = after.decode("utf-8").removeprefix("\ufeff")
    assert tomllib.loads(new_text) == expect(tomllib.loads(old_text), edit.changes)
    assert not new_text.endswith("\r")
    cold = store.parse(after, files[0].name)
    assert (document.plan, document.findings) == (cold.plan, cold.findings)
    _the_cache_tells_what_a_cold_parse_does(files[0], path)


def _the_cache_tells_what_a_cold_parse_does(file: store.PlanFile, path: Path) -> None:
    """What the next read finds (from the cache) is the plan and the located findings a cold parse gives."""
    cold = store.parse(path.read_bytes(), file.name)
    warm = store.read_file(file)
    assert warm.plan == cold.plan
    assert [(f.code, f.key, f.line, f.col) for f in warm.findings] == [
        (f.code, f.key, f.line, f.col) for f in cold.findings
    ]
    assert warm.findings == cold.findings
