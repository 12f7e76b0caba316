"""Three versions of a plan file's text (git's base, ours, theirs) -> what ours becomes, merged by meaning; pure.

The merged plan is the base plus our changes plus their changes, each change as its author
wrote it: ours's text is kept byte for byte outside what theirs changed, and theirs's
comments and layout come along where they fall outside what ours changed. Where the two
sides disagree (`core.merge` says where), the smallest whole item (a milestone's table with
its slips, a project's header block, a measure) is written between git's conflict markers.

Two ways to the same result:

- unit by unit (`_by_units`, for the common case): the sides are cut into units (`plan.units`:
  a top-level table, a project, an indicator, a contact, `[plan]`, with everything it holds),
  ours by its headers, the others along ours's; a unit that one side left as it was is taken
  from the other side whole, unparsed where it is ours's; a unit both sides changed is merged
  as a document of its own (`mergetext`). Its proof: each part of the merged text is one
  unit lexed alone, so the text lexes and resolves as its parts do, and the plan is ours's
  items and each other part parsed alone. Any conflict, or a layout that does not cut, leaves
  the merge to the whole way;
- whole (`_whole`): the three documents parsed whole, merged, and written into ours's text
  (`mergetext`); its proof: the merged text, parsed cold, is the merged document. This way
  handles every layout (tables of a project spread across the file, milestones written as
  inline tables) and marks the conflicts.

The merged plan is then checked as `check` would, with the other plan files of the
portfolio: an error that ours did not have (a dependency cycle, a dependency on a milestone
the other side removed, a milestone done and cancelled) makes the items it names conflicts.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from cloudplan.base.findings import Finding, Key, Severity
from cloudplan.base.translate import _
from cloudplan.core.merge import MISSING, Conflict, Fate, Node, Path, Table, merged_table
from cloudplan.core.model import Contact, Indicator, Milestone, Plan, Portfolio, Project, rekeyed
from cloudplan.plan import decode
from cloudplan.plan.mergetext import (
    MILESTONE,
    NO_BASE,
    Documents,
    Markers,
    Unmergeable,
    meaning,
    merge_documents,
    write,
)
from cloudplan.plan.toml import parser
from cloudplan.plan.toml.splice import spell
from cloudplan.plan.units import Unit, aligned, alone, identity, units

__all__ = ["Markers", "Merged", "Unmergeable", "conflict_lines", "merge_plans"]

# -- what the merge gives -------------------------------------------------------------------------------


class Merged(NamedTuple):
    """What ours becomes, the conflicts (none: a clean merge), the merged plan of a clean merge, and the way taken."""

    text: str
    conflicts: list[Conflict]
    plan: Plan | None
    how: str  # "units" or "whole"


def merge_plans(
    base: str,
    ours: str,
    theirs: str,
    *,
    name: str,
    ours_plan: Plan,
    others: Sequence[Plan] = (),
    today: date,
    markers: Markers = NO_BASE,
) -> Merged:
    """Merge the three texts (without byte order marks); *ours_plan* is what a cold parse of *ours* gives.

    *others* are the portfolio's other plan files, against which the merged plan is checked.
    Raises Unmergeable when a version is not a plan (or not TOML), or is laid out in a way
    the merge cannot follow.
    """
    eol = "\r\n" if ours.split("\n", 1)[0].endswith("\r") else "\n"
    base, theirs = _endings(base, eol), _endings(theirs, eol)
    fast = _by_units(base, ours, theirs, name, ours_plan, others, today)
    if fast is not None:
        return fast
    return _whole(base, ours, theirs, name, ours_plan, others, today, markers)


def _endings(text: str, eol: str) -> str:
    """*text* with ours's line ends (TOML reads a CRLF inside a multi-line string as a newline, so nothing changes)."""
    text = text.replace("\r\n", "\n")
    return text.replace("\n", eol) if eol != "\n" else text


# -- checking the merged plan ---------------------------------------------------------------------------


def _where(plan: Plan, key: Key) -> tuple[Path, str]:
    """The item of *plan* that a finding's key falls in (its path in the merge's tree, down to a milestone,
    a measure or a contact), and the key within it."""
    try:
        head = key[0] if key else ""
        if head == "plan":
            return (("plan", "plan"),), str(key[1]) if len(key) > 1 else ""
        if head == "project" and len(key) >= 2:
            p = plan.projects[key[1]]  # type: ignore[index]
            path: Path = (("project", (p.id,)),)
            if len(key) >= 4 and key[2] == "milestone":
                m = p.milestones[key[3]]  # type: ignore[index]
                return (*path, ("milestone", (m.id,))), str(key[4]) if len(key) > 4 else ""
            return path, str(key[2]) if len(key) > 2 else ""
        if head == "indicator" and len(key) >= 2:
            i = plan.indicators[key[1]]  # type: ignore[index]
            path = (("indicator", (i.id,)),)
            if len(key) >= 4 and key[2] == "measure":
                found = next(m for m in i.measures if m.key[:4] == key[:4])
                return (*path, ("measure", (found.on,))), str(key[4]) if len(key) > 4 else ""
            return path, str(key[2]) if len(key) > 2 else ""
        if head == "contact" and len(key) >= 2:
            c = plan.contacts[key[1]]  # type: ignore[index]
            return (("contact", (c.owner,)),), str(key[2]) if len(key) > 2 else ""
    except (IndexError, TypeError, StopIteration):
        pass
    return (), str(head)


_HINT = re.compile(r"; did you mean .*$")


def _errors(plan: Plan, others: Sequence[Plan], today: date) -> list[Finding]:
    from cloudplan.core.validate import validate

    found = validate(Portfolio((plan, *others)), today)
    return [f for f in found if f.severity is Severity.ERROR and f.source == plan.source]


def _new_errors(merged: Plan, ours: Plan, others: Sequence[Plan], today: date) -> list[Finding]:
    """The errors of the merged plan (checked with the other files) that ours did not have."""
    now = _errors(merged, others, today)
    if not now:
        return []

    def ident(plan: Plan, f: Finding) -> tuple[str, Path, str, str]:
        return f.code, *_where(plan, f.key), _HINT.sub("", f.message)

    before = {ident(ours, f) for f in _errors(ours, others, today)}
    return [f for f in now if ident(merged, f) not in before]


def _mark(docs: Documents, merged: Plan, errors: list[Finding], settled: bool = True) -> list[Conflict]:
    """Make the items that the merged plan's new errors name conflicts; return those conflicts.

    With *settled* false, the merge has conflicts of its own, taken as ours for the check: an error on an
    item already in conflict says nothing more."""
    nodes = {n.path: n for n in docs.root.walk()}
    refs = {m.ref: m for p in merged.projects for m in p.milestones}
    found: list[Conflict] = []

    def mark(node: Node, key: str, why: str) -> None:
        values = [t.get(key, MISSING) if t is not None else MISSING for t in (node.base, node.ours, node.theirs)]
        if not key or key not in node.kind.keys:
            values = [node.base or MISSING, node.ours or MISSING, node.theirs or MISSING]
            key = ""
        conflict = Conflict(node.label, key, values[0], values[1], values[2], why=why)
        if node.fate in (Fate.REMOVED, Fate.GONE):  # the item itself is in question: keep it, or not
            conflict = Conflict(node.label, "", node.base or MISSING, node.ours or MISSING, node.theirs or MISSING, why)
        node.conflicts.append(conflict)
        node.fate = Fate.CONFLICT
        found.append(conflict)

    def milestone(ref: str) -> Node | None:
        project, _sep, mid = ref.partition("/")
        return nodes.get((("project", (project,)), ("milestone", (mid,))))

    for f in errors:
        path, key = _where(merged, f.key)
        node = nodes.get(path)
        if node is None:
            continue
        named = [node]
        if f.code == "dependency-cycle" and node.kind is MILESTONE:
            named = [n for n in (milestone(r) for r in _cycle(node.label, refs)) if n is not None]
        elif f.code == "unknown-ref" and node.kind is MILESTONE:
            m = refs.get(node.label)
            gone = [milestone(r) for r in (m.depends_on if m else ()) if r not in refs]
            named += [n for n in gone if n is not None]
        for n in named:
            if n.fate is Fate.CONFLICT and (not settled or any(c.why for c in n.conflicts)):
                continue
            if n.fate is Fate.KEPT and n.ours is not None and n.theirs is not None and n is not node:
                # On the cycle but changed by neither side: nothing to choose there.
                from cloudplan.core.merge import _Merger

                if _Merger(meaning).same(n.kind, n.ours, n.theirs, n.path):
                    continue
            mark(n, key if n is node else "depends_on", f.message)
    return found


def _cycle(start: str, refs: dict[str, Milestone]) -> list[str]:
    """The milestones of a dependency cycle through *start*, in order."""
    path: list[str] = []
    seen: set[str] = set()

    def visit(ref: str) -> bool:
        if ref == start and path:
            return True
        if ref in seen or ref not in refs:
            return False
        seen.add(ref)
        path.append(ref)
        if any(visit(d) for d in refs[ref].depends_on):
            return True
        path.pop()
        return False

    visit(start)
    return path or [start]


def _whole(
    base: str, ours: str, theirs: str, name: str, ours_plan: Plan, others: Sequence[Plan], today: date,
    markers: Markers,
) -> Merged:  # fmt: skip
    if not base.strip():
        base = ""  # a file added on both sides: git gives an empty base
    docs = merge_documents(base, ours, theirs)
    _built, found = decode.build(docs.theirs.doc, name)
    errors = [f for f in found if f.severity is Severity.ERROR]
    if errors:
        raise Unmergeable(_("theirs is not a valid plan: {why}").format(why=errors[0].message))
    if docs.conflicts:
        return Merged(write(docs, markers), docs.conflicts + _more(docs, name, ours_plan, others, today), None, "whole")
    text = write(docs, markers)
    try:
        parsed = parser.loads(text)
    except parser.TOMLDecodeError:
        parsed = None
    if parsed != docs.merged:
        raise Unmergeable(_("the merge did not come out as intended; this is a bug in cloudplan, please report it"))
    assert docs.merged is not None
    plan, found = decode.build(docs.merged, name)
    if any(f.severity is Severity.ERROR for f in found):
        raise Unmergeable(_("the merge did not come out as intended; this is a bug in cloudplan, please report it"))
    new = _new_errors(plan, ours_plan, others, today)
    if not new:
        return Merged(text, [], plan, "whole")
    conflicts = _mark(docs, plan, new)
    if not conflicts:  # an error that no item of the merge can answer for: say it, at the file
        conflicts = [Conflict("", "", MISSING, MISSING, MISSING, why=new[0].message)]
        return Merged(text, conflicts, None, "whole")
    return Merged(write(docs, markers), conflicts, None, "whole")


def _more(docs: Documents, name: str, ours_plan: Plan, others: Sequence[Plan], today: date) -> list[Conflict]:
    """The conflicts the rest of a merge makes on its own (a union `check` rejects), beside those of its keys.

    The conflicts taken as ours wrote them, what the other changes add up to is checked as a clean merge
    is, so that one run names every conflict rather than the ones left after the first are settled.
    """
    plan, found = decode.build(merged_table(docs.root, as_ours=True), name)
    if any(f.severity is Severity.ERROR for f in found):
        return []
    new = _new_errors(plan, ours_plan, others, today)
    return _mark(docs, plan, new, settled=False) if new else []


# -- unit by unit ----------------------------------------------------------------------------------------


class _Part(NamedTuple):
    """A unit of the merged text: its text, and where its contents come from."""

    name: str
    text: str
    ours: int | None  # ours's unit, unchanged (its index among ours's units of its name)
    doc: Table | None  # else the document of its text
    cut: bool = True  # a unit as a cut of its version gave it (else written by the merge: proved alone)
    placed: bool = False  # stands where ours has this unit (merged, or taken from theirs): ours's spacing kept


def _by_units(
    base: str, ours: str, theirs: str, name: str, ours_plan: Plan, others: Sequence[Plan], today: date
) -> Merged | None:
    """The merge made unit by unit; None when it cannot be made so (then `_whole` makes it)."""
    o_units = units(ours)
    if o_units is None:
        return None
    b_units, t_units = aligned(o_units, base), aligned(o_units, theirs)
    if b_units is None or t_units is None:
        return None
    b_text = {(u.name, u.text) for u in b_units}
    t_text = {(u.name, u.text) for u in t_units}
    same = {(u.name, u.text) for u in o_units} & b_text & t_text  # left as they were by both sides
    groups: dict[tuple[str, Hashable], list[Unit | None]] = {}
    for side, found in enumerate((b_units, o_units, t_units)):
        for u in found:
            if (u.name, u.text) in same:
                continue
            ident = identity(u)
            if ident is None:
                return None
            group = groups.setdefault((u.name, ident), [None, None, None])
            if group[side] is not None:
                return None  # one id twice: `_whole` says so
            group[side] = u
    results: dict[tuple[str, Hashable], _Part | None] = {}
    for key, (b, o, t) in groups.items():
        part = _decide(key[0], b, o, t)
        if part is False:
            return None
        results[key] = part  # type: ignore[assignment]
    by_ours = {(u.name, u.nth): key for key, (_b, u, _t) in groups.items() if u is not None}
    parts: list[_Part] = []
    for u in o_units:
        where = by_ours.get((u.name, u.nth))
        if where is None:
            parts.append(_Part(u.name, u.text, u.nth, None))
        elif (result := results[where]) is not None:
            parts.append(result._replace(placed=True))
    for key, (_b, o, _t) in groups.items():  # theirs's new units: after ours's last of their name
        part = results[key]
        if o is None and part is not None:
            at = max((i for i, p in enumerate(parts) if p.name == part.name), default=len(parts) - 1)
            parts.insert(at + 1, part)
    eol = "\r\n" if ours.split("\n", 1)[0].endswith("\r") else "\n"
    parts = _joined(parts, eol, ours.endswith("\n"))
    # The proof that the merged text is these units: each ends its last line and begins a line outside any
    # value, so the text lexes as its parts do; each is one unit lexed alone (its top-level header first, then
    # tables nested in it only): those a cut gave by the cut's own checks, those the merge wrote by `alone`.
    # So every header of the merged text opens the table it opened in its part, and the plan is the parts'
    # (ours's as ours's plan has them, each other one parsed alone).
    if any(not p.cut and not alone(p.name, p.text) for p in parts) or parts[0].name != "":
        return None
    for p in parts:  # an array written inline above the first table (`indicator = [...]`): no unit holds it
        if p.name == "" and (_parsed(p.text) or {}).keys() & {"project", "indicator", "contact"}:
            return None
    text = "".join(p.text for p in parts)
    plan = _assembled(parts, ours_plan, name)
    if plan is None or _new_errors(plan, ours_plan, others, today):
        return None
    return Merged(text, [], plan, "units")


def _decide(name: str, b: Unit | None, o: Unit | None, t: Unit | None) -> _Part | bool | None:
    """What a unit becomes: taken from one side, merged, or gone (None); False when the whole merge must decide."""

    def text(u: Unit | None) -> str | None:
        return u.text if u is not None else None

    if text(o) == text(b):
        if t is None:
            return None
        doc = _parsed(t.text)  # theirs's unit, parsed alone: what the merged plan gets from it
        return False if doc is None else _Part(name, t.text, None, doc)
    if o is not None and (text(t) == text(b) or text(o) == text(t)):
        return _Part(name, o.text, o.nth, None)
    if o is None and text(t) == text(b):
        return None
    try:
        docs = merge_documents(text(b) or "", text(o) or "", text(t) or "")
    except Unmergeable:
        return False
    if docs.conflicts or docs.merged is None:
        return False
    try:
        merged = write(docs, Markers())
    except Unmergeable:
        return False
    doc = _parsed(merged)
    if doc is None or doc != docs.merged:
        return False
    return _Part(name, merged, None, doc, cut=False)


def _parsed(text: str) -> Table | None:
    try:
        return parser.loads(text)
    except parser.TOMLDecodeError:
        return None


def _joined(parts: list[_Part], eol: str, final_newline: bool) -> list[_Part]:
    """The parts, each ending its last line (a blank line before a new unit, which ours did not have)."""
    out: list[_Part] = []
    for i, part in enumerate(parts):
        text = part.text
        last = i == len(parts) - 1
        if not last and text and not text.endswith("\n"):
            text += eol
        new = part.ours is None and not part.placed
        if i and new and text and out[-1].text and not out[-1].text.endswith(eol + eol):
            out[-1] = out[-1]._replace(text=out[-1].text + eol)
        if last:
            text = text.rstrip("\r\n") + eol if final_newline and text.strip() else text
        out.append(part._replace(text=text))
    return out


def _assembled(parts: list[_Part], ours: Plan, name: str) -> Plan | None:
    """The plan of the merged text: ours's items for its units kept as they were, the others built from their text."""
    projects: list[Project] = []
    indicators: list[Indicator] = []
    contacts: list[Contact] = []
    head: dict[str, Any] = {}
    head_from_ours = True
    for part in parts:
        if part.name in ("", "plan"):
            if part.ours is None:
                head_from_ours = False
                head |= part.doc or {}
            continue
        if part.name == "project":
            index = len(projects)
            if part.ours is not None:
                projects.append(rekeyed(ours.projects[part.ours], index))  # type: ignore[arg-type]
                continue
        elif part.name == "indicator":
            index = len(indicators)
            if part.ours is not None:
                indicators.append(rekeyed(ours.indicators[part.ours], index))  # type: ignore[arg-type]
                continue
        else:
            index = len(contacts)
            if part.ours is not None:
                contacts.append(rekeyed(ours.contacts[part.ours], index))  # type: ignore[arg-type]
                continue
        tables = part.doc.get(part.name) if part.doc is not None else None
        if not isinstance(tables, list) or len(tables) != 1 or set(part.doc or ()) != {part.name}:
            return None
        item, found = decode.build_one(part.name, index, tables[0], name)
        if item is None or any(f.severity is Severity.ERROR for f in found):
            return None
        if isinstance(item, Project):
            projects.append(item)
        elif isinstance(item, Indicator):
            indicators.append(item)
        else:
            contacts.append(item)
    plan = ours
    if not head_from_ours:
        for part in parts:  # the head is built from every part of it, ours's included
            if part.name in ("", "plan") and part.ours is not None:
                parsed = _parsed(part.text)
                if parsed is None:
                    return None
                head |= parsed
        built, found = decode.build(head, name)
        if any(f.severity is Severity.ERROR for f in found):
            return None
        plan = built
    return plan._replace(source=name, projects=tuple(projects), indicators=tuple(indicators), contacts=tuple(contacts))


def conflict_lines(conflicts: Iterable[Conflict]) -> list[str]:
    """One line per conflict, for people: the item, the key, our value, their value (and why, after a check)."""
    lines = []
    for c in conflicts:
        what = f"{c.label} {c.key}".strip() if c.label or c.key else _("the plan")
        if c.why:
            lines.append(_("{what}: together the two sides fail the check: {why}").format(what=what, why=c.why))
        elif not c.key:
            if c.base is MISSING:
                lines.append(_("{what}: added on both sides, differently").format(what=what))
            elif c.ours is MISSING:
                lines.append(_("{what}: removed by ours, changed by theirs").format(what=what))
            else:
                lines.append(_("{what}: changed by ours, removed by theirs").format(what=what))
        else:
            lines.append(
                _("{what}: ours {ours}, theirs {theirs} (base {base})").format(
                    what=what, ours=_shown(c.ours), theirs=_shown(c.theirs), base=_shown(c.base)
                )
            )
    return lines


def _shown(value: Any) -> str:
    if value is MISSING:
        return _("(none)")
    return spell(value)
