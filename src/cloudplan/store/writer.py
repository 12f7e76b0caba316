"""Files written whole or not at all, and the lock that serialises edits."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cloudplan.errors import (
    EditConflict,
    StateInvalid,
    UsageError,
    WriteFailed,
)
from cloudplan.i18n import _

if TYPE_CHECKING:
    from cloudplan.store.reader import PlanFile

LOCK_NAME = ".cloudplan.lock"
LOCK_TIMEOUT = 30.0  # seconds; an edit of a 10,000-milestone plan holds the lock for about a second


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


def replace_file(path: Path, data: bytes, name: str) -> None:
    """Replace the existing file *path* (a plan an edit changed) with *data*, atomically, keeping its permissions."""
    _write_atomic(path, data, name, keep=path)


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
