"""Three versions of a plan document merged by meaning, and the merge written into ours's text; pure.

The plan file as the merge sees it (`FILE` and its kinds: what each table holds, what tells
its elements apart, what each value means) feeds `core.merge`, which says the fate of each
table; `write` turns that into changes to ours's text (`toml.splice`): a table ours left as
it was takes theirs's block whole, comments and layout included; a table both changed gets
theirs's changed keys as theirs wrote them (or both sides' lines, where they do not meet);
a new table comes as theirs wrote it; a conflict is the smallest whole item between git's
markers. It works on any text: a whole file, or one unit of it (`plan.units`).
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import Any, NamedTuple

from cloudplan.base.errors import BadPeriod, CannotEdit, CloudplanError
from cloudplan.base.findings import Key
from cloudplan.base.translate import _
from cloudplan.core.merge import MISSING, CannotMerge, Conflict, Fate, Node, Path, Table, TableKind, merge, merged_table
from cloudplan.core.periods import parse_file_value
from cloudplan.plan import decode
from cloudplan.plan.toml import parser
from cloudplan.plan.toml.lexer import LexError
from cloudplan.plan.toml.splice import Drop, Insert, Outline, Remove, Replace, Set, Spans, Splice, edit, spell

# -- the plan file, as the merge sees it ----------------------------------------------------------------


def _own(keys: tuple[str, ...], *held: str) -> tuple[str, ...]:
    return tuple(k for k in keys if k not in held)


def _day_text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


SLIP = TableKind("slip", decode.SLIP_KEYS, identity=decode.SLIP_KEYS, dated=True, label=lambda parent, t: parent)
MILESTONE = TableKind(
    "milestone", _own(decode.MILESTONE_KEYS, "slip"), identity=("id",), arrays=(("slip", SLIP),), whole=True,
    label=lambda parent, t: f"{parent}/{t.get('id')}",
)  # fmt: skip
PROJECT = TableKind(
    "project", _own(decode.PROJECT_KEYS, "milestone"), identity=("id",), arrays=(("milestone", MILESTONE),),
    label=lambda parent, t: str(t.get("id")),
)  # fmt: skip
MEASURE = TableKind(
    "measure", decode.MEASURE_KEYS, identity=("on",), dated=True,
    label=lambda parent, t: f"{parent} {_day_text(t.get('on'))}",
)  # fmt: skip
INDICATOR = TableKind(
    "indicator", _own(decode.INDICATOR_KEYS, "measure"), identity=("id",), arrays=(("measure", MEASURE),),
    label=lambda parent, t: str(t.get("id")),
)  # fmt: skip
CONTACT = TableKind(
    "contact", decode.CONTACT_KEYS, identity=("owner",), label=lambda parent, t: f"[[contact]] {t.get('owner')}"
)
PLAN = TableKind("plan", decode.PLAN_KEYS, label=lambda parent, t: "[plan]")
FILE = TableKind(
    "file", ("version",), arrays=(("project", PROJECT), ("indicator", INDICATOR), ("contact", CONTACT)),
    tables=(("plan", PLAN),), label=lambda parent, t: "",
)  # fmt: skip


def _frozen(value: Any) -> Hashable:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value  # type: ignore[no-any-return]


def period_meaning(value: Any) -> Hashable:
    """A period by its days (its first and last), whatever its spelling; a value that is not one, as it is."""
    try:
        period = parse_file_value(value)
    except BadPeriod:
        return ("?", _frozen(value))
    return (period.first, period.last)


def day_meaning(value: Any) -> Hashable:
    """A day, written as a TOML date or as a string; a value that is not one, as it is."""
    if isinstance(value, str) and decode.DAY_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return _frozen(value)


def meaning(kind: TableKind, key: str, value: Any, path: Path) -> Hashable:
    """What a value of the plan file means: periods by their days, days as days, refs in full."""
    if kind is MILESTONE or kind is SLIP:
        if key in ("start", "due", "from", "to"):
            return period_meaning(value)
        if key in ("done", "cancelled", "on"):
            return day_meaning(value)
        if key == "depends_on" and isinstance(value, list) and path and path[0][0] == "project":
            project = path[0][1][0] if isinstance(path[0][1], tuple) else None
            return tuple(decode.full_ref(v, project) or v if isinstance(v, str) else _frozen(v) for v in value)
    if kind is MEASURE and key == "on":
        return day_meaning(value)
    if kind is INDICATOR and key in ("baseline", "target") and isinstance(value, dict):
        return tuple(sorted((k, period_meaning(v) if k in ("on", "by") else _frozen(v)) for k, v in value.items()))
    return _frozen(value)


class Markers(NamedTuple):
    """How conflicts are written: git's markers of *size* characters; with *base*, the base's version too (diff3)."""

    size: int = 7
    base: bool = False


NO_BASE = Markers()  # git's default conflict style, `merge`


class Unmergeable(CloudplanError):
    """A version that is not a plan, or a layout the merge cannot follow: git's line merge must do."""


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
                self._doc = parser.loads(self.text)
            except (parser.TOMLDecodeError, RecursionError) as e:
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


def _render(kind: TableKind, key: Key, table: Table, family: bool) -> list[str]:
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


class Documents(NamedTuple):
    """Three documents merged: the versions, the merged tree and its conflicts."""

    base: _Version
    ours: _Version
    theirs: _Version
    root: Node
    merged: Table | None
    conflicts: list[Conflict]


def merge_documents(base: str, ours: str, theirs: str) -> Documents:
    """Parse the three texts (an empty base stands for a file that did not exist) and merge them by meaning."""
    versions = _Version(base, _("the base")), _Version(ours, _("ours")), _Version(theirs, _("theirs"))
    try:
        outcome = merge(FILE, meaning, *(v.doc for v in versions))
    except CannotMerge as e:
        raise Unmergeable(_("a version holds one item twice ({what}): merge it by hand").format(what=e)) from None
    return Documents(*versions, outcome.root, outcome.merged, outcome.conflicts)


def write(docs: Documents, markers: Markers) -> str:
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
    """The keys that a table's block (*lines*, the table at *key*) holds, parsed alone (None: it holds more)."""
    try:
        doc: Any = parser.loads("\n".join(lines))
    except parser.TOMLDecodeError:
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

    def __init__(self, docs: Documents, markers: Markers) -> None:
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
        inline = any(ours.statement(ok, name) is not None for name, _sub in node.kind.tables + node.kind.arrays)
        if mine is not None and then is not None and now is not None and now != then and mine != then and not inline:
            # Both changed it: line by line, where their lines do not meet, if that gives the merged keys. Not
            # where ours writes an array in the block (`slip = []`): `inline` rewrites that statement, which the
            # lines of theirs (its slips as tables) would have dropped.
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
