"""Three-way merge of plan documents by meaning: what each side changed since the common base,
taken together, and where the two sides disagree; pure.

A document is the tree of tables that a TOML parser gives (dicts, lists, values). A `TableKind`
says what one kind of table holds: its own keys, the arrays of tables it holds (a project's
milestones, a milestone's slips) and the single tables (the file's `[plan]`), and what tells
its elements apart (an id, a measure's day, a slip's whole record). The merge walks the three
versions together, element by element and key by key:

- a key changed on one side only takes that side's value; changed alike on both, it is
  kept; changed to two values, it is a conflict;
- an element added on one side is added: after ours (in their order), or, for dated
  elements (slips, measures), before the first of ours that comes later; added on both with
  the same contents it is one, with two contents a conflict;
- an element removed on one side is removed when the other side left it as it was (by
  meaning, every key and element inside it); changed on the other side, it is a conflict.

Values are compared by their meaning, which the caller's `Meaning` gives (`2021-Q1` and
`2021-T1` are one period, a bare ref is its project's), never by spelling; the merged
document holds each value as the side that set it wrote it. Nothing here knows TOML text:
`Node` says, for each table, what the text of ours must become.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

Table = dict[str, Any]


class _Missing:
    """The value of a key a table does not hold."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

Path = tuple[tuple[str, Hashable], ...]
"""Where an element is: the (array, identity) of each of its ancestors, then its own."""
Meaning = Callable[["TableKind", str, Any, Path], Hashable]
"""(kind, key, value, where the element is) -> what the value means, hashable."""


@dataclass(frozen=True)
class TableKind:
    """One kind of table: its own keys, what it holds, what tells its elements apart, how people name one."""

    name: str
    keys: tuple[str, ...]
    identity: tuple[str, ...] = ()  # the keys whose meaning tells two elements apart
    arrays: tuple[tuple[str, TableKind], ...] = ()
    tables: tuple[tuple[str, TableKind], ...] = ()
    dated: bool = False  # elements kept in the order of their `on` day
    whole: bool = False  # a conflict on its keys takes in what it holds (a milestone with its slips)
    label: Callable[[str, Table], str] = field(default=lambda parent, table: parent)


class Fate(StrEnum):
    """What becomes of an element of ours (or of theirs) in the merged document."""

    KEPT = "kept"  # it stays, with the keys theirs changed (`taken`)
    ADDED = "added"  # theirs added it: it goes in as theirs wrote it
    REMOVED = "removed"  # theirs removed it, ours left it as it was: it goes
    GONE = "gone"  # absent from ours and from the result (removed by ours, or by both)
    CONFLICT = "conflict"  # the two sides disagree on it


class Conflict(NamedTuple):
    """Where the two sides disagree: an element's key, or (key "") the element itself; the values as written."""

    label: str  # the element, as people name it: "alpha/one", "alpha", "[plan]"
    key: str  # "" for the element itself (removed on one side and changed on the other, added twice)
    base: Any
    ours: Any
    theirs: Any
    why: str = ""  # for a conflict found by checking the merged plan: the finding's message


@dataclass(eq=False)
class Node:
    """One table of the three versions (an element of an array, a single table, the root) and its fate."""

    kind: TableKind
    array: str  # the key of the array or table it belongs to in its parent ("" for the root)
    ident: Hashable
    label: str
    path: Path  # (array, identity) of each ancestor, then its own
    base: Table | None
    ours: Table | None
    theirs: Table | None
    fate: Fate = Fate.KEPT
    taken: dict[str, Any] = field(default_factory=dict)  # own keys theirs changed: their value, or MISSING
    conflicts: list[Conflict] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)  # in merged order, array by array
    before: Node | None = None  # an added element goes before this one of ours; None: after the last
    at: tuple[int | None, int | None, int | None] = (None, None, None)  # its index in each version's array

    def walk(self) -> Iterable[Node]:
        """This node and every node under it, parents first."""
        yield self
        for child in self.children:
            yield from child.walk()


class Outcome(NamedTuple):
    """The merged tree, the merged document (when there is no conflict) and the conflicts."""

    root: Node
    merged: Table | None
    conflicts: list[Conflict]


class CannotMerge(ValueError):
    """A version holds two elements of one identity: no element-by-element merge can say which is which."""


def merge(root: TableKind, meaning: Meaning, base: Table, ours: Table, theirs: Table) -> Outcome:
    """Merge *ours* and *theirs*, both made from *base*; see the module's docstring."""
    merger = _Merger(meaning)
    node = Node(root, "", None, "", (), base, ours, theirs)
    merger.element(node)
    conflicts = [c for n in node.walk() for c in n.conflicts]
    return Outcome(node, None if conflicts else merged_table(node), conflicts)


def merged_table(node: Node, as_ours: bool = False) -> Table:
    """Return the table *node* becomes in the merged document (of a node that is KEPT or ADDED).

    With *as_ours*, every conflict is taken as ours wrote it (an element in conflict that ours does not
    hold is left out): the document the rest of the merge makes, to check what it adds on its own.
    """
    if node.fate is Fate.ADDED:
        assert node.theirs is not None
        return node.theirs
    assert node.ours is not None
    if node.fate is Fate.CONFLICT and as_ours:
        return node.ours
    table = {k: v for k, v in node.ours.items() if k in node.kind.keys}
    for key, value in node.taken.items():
        if value is MISSING:
            table.pop(key, None)
        else:
            table[key] = value
    kept = (Fate.KEPT, Fate.ADDED, Fate.CONFLICT) if as_ours else (Fate.KEPT, Fate.ADDED)
    held = dict(node.kind.arrays) | dict(node.kind.tables)
    for name in held:
        elements = [
            merged_table(c, as_ours)
            for c in node.children
            if c.array == name and c.fate in kept and (c.fate is not Fate.CONFLICT or c.ours is not None)
        ]
        if name in dict(node.kind.tables):
            if elements:
                table[name] = elements[0]
        elif elements or node.ours.get(name) == []:  # an array emptied is gone with its tables
            table[name] = elements
    return table


class _Merger:
    def __init__(self, meaning: Meaning) -> None:
        self.meaning = meaning

    def mean(self, kind: TableKind, key: str, value: Any, path: Path) -> Hashable:
        return MISSING if value is MISSING else self.meaning(kind, key, value, path)

    def identity(self, kind: TableKind, table: Table, path: Path) -> Hashable:
        return tuple(self.mean(kind, k, table.get(k, MISSING), path) for k in kind.identity)

    def same(self, kind: TableKind, a: Table | None, b: Table | None, path: Path) -> bool:
        """Whether two versions of an element mean the same: every own key, every element inside."""
        if a is None or b is None:
            return a is b
        if any(
            self.mean(kind, k, a.get(k, MISSING), path) != self.mean(kind, k, b.get(k, MISSING), path)
            for k in kind.keys
        ):
            return False
        for name, sub in kind.tables:
            if not self.same(sub, _table(a, name), _table(b, name), (*path, (name, name))):
                return False
        for name, sub in kind.arrays:
            left, right = self.elements(sub, a, name, path), self.elements(sub, b, name, path)
            if left.keys() != right.keys():
                return False
            if not all(self.same(sub, left[i][1], right[i][1], (*path, (name, i))) for i in left):
                return False
        return True

    def elements(
        self, kind: TableKind, table: Table | None, name: str, path: Path
    ) -> dict[Hashable, tuple[int, Table]]:
        """The elements of array *name* by identity, with their index, in their order; CannotMerge for one twice."""
        found: dict[Hashable, tuple[int, Table]] = {}
        value = table.get(name) if table is not None else None
        for index, element in enumerate(value if isinstance(value, list) else ()):
            if not isinstance(element, dict):
                raise CannotMerge(f"{name} holds something that is not a table")
            ident = self.identity(kind, element, path)
            if ident in found:
                raise CannotMerge(f"{name} {ident!r} appears twice")
            found[ident] = (index, element)
        return found

    # -- one element, present in ours or in theirs ---------------------------------------

    def element(self, node: Node) -> None:
        base, ours, theirs = node.base, node.ours, node.theirs
        kind, path = node.kind, node.path
        if ours is None:
            node.fate = Fate.GONE
            if theirs is not None and base is not None and not self.same(kind, base, theirs, path):
                node.fate = Fate.CONFLICT
                node.conflicts.append(Conflict(node.label, "", base, MISSING, theirs))
            elif theirs is not None and base is None:
                node.fate = Fate.ADDED
            return
        if theirs is None:
            if base is not None:
                if self.same(kind, base, ours, path):
                    node.fate = Fate.REMOVED
                else:
                    node.fate = Fate.CONFLICT
                    node.conflicts.append(Conflict(node.label, "", base, ours, MISSING))
            return  # else added by ours alone: kept as it is
        if base is None and not self.same(kind, ours, theirs, path):
            node.fate = Fate.CONFLICT  # one new element, two contents
            node.conflicts.append(Conflict(node.label, "", MISSING, ours, theirs))
            return
        if base is None:
            return  # added alike on both sides: ours is kept
        self.keys(node)
        for name, sub in kind.tables:
            self.table(node, name, sub)
        for name, sub in kind.arrays:
            self.array(node, name, sub)
        if node.conflicts:
            node.fate = Fate.CONFLICT

    def keys(self, node: Node) -> None:
        kind, path = node.kind, node.path
        assert node.base is not None
        assert node.ours is not None
        assert node.theirs is not None
        for key in kind.keys:
            b, o, t = (v.get(key, MISSING) for v in (node.base, node.ours, node.theirs))
            mb, mo, mt = (self.mean(kind, key, v, path) for v in (b, o, t))
            if mt == mb or mo == mt:
                continue  # theirs left it, or made the change ours made: ours stands
            if mo == mb:
                node.taken[key] = t
            else:
                node.conflicts.append(Conflict(node.label, key, b, o, t))

    def table(self, node: Node, name: str, kind: TableKind) -> None:
        child = Node(kind, name, name, kind.label(node.label, {}), (*node.path, (name, name)),
                     _table(node.base, name), _table(node.ours, name), _table(node.theirs, name))  # fmt: skip
        if child.ours is None and child.theirs is None:
            return
        self.element(child)
        node.children.append(child)

    def array(self, node: Node, name: str, kind: TableKind) -> None:
        path = node.path
        base = self.elements(kind, node.base, name, path)
        ours = self.elements(kind, node.ours, name, path)
        theirs = self.elements(kind, node.theirs, name, path)

        def make(ident: Hashable) -> Node:
            b, o, t = base.get(ident), ours.get(ident), theirs.get(ident)
            found = o or t or b
            assert found is not None
            child = Node(
                kind, name, ident, kind.label(node.label, found[1]), (*path, (name, ident)),
                b[1] if b else None, o[1] if o else None, t[1] if t else None,
                at=(b[0] if b else None, o[0] if o else None, t[0] if t else None),
            )  # fmt: skip
            self.element(child)
            return child

        kept = [make(ident) for ident in ours]
        extra = [make(ident) for ident in theirs if ident not in ours]
        if not kind.dated:
            node.children += kept + extra
            return
        standing = [c for c in kept if c.fate is Fate.KEPT]
        for child in extra:
            child.before = self.later(kind, child, standing)
        for child in kept:  # each added element right before the element of ours it goes before
            node.children += [e for e in extra if e.before is child]
            node.children.append(child)
        node.children += [e for e in extra if e.before is None]

    def later(self, kind: TableKind, child: Node, ours: list[Node]) -> Node | None:
        """The first element of ours dated after *child*, which goes before it; None when none is."""
        table = child.theirs if child.theirs is not None else child.base
        assert table is not None
        day = self.mean(kind, "on", table.get("on", MISSING), child.path[:-1])
        for other in ours:
            assert other.ours is not None
            then = self.mean(kind, "on", other.ours.get("on", MISSING), other.path[:-1])
            if _before(day, then):
                return other
        return None


def _before(a: Hashable, b: Hashable) -> bool:
    try:
        return bool(a < b)  # type: ignore[operator]
    except TypeError:  # a day against something that is not one: keep the order of ours
        return False


def _table(table: Table | None, name: str) -> Table | None:
    value = table.get(name) if table is not None else None
    return value if isinstance(value, dict) else None
