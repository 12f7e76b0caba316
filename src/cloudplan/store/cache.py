"""A cache of parsed plan files, keyed by their bytes, in the user's own cache folder.

Parsing TOML is most of the cost of a cron run over a large portfolio (tomllib reads
about 2 MB/s); a plan file changes far less often than it is read. An entry is the
pickled (plan, findings) of one file, under the hash of its bytes, its name in
messages, the code of the whole package, and the language settings (findings are
messages for people). The findings of the checks across files
are cached too, under the keys of all the files read together and the day they were
checked for. The cache lives in $XDG_CACHE_HOME/cloudplan (else ~/.cache/cloudplan),
never beside the plans; CLOUDPLAN_NO_CACHE=1 turns it off.

Nothing read from it can run code or change a result:

- The folder is used only if it is a real folder (not a symbolic link) that the user
  owns and that no one else may write (mode 0700 when cloudplan makes it), as ssh
  treats ~/.ssh; otherwise the cache is off for the run. It is opened once and every
  entry is opened relative to that handle, without following links, so the folder
  cannot be swapped between the check and the reads.
- Entries are unpickled by `_Unpickler`, whose `find_class` names the only callables
  a pickle may reach: `tuple` and `tuple.__new__`, `datetime.date`, and cloudplan's
  own records (NamedTuple classes and Enums defined in a cloudplan module). `getattr`,
  with which `tuple.__new__` and Enum members are pickled, is answered with a function
  that gives only `tuple.__new__` or a member of those Enums. Calling any of them
  builds a value and does nothing else; every other global (os.system, eval, the real
  getattr, copyreg._reconstructor...) is refused, so the pickle fails to load and the
  file is parsed again. pickle's other way to act, BUILD, only sets attributes: the
  classes `find_class` returns are given a `__setstate__` that refuses, so an entry
  cannot rewrite a record class or an Enum member either.
- An entry that loads is returned only if it has the shape its caller expects
  (`get`'s *expect*, field by field; for an entry that carries this folder's seal,
  written by cloudplan itself, *sealed*, its outer shape: see `_seal`), and only
  under the key stored inside it. Anything missing,
  corrupt, stale, of another shape or unreadable is a miss, never trusted and never
  an error; a cache that cannot be written is skipped.
- What an entry may cost is bounded by its size. A file over MAX_ENTRY_BYTES is not
  read. A record is built only from exactly as many values as it has fields (a
  pickle could otherwise copy one shared tuple of thousands of values into every
  record), and `tuple` itself cannot be called. A pickle's memo lets a few bytes
  refer to one value thousands of times, so a small entry can stand for billions of
  values: *expect* is given a budget, BUDGET_PER_BYTE values for each byte of the
  entry, and counts what it visits against it (`plancache`), so checking an entry, and
  every view after it, costs at most a multiple of its size.
  What this does not bound is the C unpickler's own work on opcodes it runs without
  asking find_class: a set or dict keyed by a nest of shared tuples (hashing it takes
  time exponential in its depth), or a memo index of billions (an allocation of that
  size). Only someone who may already write the user's own files can plant such an
  entry; scanning every opcode first would cost a warm run a third of its time.

It stays the C unpickler (find_class runs once per class in an entry, not per record),
so a hit costs what it did before this check.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

# Two modules of CPython's own, imported for their C code alone: `hashlib` loads OpenSSL (3 ms at start-up)
# for the blake2b that `_blake2` builds in, and `pickle.py` (1.4 ms) adds nothing to the C unpickler for a
# read. Together 7 % of the start-up bar's floor, where that bar is at its limit without them (see
# docs/performance.md, "Tricks that lean on CPython"). `pickle` itself is imported to write an entry.
try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - CPython always builds _blake2
    from hashlib import blake2b
try:
    from _pickle import Unpickler, UnpicklingError
except ImportError:  # pragma: no cover - CPython always builds _pickle
    from pickle import Unpickler, UnpicklingError

import cloudplan
from cloudplan.base import translate

MAGIC = b"cloudplan-cache-3"
SEAL_BYTES = 32  # the keyed hash after MAGIC: this cache's own key says cloudplan wrote the entry (see `_seal`)
MAX_ENTRIES = 512  # a portfolio of 100 sources, read as local files too, stays warm
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # an entry of the largest plan read (64 MB) is about half its size
BUDGET_PER_BYTE = 8  # values an entry's check may visit per byte of it (a parsed plan visits about 1)
STALE_TMP = 600  # seconds: a temporary entry this old was left by a full disk or a killed process
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def folder(env: Mapping[str, str]) -> Path | None:
    """Return the cache folder, or None when caching is off or there is no home to hold it."""
    if env.get("CLOUDPLAN_NO_CACHE"):
        return None
    base = env.get("XDG_CACHE_HOME") or (os.path.join(env["HOME"], ".cache") if env.get("HOME") else "")
    if not base or not os.path.isabs(base):
        return None
    return Path(base) / "cloudplan"


_STAMP: list[bytes] = []


def _stamp() -> bytes:
    """Identify the code that builds plans: the version, size and time of every file of the package.

    The whole package (its catalogue of messages included), not a list of the modules
    that matter: such a list missed some. Walking it costs about 0.3 ms, once per process.
    """
    if not _STAMP:
        _STAMP.append(code_stamp(Path(cloudplan.__file__).parent))
    return _STAMP[0]


def code_stamp(root: Path) -> bytes:
    """Return the version and the size and time of every file under *root* (compiled files aside)."""
    parts = [cloudplan.__version__]
    folders = [str(root)]
    while folders:
        here = folders.pop()
        try:
            entries = list(os.scandir(here))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(entry.path)
                    continue
                st = entry.stat()
            except OSError:
                continue
            parts.append(f"{os.path.relpath(entry.path, root)}:{st.st_size}:{st.st_mtime_ns}")
    parts[1:] = sorted(parts[1:])
    return "|".join(parts).encode("utf-8", "surrogateescape")


def key(data: bytes, name: str) -> str:
    """Return the cache key of a file's bytes, as read under *name*."""
    digest = blake2b(data, digest_size=24)
    digest.update(b"\0" + name.encode("utf-8", "surrogateescape") + b"\0" + _stamp())
    # Findings hold messages for people, in the language of the run (decided once, before any read).
    digest.update(b"\0" + translate.language().encode())
    return digest.hexdigest()


def _anything(value: object, budget: int) -> bool:
    return True


def get(
    where: Path | None,
    k: str,
    expect: Callable[[Any, int], bool] = _anything,
    sealed: Callable[[Any], bool] | None = None,
) -> Any | None:
    """Return the value cached under key *k* if it has the expected shape, else None; a damaged entry is ignored.

    *expect* is the caller's check of the shape it needs, given the number of values it
    may visit (BUDGET_PER_BYTE for each byte of the entry): past that, it refuses. It may
    also raise, for a miss. An entry that carries this cache's seal was written by
    cloudplan from what it built itself: *sealed*, a check of its outer shape only, is
    asked instead (see `_seal`).
    """
    with _opened(where, create=False) as fd:
        if fd is None:
            return None
        try:
            raw = _read(fd, k)
            start = len(MAGIC) + SEAL_BYTES
            if raw is None or not raw.startswith(MAGIC) or len(raw) <= start:
                return None
            ours = _seal(fd, memoryview(raw)[start:], create=False) == raw[len(MAGIC) : start]
            stored_key, value = _Unpickler(raw, start, sealed=ours).load()
            if type(stored_key) is not str or stored_key != k:
                return None
            if ours and sealed is not None:
                return value if sealed(value) else None
            if not expect(value, BUDGET_PER_BYTE * len(raw)):
                return None
        except Exception:  # whatever is wrong with an entry, the file is parsed again
            return None
        return value


def put(where: Path | None, k: str, value: object) -> None:
    """Store *value* under key *k*, atomically; give up silently when the cache is not writable or not safe."""
    import pickle

    with _opened(where, create=True) as fd:
        if fd is None:
            return
        tmp = f".{k}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        try:
            body = pickle.dumps((k, value), protocol=pickle.HIGHEST_PROTOCOL)
            seal = _seal(fd, body, create=True)
            if seal is None:
                return
            data = MAGIC + seal + body
            out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=fd)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(out, view) :]
            finally:
                os.close(out)
            os.replace(tmp, k, src_dir_fd=fd, dst_dir_fd=fd)
        except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=fd)  # a full disk must not be kept full by a partial entry
        finally:
            with contextlib.suppress(OSError):
                _prune(fd)


# -- the seal ----------------------------------------------------------------------------------------

SEAL_KEY = ".seal"  # in the cache folder, mode 0600: 32 random bytes made by the first run that writes
_SEAL_KEYS: dict[tuple[int, int], bytes] = {}  # by the folder's (device, inode): read once per process


def _seal(fd: int, body: bytes | memoryview, create: bool) -> bytes | None:
    """Return the seal of an entry's *body*: its blake2b keyed with this cache folder's own key; None without one.

    Checking every field of a 10,000-milestone entry costs a warm run 13 ms; hashing it
    with a key, 1 to 2 ms. The key is made by the first run that writes an entry, from
    the system's random source, and kept in the folder (mode 0600, opened without
    following links). An entry whose seal holds was written by cloudplan itself, from a
    plan it parsed: it has the shape cloudplan gave it, so only its outer shape is
    checked. Any other entry (damaged, copied from another cache, or planted by hand)
    is checked field by field within its budget, as before. The seal is no secret from
    whoever can read your files: such a person can also run code as you.
    """
    st = os.fstat(fd)
    found = _SEAL_KEYS.get((st.st_dev, st.st_ino))
    if found is None:
        found = _read_key(fd)
        if found is None and create:
            with contextlib.suppress(OSError):
                made = os.urandom(32)
                out = os.open(SEAL_KEY, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=fd)
                try:
                    os.write(out, made)
                finally:
                    os.close(out)
            found = _read_key(fd)  # the key another run made first, if two raced
        if found is None:
            return None
        _SEAL_KEYS[(st.st_dev, st.st_ino)] = found
    return blake2b(body, digest_size=SEAL_BYTES, key=found).digest()


def _read_key(fd: int) -> bytes | None:
    """The folder's key: a regular file of SEAL_BYTES bytes that only the user may read, else None."""
    try:
        key = _read(fd, SEAL_KEY, limit=SEAL_BYTES, private=True)
    except OSError:
        return None
    return key if key is not None and len(key) == SEAL_BYTES else None


# -- the folder --------------------------------------------------------------------------------------


@contextlib.contextmanager
def _opened(where: Path | None, create: bool) -> Iterator[int | None]:
    """Yield a handle on the cache folder if it is safe to use (made 0700 if *create*), else None."""
    if where is None:
        yield None
        return
    if create:
        with contextlib.suppress(OSError):
            os.makedirs(where.parent, mode=0o700, exist_ok=True)
            os.mkdir(where, 0o700)
    try:
        fd = os.open(where, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
    except OSError:
        yield None
        return
    try:
        yield fd if _trusted(os.fstat(fd)) else None
    finally:
        os.close(fd)


def _trusted(st: os.stat_result) -> bool:
    """Whether a folder is the user's alone: owned by them, writable by no one else (as ssh asks of ~/.ssh)."""
    if not stat.S_ISDIR(st.st_mode):
        return False
    if not hasattr(os, "geteuid"):  # pragma: no cover - Windows: no owner or mode bits to check
        return True
    return st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(fd: int, k: str, limit: int | None = None, private: bool = False) -> bytes | None:
    """Return the bytes of the regular file *k* in the folder *fd*, not following a link; None if there is none.

    None too for a file over *limit* bytes (MAX_ENTRY_BYTES unless given; it is not read at all), and,
    if *private*, for a file that its group or others may read.
    """
    try:
        entry = os.open(k, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=fd)
    except OSError:
        return None
    try:
        st = os.fstat(entry)
        too_large = st.st_size > (MAX_ENTRY_BYTES if limit is None else limit)
        if not stat.S_ISREG(st.st_mode) or too_large or (private and st.st_mode & 0o077):
            return None
        chunks = []
        left = st.st_size
        while left > 0:
            chunk = os.read(entry, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(entry)


def _prune(fd: int) -> None:
    """Keep the newest MAX_ENTRIES entries (each edit of a plan makes a new one); remove stale temporary files."""
    import time

    now = time.time()
    entries = []
    with os.scandir(fd) as found:
        for e in found:
            if not e.is_file(follow_symlinks=False):
                continue
            if e.name.startswith("."):
                if e.name.endswith(".tmp") and now - e.stat(follow_symlinks=False).st_mtime > STALE_TMP:
                    with contextlib.suppress(OSError):
                        os.unlink(e.name, dir_fd=fd)
                continue
            entries.append((e.stat(follow_symlinks=False).st_mtime_ns, e.name))
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort()
    for _mtime, name in entries[: len(entries) - MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=fd)


# -- reading entries without running code -----------------------------------------------------------


def _refuse_state(self: object, state: object = None) -> None:
    raise UnpicklingError("cloudplan records take no state")


_ALLOWED: dict[tuple[str, str], object] = {}
_ARITY: dict[type, int] = {}  # the number of fields of each record class an entry named


class _Unpickler(Unpickler):
    """The C unpickler, allowed to reach only the callables that build cloudplan's values (see the module's doc)."""

    def __init__(self, data: bytes, start: int, sealed: bool = False) -> None:
        import io

        stream = io.BytesIO(data)
        stream.seek(start)
        super().__init__(stream)
        self.sealed = sealed

    def find_class(self, module: str, name: str) -> Any:
        found = _ALLOWED.get((module, name))
        if found is None:
            found = _allowed(module, name)
            _ALLOWED[(module, name)] = found
        if self.sealed:  # cloudplan wrote it: its records have their fields, built by the C tuple.__new__
            return _SEALED.get(found, found)
        return found


class _Tuple:
    """What `builtins.tuple` is to an entry: a name to reach `_new` by (getattr(tuple, "__new__")), never called."""


def _new(cls: object, values: object) -> tuple[object, ...]:
    """tuple.__new__ for a record of exactly its fields: how model._reduce pickles records.

    Checked before any copy: a pickle could otherwise give thousands of records one shared
    tuple of thousands of values each, and copy them all.
    """
    if type(values) is not tuple or len(values) != _ARITY.get(cls, -1):  # type: ignore[call-overload]
        raise UnpicklingError("a cache entry may build a record only from one value per field")
    return tuple.__new__(cls, values)  # type: ignore[arg-type]


def _sealed_member(cls: object, name: object) -> object:
    """`_member` for an entry of this cache's seal: records are built by tuple.__new__ itself, in C."""
    return tuple.__new__ if cls is _Tuple and name == "__new__" else _member(cls, name)


def _member(cls: object, name: object) -> object:
    """Return the member *name* of an Enum that an entry may use: what getattr does in an Enum's pickle."""
    from enum import Enum

    if cls is _Tuple and name == "__new__":
        return _new  # how the records' reduce (model._reduce) is pickled: getattr(tuple, "__new__")
    if type(name) is not str:  # a name is looked up (hashed): never a nest of tuples that takes ages to hash
        raise UnpicklingError("a member's name is a string")
    if not (isinstance(cls, type) and issubclass(cls, Enum) and _ALLOWED.get((cls.__module__, cls.__name__)) is cls):
        raise UnpicklingError("a cache entry may only name members of cloudplan's enums")
    return cls[name]


# What an entry of this cache's seal reaches instead: records built by tuple.__new__ in C, without
# `_new`'s check of one Python call a record (2.6 ms at 10,000 milestones), since cloudplan wrote them.
_SEALED: dict[object, object] = {_new: tuple.__new__, _member: _sealed_member}


def _allowed(module: str, name: str) -> object:
    """Return the class *module.name* if an entry may use it; raise UnpicklingError otherwise."""
    if (module, name) in (("builtins", "tuple.__new__"), ("builtins", "tuple")):
        return _new if name == "tuple.__new__" else _Tuple
    if (module, name) == ("builtins", "getattr"):
        return _member  # how an Enum member is pickled; getattr itself would reach anything
    if (module, name) == ("datetime", "date"):
        from datetime import date

        return date
    refused = UnpicklingError(f"a cache entry may not use {module}.{name}")
    parts = module.split(".")
    if parts[0] != "cloudplan" or "__main__" in parts or not all(p.isidentifier() for p in parts):
        raise refused
    if not name.isidentifier():  # one plain name: no dotted path to an attribute of a class
        raise refused
    import importlib
    from enum import Enum

    found = getattr(sys.modules.get(module) or importlib.import_module(module), name, None)
    if not isinstance(found, type) or found.__module__ != module:
        raise refused
    if not (issubclass(found, Enum) or (issubclass(found, tuple) and hasattr(found, "_fields"))):
        raise refused
    if issubclass(found, tuple):
        _ARITY[found] = len(found._fields)
    if found.__dict__.get("__setstate__") is not _refuse_state:
        setattr(found, "__setstate__", _refuse_state)  # noqa: B010 - a class attribute, named as pickle looks it up
    return found
