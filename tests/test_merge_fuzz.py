"""Differential fuzz of the merge: random layouts, two random sequences of real edits, checked against a reference.

A base plan in a random layout (the edit fuzz's: arrays of tables split across the file,
milestones as inline tables, comments, quoting, CRLF...), and on each of two branches a
random sequence of edit commands made by the real edit functions. The merge must either
give exactly the plan that a plain reference merge gives (written here, by items and keys,
knowing nothing of the merge's code) with ours's text kept wherever theirs changed nothing,
or report conflicts naming exactly the items the two sides disagree on.

Run with the `merge` hypothesis profile: about 2,000 examples in under a minute here;
CLOUDPLAN_MERGE_FUZZ=N asks for N.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cloudplan import store
from cloudplan.base.errors import CloudplanError
from cloudplan.base.findings import Severity
from cloudplan.core.model import Portfolio
from cloudplan.core.validate import validate
from cloudplan.plan import decode, edits
from cloudplan.plan.merge import merge_plans
from cloudplan.plan.toml.splice import apply
from cloudplan.plan.units import aligned, alone, identity, units
from tests.test_edit_fuzz import TODAY, _edit, plans

settings.register_profile(
    "merge",
    max_examples=int(os.environ.get("CLOUDPLAN_MERGE_FUZZ", "2000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def _valid(text: str) -> Any:
    """The plan in *text* if it is valid (as an edit leaves it), else None."""
    try:
        plan, found = decode.build(tomllib.loads(text), "plan.toml")
    except tomllib.TOMLDecodeError:  # an edit the command's own proof refuses
        return None
    if any(f.severity is Severity.ERROR for f in found):
        return None
    if any(f.severity is Severity.ERROR for f in validate(Portfolio((plan,)), TODAY)):
        return None
    return plan


def _branch(text: str, steps: list[Any]) -> str:
    """The base with each step made as the edit command makes it (a step the command refuses is skipped)."""
    plan = _valid(text)
    assert plan is not None
    for command, args in steps:
        try:
            edit = _make(Portfolio((plan,)), command, args)
            new = apply(text, edit.changes) if edit.changes else text
        except CloudplanError:  # refused, as the command refuses it (an inline table it cannot edit, a bad ref)
            continue
        now = _valid(new) if new != text else plan
        if now is not None:
            text, plan = new, now
    return text


def _make(portfolio: Portfolio, command: str, args: tuple[Any, ...]) -> Any:
    if command == "set":
        return edits.set_keys(portfolio, args[0], [args[1]], TODAY)
    return _edit(portfolio, command, args)


DAYS = ["2020-01-15", "2020-02-01", "2019-12-31"]
Step = tuple[str, tuple[Any, ...]]


class Items:
    """What a base plan holds, for steps that mostly name what is there (and sometimes what is not)."""

    def __init__(self, plan: Any) -> None:
        self.milestones = [m.ref for m in Portfolio((plan,)).milestones] or ["p0/m0"]
        self.projects = [p.id for p in plan.projects] or ["p0"]
        self.indicators = [i.id for i in plan.indicators] or ["i0"]


@st.composite
def step(draw: st.DrawFn, items: Items) -> Step:
    """An edit command, on an item of the plan (one time in ten, one it lacks)."""
    ref = draw(st.sampled_from(items.milestones)) if draw(st.integers(0, 9)) else "p0/m9"
    day = draw(st.sampled_from(DAYS))
    return draw(st.sampled_from([
        ("done", (ref, day)),
        ("cancel", (ref, day, draw(st.sampled_from([None, "why [[x]]"])))),
        ("reopen", (ref,)),
        ("reschedule", (ref, draw(st.sampled_from(["2022", "2021-Q3"])), "late", day)),
        ("remove", (ref, True)),
        ("set", (ref, f"{draw(st.sampled_from(['title', 'notes']))}={draw(st.sampled_from(['A', 'B']))}")),
        ("set", (draw(st.sampled_from(items.projects)), f"title={draw(st.sampled_from(['A', 'B']))}")),
        ("add milestone", (f"{draw(st.sampled_from(items.projects))}/new", "New")),
        ("add project", (f"n{draw(st.integers(0, 1))}", "New")),
        ("add indicator", (f"j{draw(st.integers(0, 1))}", "J")),
        ("measure", (draw(st.sampled_from(items.indicators)), draw(st.sampled_from(["7", "8"])), day)),
    ]))  # fmt: skip


@st.composite
def twin(draw: st.DrawFn, items: Items, of: Step) -> Step:
    """A step on the item *of* acts on: the same one (a change made on both sides), or another edit of it."""
    if draw(st.integers(0, 2)) == 0:
        return of
    for _ in range(8):
        other = draw(step(items))
        if other[1][0] == of[1][0]:
            return other
    return draw(step(items))


@st.composite
def branches(draw: st.DrawFn, items: Items) -> tuple[list[Step], list[Step]]:
    """Two sequences of steps; theirs's often act on what ours's act on."""
    ours = draw(st.lists(step(items), min_size=1, max_size=3))
    theirs = [draw(twin(items, s)) if draw(st.booleans()) else draw(step(items)) for s in ours]
    return ours, theirs[: draw(st.integers(1, len(theirs)))]


# -- the reference: items and their keys, flat --------------------------------------------------------


def _items(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every item by its ref ("p", "p/m", "i", "i DAY", "[plan]"), with its own keys; a milestone's slips as one key."""
    found: dict[str, dict[str, Any]] = {"[plan]": dict(doc.get("plan", {})), "": {"version": doc.get("version")}}
    for p in doc.get("project", []):
        found[p["id"]] = {k: v for k, v in p.items() if k != "milestone"}
        for m in p.get("milestone", []):
            own = {k: v for k, v in m.items() if k != "slip"}
            own["slip"] = frozenset(tuple(sorted((k, str(v)) for k, v in s.items())) for s in m.get("slip", []))
            found[f"{p['id']}/{m['id']}"] = own
    for i in doc.get("indicator", []):
        found[i["id"]] = {k: v for k, v in i.items() if k != "measure"}
        for m in i.get("measure", []):
            found[f"{i['id']} {m['on']}"] = dict(m)
    return found


def _inside(ref: str, other: str) -> bool:
    """Whether item *other* is *ref* or held by it (a project's milestones, an indicator's measures)."""
    return other == ref or other.startswith(ref + "/") or other.startswith(ref + " ")


def _reference(base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]) -> tuple[set[str], dict[str, Any]]:
    """The conflicts a merge must report, and (when there are none) the items it must give."""
    b, o, t = _items(base), _items(ours), _items(theirs)
    conflicts: set[str] = set()
    merged = dict(o)

    def changed(side: dict[str, Any], ref: str) -> bool:
        return any(side.get(r) != b.get(r) for r in set(side) | set(b) if _inside(ref, r))

    removed_o = {r for r in b if r not in o and not any(_inside(x, r) and x != r for x in b if x not in o)}
    removed_t = {r for r in b if r not in t and not any(_inside(x, r) and x != r for x in b if x not in t)}
    for ref in removed_t:  # theirs removed it: gone, unless ours changed it (or what it holds)
        if ref in removed_o:
            continue
        if changed(o, ref):
            conflicts.add(ref)
        else:
            for r in list(merged):
                if _inside(ref, r):
                    del merged[r]
    for ref in removed_o:
        if ref not in removed_t and changed(t, ref):
            conflicts.add(ref)
    # A conflict over a whole item (removed on one side, or new on both with two contents) stands for what it
    # holds; a conflict over one key of an item does not: its milestones and measures are merged on their own.
    whole = set(conflicts)
    for ref in sorted(set(o) | set(t), key=lambda r: (len(r), r)):  # an item before what it holds
        if any(_inside(x, ref) for x in whole | removed_o | removed_t):
            continue
        bo, oo, to = b.get(ref), o.get(ref), t.get(ref)
        if to is None or to == bo:
            continue
        if oo is None:  # added by theirs alone
            merged[ref] = to
            continue
        if bo is None:  # added by both: one, unless two contents
            if any(o.get(r) != t.get(r) for r in set(o) | set(t) if _inside(ref, r)):
                conflicts.add(_top(ref, b))
                whole.add(ref)
            continue
        item = dict(oo)
        for key in set(bo) | set(to):
            if to.get(key) == bo.get(key):
                continue
            if oo.get(key) not in (bo.get(key), to.get(key)):
                conflicts.add(ref)
            elif key in to:
                item[key] = to[key]
            else:
                item.pop(key, None)
        merged[ref] = item
    for ref, item in merged.items():  # what each side passes, the union may not
        if "/" in ref and "done" in item and "cancelled" in item and ref not in conflicts:
            conflicts.add(ref)
    return conflicts, merged


def _top(ref: str, base: dict[str, Any]) -> str:
    """The item a conflict on a new element is named by: a new measure by its own ref, a new milestone too."""
    return ref


@settings(settings.get_profile("merge"))
# Arrays written inline (`slip = []` made tables on one side) are left out for now: the merge's text writer
# refuses some of them as "a bug in cloudplan" (#20); the root's inline arrays are pinned in FOUND below.
@given(text=plans(inline_arrays=False), data=st.data())
def test_a_merge_is_the_reference_merge_or_names_exactly_the_conflicts(text: str, data: st.DataObject) -> None:
    base = text
    plan = _valid(base)
    assert plan is not None
    _check(base, *data.draw(branches(Items(plan))), note=event)


# Cases the fuzz found once (a split project given a new neighbour, an array emptied), kept as they were.
FOUND = [
    ('version = 1\n[plan]\ntitle = "Plan"\n[[project]]\nid = "p0"\ntitle = "Alpha"\n[[project]]\nid = "p1"\n'
     'title = "Alpha"\n[[project.milestone]]\nid = "m0"\ntitle = "Alpha"\n[[indicator]]\nid = "i0"\n'
     'title = "Alpha"\nbaseline = { value = 1, on = "2018" }\ntarget = { value = 10, "by" = "2022" }\n'
     '[[project.milestone]]\nid = "m1"\ntitle = "Alpha"',
     [("add milestone", ("p0/new", "New"))], [("add project", ("n0", "New"))]),
    ('version = 1\n[plan]\ntitle = "Plan"\n[[project]]\nid = "p0"\ntitle = "Alpha"',
     [("add indicator", ("j0", "J"))], [("remove", ("p0", True))]),
    ('version = 1\n[plan]\ntitle = "Plan"\n[[project]]\nid = "p0"\ntitle = "Alpha"\n'
     'milestone = [{ id = "m0", title = "Alpha", done = 2020-01-15 }, { id = "m1", title = "Alpha" }]',
     [("add project", ("n0", "New"))], [("reopen", ("p0/m0",))]),
    # Two conflicts at once: a measure of one day, and one milestone moved twice to the same deadline, whose
    # two slips would break its chain of slips: both named in one run.
    ('version = 1\n[plan]\ntitle = "Plan"\n[[indicator]]\nid = "i0"\ntitle = "Alpha"\n'
     'baseline = { value = 1, on = "2018" }\ntarget = { value = 10, "by" = "2022" }\n[[project]]\nid = "p0"\n'
     'title = "Alpha"\n[[project.milestone]]\nid = "m0"\ntitle = "Alpha"\ndue = "2020"\n',
     [("measure", ("i0", "8", "2020-02-01")), ("reschedule", ("p0/m0", "2022", "late", "2020-01-15"))],
     [("measure", ("i0", "7", "2020-02-01")), ("reschedule", ("p0/m0", "2022", "late", "2020-02-01"))]),
    # Indicators written inline above the first table: the merge by units would have dropped them from its plan.
    ('version = 1\nindicator = [\n  { id = "i0", title = "Alpha", baseline = { value = 1, on = "2018" }, target = '
     '{ value = 10, "by" = "2022" }, measure = [] },\n]\nplan = { title = "Plan" }',
     [("reopen", ("p0/m9",))], [("reopen", ("p0/m9",))]),
    # A project retitled twice, and one of its milestones done again on one side and reopened on the other: two
    # conflicts, the project's title and the milestone's done day (the reference once let the first hide the second).
    ('version = 1\n[plan]\ntitle = "Plan"\n[[project]]\nid = "p1"\ntitle = "Alpha"\n[[project.milestone]]\n'
     'id = "m0"\ntitle = "Alpha"\ndone = 2020-01-15\n',
     [("set", ("p1", "title=A")), ("done", ("p1/m0", "2020-02-01"))],
     [("set", ("p1", "title=B")), ("reopen", ("p1/m0",))]),
]  # fmt: skip


@pytest.mark.parametrize(("base", "ours_steps", "theirs_steps"), FOUND)
def test_cases_the_fuzz_found(base: str, ours_steps: list[Step], theirs_steps: list[Step]) -> None:
    _check(base, ours_steps, theirs_steps)


def _check(base: str, ours_steps: list[Step], theirs_steps: list[Step], note: Callable[[str], object] = print) -> None:
    """The merge of the two branches is the reference merge, or names exactly the reference's conflicts."""
    ours, theirs = _branch(base, ours_steps), _branch(base, theirs_steps)
    note(f"ours {'changed' if ours != base else 'same'}, theirs {'changed' if theirs != base else 'same'}")
    ours_plan = _valid(ours)
    assert ours_plan is not None
    _cuts_agree(ours, base, theirs)
    expected, items = _reference(*(tomllib.loads(x) for x in (base, ours, theirs)))
    merged = merge_plans(base, ours, theirs, name="plan.toml", ours_plan=ours_plan, today=TODAY)
    note(f"{merged.how}, {'conflict' if merged.conflicts else 'clean'}")
    if expected:
        assert {c.label for c in merged.conflicts} == expected, (merged.conflicts, expected)
        assert "<<<<<<< ours" in merged.text
        return
    assert merged.conflicts == [], merged.conflicts
    result = tomllib.loads(merged.text)
    assert _items(result) == items
    assert store.parse(merged.text.encode("utf-8"), "plan.toml").plan == merged.plan or merged.how == "whole"
    _ours_text_kept(base, ours, theirs, merged.text, note)
    if theirs == base:
        assert merged.text == ours


def _cuts_agree(ours: str, *others: str) -> None:
    """Another version cut along ours's units is cut into whole units: its text, each unit alone a unit of its kind."""
    cut = units(ours)
    if cut is None:
        return
    for text in others:
        found = aligned(cut, text)
        if found is None:
            assert units(text) is None
            continue
        assert "".join(u.text for u in found) == text
        assert [u.name for u in found] == [u.name for u in units(text) or ()]
        assert all(alone(u.name, u.text) for u in found)


def _ours_text_kept(base: str, ours: str, theirs: str, merged: str, note: Callable[[str], object]) -> None:
    """Every unit (a top-level table with what it holds) that theirs left as it was is in the merge as ours wrote it."""
    cut = [units(x.replace("\r\n", "\n")) for x in (base, ours, theirs)]
    if any(c is None for c in cut):
        note("a layout the units do not cut: ours's text checked whole only")
        return
    b, o, t = ({(u.name, identity(u)): u.text for u in c} for c in cut)  # type: ignore[union-attr]
    flat = merged.replace("\r\n", "\n")
    for key, text in o.items():
        if key[0] and t.get(key) == b.get(key) and b.get(key) is not None:
            assert text in flat, key


def test_the_reference_names_what_a_person_would() -> None:
    base = {"plan": {"title": "P"}, "project": [{"id": "p", "title": "P", "milestone": [{"id": "m", "title": "M"}]}]}
    ours = {"plan": {"title": "P"}, "project": [{"id": "p", "title": "P", "milestone": [{"id": "m", "title": "M",
            "done": date(2020, 1, 1)}]}]}  # fmt: skip
    theirs = {"plan": {"title": "P"}, "project": [{"id": "p", "title": "Q", "milestone": [{"id": "m", "title": "M",
              "cancelled": date(2020, 1, 2)}]}]}  # fmt: skip
    conflicts, _merged = _reference(base, ours, theirs)
    assert conflicts == {"p/m"}
    gone = {"plan": {"title": "P"}, "project": []}
    assert _reference(base, gone, theirs)[0] == {"p"}
    assert _reference(base, gone, base)[0] == set()
