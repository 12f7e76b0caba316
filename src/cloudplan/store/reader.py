"""Plan files read: discovery, reading through the parsed-plan cache, parsing, loading, locating findings."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cloudplan.base.errors import (
    PlanInvalid,
    PlanNotFound,
)
from cloudplan.base.findings import Severity
from cloudplan.base.translate import _

if TYPE_CHECKING:
    from cloudplan.base.findings import Finding
    from cloudplan.core.model import Plan, Portfolio
    from cloudplan.store.sources import Origin

# Imported where used: a cron run that finds its plans in the cache never needs
# the parser (plan.toml.parser, build), the locator (toml.keymap) or the cross-file checks.

ENV_VAR = "CLOUDPLAN_PLAN"
PLAN_DIR = "plans"
PLAN_FILE = "cloudplan.toml"
MAX_BYTES = 64 * 1024 * 1024  # a national portfolio of 100,000 milestones is about 16 MB

_SYNTAX_AT = r"\(at line (\d+), column (\d+)\)"


class PlanFile(NamedTuple):
    """A plan file to read: where it is, and how to name it in messages.

    A plan file of a portfolio's source also has its origin (see `sources`): it is read from
    the source's mirror, whose folder is its path.
    """

    path: Path
    name: str
    origin: Origin | None = None


class Loaded(NamedTuple):
    """A portfolio, the day it was read for, and every finding on it, located."""

    portfolio: Portfolio
    today: date
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that make the portfolio unusable."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)


def plan_args(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> list[str]:
    """Return the plans a command reads, as the user would write them: the PLAN arguments, else
    $CLOUDPLAN_PLAN's, else the nearest `plans/` folder or `cloudplan.toml`; raise PlanNotFound for none."""
    if args:
        return list(args)
    listed = [p for p in env.get(ENV_VAR, "").split(":") if p]
    if listed:
        return listed
    found = nearest(cwd)
    if found is None:
        raise PlanNotFound(
            _("no plan file given, and no {dir}/ folder or {file} here or in a parent folder").format(
                dir=PLAN_DIR, file=PLAN_FILE
            ),
            hint=_("pass a PLAN path, set ${var}, or create one with `cloudplan init`").format(var=ENV_VAR),
        )
    return [_display(found, cwd)]


def discover(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> list[PlanFile]:
    """Return the plan files of the plans `plan_args` gives.

    A folder stands for every `*.toml` directly inside it, in name order.
    """
    files: list[PlanFile] = []
    seen: set[Path] = set()
    for arg in plan_args(args, env, cwd):
        path = Path(arg)
        kind = _kind(path, arg)
        if kind == "folder":
            inside = sorted(p for p in path.glob("*.toml") if p.is_file())
            if not inside:
                raise PlanNotFound(_("{dir}: no *.toml plan file in this folder").format(dir=arg))
            named = [PlanFile(p, str(Path(arg) / p.name)) for p in inside]
        elif kind == "file":
            named = [PlanFile(path, arg)]
        elif kind == "other":
            raise PlanNotFound(_("{path}: not a plan file, but a device, a FIFO or a socket").format(path=arg))
        else:
            raise PlanNotFound(_("{path}: no such file or folder").format(path=arg))
        # A file named twice (`plans/a.toml plans/`) is read once: its ids are not duplicates.
        for file in named:
            real = file.path.resolve()
            if real not in seen:
                seen.add(real)
                files.append(file)
    return files


def _kind(path: Path, arg: str) -> str:
    """Return "folder", "file", "other" (a device, a FIFO) or "" (nothing there) for a PLAN argument.

    Raises PlanNotFound naming the folder that cannot be read, rather than call it empty or absent.
    """
    import stat

    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            os.listdir(path)  # a folder that cannot be listed would look empty
            return "folder"
    except (FileNotFoundError, NotADirectoryError):
        return ""
    except OSError as e:
        blocked = _blocking_folder(path) if isinstance(e, PermissionError) else None
        if blocked is None:
            message = _("{path}: cannot read it: {why}").format(path=arg, why=e.strerror or e)
        elif blocked == str(path):
            message = _("{dir}: cannot read this folder: {why}").format(dir=arg, why=e.strerror or e)
        else:
            message = _("{path}: cannot read it: the folder {folder} is not readable").format(path=arg, folder=blocked)
        raise PlanNotFound(
            message,
            hint=_("check the permissions of the folder, or run cloudplan as a user who may read it"),
        ) from None
    return "file" if stat.S_ISREG(st.st_mode) else "other"


def _blocking_folder(path: Path) -> str | None:
    """Return the folder on the way to *path* that may not be entered or listed, as the user spelt it."""
    parts = path.parts
    for i in range(1, len(parts) + 1):
        try:
            os.stat(Path(*parts[:i]))
        except PermissionError:
            return str(Path(*parts[: i - 1])) if i > 1 else "."  # the folder holding it may not be entered
        except OSError:
            return None
    try:
        os.listdir(path)
    except PermissionError:
        return str(path)  # a folder that may not be listed
    except OSError:
        return None
    return None


def nearest(cwd: Path) -> Path | None:
    """Return the nearest `plans/` folder or `cloudplan.toml` in *cwd* or its parents."""
    import stat

    for folder in (cwd, *cwd.parents):
        for candidate in (folder / PLAN_DIR, folder / PLAN_FILE):
            try:
                mode = os.stat(candidate).st_mode
            except FileNotFoundError:
                continue
            except OSError:  # there but not readable: discover says so, naming it
                return candidate
            if stat.S_ISDIR(mode) if candidate.name == PLAN_DIR else stat.S_ISREG(mode):
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


# (device, inode) of every plan file this process read or wrote, and a path it has there.
_READ: dict[tuple[int, int], Path] = {}


def was_read(st: os.stat_result) -> bool:
    """Whether the file of status *st* is a plan this process read (under any name, through any link).

    Only while the plan is still that file: a plan an edit replaced has a new inode, and the
    old one, once freed, may be given to any new file (an output written next).
    """
    path = _READ.get((st.st_dev, st.st_ino))
    if path is None:
        return False
    try:
        now = os.stat(path)
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino)


def remember(path: Path) -> None:
    """Record the file at *path* as a plan of this process (one an edit wrote): no output may be written over it."""
    try:
        st = os.stat(path)
    except OSError:
        return
    _READ[(st.st_dev, st.st_ino)] = path


def read_file(file: PlanFile, env: Mapping[str, str] | None = None) -> Parsed:
    """Read and parse one plan file, from the parsed-plan cache when it holds these bytes."""
    name = file.name
    if file.origin is not None:  # a file of a portfolio's source, in its mirror
        from cloudplan.store.sources import read_source

        return read_source(file, env)
    try:
        st = file.path.stat()
        _READ[(st.st_dev, st.st_ino)] = file.path  # no output of this run may be written over it
        size = st.st_size
        if size > MAX_BYTES:
            why = _("the file is {mb} MB; plan files are limited to {max} MB")
            return Parsed(None, [_fatal(name, "too-large", why.format(mb=size // 2**20, max=MAX_BYTES // 2**20))], b"")
        data = file.path.read_bytes()
    except OSError as e:
        why = _("cannot read the file: {why}").format(why=e.strerror or e)
        return Parsed(None, [_fatal(name, "unreadable", why)], b"")
    return parse_cached(data, name, env)


def _are_findings(value: object, budget: int) -> bool:
    from cloudplan.store.plancache import are_findings

    return are_findings(value, budget)


def parse(data: bytes, name: str, origin: str | None = None) -> Parsed:
    """Return the plan in *data* and its key findings, located (*origin*: the portfolio source it comes from)."""
    from cloudplan.plan import decode

    doc, text, problem = document(data, name)
    if doc is None:
        return Parsed(None, problem, data)
    plan, findings = decode.build(doc, name, origin)
    return Parsed(plan, locate(findings, {name: text}), data)


def document(data: bytes, name: str) -> tuple[dict[str, Any] | None, str, list[Finding]]:
    """Return the TOML document in a file's bytes and its text; or None, and the finding that says why not."""
    import re

    from cloudplan.plan.toml import parser

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        message = _("the file is not UTF-8 (byte 0x{byte:02x}); save it as UTF-8").format(byte=data[e.start])
        return None, "", [_fatal(name, "not-utf8", message).at(line, col)]
    text = text.removeprefix("\ufeff")
    too_much = _beyond_limits(name, text)
    if too_much is not None:
        return None, text, [too_much]
    try:
        return parser.loads(text), text, []
    except parser.TOMLDecodeError as e:
        conflicts = _conflict_markers(name, text)
        if conflicts:
            return None, text, conflicts
        where = re.search(_SYNTAX_AT, str(e))
        line, col = (int(where[1]), int(where[2])) if where else _end(text)
        message = re.sub(_SYNTAX_AT, "", str(e)).replace("(at end of document)", "").strip()
        return None, text, [_fatal(name, "toml-syntax", _("TOML syntax: {why}").format(why=message)).at(line, col)]
    except RecursionError:
        return None, text, [_fatal(name, "too-deep", _("the file nests arrays or tables too deeply to be a plan"))]


def _beyond_limits(name: str, text: str) -> Finding | None:
    """The finding of a key with too many parts, or of values nested too deep, before tomllib reads them (or None)."""
    from cloudplan.plan.toml import limits

    breach = limits.check(text)
    if breach is None:
        return None
    if breach.kind == "key":
        why = _("a key or table header of {n} parts; keys may have at most {max} parts (a.b.c has 3): "
                "write it shorter, as a plan's keys are").format(n=breach.size, max=limits.MAX_KEY_PARTS)  # fmt: skip
    else:
        why = _("arrays or inline tables nested more than {max} deep; a plan needs at most 3: "
                "write this value flatter").format(max=limits.MAX_NESTING)  # fmt: skip
    return _fatal(name, "too-deep", why).at(breach.line, breach.col)


def _conflict_markers(name: str, text: str) -> list[Finding]:
    """A finding at each conflict that a merge left unresolved (git's `<<<<<<<` ... `>>>>>>>` markers), if any."""
    import re

    from cloudplan.base.findings import error

    opening = list(re.finditer(r"^<{7,}(?: |\r?$)", text, re.M))
    if not opening or not re.search(r"^>{7,}(?: |\r?$)", text, re.M):
        return []
    message = _("a merge conflict left unresolved: keep the lines of one side, and remove the markers "
                "(<<<<<<<, |||||||, =======, >>>>>>>)")  # fmt: skip
    return [error(name, (), "merge-conflict", message).at(text.count("\n", 0, m.start()) + 1, 1) for m in opening]


def _end(text: str) -> tuple[int, int]:
    """Return the line and column just after the last character of *text* that is not a newline.

    tomllib says "at end of document" for what is left open (a string, an array): the last line.
    """
    body = text.rstrip("\r\n")
    return body.count("\n") + 1, len(body) - (body.rfind("\n") + 1) + 1


def _fatal(name: str, code: str, message: str) -> Finding:
    from cloudplan.base.findings import error

    return error(name, (), code, message).at(1, 1)


def load_with_findings(files: Iterable[PlanFile], clock: Callable[[str | None], date], warnings: bool = True) -> Loaded:
    """Read every file, validate them together as of the day *clock* gives in the portfolio's time zone.

    Never raises for a finding: `check` reports them all, read commands refuse errors
    (and pass warnings=False: they never show warnings, so the checks across files
    need not locate theirs).
    """
    return read_files(files, clock, warnings)[0]


def read_files(
    files: Iterable[PlanFile], clock: Callable[[str | None], date], warnings: bool = True
) -> tuple[Loaded, dict[str, Parsed]]:
    """Return what `load_with_findings` returns, and each file as read (its bytes, text and cache key) by name."""
    from cloudplan.core.model import Portfolio

    plans: list[Plan] = []
    findings: list[Finding] = []
    parsed: dict[str, Parsed] = {}
    origins: list[Origin] = []
    read = list(files)
    for file in read:
        one = read_file(file)
        if one.plan is not None:
            plans.append(one.plan)
        findings += one.findings
        parsed[file.name] = one
        if file.origin is not None:
            origins.append(file.origin)
    if origins:  # read through portfolio files: the sources read, and the portfolio's title
        from cloudplan.store.sources import portfolio_of

        portfolio = portfolio_of(plans, origins)
    else:
        portfolio = Portfolio(tuple(plans))
    day = clock(portfolio.timezone)
    found = check_across(portfolio, day, [p.key for p in parsed.values()])
    if any(f.code in _UNPARSED for f in findings):
        # A ref into a file that could not be read would look unknown: say nothing of refs
        # until every file is read, but report the rest (cycles, dates, slips) all the same.
        found = [f for f in found if f.code != "unknown-ref"]
    if not warnings:
        found = [f for f in found if f.severity is Severity.ERROR]
    findings += found
    if any(f.line == 0 for f in findings):
        texts = {name: p.text for name, p in parsed.items()}
        for file in read:  # a source's file found in the cache was not read: it is now, to place its findings
            placing = any(f.line == 0 and f.source == file.name for f in findings)
            if file.origin is not None and not parsed[file.name].data and placing:
                from cloudplan.store.sources import text

                texts[file.name] = Parsed(None, [], text(file)).text
        findings = locate(findings, texts)
    order = {name: i for i, name in enumerate(parsed)}
    findings.sort(key=lambda f: (order.get(f.source, 0), f.line, f.col))
    return Loaded(portfolio, day, tuple(findings)), parsed


def check_across(portfolio: Portfolio, day: date, keys: list[str]) -> list[Finding]:
    """Return the checks across the portfolio's files, from the cache when they ran for the same files and day."""
    from cloudplan.store import cache

    folder = cache.folder(os.environ)
    k = cache.key("|".join(keys).encode(), f"validate {day.isoformat()}")
    found: list[Finding] | None = cache.get(folder, k, _are_findings)
    if found is None:
        from cloudplan.core import validate

        found = validate.validate(portfolio, day)
        cache.put(folder, k, found)
    return found


_UNPARSED = frozenset({"toml-syntax", "merge-conflict", "not-utf8", "too-deep", "too-large", "unreadable"})


def load(files: Iterable[PlanFile], clock: Callable[[str | None], date]) -> Loaded:
    """Return the portfolio in *files*; raise PlanInvalid naming the first error if any."""
    loaded = load_with_findings(files, clock, warnings=False)
    more = len(loaded.errors) > 1
    refuse_errors(loaded, _("run `cloudplan check` to see every finding") if more else None)
    return loaded


def refuse_errors(loaded: Loaded, hint: str | None) -> None:
    """Raise PlanInvalid naming the first error of *loaded*, if it has any."""
    if loaded.errors:
        raise PlanInvalid(str(loaded.errors[0]), findings=loaded.errors, hint=hint)


def locate(findings: list[Finding], texts: Mapping[str, str]) -> list[Finding]:
    """Return *findings* placed on the line of their key (those not placed yet)."""
    from cloudplan.plan.toml import keymap
    from cloudplan.plan.toml.lexer import LexError

    maps: dict[str, keymap.KeyMap] = {}
    placed = []
    for f in findings:
        if f.line == 0:
            if f.source not in maps:
                try:
                    maps[f.source] = keymap.scan(texts.get(f.source, ""))
                except LexError:  # not TOML as the lexer reads it: the findings go on the first line
                    maps[f.source] = keymap.KeyMap()
            f = f.at(*maps[f.source].locate(f.key))
        placed.append(f)
    return placed


def parse_cached(data: bytes, name: str, env: Mapping[str, str] | None = None, origin: str | None = None) -> Parsed:
    """Return the plan in *data* (a file's bytes, or an earlier version's from git), through the parsed-plan cache.

    *origin* is the portfolio source the bytes come from: its name is in the plan, so in the key too.
    """
    from cloudplan.store import cache, plancache

    folder = cache.folder(os.environ if env is None else env)
    k = cache.key(data, name if origin is None else f"{name}\0source={origin}")
    hit = plancache.get(folder, k)
    if hit is not None:
        return Parsed(hit[0], hit[1], data, k)
    parsed = parse(data, name, origin)
    if parsed.plan is not None:
        plancache.put(folder, k, parsed.plan, parsed.findings)
    return Parsed(parsed.plan, parsed.findings, data, k)
