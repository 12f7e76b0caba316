"""Three versions of a plan file's text (git's base, ours, theirs) -> what ours becomes, merged by meaning; pure.

The merged plan is the base plus our changes plus their changes, each change as its author
wrote it: ours's text is kept byte for byte outside what theirs changed, and theirs's
comments and layout come along where they fall outside what ours changed. Where the two
sides disagree (`core.merge` says where), the smallest whole item (a milestone's table with
its slips, a project's header block, a measure) is written between git's conflict markers.

Two ways to the same result:

- unit by unit (`_by_units`, for the common case): each side is cut into units, a top-level
  table (a project, an indicator, a contact, `[plan]`) with everything it holds, by the
  headers alone; units that one side left as they were are matched by their text and not
  parsed; a unit changed on one side is taken whole from that side; a unit that both sides
  changed is merged as a document of its own. Its proof: the merged text, cut again, gives
  exactly the units put in, and each new unit, parsed alone, is what the plan gets;
- whole (`_whole`): the three documents parsed whole, merged, and the merge applied to ours's
  text by `toml.splice`; its proof: the merged text, parsed cold, is the merged document.
  This way handles every layout (tables of a project spread across the file, milestones
  written as inline tables) and marks the conflicts.

The merged plan is then checked as `check` would, with the other plan files of the
portfolio: an error that ours did not have (a dependency cycle, a dependency on a milestone
the other side removed, a milestone done and cancelled) makes the items it names conflicts.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Hashable, Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from cloudplan.base.errors import BadPeriod, CannotEdit, CloudplanError
from cloudplan.base.findings import Finding, Key, Severity
from cloudplan.base.translate import _
from cloudplan.core.merge import MISSING, CannotMerge, Conflict, Fate, Kind, Node, Path, Table, merge, merged_table
from cloudplan.core.model import Contact, Indicator, Milestone, Plan, Portfolio, Project
from cloudplan.core.periods import parse_file_value
from cloudplan.plan import decode
from cloudplan.plan.toml.lexer import LexError
from cloudplan.plan.toml.splice import Drop, Insert, Outline, Remove, Replace, Set, Spans, Splice, edit, spell
from cloudplan.plan.units import Unit, aligned, alone, identity, units

# -- the plan file, as the merge sees it ----------------------------------------------------------------


def _own(keys: tuple[str, ...], *held: str) -> tuple[str, ...]:
    return tuple(k for k in keys if k not in held)


def _day_text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


SLIP = Kind("slip", decode.SLIP_KEYS, identity=decode.SLIP_KEYS, dated=True, label=lambda parent, t: parent)
MILESTONE = Kind(
    "milestone", _own(decode.MILESTONE_KEYS, "slip"), identity=("id",), arrays=(("slip", SLIP),), whole=True,
    label=lambda parent, t: f"{parent}/{t.get('id')}",
)  # fmt: skip
PROJECT = Kind(
    "project", _own(decode.PROJECT_KEYS, "milestone"), identity=("id",), arrays=(("milestone", MILESTONE),),
    label=lambda parent, t: str(t.get("id")),
)  # fmt: skip
MEASURE = Kind(
    "measure", decode.MEASURE_KEYS, identity=("on",), dated=True,
    label=lambda parent, t: f"{parent} {_day_text(t.get('on'))}",
)  # fmt: skip
INDICATOR = Kind(
    "indicator", _own(decode.INDICATOR_KEYS, "measure"), identity=("id",), arrays=(("measure", MEASURE),),
    label=lambda parent, t: str(t.get("id")),
)  # fmt: skip
CONTACT = Kind(
    "contact", decode.CONTACT_KEYS, identity=("owner",), label=lambda parent, t: f"[[contact]] {t.get('owner')}"
)
PLAN = Kind("plan", decode.PLAN_KEYS, label=lambda parent, t: "[plan]")
FILE = Kind(
    "file", ("version",), arrays=(("project", PROJECT), ("indicator", INDICATOR), ("contact", CONTACT)),
    tables=(("plan", PLAN),), label=lambda parent, t: "",
)  # fmt: skip


def _frozen(value: Any) -> Hashable:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value  # type: ignore[no-any-return]


def _period(value: Any) -> Hashable:
    try:
        period = parse_file_value(value)
    except BadPeriod:
        return ("?", _frozen(value))
    return (period.first, period.last)


def _day(value: Any) -> Hashable:
    if isinstance(value, str) and decode.DAY_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return _frozen(value)


def meaning(kind: Kind, key: str, value: Any, path: Path) -> Hashable:
    """What a value of the plan file means: periods by their days, days as days, refs in full."""
    if kind is MILESTONE or kind is SLIP:
        if key in ("start", "due", "from", "to"):
            return _period(value)
        if key in ("done", "cancelled", "on"):
            return _day(value)
        if key == "depends_on" and isinstance(value, list) and path and path[0][0] == "project":
            project = path[0][1][0] if isinstance(path[0][1], tuple) else None
            return tuple(decode.parse_ref(v, project) or v if isinstance(v, str) else _frozen(v) for v in value)
    if kind is MEASURE and key == "on":
        return _day(value)
    if kind is INDICATOR and key in ("baseline", "target") and isinstance(value, dict):
        return tuple(sorted((k, _period(v) if k in ("on", "by") else _frozen(v)) for k, v in value.items()))
    return _frozen(value)


# -- what the merge gives -------------------------------------------------------------------------------


class Markers(NamedTuple):
    """How conflicts are written: git's markers of *size* characters; with *base*, the base's version too (diff3)."""

    size: int = 7
    base: bool = False


NO_BASE = Markers()  # git's default conflict style, `merge`


class Merged(NamedTuple):
    """What ours becomes, the conflicts (none: a clean merge), the merged plan of a clean merge, and the way taken."""

    text: str
    conflicts: list[Conflict]
    plan: Plan | None
    how: str  # "units" or "whole"


class Unmergeable(CloudplanError):
    """A version that is not a plan, or a layout the merge cannot follow: git's line merge must do."""


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


# -- the whole documents --------------------------------------------------------------------------------


class _Version:
    """One version's text, and what the merge reads of it when asked: its outline, blocks and document."""

    def __init__(self, text: str, what: str) -> None:
        self.text = text
        self.what = what  # for messages: "base", "ours", "theirs"
        self._outline: Outline | None = None
        self._spans: Spans | None = None
        self._doc: Table | None = None

    @property
    def outline(self) -> Outline:
        if self._outline is None:
            try:
                self._outline = Outline(self.text)
            except LexError:
                raise _unfollowed(self.what) from None
        return self._outline

    @property
    def spans(self) -> Spans:
        if self._spans is None:
            self._spans = Spans(self.outline)
        return self._spans

    @property
    def doc(self) -> Table:
        if self._doc is None:
            try:
                self._doc = tomllib.loads(self.text)
            except (tomllib.TOMLDecodeError, RecursionError) as e:
                raise Unmergeable(
                    _("{side} is not valid TOML: {why}").format(side=self.what, why=str(e).split("\n")[0])
                ) from None
        return self._doc

    def lines(self, key: Key | None, node: Node, table: Table | None, family: bool) -> list[str]:
        """The lines of the table at *key* (its block, or its family), as written, else spelled from *table*."""
        if key is None or table is None:
            return []
        if not key:
            return self.spans.lines(())
        try:
            return self.spans.lines(key, family)
        except CannotEdit:
            return _render(node.kind, key, table, family)

    def own(self, key: Key | None) -> list[str] | None:
        """The lines of the block of the table at *key* (None when it has no [header] line of its own)."""
        if key is None:
            return None
        if key and key not in self.outline.index:
            return None
        return self.spans.lines(key)

    def statement(self, key: Key | None, name: str) -> str | None:
        from cloudplan.plan.toml.splice import statement

        if key is None or (key and key not in self.outline.index):
            return None
        return statement(self.outline, key, name)


def _unfollowed(what: str) -> Unmergeable:
    return Unmergeable(_("cloudplan cannot follow how {side} is written, so it does not merge it").format(side=what))


def _render(kind: Kind, key: Key, table: Table, family: bool) -> list[str]:
    """The lines of a table written inline in its version, as cloudplan writes it: a header and its keys."""
    names = ".".join(str(k) for k in key if isinstance(k, str))
    lines = [f"[[{names}]]" if isinstance(key[-1], int) else f"[{names}]"]
    lines += [f"{k} = {spell(table[k])}" for k in kind.keys if k in table]
    if family:
        for name, sub in kind.arrays:
            for i, element in enumerate(table.get(name) or ()):
                if isinstance(element, dict):
                    lines += ["", *_render(sub, (*key, name, i), element, True)]
    return lines


class _Documents(NamedTuple):
    """Three documents merged: the versions, the merged tree and its conflicts."""

    base: _Version
    ours: _Version
    theirs: _Version
    root: Node
    merged: Table | None
    conflicts: list[Conflict]


def merge_documents(base: str, ours: str, theirs: str) -> _Documents:
    """Parse the three texts (an empty base stands for a file that did not exist) and merge them by meaning."""
    versions = _Version(base, _("the base")), _Version(ours, _("ours")), _Version(theirs, _("theirs"))
    try:
        outcome = merge(FILE, meaning, *(v.doc for v in versions))
    except CannotMerge as e:
        raise Unmergeable(_("a version holds one item twice ({what}): merge it by hand").format(what=e)) from None
    return _Documents(*versions, outcome.root, outcome.merged, outcome.conflicts)


def write(docs: _Documents, markers: Markers) -> str:
    """Return ours's text with the merge made: theirs's changes where ours left things as they were, markers
    around each conflict. Raises Unmergeable when ours's layout does not allow it."""
    writer = _Writer(docs, markers)
    writer.node(docs.root, ((), (), ()))
    try:
        return edit(docs.ours.outline, writer.ops)
    except CannotEdit as e:
        raise Unmergeable(e.message) from None


def _child_keys(keys: tuple[Key | None, ...], child: Node) -> tuple[Key | None, ...]:
    if child.kind is PLAN:  # a single table
        tables = (child.base, child.ours, child.theirs)
        return tuple(None if k is None or t is None else (*k, child.array) for k, t in zip(keys, tables, strict=True))
    return tuple(None if k is None or i is None else (*k, child.array, i) for k, i in zip(keys, child.at, strict=True))


def _merge_lines(base: list[str], ours: list[str], theirs: list[str]) -> list[str] | None:
    """Return the lines with both sides' changes, or None where they change the same lines (or insert at one place)."""
    from difflib import SequenceMatcher

    def hunks(side: list[str]) -> list[tuple[int, int, list[str]]]:
        found = SequenceMatcher(None, base, side, autojunk=False).get_opcodes()
        return [(i1, i2, side[j1:j2]) for tag, i1, i2, j1, j2 in found if tag != "equal"]

    mine, yours = hunks(ours), hunks(theirs)
    for a1, a2, a in mine:
        for b1, b2, b in yours:
            meets = (a1 < b2 and b1 < a2) or (a1 == a2 == b1 == b2)
            if meets and (a1, a2, a) != (b1, b2, b):
                return None
    merged: list[str] = []
    at = 0
    for i1, i2, lines in sorted({(h[0], h[1], tuple(h[2])) for h in mine + yours}):
        merged += base[at:i1] + list(lines)
        at = i2
    return merged + base[at:]


def _block_keys(lines: list[str], key: Key) -> Table | None:
    """The keys that a table's block (*lines*, the table at *key*) holds, parsed alone; None if it holds anything else."""
    try:
        doc: Any = tomllib.loads("\n".join(lines))
    except tomllib.TOMLDecodeError:
        return None
    for name in key:
        if isinstance(name, str):  # alone, a nested header makes tables of its parents, and one element
            doc = doc.get(name) if isinstance(doc, dict) else None
            if isinstance(doc, list):
                doc = doc[0] if len(doc) == 1 else None
    return doc if isinstance(doc, dict) else None


def _own_keys(node: Node) -> Table:
    """The keys of a table that stays, as the merge leaves them (ours's, with the keys taken from theirs)."""
    return {k: v for k, v in merged_table(node).items() if k in node.kind.keys}


def _touched(node: Node) -> bool:
    """Whether the merge changes anything of ours in *node* or below it."""
    if node.fate is Fate.GONE:
        return False
    return node.fate is not Fate.KEPT or bool(node.taken) or any(_touched(c) for c in node.children)


class _Writer:
    """Turns the merged tree into changes to ours's text."""

    def __init__(self, docs: _Documents, markers: Markers) -> None:
        self.docs = docs
        self.markers = markers
        self.ops: list[Splice] = []
        self.keys: dict[int, Key | None] = {}  # ours's key of each node, by id: an insert names its neighbours

        def walk(node: Node, keys: tuple[Key | None, ...]) -> None:
            self.keys[id(node)] = keys[1]
            for child in node.children:
                walk(child, _child_keys(keys, child))

        walk(docs.root, ((), (), ()))

    def node(self, node: Node, keys: tuple[Key | None, ...]) -> None:
        """A table of ours that stays (KEPT, or a conflict on keys of a kind that is not whole): its keys, then
        what it holds."""
        ok = keys[1]
        assert ok is not None
        if node.fate is Fate.CONFLICT:
            self.conflict(node, keys, family=False)
        else:
            self.own(node, keys)
        for name, _sub in node.kind.tables + node.kind.arrays:
            children = [c for c in node.children if c.array == name]
            if not children:
                continue
            if self.docs.ours.statement(ok, name) is not None:
                self.inline(node, name, children, keys)
                continue
            for child in children:
                self.child(node, child, _child_keys(keys, child), children)

    def own(self, node: Node, keys: tuple[Key | None, ...]) -> None:
        base, ours, theirs = self.docs.base, self.docs.ours, self.docs.theirs
        bk, ok, tk = keys
        assert ok is not None
        mine, then, now = ours.own(ok), base.own(bk), theirs.own(tk)
        if mine is not None and mine == then and now is not None and now != then:
            # Ours left the block as it was: theirs's, comments and layout included.
            self.ops.append(Replace(ok, "\n".join(now)))
            return
        if mine is not None and then is not None and now is not None and now != then and mine != then:
            # Both changed it: line by line, where their lines do not meet, if that gives the merged keys.
            lines = _merge_lines(then, mine, now)
            if lines is not None and lines != mine and _block_keys(lines, ok) == _own_keys(node):
                self.ops.append(Replace(ok, "\n".join(lines)))
                return
        order = node.kind.keys
        for key, value in node.taken.items():
            if value is MISSING:
                self.ops.append(Drop(ok, key))
            else:
                after = order[: order.index(key)] if key in order else ()
                self.ops.append(Set(ok, key, value, after, text=theirs.statement(tk, key)))

    def child(self, parent: Node, child: Node, keys: tuple[Key | None, ...], siblings: list[Node]) -> None:
        _bk, ok, tk = keys
        if child.fate is Fate.KEPT:
            self.node(child, keys)
        elif child.fate is Fate.REMOVED:
            assert ok is not None
            self.ops.append(Remove(ok))
        elif child.fate is Fate.ADDED:
            text = "\n".join(self.docs.theirs.lines(tk, child, child.theirs, family=True))
            self.insert(parent, child, text, siblings)
        elif child.fate is Fate.CONFLICT:
            whole = child.kind.whole or any(c.key == "" for c in child.conflicts) or ok is None
            if whole:
                self.conflict(child, keys, family=True, parent=parent, siblings=siblings)
            else:
                self.node(child, keys)

    def insert(self, parent: Node, child: Node, text: str, siblings: list[Node]) -> None:
        """Put a new element of ours's array: before the one it goes before (dated), else after the last that stays."""
        parent_key = self.key_of(parent)
        assert parent_key is not None
        before = self.key_of(child.before) if child.before is not None else None
        after = None
        if before is None:
            standing = [s for s in siblings if s.ours is not None and s.fate is not Fate.REMOVED]
            after = self.key_of(standing[-1]) if standing else None
        self.ops.append(Insert(parent_key, child.array, text, None, before=before, after=after))

    def key_of(self, node: Node) -> Key | None:
        return self.keys.get(id(node))

    def conflict(
        self,
        node: Node,
        keys: tuple[Key | None, ...],
        family: bool,
        parent: Node | None = None,
        siblings: list[Node] | None = None,
    ) -> None:
        base, ours, theirs = self.docs.base, self.docs.ours, self.docs.theirs
        bk, ok, tk = keys
        if family or not ok:
            sides = [v.lines(k, node, t, family) for v, k, t in
                     ((ours, ok, node.ours), (base, bk, node.base), (theirs, tk, node.theirs))]  # fmt: skip
        else:
            sides = [v.own(k) or [] for v, k in ((ours, ok), (base, bk), (theirs, tk))]
        text = self.marked(*sides)
        if ok is not None:
            self.ops.append(Replace(ok, text, None, family=family and bool(ok)))
        else:
            assert parent is not None
            assert siblings is not None
            self.insert(parent, node, text, siblings)

    def marked(self, ours: list[str], base: list[str], theirs: list[str]) -> str:
        n = self.markers.size
        lines = ["<" * n + " ours", *ours]
        if self.markers.base:
            lines += ["|" * n + " base", *base]
        lines += ["=" * n, *theirs, ">" * n + " theirs"]
        return "\n".join(lines)

    def inline(self, node: Node, name: str, children: list[Node], keys: tuple[Key | None, ...]) -> None:
        """An array (or table) that ours writes as one key's value: that key is rewritten whole."""
        if not any(_touched(c) for c in children):
            return
        bk, ok, tk = keys
        assert ok is not None
        if any(n.fate is Fate.CONFLICT for c in children for n in c.walk()):
            self.conflict(node, keys, family=False)
            return
        kept = [merged_table(c) for c in children if c.fate in (Fate.KEPT, Fate.ADDED)]
        if not kept:
            self.ops.append(Drop(ok, name))
            return
        value: Any = kept[0] if name in dict(node.kind.tables) else kept
        mine, then = self.docs.ours.statement(ok, name), self.docs.base.statement(bk, name)
        text = self.docs.theirs.statement(tk, name) if mine == then else None
        self.ops.append(Set(ok, name, value, text=text))


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


def _mark(docs: _Documents, merged: Plan, errors: list[Finding]) -> list[Conflict]:
    """Make the items that the merged plan's new errors name conflicts; return those conflicts."""
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
            if n.fate is Fate.CONFLICT and any(c.why for c in n.conflicts):
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
        return Merged(write(docs, markers), docs.conflicts, None, "whole")
    text = write(docs, markers)
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
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


# -- unit by unit ----------------------------------------------------------------------------------------


class _Part(NamedTuple):
    """A unit of the merged text: its text, and where its contents come from."""

    name: str
    text: str
    ours: int | None  # ours's unit, unchanged (its index among ours's units of its name)
    doc: Table | None  # else the document of its text
    cut: bool = True  # a unit as a cut of its version gave it (else written by the merge: proved alone)


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
            parts.append(result)
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
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _joined(parts: list[_Part], eol: str, final_newline: bool) -> list[_Part]:
    """The parts, each ending its last line (a blank line before a unit that ours did not have there)."""
    out: list[_Part] = []
    for i, part in enumerate(parts):
        text = part.text
        last = i == len(parts) - 1
        if not last and text and not text.endswith("\n"):
            text += eol
        if i and out[-1].text and not out[-1].text.endswith(eol + eol) and part.ours is None and text:
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
                projects.append(_rekey(ours.projects[part.ours], index))  # type: ignore[arg-type]
                continue
        elif part.name == "indicator":
            index = len(indicators)
            if part.ours is not None:
                indicators.append(_rekey(ours.indicators[part.ours], index))  # type: ignore[arg-type]
                continue
        else:
            index = len(contacts)
            if part.ours is not None:
                contacts.append(_rekey(ours.contacts[part.ours], index))  # type: ignore[arg-type]
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


def _rekey(item: Project | Indicator | Contact, index: int) -> Project | Indicator | Contact:
    """*item* (and what it holds) keyed as element *index* of its array."""
    if item.key[1] == index:
        return item

    def key(k: Key) -> Key:
        return (k[0], index, *k[2:])

    if isinstance(item, Project):
        milestones = tuple(
            m._replace(key=key(m.key), slips=tuple(s._replace(key=key(s.key)) for s in m.slips))
            for m in item.milestones
        )
        return item._replace(key=key(item.key), milestones=milestones)
    if isinstance(item, Indicator):
        return item._replace(key=key(item.key), measures=tuple(m._replace(key=key(m.key)) for m in item.measures))
    return item._replace(key=key(item.key))


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
