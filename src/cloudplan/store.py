"""The only code that touches plan files: discovery, reading, parsing, locking and atomic writes."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cloudplan import schema, tomlmap, validate
from cloudplan.errors import CannotEdit, EditConflict, PlanInvalid, PlanNotFound, UsageError, WriteFailed
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
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            inside = sorted(p for p in path.glob("*.toml") if p.is_file())
            if not inside:
                raise PlanNotFound(_("{dir}: no *.toml plan file in this folder").format(dir=arg))
            files += [PlanFile(p, str(Path(arg) / p.name)) for p in inside]
        elif path.is_file():
            files.append(PlanFile(path, arg))
        else:
            raise PlanNotFound(_("{path}: no such file or folder").format(path=arg))
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
    plan, findings, text, _doc = _parse(data, name)
    return plan, findings, text


def _parse(data: bytes, name: str) -> tuple[Plan | None, list[Finding], str, dict[str, Any] | None]:
    import tomllib

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        message = _("the file is not UTF-8 (byte 0x{byte:02x}); save it as UTF-8").format(byte=data[e.start])
        return None, [_fatal(name, "not-utf8", message).at(line, col)], "", None
    text = text.removeprefix("\ufeff")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        where = _SYNTAX_AT.search(str(e))
        line, col = (int(where[1]), int(where[2])) if where else (1, 1)
        message = _SYNTAX_AT.sub("", str(e)).strip()
        finding = _fatal(name, "toml-syntax", _("TOML syntax: {why}").format(why=message)).at(line, col)
        return None, [finding], text, None
    except RecursionError:
        finding = _fatal(name, "too-deep", _("the file nests arrays or tables too deeply to be a plan"))
        return None, [finding], text, None
    plan, findings = schema.build(doc, name)
    return plan, findings, text, doc


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
    if not any(f.severity is Severity.ERROR and f.code in _UNPARSED for f in findings):
        findings += validate.validate(portfolio, day)
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


# -- editing ------------------------------------------------------------------------------------

LOCK_NAME = ".cloudplan.lock"
LOCK_TIMEOUT = 30.0  # seconds; an edit of a 10,000-milestone plan holds the lock for about a second


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A plan file as read for an edit: where it really is, its bytes and their hash, its document."""

    file: PlanFile
    real: Path  # the file itself, symbolic links followed: the link stays a link
    data: bytes
    digest: str
    text: str  # decoded, without the byte order mark
    doc: dict[str, Any]

    @property
    def bom(self) -> bool:
        """Whether the file starts with a UTF-8 byte order mark (kept when it is written back)."""
        return self.data.startswith(b"\xef\xbb\xbf")


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def locked(files: Iterable[PlanFile], timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the edit lock of every folder that holds *files*, so that cloudplan edits take turns.

    The lock is an flock on a `.cloudplan.lock` file beside the plans (never on a plan
    itself, which is replaced, not rewritten). Folders are locked in name order, so two
    edits never wait on each other. Other programs do not know this lock: the hash
    check of `replace` guards against them.
    """
    folders = sorted({Path(os.path.realpath(f.path)).parent for f in files})
    with contextlib.ExitStack() as stack:
        for folder in folders:
            stack.enter_context(_lock(folder / LOCK_NAME, timeout))
        yield


@contextlib.contextmanager
def _lock(path: Path, timeout: float) -> Iterator[None]:
    import time

    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as e:
        raise WriteFailed(
            _("cannot create the lock file {path}: {why}").format(path=path, why=e.strerror or e),
            hint=_("cloudplan needs to write in the plan's folder to edit it"),
        ) from None
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise EditConflict(
                    _("another cloudplan has been editing the plans in {folder} for {n} s").format(
                        folder=path.parent, n=int(timeout)),
                    hint=_("nothing was written; try again when it is done"),
                )  # fmt: skip
            time.sleep(0.01)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
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
    except ImportError:  # Windows
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        return
    fcntl.flock(fd, fcntl.LOCK_UN)


def load_for_edit(
    files: Iterable[PlanFile], today: Callable[[str | None], date]
) -> tuple[Loaded, dict[str, Snapshot]]:
    """Read and validate every file like `load`, keeping each one's bytes, hash and document for an edit.

    Raises PlanInvalid when any file has an error: an invalid plan is not edited.
    """
    plans: list[Plan] = []
    findings: list[Finding] = []
    texts: dict[str, str] = {}
    snapshots: dict[str, Snapshot] = {}
    for file in files:
        real = Path(os.path.realpath(file.path))
        try:
            data = real.read_bytes()
        except OSError as e:
            why = e.strerror or e
            raise PlanNotFound(_("{path}: cannot read the file: {why}").format(path=file.name, why=why)) from None
        if len(data) > MAX_BYTES:
            raise PlanInvalid(_("{path}: the file is over {max} MB").format(path=file.name, max=MAX_BYTES // 2**20))
        plan, found, text, doc = _parse(data, file.name)
        findings += found
        texts[file.name] = text
        if plan is not None and doc is not None:
            plans.append(plan)
            snapshots[file.name] = Snapshot(file, real, data, _digest(data), text, doc)
    portfolio = Portfolio(tuple(plans))
    day = today(portfolio.timezone)
    if not any(f.severity is Severity.ERROR and f.code in _UNPARSED for f in findings):
        findings += validate.validate(portfolio, day)
    # Only errors are shown here, so only they are placed: placing a finding scans the whole text.
    errors = [f for f in findings if f.severity is Severity.ERROR]
    loaded = Loaded(portfolio, day, tuple(findings))
    if errors:
        first = locate(errors, texts)[0]
        raise PlanInvalid(
            str(first),
            findings=tuple(errors),
            hint=_("the plan has errors, so it is not edited; run `cloudplan check` to see them all"),
        )
    return loaded, snapshots


def check_edit(
    loaded: Loaded, snapshots: Mapping[str, Snapshot], name: str, text: str, expected: dict[str, Any]
) -> tuple[bytes, list[Finding]]:
    """Parse and validate the edited text of *name* with the rest of the portfolio; return its bytes and new warnings.

    Raises PlanInvalid when the edit would make the plan invalid, and CannotEdit when the
    text does not parse to *expected* (the document with the edit made, and nothing else).
    """
    snapshot = snapshots[name]
    data = (("\ufeff" if snapshot.bom else "") + text).encode("utf-8")
    plan, found, _text, doc = _parse(data, name)
    if plan is None or doc != expected:
        detail = "; ".join(str(f) for f in found if f.severity is Severity.ERROR)[:300]
        raise CannotEdit(
            _("{name}: the edit did not come out as intended, so nothing was written").format(name=name),
            hint=_("this is a bug in cloudplan; please report it with the file ({detail})").format(
                detail=detail or _("the edited text reads differently")),
        )  # fmt: skip
    portfolio = Portfolio(tuple(plan if p.source == name else p for p in loaded.portfolio.plans))
    findings = found + validate.validate(portfolio, loaded.today)
    texts = {n: (text if n == name else s.text) for n, s in snapshots.items()}
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        errors = locate(errors, texts)
        more = len(errors) - 1
        raise PlanInvalid(
            _("the edit would make the plan invalid: {first}").format(first=errors[0]),
            findings=tuple(errors),
            hint=_("nothing was written") + (_(" ({n} more findings)").format(n=more) if more else ""),
        )
    before = {(f.source, f.code, f.message) for f in loaded.findings}
    warnings = locate([f for f in findings if (f.source, f.code, f.message) not in before], texts)
    return data, warnings


def replace(snapshot: Snapshot, data: bytes) -> None:
    """Replace the plan file of *snapshot* with *data*, atomically; refuse if the file changed since it was read.

    A temporary file in the same folder is written, flushed to disk and renamed over the
    original, then the folder is flushed: a crash or a full disk leaves the old file whole.
    The file keeps its permissions; a symbolic link stays a link to the edited file.
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
    _write_atomic(path, data, snapshot.file.name, keep=path)


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
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
