"""Files written whole or not at all, and the lock that serialises edits."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cloudplan.base.errors import (
    EditConflict,
    StateInvalid,
    UsageError,
    WriteFailed,
)
from cloudplan.base.translate import _

if TYPE_CHECKING:
    from cloudplan.store.reader import PlanFile

LOCK_NAME = ".cloudplan.lock"
LOCK_TIMEOUT = 30.0  # seconds; an edit of a 10,000-milestone plan holds the lock for about a second


MAX_STATE_BYTES = 64 * 1024 * 1024  # a state file lists overdue milestones: a few MB for 100,000
_MAX_LINKS = 40  # as the kernel: more links in a row is a loop


def write_output(name: str | os.PathLike[str], data: str | bytes) -> bool:
    """Write an output the user named (`-o`, `--svg`, `--html`, `--state`): whole or not at all.

    `-` is standard output. A file is written only over a regular file or at a new name,
    never over a device, a FIFO, a folder or a plan this run read; a symbolic link is
    followed only where the kernel's protected_symlinks would follow it. The file is a
    synced temporary file renamed over the target; an existing file keeps its permissions.
    Return True when a file was written (the caller confirms it), False for standard output.
    Raises WriteFailed or UsageError (exit 2), with nothing written.
    """
    if os.fspath(name) == "-":
        import sys

        sys.stdout.flush()
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        sys.stdout.flush()
        return False
    _write_file(Path(name), data)
    return True


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write the output file *path* as write_output does, `-` being a file too (`overdue --state`)."""
    _write_file(path, data)


def _write_file(path: Path, data: str | bytes) -> None:
    shown = os.fspath(path)
    target, st = _target(path, shown)
    if st is not None:
        from cloudplan.store.reader import was_read

        if was_read(st):
            raise UsageError(
                _("{name} is a plan this command reads: cloudplan never writes an output over a plan").format(
                    name=shown
                ),
                hint=_("nothing was written; name another file for the output"),
            )
    raw = data.encode("utf-8") if isinstance(data, str) else data
    _write_atomic(target, raw, shown, keep=target if st is not None else None)


def _target(path: Path, name: str) -> tuple[Path, os.stat_result | None]:
    """Return the file that writing *path* would replace, and its status (None for a new name).

    Refuses (WriteFailed) a folder, a device, a FIFO or a socket; a symbolic link that
    protected_symlinks would not follow (another user's link in a shared, sticky
    folder); and a link to nothing, which would create a file wherever it points.
    """
    import stat

    current = Path(os.path.abspath(path))
    followed = False
    for _hop in range(_MAX_LINKS):
        parent = Path(os.path.realpath(current.parent))
        current = parent / current.name
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            if not parent.is_dir():
                raise WriteFailed(
                    _("cannot write {name}: {why}").format(name=name, why=os.strerror(errno.ENOENT)),
                    hint=_("nothing was written; no folder {folder}").format(folder=parent),
                ) from None
            if followed:
                raise WriteFailed(
                    _("{name} is a symbolic link to {target}, which does not exist").format(name=name, target=current),
                    hint=_("nothing was written; remove the link, or name another file"),
                ) from None
            return current, None
        except OSError as e:
            raise WriteFailed(_("cannot write {name}: {why}").format(name=name, why=e.strerror or e),
                              hint=_("nothing was written")) from None  # fmt: skip
        if not stat.S_ISLNK(st.st_mode):
            break
        if not _may_follow(parent, st):
            raise WriteFailed(
                _("{name} is a symbolic link that another user made in a shared folder: cloudplan does not "
                  "follow it").format(name=name),
                hint=_("nothing was written; remove the link, or write somewhere else"),
            )  # fmt: skip
        current = parent / os.readlink(current)  # an absolute link replaces parent
        followed = True
    else:
        raise WriteFailed(_("cannot write {name}: {why}").format(name=name, why=os.strerror(errno.ELOOP)),
                          hint=_("nothing was written"))  # fmt: skip
    if stat.S_ISDIR(st.st_mode):
        raise WriteFailed(
            _("cannot write {name}: {why}").format(name=name, why=os.strerror(errno.EISDIR)),
            hint=_("give the path of a file, not of a folder"),
        )
    if not stat.S_ISREG(st.st_mode):
        raise WriteFailed(
            _("{name} is not a regular file (a device, a FIFO or a socket): cloudplan writes only regular "
              "files").format(name=name),
            hint=_("nothing was written; to send the output there, write it to standard output with `-` "
                   "and redirect it"),
        )  # fmt: skip
    if not _may_follow(current.parent, st):  # as protected_regular: another user's file in /tmp stays theirs
        raise WriteFailed(
            _("{name} belongs to another user and is in a shared folder: cloudplan does not replace it").format(
                name=name
            ),
            hint=_("nothing was written; name another file"),
        )
    return current, st


def _may_follow(folder: Path, link: os.stat_result) -> bool:
    """Whether the kernel's protected_symlinks would follow *link*, found in *folder* (protected_regular: open a file).

    Not in a sticky folder that anyone may write (/tmp), unless the link (or file) is the
    user's own or the folder owner's; the kernel checks this only when the fs.protected_*
    settings are on, and only for opens, not for cloudplan's rename.
    """
    import stat

    if not hasattr(os, "geteuid"):  # pragma: no cover - Windows
        return True
    try:
        st = os.stat(folder)
    except OSError:
        return False
    shared = st.st_mode & stat.S_ISVTX and st.st_mode & stat.S_IWOTH
    return not shared or link.st_uid in (os.geteuid(), st.st_uid)


def replace_file(path: Path, data: bytes, name: str) -> None:
    """Replace the existing file *path* (a plan an edit changed) with *data*, atomically, keeping its permissions."""
    _write_atomic(path, data, name, keep=path)


def read_state(path: Path) -> str | None:
    """Return the text of an `overdue --state` file, or None when there is none yet.

    The file must be a regular file (never a FIFO, which would hang, nor a device such as
    /dev/zero, which never ends) of at most MAX_STATE_BYTES.
    """
    import stat

    try:
        target, st = _target(path, str(path))
    except WriteFailed as e:  # not a regular file: deleting it is not the way out
        hint = _("give --state the name of a regular file; the first run creates it")
        raise StateInvalid(e.message, hint=hint) from None
    if st is None:
        return None
    why = None
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        try:
            now = os.fstat(fd)
            if not stat.S_ISREG(now.st_mode):
                why = _("it is not a regular file")
            elif now.st_size > MAX_STATE_BYTES:
                why = _("it is {mb} MB; a state file is a few MB at most").format(mb=now.st_size // 2**20)
            else:
                with open(fd, "rb", closefd=False) as f:
                    data = f.read(MAX_STATE_BYTES + 1)
                if len(data) > MAX_STATE_BYTES:
                    why = _("it is over {mb} MB").format(mb=MAX_STATE_BYTES // 2**20)
                else:
                    return data.decode("utf-8")
        finally:
            os.close(fd)
    except (OSError, UnicodeDecodeError) as e:
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
    raise StateInvalid(
        _("{path}: cannot read the state file: {why}").format(path=path, why=why),
        hint=_("fix its permissions, or delete it: the next run then reports every item as new"),
    )


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
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | _NONBLOCK, 0o666)
            if not _regular(fd):
                os.close(fd)
                raise OSError(errno.EINVAL, _("it is not a regular file"))
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise WriteFailed(
                    _("the lock file {path} is a symbolic link: cloudplan never follows one").format(path=path),
                    hint=_("nothing was written; remove the link, then edit again"),
                ) from None
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


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO planted as the lock file must not hang


def _regular(fd: int) -> bool:
    import stat

    return stat.S_ISREG(os.fstat(fd).st_mode)


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
    """Write a new plan file at *path*; an existing file is replaced only when *force* is set.

    As write_output: only over a regular file or at a new name, never through a link to
    nothing or another user's link in a shared folder.
    """
    real, st = _target(path, name)
    if st is not None and not force:
        raise UsageError(
            _("{name} already exists").format(name=name),
            hint=_("nothing was written; pass --force to overwrite it"),
        )
    _write_atomic(real, text.encode("utf-8"), name, keep=real if st is not None else None)


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
