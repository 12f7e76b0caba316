"""A plan file as an edit sees it: its bytes, text, outline and plan; an edit made, proved, and written.

`Document.apply(changes)` returns the edited document, whose plan is what a cold parse of
its bytes gives (tomllib on the whole file, then `build`), or raises: CannotEdit (the
text cannot take the change, or the result would not be exactly the change) or
PlanInvalid. It proves this without parsing the whole file again (a second at 10,000
milestones) when the changes fall in one element of a top-level array of tables (one
project or indicator, its unit):

1. the unit's old lines run from the end of the statement before its header to the next
   header that is not its own (every table of the unit lies there, and no other); the
   lexer says where statements end, so both ends are outside any value;
2. every byte before and after that region is the same in the new text;
3. the new region lexes on its own, from that same state to its end: so the rest of the
   file lexes as before, statement for statement;
4. with the headers resolved again over the whole new file, the new region's tables are
   the unit's, and every table after it is the one it was (renumbered after a removal);
5. the old region parsed alone gives the unit that was read, and the new region parsed
   alone gives it with exactly the changes made.

Then the new document is the old one with that element replaced, added or removed, and
only that element is rebuilt. Anything else (a change across units, a layout the proof
does not cover) parses the whole new and old texts and compares them.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudplan.base.errors import CannotEdit, EditConflict, PlanInvalid, WriteFailed
from cloudplan.base.findings import Severity
from cloudplan.base.translate import _

if TYPE_CHECKING:
    from cloudplan.base.findings import Finding, Key
    from cloudplan.core.model import Indicator, Plan, Project
    from cloudplan.plan.toml.splice import Change, Outline
    from cloudplan.store.reader import PlanFile

_BOM = "\ufeff"


class Document:
    """One plan file's bytes, with the plan and findings a cold parse of them gives, and its cache key."""

    def __init__(
        self,
        file: PlanFile,
        data: bytes,
        plan: Plan,
        findings: list[Finding],
        key: str,
        base: Document | None = None,
        entry: object = None,
    ) -> None:
        self.file = file
        self.real = Path(os.path.realpath(file.path))  # a symbolic link stays a link: its target is edited
        self.data = data
        self.plan = plan
        self.findings = findings
        self.key = key
        self.base = base  # the document this one was made from by an edit
        self._entry = entry  # what the parsed-plan cache stores for these bytes
        self.proof = ""  # after an edit, how its result was proved: "unit" or "whole" (the whole file parsed)
        self._text: str | None = None
        self._outline: Outline | None = None

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def bom(self) -> bool:
        """Whether the file starts with a UTF-8 byte order mark (kept when it is written back)."""
        return self.data.startswith(b"\xef\xbb\xbf")

    @property
    def text(self) -> str:
        """The file's text, without the byte order mark."""
        if self._text is None:
            self._text = self.data.decode("utf-8").removeprefix(_BOM)
        return self._text

    @property
    def outline(self) -> Outline:
        if self._outline is None:
            from cloudplan.plan.toml.splice import Outline

            self._outline = Outline(self.text)
        return self._outline

    # -- editing -----------------------------------------------------------------------------

    def apply(self, changes: Sequence[Change]) -> Document:
        """Return the document with *changes* made, proved to parse to exactly that; raise otherwise."""
        from cloudplan.plan.toml.lexer import LexError
        from cloudplan.plan.toml.splice import edit
        from cloudplan.store import cache

        try:
            text = edit(self.outline, changes)
        except LexError:  # tomllib read the file, the lexer cannot: do not guess
            raise CannotEdit(
                _("{name}: cloudplan cannot follow how this file is written, so it does not edit it").format(
                    name=self.name
                ),
                hint=_("make the change by hand; nothing was written"),
            ) from None
        data = ((_BOM if self.bom else "") + text).encode("utf-8")
        key = cache.key(data, self.name)
        proved = _Proof(self, text, changes).run()
        if proved is not None:
            plan, findings = proved
            from cloudplan.store.plancache import edited_entry

            entry: object = edited_entry(self.key, self.plan, plan, findings)
        else:
            plan, findings = self._reparsed(text, data, changes)
            entry = (plan, findings)
        new = Document(self.file, data, plan, findings, key, base=self, entry=entry)
        new._text = text
        new.proof = "unit" if proved is not None else "whole"
        return new

    def _reparsed(self, text: str, data: bytes, changes: Sequence[Change]) -> tuple[Plan, list[Finding]]:
        """Parse the whole new text (once) and the old one: the proof for edits that the unit proof does not cover.

        The new document must be the old one with exactly the changes made; its plan and
        findings are then the new file's, as a cold parse gives them.
        """
        from cloudplan.plan import decode
        from cloudplan.plan.toml import parser
        from cloudplan.plan.toml.splice import expect
        from cloudplan.store.reader import document, locate

        doc, _text, problem = document(data, self.name)
        if doc is None:
            refuse(problem, {self.name: text})
        assert doc is not None
        if doc != expect(parser.loads(self.text), changes):
            raise CannotEdit(
                _("{name}: the edit did not come out as intended, so nothing was written").format(name=self.name),
                hint=_("this is a bug in cloudplan; please report it, with the plan file if you can"),
            )
        plan, found = decode.build(doc, self.name)
        errors = [f for f in found if f.severity is Severity.ERROR]
        if errors:
            refuse(errors, {self.name: text})
        return plan, locate(found, {self.name: text})

    def write(self) -> None:
        """Replace the file with these bytes, atomically, if it still holds the bytes this edit was made from.

        A temporary file in the same folder is written, flushed to disk and renamed over the
        original, then the folder is flushed: a crash or a full disk leaves the old file
        whole. The file keeps its permissions; a symbolic link stays a link to the edited
        file. The new plan goes into the parsed-plan cache, so that the next read need not
        parse it.
        """
        base = self.base
        assert base is not None, "only an edited document is written"
        path, name = self.real, self.name
        try:
            current = path.read_bytes()
        except OSError as e:
            raise EditConflict(_("{name}: cannot read it again before writing: {why}").format(
                name=name, why=e.strerror or e), hint=_("nothing was written")) from None  # fmt: skip
        if current != base.data:
            raise EditConflict(
                _("{name} was changed by another program while cloudplan was editing it").format(name=name),
                hint=_("nothing was written; run the command again on the new file"),
            )
        if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
            # Renaming over it would work, since the folder is writable, but the file says: do not edit.
            # (The mode bits too: root may write anything, yet a file nobody may write is meant to stay.)
            raise WriteFailed(
                _("{name} is read-only").format(name=name),
                hint=_("nothing was written; make it writable (chmod u+w) to edit it"),
            )
        from cloudplan.store.reader import remember
        from cloudplan.store.writer import replace_file

        replace_file(path, self.data, name)
        remember(path)  # the new file is the plan now: no output of this run may go over it
        if self._entry is None:
            return
        from cloudplan.store import cache
        from cloudplan.store.plancache import put_entry

        put_entry(cache.folder(os.environ), self.key, self._entry)  # type: ignore[arg-type]


def refuse(errors: list[Finding], texts: dict[str, str]) -> None:
    """Raise PlanInvalid for an edit that would make the plan invalid, naming the first error."""
    from cloudplan.store.reader import locate

    errors = locate(errors, texts)
    more = len(errors) - 1
    raise PlanInvalid(
        _("the edit would make the plan invalid: {first}").format(first=errors[0]),
        findings=tuple(errors),
        hint=_("nothing was written") + (_(" ({n} more findings)").format(n=more) if more else ""),
    )


class _Proof:
    """The proof that an edit within one unit parses to exactly the change (see the module's docstring)."""

    def __init__(self, doc: Document, text: str, changes: Sequence[Change]) -> None:
        self.doc = doc
        self.old = doc.text
        self.new = text
        self.changes = changes

    def unit(self) -> tuple[str, int, str] | None:
        """The one element of a top-level array of tables that every change falls in: (name, index, how)."""
        from cloudplan.plan.toml.splice import Append, Remove

        units = set()
        for change in self.changes:
            table = change.parent if isinstance(change, Append) else change.table
            if not table:
                if not isinstance(change, Append):
                    return None
                units.add((change.name, _count(self.doc.outline, change.name), "added"))
            elif len(table) < 2 or not isinstance(table[0], str) or not isinstance(table[1], int):
                return None
            elif len(table) == 2 and isinstance(change, Remove):
                units.add((table[0], table[1], "removed"))
            else:
                units.add((table[0], table[1], "changed"))
        if len(units) != 1:
            return None
        return units.pop()

    def run(self) -> tuple[Plan, list[Finding]] | None:
        from cloudplan.plan.toml import parser
        from cloudplan.plan.toml.lexer import Header, LexError, Resolver, statements

        found = self.unit()
        if found is None:
            return None
        name, index, how = found
        outline = self.doc.outline
        old, new = self.old, self.new
        heads, paths = outline.headers, outline.paths
        # 1. The unit's region in the old text: its tables, together.
        a, b = _differ(old, new)
        if how == "added":
            if (name, index) in outline.index or any(e.names[0] == name for e in outline.entries(-1)):
                return None  # a key of the root table names the array (`project = []`): it is no array of tables
            if any(p[0] == name and (len(p) < 2 or not isinstance(p[1], int)) for p in paths):
                return None  # a table of that name that is not an element of the array
            k1 = bisect.bisect_left(heads, b, key=lambda h: h.start)
            if k1 and b < heads[k1 - 1].end:
                k1 -= 1  # found inside a header's line (the new lines begin "[[" as it does): they go before it
            k0 = k1
        else:
            k0 = outline.index.get((name, index), -1)
            if k0 < 0 or heads[k0].names != (name,):
                return None
            k1 = k0 + 1
            while k1 < len(paths) and paths[k1][:2] == (name, index):
                k1 += 1
            # A later table of the unit would come before the next element's [[name]].
            for h in heads[k1:]:
                if h.names == (name,) and h.is_array:
                    break
                if h.names[0] == name:
                    return None
        t0 = outline.statements_end(k0 - 1)
        u1 = heads[k1].start if k1 < len(heads) else len(old)
        # 2. Every byte outside it is the same. (Where a difference lies is ambiguous when the text
        # removed or added begins as what follows it does, [[project]] before [[project]]: the
        # common start found may run past t0 into the region, pushing the end found past u1.)
        delta = len(new) - len(old)
        stop = u1 + delta
        if a < t0 or stop < t0 or (b > u1 and old[u1:] != new[stop:]):
            return None
        if u1 < len(old) and not new.endswith("\n", 0, stop):
            return None
        # 3. The new region lexes alone, from the state its start has.
        try:
            region = statements(new, t0, stop, old.count("\n", 0, t0) + 1)
        except LexError:
            return None
        new_heads = [s for s in region if isinstance(s, Header)]
        if region and not isinstance(region[0], Header):
            return None  # keys that would fall in the table before
        if (how == "removed") != (not region) or (
            region and (new_heads[0].names, new_heads[0].is_array) != ((name,), True)
        ):
            return None
        # 4. The headers resolve as they should: the region's to the unit, every later one as before.
        # All the region's headers are named after the unit's array, and the first is the unit's
        # own [[name]]: so they resolve under (name, index), that header taking the index the
        # headers before it leave (the unit's own when changed; the count when added, nothing
        # of that name coming after). A later header of that name cannot belong to the unit
        # (its tables are together), so it resolves as before: renumbered after a removal.
        if any(h.names[0] != name for h in new_heads):
            return None
        resolver = Resolver(start={(name,): index})
        if any(resolver.path(h.names, h.is_array)[:2] != (name, index) for h in new_heads):
            return None
        if how == "added" and any(h.names[0] == name for h in heads[k1:]):
            return None
        # 5. The old region gives the unit that was read; the new one, exactly the change.
        try:
            old_doc = parser.loads(old[t0:u1])
            new_doc = parser.loads(new[t0:stop])
        except parser.TOMLDecodeError:
            return None
        return self.rebuilt(name, index, how, old_doc, new_doc, (k1, new_heads))

    def rebuilt(
        self, name: str, index: int, how: str, old_doc: dict[str, Any], new_doc: dict[str, Any], where: tuple[Any, ...]
    ) -> tuple[Plan, list[Finding]] | None:
        from cloudplan.core.model import rekeyed
        from cloudplan.plan import decode
        from cloudplan.plan.toml.splice import expect

        plan = self.doc.plan
        source = self.doc.name
        if name not in ("project", "indicator"):
            return None
        items: list[Project | Indicator] = list(plan.projects if name == "project" else plan.indicators)
        if len(items) != _count(self.doc.outline, name):
            return None  # an element the plan does not hold (it could not be built): parse it all
        before = _alone(old_doc, name)
        if how == "added":
            if old_doc or index != len(items):
                return None
        elif before is None or decode.build_one(name, index, before, source)[0] != items[index]:
            return None
        if how == "removed":
            if new_doc:
                return None
            del items[index]
            items[index:] = [rekeyed(item, item.key[1] - 1) for item in items[index:]]  # type: ignore[operator,misc]
        else:
            after = _alone(new_doc, name)
            head: list[object] = [None] * index
            expected = expect({name: [*head, before] if before is not None else head}, self.changes)
            if after is None or after != expected[name][index]:
                return None
            item, found = decode.build_one(name, index, after, source)
            errors = [f for f in found if f.severity is Severity.ERROR]
            if errors or item is None:
                return None  # refused after a whole parse, which places each error on its line
            assert item is not None
            if how == "added":
                items.append(item)
            else:
                items[index] = item
        new_plan = (
            plan._replace(projects=tuple(items))  # type: ignore[arg-type]
            if name == "project"
            else plan._replace(indicators=tuple(items))  # type: ignore[arg-type]
        )
        findings = self.findings(new_plan, name, index, how, where)
        if findings is None:
            return None
        return new_plan, findings

    def findings(self, plan: Plan, name: str, index: int, how: str, where: tuple[Any, ...]) -> list[Finding] | None:
        """The findings a cold parse gives for a valid plan: a warning for each project without milestones, located.

        None when a project has no header line to place its warning at (the whole parse places it).
        """
        from cloudplan.plan.decode import empty_project

        empty = [p for p in plan.projects if not p.milestones]
        if not empty:
            return []
        k1, new_heads = where
        outline = self.doc.outline
        lines_delta = self.new.count("\n") - self.old.count("\n")

        def place(key: Key) -> tuple[int, int] | None:
            """The line and column of the header of the top-level element *key* in the new text."""
            table, j = key[0], key[1]
            if table == name and j == index and how != "removed":
                return new_heads[0].line, new_heads[0].col
            if table == name and how == "removed" and isinstance(j, int) and j >= index:
                j += 1
            k = outline.index.get((table, j))
            if k is None:
                return None  # written inline: the whole parse places it
            header = outline.headers[k]
            return header.line + (lines_delta if k >= k1 else 0), header.col

        found = []
        for p in empty:
            at = place(p.key)
            if at is None:
                return None
            found.append(empty_project(plan.source, p.key, p.id).at(*at))
        return found


def _count(outline: Outline, name: str) -> int:
    """The number of elements of the top-level array of tables *name* that have a header."""
    count = 0
    while (name, count) in outline.index:
        count += 1
    return count


def _differ(old: str, new: str) -> tuple[int, int]:
    """Return where *old* first differs from *new*, and where the difference ends in *old* (common ends excluded)."""
    n = min(len(old), len(new))
    lo, hi = 0, n  # old[:lo] == new[:lo]; they differ before hi
    step = 1 << 16
    while lo + step <= n and old[lo : lo + step] == new[lo : lo + step]:
        lo += step
    hi = min(n, lo + step)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[lo:mid] == new[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    first = lo
    m = n - first  # the common end cannot overlap the common start
    lo = 0
    while lo + step <= m and old[len(old) - lo - step : len(old) - lo] == new[len(new) - lo - step : len(new) - lo]:
        lo += step
    hi = min(m, lo + step)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid : len(old) - lo] == new[len(new) - mid : len(new) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return first, len(old) - lo


def _alone(doc: dict[str, Any], name: str) -> dict[str, Any] | None:
    tables = doc.get(name)
    if set(doc) == {name} and isinstance(tables, list) and len(tables) == 1 and isinstance(tables[0], dict):
        return tables[0]
    return None
