"""An edit, from the plan file read to the plan file replaced: snapshot, check, write."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cloudplan.errors import (
    CannotEdit,
    EditConflict,
    PlanInvalid,
    WriteFailed,
)
from cloudplan.findings import Severity
from cloudplan.i18n import _, ngettext
from cloudplan.store.reader import Loaded, PlanFile, _edited, _validate, locate, parse, read_all, refuse_errors
from cloudplan.store.writer import _write_atomic

if TYPE_CHECKING:
    from cloudplan.findings import Finding
    from cloudplan.model import Indicator, Plan, Project
    from cloudplan.tomledit import Change, Unit


class Snapshot(NamedTuple):
    """A plan file as read for an edit: where it really is, its bytes and their hash, its text and plan."""

    file: PlanFile
    real: Path  # the file itself, symbolic links followed: the link stays a link
    data: bytes
    digest: str
    text: str  # decoded, without the byte order mark
    plan: Plan
    key: str  # its key in the parsed-plan cache

    @property
    def bom(self) -> bool:
        """Whether the file starts with a UTF-8 byte order mark (kept when it is written back)."""
        return self.data.startswith(b"\xef\xbb\xbf")


def _digest(data: bytes) -> str:
    try:  # as in cache.py: hashlib would load OpenSSL for this
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - CPython always builds _blake2
        from hashlib import blake2b
    return blake2b(data, digest_size=32).hexdigest()


def load_for_edit(files: Iterable[PlanFile], clock: Callable[[str | None], date]) -> tuple[Loaded, dict[str, Snapshot]]:
    """Read and validate every file like `load` (from the cache when it can), keeping what an edit needs.

    Raises PlanInvalid when any file has an error: an invalid plan is not edited.
    """
    files = list(files)
    reals = {file.name: Path(os.path.realpath(file.path)) for file in files}
    loaded, parsed = read_all([PlanFile(reals[file.name], file.name) for file in files], clock)
    refuse_errors(loaded, _("the plan has errors, so it is not edited; run `cloudplan check` to see them all"))
    snapshots = {
        file.name: Snapshot(file, reals[file.name], one.data, _digest(one.data), one.text, one.plan, one.key)
        for file in files
        if (one := parsed[file.name]).plan is not None
    }
    return loaded, snapshots


class Checked(NamedTuple):
    """An edited plan file, checked: its bytes, its plan, and the warnings the edit brings."""

    data: bytes
    plan: Plan
    warnings: list[Finding]


def check_edit(
    loaded: Loaded,
    snapshots: Mapping[str, Snapshot],
    name: str,
    text: str,
    changes: Sequence[Change],
    unit: Unit | None,
) -> Checked:
    """Parse and validate the edited text of *name* with the rest of the portfolio.

    The edited text must parse to the old document with *changes* made and nothing else
    (CannotEdit otherwise), and the plan must stay valid (PlanInvalid otherwise). When
    the changes fall in one *unit* (a project or an indicator), only its lines are
    parsed: every other line is checked to be the same bytes as before, and the old
    lines of the unit to give the plan that was read. This spares parsing the whole
    file again (a second or so at 10,000 milestones).
    """
    from cloudplan import cache
    from cloudplan.model import Portfolio

    snapshot = snapshots[name]
    data = (("\ufeff" if snapshot.bom else "") + text).encode("utf-8")
    plan = _patched(snapshot, text, changes, unit) if unit is not None else None
    if plan is None:
        plan = _reparsed(snapshot, text, data, changes)
    portfolio = Portfolio(tuple(plan if p.source == name else p for p in loaded.portfolio.plans))
    keys = [cache.key(data, name) if n == name else s.key for n, s in snapshots.items()]
    findings = _validate(portfolio, loaded.today, keys)
    texts = {n: (text if n == name else s.text) for n, s in snapshots.items()}
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        _refuse(errors, texts)
    before = {(f.source, f.code, f.message) for f in loaded.findings}
    warnings = locate([f for f in findings if (f.source, f.code, f.message) not in before], texts)
    return Checked(data, plan, warnings)


def _refuse(errors: list[Finding], texts: Mapping[str, str]) -> None:
    errors = locate(errors, texts)
    more = len(errors) - 1
    raise PlanInvalid(
        _("the edit would make the plan invalid: {first}").format(first=errors[0]),
        findings=tuple(errors),
        hint=_("nothing was written")
        + (ngettext(" ({n} more finding)", " ({n} more findings)", more).format(n=more) if more else ""),
    )


def _patched(snapshot: Snapshot, text: str, changes: Sequence[Change], unit: Unit) -> Plan | None:
    """Return the edited plan, parsing only the unit's lines; None when that cannot prove the edit."""
    import tomllib

    from cloudplan import build, tomledit

    old_lines, new_lines = snapshot.text.split("\n"), text.split("\n")
    (a0, a1), (b0, b1) = unit.old, unit.new
    if old_lines[:a0] != new_lines[:b0] or old_lines[a1:] != new_lines[b1:]:
        return None
    try:
        old = tomllib.loads("\n".join(old_lines[a0:a1]))
        new = tomllib.loads("\n".join(new_lines[b0:b1]))
    except tomllib.TOMLDecodeError:
        return None
    plan = snapshot.plan
    items: list[Project | Indicator] = list(plan.projects if unit.name == "project" else plan.indicators)
    position = next((i for i, item in enumerate(items) if item.key == (unit.name, unit.element)), len(items))

    def alone(doc: dict[str, object]) -> dict[str, object] | None:
        tables = doc.get(unit.name)
        if set(doc) == {unit.name} and isinstance(tables, list) and len(tables) == 1 and isinstance(tables[0], dict):
            return tables[0]
        return None

    before = alone(old) if not unit.added else None
    if unit.added and (old or unit.element != len(items)):
        return None  # a new element goes after the last: its index is their number
    if not unit.added:
        # The old lines must hold exactly the element that was read: the unit is where it should be.
        if before is None or position == len(items):
            return None
        if build.build_one(unit.name, unit.element, before, snapshot.file.name)[0] != items[position]:
            return None
    if unit.removed:
        if new:
            return None
        del items[position]
        items[position:] = [_rekey(item, item.key[1] - 1) for item in items[position:]]  # type: ignore[operator]
    else:
        after = alone(new)
        if after is None:
            return None
        head: list[object] = [None] * unit.element
        expected = tomledit.expect({unit.name: [*head, before] if before is not None else head}, changes)
        if after != expected[unit.name][unit.element]:
            return None
        item, found = build.build_one(unit.name, unit.element, after, snapshot.file.name)
        errors = [f for f in found if f.severity is Severity.ERROR]
        if errors or item is None:
            _refuse(errors or found, {snapshot.file.name: text})
        assert item is not None
        if unit.added:
            items.insert(position, item)
        else:
            items[position] = item
    if unit.name == "project":
        return plan._replace(projects=tuple(items))  # type: ignore[arg-type]
    return plan._replace(indicators=tuple(items))  # type: ignore[arg-type]


def _rekey(item: Project | Indicator, index: int) -> Project | Indicator:
    """Return *item* (and everything in it) keyed as element *index* of its array."""

    def key(k: tuple[str | int, ...]) -> tuple[str | int, ...]:
        return (k[0], index, *k[2:])

    from cloudplan.model import Project

    if isinstance(item, Project):
        milestones = tuple(
            m._replace(key=key(m.key), slips=tuple(s._replace(key=key(s.key)) for s in m.slips))
            for m in item.milestones
        )
        return item._replace(key=key(item.key), milestones=milestones)
    return item._replace(key=key(item.key), measures=tuple(m._replace(key=key(m.key)) for m in item.measures))


def _reparsed(snapshot: Snapshot, text: str, data: bytes, changes: Sequence[Change]) -> Plan:
    """Return the edited plan, parsing the whole old and new texts: the check for edits that span units."""
    import tomllib

    from cloudplan import tomledit

    new = parse(data, snapshot.file.name)
    errors = [f for f in new.findings if f.severity is Severity.ERROR]
    if new.plan is None or errors:
        _refuse(errors, {snapshot.file.name: text})
    assert new.plan is not None
    if tomllib.loads(text) != tomledit.expect(tomllib.loads(snapshot.text), changes):
        raise CannotEdit(
            _("{name}: the edit did not come out as intended, so nothing was written").format(name=snapshot.file.name),
            hint=_("this is a bug in cloudplan; please report it, with the plan file if you can"),
        )
    return new.plan


def replace(snapshot: Snapshot, checked: Checked) -> None:
    """Replace the plan file of *snapshot* with the checked edit, atomically; refuse if the file changed meanwhile.

    A temporary file in the same folder is written, flushed to disk and renamed over the
    original, then the folder is flushed: a crash or a full disk leaves the old file whole.
    The file keeps its permissions; a symbolic link stays a link to the edited file. The
    new plan goes into the parsed-plan cache, so that the next read need not parse it.
    """
    path = snapshot.real
    try:
        current = path.read_bytes()
    except OSError as e:
        raise EditConflict(_("{name}: cannot read it again before writing: {why}").format(
            name=snapshot.file.name, why=e.strerror or e), hint=_("nothing was written")) from None  # fmt: skip
    if _digest(current) != snapshot.digest:
        raise EditConflict(
            _("{name} was changed by another program while cloudplan was editing it").format(name=snapshot.file.name),
            hint=_("nothing was written; run the command again on the new file"),
        )
    if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
        # Renaming over it would work, since the folder is writable, but the file says: do not edit.
        # (The mode bits too: root may write anything, yet a file nobody may write is meant to stay.)
        raise WriteFailed(
            _("{name} is read-only").format(name=snapshot.file.name),
            hint=_("nothing was written; make it writable (chmod u+w) to edit it"),
        )
    _write_atomic(path, checked.data, snapshot.file.name, keep=path)
    from cloudplan import cache

    entry = _edited(snapshot.key, snapshot.plan, checked.plan)
    cache.put(cache.folder(os.environ), cache.key(checked.data, snapshot.file.name), entry)
