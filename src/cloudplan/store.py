"""The only code that touches plan files: discovery, reading, parsing into the model."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cloudplan import schema, tomlmap, validate
from cloudplan.errors import PlanInvalid, PlanNotFound, StateInvalid, WriteFailed
from cloudplan.findings import Finding, Severity, error
from cloudplan.i18n import _
from cloudplan.model import Plan, Portfolio

ENV_VAR = "CLOUDPLAN_PLAN"
PLAN_DIR = "plans"
PLAN_FILE = "cloudplan.toml"
MAX_BYTES = 64 * 1024 * 1024  # a national portfolio of 100,000 milestones is about 16 MB

_SYNTAX_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True, slots=True)
class PlanFile:
    """A plan file to read: where it is, and how to name it in messages."""

    path: Path
    name: str


@dataclass(frozen=True, slots=True)
class Loaded:
    """A portfolio, the day it was read for, and every finding on it, located."""

    portfolio: Portfolio
    today: date
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that make the portfolio unusable."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)


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


def read(file: PlanFile) -> tuple[Plan | None, list[Finding], str]:
    """Return a file's plan (None when it cannot be parsed), its key findings and its text."""
    name = file.name
    try:
        size = file.path.stat().st_size
        if size > MAX_BYTES:
            return None, [_fatal(name, "too-large", _("the file is {mb} MB; plan files are limited to {max} MB").format(
                mb=size // 2**20, max=MAX_BYTES // 2**20))], ""  # fmt: skip
        data = file.path.read_bytes()
    except OSError as e:
        return None, [_fatal(name, "unreadable", _("cannot read the file: {why}").format(why=e.strerror or e))], ""
    return parse(data, name)


def parse(data: bytes, name: str) -> tuple[Plan | None, list[Finding], str]:
    """Return the plan in *data*, its key findings, and its text."""
    import tomllib

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        message = _("the file is not UTF-8 (byte 0x{byte:02x}); save it as UTF-8").format(byte=data[e.start])
        return None, [_fatal(name, "not-utf8", message).at(line, col)], ""
    text = text.removeprefix("\ufeff")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        where = _SYNTAX_AT.search(str(e))
        line, col = (int(where[1]), int(where[2])) if where else _end(text)
        message = _SYNTAX_AT.sub("", str(e)).replace("(at end of document)", "").strip()
        return None, [_fatal(name, "toml-syntax", _("TOML syntax: {why}").format(why=message)).at(line, col)], text
    except RecursionError:
        return None, [_fatal(name, "too-deep", _("the file nests arrays or tables too deeply to be a plan"))], text
    plan, findings = schema.build(doc, name)
    return plan, findings, text


def _end(text: str) -> tuple[int, int]:
    """Return the line and column just after the last character of *text* that is not a newline.

    tomllib says "at end of document" for what is left open (a string, an array): the last line.
    """
    body = text.rstrip("\r\n")
    return body.count("\n") + 1, len(body) - (body.rfind("\n") + 1) + 1


def _fatal(name: str, code: str, message: str) -> Finding:
    return error(name, (), code, message).at(1, 1)


def load_all(files: Iterable[PlanFile], today: Callable[[str | None], date]) -> Loaded:
    """Read every file, validate them together as of *today* (given the portfolio's time zone).

    Never raises for a finding: `check` reports them all, read commands refuse errors.
    """
    plans: list[Plan] = []
    findings: list[Finding] = []
    texts: dict[str, str] = {}
    for file in files:
        plan, found, text = read(file)
        if plan is not None:
            plans.append(plan)
        findings += found
        texts[file.name] = text
    portfolio = Portfolio(tuple(plans))
    day = today(portfolio.timezone)
    checked = validate.validate(portfolio, day)
    if any(f.code in _UNPARSED for f in findings):
        # A ref into a file that could not be read would look unknown: say nothing of refs
        # until every file is read, but report the rest (cycles, dates, slips) all the same.
        checked = [f for f in checked if f.code != "unknown-ref"]
    findings += checked
    return Loaded(portfolio, day, tuple(locate(findings, texts)))


_UNPARSED = frozenset({"toml-syntax", "not-utf8", "too-deep", "too-large", "unreadable"})


def load(files: Iterable[PlanFile], today: Callable[[str | None], date]) -> Loaded:
    """Return the portfolio in *files*; raise PlanInvalid naming the first error if any."""
    loaded = load_all(files, today)
    if loaded.errors:
        first = loaded.errors[0]
        more = len(loaded.errors) - 1
        hint = _("run `cloudplan check` to see every finding") if more else None
        raise PlanInvalid(str(first), findings=loaded.errors, hint=hint)
    return loaded


def locate(findings: list[Finding], texts: Mapping[str, str]) -> list[Finding]:
    """Return *findings* placed on the line of their key, in file and line order."""
    maps: dict[str, tomlmap.TomlMap] = {}
    placed = []
    for f in findings:
        if f.line == 0:
            if f.source not in maps:
                maps[f.source] = tomlmap.scan(texts.get(f.source, ""))
            f = f.at(*maps[f.source].locate(f.key))
        placed.append(f)
    order = {name: i for i, name in enumerate(texts)}
    return sorted(placed, key=lambda f: (order.get(f.source, 0), f.line, f.col))


# -- files that cloudplan writes beside the plans: the schema, the overdue state -------------------


def write_atomic(path: Path, text: str) -> None:
    """Replace *path* with *text* atomically: a crash or a full disk leaves the old file whole.

    The text goes to a temporary file in the same folder, flushed and synced, then renamed
    over *path*; an existing file's permissions are kept. Raises WriteFailed.
    """
    import stat
    import tempfile

    folder = path.parent
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as e:
        raise _write_failed(path, e) from None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise _write_failed(path, e) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if mode is None:
            # mkstemp makes the file private (0600); a new file gets the usual mode instead.
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(e, OSError):
            raise _write_failed(path, e) from None
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; some systems cannot open a folder, which only weakens that."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_failed(path: Path, e: OSError) -> WriteFailed:
    return WriteFailed(
        _("{path}: cannot write the file: {why}").format(path=path, why=e.strerror or e),
        hint=_("check that the folder exists and is writable; the old file, if any, is unchanged"),
    )


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
