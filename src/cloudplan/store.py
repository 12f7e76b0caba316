"""The only code that touches plan files: discovery, reading, parsing, locking and atomic writes."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cloudplan.errors import (
    CannotEdit,
    EditConflict,
    PlanInvalid,
    PlanNotFound,
    StateInvalid,
    UsageError,
    WriteFailed,
)
from cloudplan.i18n import _

if TYPE_CHECKING:
    from cloudplan.findings import Finding
    from cloudplan.model import Indicator, Plan, Portfolio, Project
    from cloudplan.tomledit import Change, Unit

# Imported where used: a cron run that finds its plans in the cache never needs
# the parser (tomllib, schema), the locator (tomlmap) or the cross-file checks.

ENV_VAR = "CLOUDPLAN_PLAN"
PLAN_DIR = "plans"
PLAN_FILE = "cloudplan.toml"
MAX_BYTES = 64 * 1024 * 1024  # a national portfolio of 100,000 milestones is about 16 MB

_SYNTAX_AT = r"\(at line (\d+), column (\d+)\)"


class PlanFile(NamedTuple):
    """A plan file to read: where it is, and how to name it in messages."""

    path: Path
    name: str


class Loaded(NamedTuple):
    """A portfolio, the day it was read for, and every finding on it, located."""

    portfolio: Portfolio
    today: date
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that make the portfolio unusable."""
        return tuple(f for f in self.findings if f.severity == "error")


def discover(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> list[PlanFile]:
    """Return the plan files that PLAN arguments name, else the environment's, else the nearest.

    A folder stands for every `*.toml` directly inside it, in name order.
    """
    if not args:
        listed = [p for p in env.get(ENV_VAR, "").split(":") if p]
        if listed:
            args = listed
        else:
            found = nearest(cwd)
            if found is None:
                raise PlanNotFound(
                    _("no plan file given, and no {dir}/ folder or {file} here or in a parent folder").format(
                        dir=PLAN_DIR, file=PLAN_FILE
                    ),
                    hint=_("pass a PLAN path, set ${var}, or create one with `cloudplan init`").format(var=ENV_VAR),
                )
            args = [_display(found, cwd)]
    files: list[PlanFile] = []
    seen: set[Path] = set()
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            inside = sorted(p for p in path.glob("*.toml") if p.is_file())
            if not inside:
                raise PlanNotFound(_("{dir}: no *.toml plan file in this folder").format(dir=arg))
            named = [PlanFile(p, str(Path(arg) / p.name)) for p in inside]
        elif path.is_file():
            named = [PlanFile(path, arg)]
        else:
            raise PlanNotFound(_("{path}: no such file or folder").format(path=arg))
        # A file named twice (`plans/a.toml plans/`) is read once: its ids are not duplicates.
        for file in named:
            real = file.path.resolve()
            if real not in seen:
                seen.add(real)
                files.append(file)
    return files


def nearest(cwd: Path) -> Path | None:
    """Return the nearest `plans/` folder or `cloudplan.toml` in *cwd* or its parents."""
    for folder in (cwd, *cwd.parents):
        for candidate in (folder / PLAN_DIR, folder / PLAN_FILE):
            if candidate.is_dir() if candidate.name == PLAN_DIR else candidate.is_file():
                return candidate
    return None


def _display(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return os.path.relpath(path, cwd) if path.is_absolute() else str(path)


class Parsed(NamedTuple):
    """One file read: its plan (None when it cannot be parsed), its key findings, its bytes."""

    plan: Plan | None
    findings: list[Finding]
    data: bytes
    key: str = ""  # the cache key of the bytes, once read

    @property
    def text(self) -> str:
        """The file's text, for locating findings; empty when it is not UTF-8."""
        return self.data.decode("utf-8", errors="replace").removeprefix("\ufeff")


def read(file: PlanFile, env: Mapping[str, str] | None = None) -> Parsed:
    """Read and parse one plan file, from the parsed-plan cache when it holds these bytes."""
    name = file.name
    try:
        size = file.path.stat().st_size
        if size > MAX_BYTES:
            why = _("the file is {mb} MB; plan files are limited to {max} MB")
            return Parsed(None, [_fatal(name, "too-large", why.format(mb=size // 2**20, max=MAX_BYTES // 2**20))], b"")
        data = file.path.read_bytes()
    except OSError as e:
        why = _("cannot read the file: {why}").format(why=e.strerror or e)
        return Parsed(None, [_fatal(name, "unreadable", why)], b"")
    from cloudplan import cache

    folder = cache.folder(os.environ if env is None else env)
    k = cache.key(data, name)
    hit = _cached(folder, k)
    if hit is not None:
        return Parsed(hit[0], hit[1], data, k)
    parsed = parse(data, name)
    if parsed.plan is not None:
        cache.put(folder, k, (parsed.plan, parsed.findings))
    return Parsed(parsed.plan, parsed.findings, data, k)


class Edited(NamedTuple):
    """The cache entry of a plan an edit wrote: what differs from the plan it was made from.

    Pickling a whole 10,000-milestone plan again after each edit would cost an edit a
    fifth of its time; an edit changes one project or indicator. Each item is the index
    of the base plan's unchanged item, or the new item itself.
    """

    base: str  # the cache key of the plan before the edit
    head: Plan  # the new plan, without its projects and indicators
    projects: tuple[int | Project, ...]
    indicators: tuple[int | Indicator, ...]
    findings: list[Finding]  # the new file's own findings, not located yet


MAX_EDITS = 16  # edits in a row kept as differences; past that, the file is parsed again


def _cached(folder: Path | None, k: str, depth: int = 0) -> tuple[Plan, list[Finding]] | None:
    """Return the plan and findings cached under *k*, following an edit's entry to its base."""
    from cloudplan import cache

    value = cache.get(folder, k)
    if not isinstance(value, Edited):
        return value
    base = _cached(folder, value.base, depth + 1) if depth < MAX_EDITS else None
    if base is None:
        return None
    old = base[0]
    try:
        projects = tuple(old.projects[i] if isinstance(i, int) else i for i in value.projects)
        indicators = tuple(old.indicators[i] if isinstance(i, int) else i for i in value.indicators)
    except IndexError:  # a damaged entry: parse the file
        return None
    return value.head._replace(projects=projects, indicators=indicators), value.findings


def _edited(base_key: str, old: Plan, new: Plan) -> Edited:
    """Return the cache entry of *new*, made by an edit from *old* (cached under *base_key*)."""
    from cloudplan.schema import empty_project

    def reuse(before: tuple[Project, ...] | tuple[Indicator, ...], after: tuple[object, ...]) -> tuple[object, ...]:
        where = {id(item): i for i, item in enumerate(before)}
        return tuple(where.get(id(item), item) for item in after)

    # An edited plan is valid: of its own findings, only warnings for projects left empty.
    findings = [empty_project(new.source, p.key, p.id) for p in new.projects if not p.milestones]
    return Edited(
        base_key,
        new._replace(projects=(), indicators=()),
        reuse(old.projects, new.projects),  # type: ignore[arg-type]
        reuse(old.indicators, new.indicators),  # type: ignore[arg-type]
        findings,
    )


def parse(data: bytes, name: str) -> Parsed:
    """Return the plan in *data* and its key findings, located."""
    import re
    import tomllib

    from cloudplan import schema

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        message = _("the file is not UTF-8 (byte 0x{byte:02x}); save it as UTF-8").format(byte=data[e.start])
        return Parsed(None, [_fatal(name, "not-utf8", message).at(line, col)], data)
    text = text.removeprefix("\ufeff")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        where = re.search(_SYNTAX_AT, str(e))
        line, col = (int(where[1]), int(where[2])) if where else _end(text)
        message = re.sub(_SYNTAX_AT, "", str(e)).replace("(at end of document)", "").strip()
        return Parsed(
            None, [_fatal(name, "toml-syntax", _("TOML syntax: {why}").format(why=message)).at(line, col)], data
        )
    except RecursionError:
        return Parsed(
            None, [_fatal(name, "too-deep", _("the file nests arrays or tables too deeply to be a plan"))], data
        )
    plan, findings = schema.build(doc, name)
    return Parsed(plan, locate(findings, {name: text}), data)


def _end(text: str) -> tuple[int, int]:
    """Return the line and column just after the last character of *text* that is not a newline.

    tomllib says "at end of document" for what is left open (a string, an array): the last line.
    """
    body = text.rstrip("\r\n")
    return body.count("\n") + 1, len(body) - (body.rfind("\n") + 1) + 1


def _fatal(name: str, code: str, message: str) -> Finding:
    from cloudplan.findings import error

    return error(name, (), code, message).at(1, 1)


def load_all(files: Iterable[PlanFile], clock: Callable[[str | None], date], warnings: bool = True) -> Loaded:
    """Read every file, validate them together as of the day *clock* gives in the portfolio's time zone.

    Never raises for a finding: `check` reports them all, read commands refuse errors
    (and pass warnings=False: they never show warnings, so the checks across files
    need not locate theirs).
    """
    from cloudplan.model import Portfolio

    plans: list[Plan] = []
    findings: list[Finding] = []
    parsed: dict[str, Parsed] = {}
    for file in files:
        one = read(file)
        if one.plan is not None:
            plans.append(one.plan)
        findings += one.findings
        parsed[file.name] = one
    portfolio = Portfolio(tuple(plans))
    day = clock(portfolio.timezone)
    found = _validate(portfolio, day, [p.key for p in parsed.values()])
    if any(f.code in _UNPARSED for f in findings):
        # A ref into a file that could not be read would look unknown: say nothing of refs
        # until every file is read, but report the rest (cycles, dates, slips) all the same.
        found = [f for f in found if f.code != "unknown-ref"]
    if not warnings:
        found = [f for f in found if f.severity == "error"]
    findings += found
    if any(f.line == 0 for f in findings):
        findings = locate(findings, {name: p.text for name, p in parsed.items()})
    order = {name: i for i, name in enumerate(parsed)}
    findings.sort(key=lambda f: (order.get(f.source, 0), f.line, f.col))
    return Loaded(portfolio, day, tuple(findings))


def _validate(portfolio: Portfolio, day: date, keys: list[str]) -> list[Finding]:
    """Return the checks across the portfolio's files, from the cache when they ran for the same files and day."""
    from cloudplan import cache

    folder = cache.folder(os.environ)
    k = cache.key("|".join(keys).encode(), f"validate {day.isoformat()}")
    found: list[Finding] | None = cache.get(folder, k)
    if found is None:
        from cloudplan import validate

        found = validate.validate(portfolio, day)
        cache.put(folder, k, found)
    return found


_UNPARSED = frozenset({"toml-syntax", "not-utf8", "too-deep", "too-large", "unreadable"})


def load(files: Iterable[PlanFile], clock: Callable[[str | None], date]) -> Loaded:
    """Return the portfolio in *files*; raise PlanInvalid naming the first error if any."""
    loaded = load_all(files, clock, warnings=False)
    if loaded.errors:
        first = loaded.errors[0]
        more = len(loaded.errors) - 1
        hint = _("run `cloudplan check` to see every finding") if more else None
        raise PlanInvalid(str(first), findings=loaded.errors, hint=hint)
    return loaded


def locate(findings: list[Finding], texts: Mapping[str, str]) -> list[Finding]:
    """Return *findings* placed on the line of their key (those not placed yet)."""
    from cloudplan import tomlmap

    maps: dict[str, tomlmap.TomlMap] = {}
    placed = []
    for f in findings:
        if f.line == 0:
            if f.source not in maps:
                maps[f.source] = tomlmap.scan(texts.get(f.source, ""))
            f = f.at(*maps[f.source].locate(f.key))
        placed.append(f)
    return placed


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace or create the output file *path* (an export, a report, a state file) whole or not at all.

    The same write as an edit's (see _write_atomic): a temporary file in the same folder,
    synced, renamed over the target, the folder synced; a symbolic link is written
    through, an existing file keeps its permissions. Raises WriteFailed (exit 2).
    """
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise WriteFailed(
            _("cannot write {name}: {why}").format(name=path, why=os.strerror(21)),
            hint=_("give the path of a file, not of a folder"),
        )
    raw = data.encode("utf-8") if isinstance(data, str) else data
    _write_atomic(target, raw, str(path), keep=target if target.exists() else None)


def read_state(path: Path) -> str | None:
    """Return the text of an `overdue --state` file, or None when there is none yet."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise StateInvalid(
            _("{path}: cannot read the state file: {why}").format(path=path, why=why),
            hint=_("fix its permissions, or delete it: the next run then reports every item as new"),
        ) from None


# -- editing ------------------------------------------------------------------------------------

LOCK_NAME = ".cloudplan.lock"
LOCK_TIMEOUT = 30.0  # seconds; an edit of a 10,000-milestone plan holds the lock for about a second


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


@contextlib.contextmanager
def locked(files: Iterable[PlanFile], timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the edit lock of every folder that holds *files*, so that cloudplan edits take turns.

    The lock is an flock on a `.cloudplan.lock` file beside the plans (never on a plan
    itself, which is replaced, not rewritten), removed when the edit is done. Folders
    are locked in name order, so two edits never wait on each other. Other programs do
    not know this lock: the hash check of `replace` guards against them.
    """
    folders = sorted({Path(os.path.realpath(f.path)).parent for f in files})
    with contextlib.ExitStack() as stack:
        for folder in folders:
            stack.enter_context(_lock(folder / LOCK_NAME, timeout))
        yield


@contextlib.contextmanager
def _lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold an flock on *path*, created if need be and removed when done, so that no lock file lingers.

    Removing a lock file is safe only this way: whoever gets the lock checks that the
    path still names the file it locked, and starts again if the holder before it
    removed that file meanwhile.
    """
    import time

    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as e:
            raise WriteFailed(
                _("cannot create the lock file {path}: {why}").format(path=path, why=e.strerror or e),
                hint=_("cloudplan needs to write in the plan's folder to edit it"),
            ) from None
        try:
            while not _try_lock(fd):
                if time.monotonic() > deadline:
                    raise EditConflict(
                        _("another cloudplan has been editing the plans in {folder} for {n} s").format(
                            folder=path.parent, n=int(timeout)),
                        hint=_("nothing was written; try again when it is done"),
                    )  # fmt: skip
                time.sleep(0.01)
            if _same_file(path, fd):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the file was removed by the holder before us: lock the new one
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        _unlock(fd)
        os.close(fd)


def _same_file(path: Path, fd: int) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        return
    fcntl.flock(fd, fcntl.LOCK_UN)


def load_for_edit(files: Iterable[PlanFile], clock: Callable[[str | None], date]) -> tuple[Loaded, dict[str, Snapshot]]:
    """Read and validate every file like `load` (from the cache when it can), keeping what an edit needs.

    Raises PlanInvalid when any file has an error: an invalid plan is not edited.
    """
    from cloudplan.model import Portfolio

    plans: list[Plan] = []
    findings: list[Finding] = []
    snapshots: dict[str, Snapshot] = {}
    texts: dict[str, str] = {}
    for file in files:
        real = Path(os.path.realpath(file.path))
        one = read(PlanFile(real, file.name))
        findings += one.findings
        texts[file.name] = one.text
        if one.plan is not None:
            plans.append(one.plan)
            snapshots[file.name] = Snapshot(file, real, one.data, _digest(one.data), one.text, one.plan, one.key)
    portfolio = Portfolio(tuple(plans))
    day = clock(portfolio.timezone)
    if not any(f.severity == "error" for f in findings):
        findings += _validate(portfolio, day, [s.key for s in snapshots.values()])
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        first = sorted(locate(errors, texts), key=lambda f: (f.source, f.line, f.col))[0]
        raise PlanInvalid(
            str(first),
            findings=tuple(errors),
            hint=_("the plan has errors, so it is not edited; run `cloudplan check` to see them all"),
        )
    return Loaded(portfolio, day, tuple(findings)), snapshots


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
    errors = [f for f in findings if f.severity == "error"]
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
        hint=_("nothing was written") + (_(" ({n} more findings)").format(n=more) if more else ""),
    )


def _patched(snapshot: Snapshot, text: str, changes: Sequence[Change], unit: Unit) -> Plan | None:
    """Return the edited plan, parsing only the unit's lines; None when that cannot prove the edit."""
    import tomllib

    from cloudplan import schema, tomledit

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
        if schema.build_one(unit.name, unit.element, before, snapshot.file.name)[0] != items[position]:
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
        item, found = schema.build_one(unit.name, unit.element, after, snapshot.file.name)
        errors = [f for f in found if f.severity == "error"]
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
    errors = [f for f in new.findings if f.severity == "error"]
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


def create(path: Path, text: str, force: bool, name: str) -> None:
    """Write a new plan file at *path*; an existing file is replaced only when *force* is set."""
    real = Path(os.path.realpath(path))
    exists = real.exists()
    if exists and not force:
        raise UsageError(
            _("{name} already exists").format(name=name),
            hint=_("nothing was written; pass --force to overwrite it"),
        )
    if not real.parent.is_dir():
        raise WriteFailed(_("{name}: no folder {folder}").format(name=name, folder=real.parent))
    _write_atomic(real, text.encode("utf-8"), name, keep=real if exists else None)


def _write_atomic(path: Path, data: bytes, name: str, keep: Path | None) -> None:
    """Write *data* to *path* through a synced temporary file; with no *keep*, never over an existing file."""
    import stat
    import tempfile

    try:
        if keep is not None:
            st = keep.stat()
            mode = stat.S_IMODE(st.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise WriteFailed(_("cannot write {name}: {why}").format(name=name, why=e.strerror or e),
                          hint=_("nothing was written")) from None  # fmt: skip
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            if keep is not None:
                with contextlib.suppress(OSError):
                    os.fchown(fd, st.st_uid, st.st_gid)  # keeps the group, where allowed
            os.fsync(fd)
        finally:
            os.close(fd)
        if keep is not None:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if the file appeared meanwhile: never overwrite
            os.unlink(tmp)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, FileExistsError):
            raise UsageError(_("{name} already exists").format(name=name),
                             hint=_("nothing was written; pass --force to overwrite it")) from None  # fmt: skip
        if isinstance(e, OSError):
            raise WriteFailed(_("cannot write {name}: {why}").format(name=name, why=e.strerror or e),
                              hint=_("the file is unchanged")) from None  # fmt: skip
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the renamed file, so that the rename survives a crash."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
