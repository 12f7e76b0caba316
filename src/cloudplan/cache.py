"""A cache of parsed plan files, keyed by their bytes, in the user's cache folder.

Parsing TOML is most of the cost of a cron run over a large portfolio (tomllib reads
about 2 MB/s); a plan file changes far less often than it is read. An entry is the
pickled (plan, findings) of one file, under the hash of its bytes, its name in
messages, and the code that built it. An entry that is missing, corrupt, stale or
unreadable is ignored, never trusted; a cache that cannot be written is skipped.
The findings of the checks across files are cached too, under the keys of all the
files read together and the day they were checked for. The cache lives in
$XDG_CACHE_HOME/cloudplan (else ~/.cache/cloudplan), never beside the plans;
CLOUDPLAN_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Mapping

try:  # hashlib loads OpenSSL (5 ms at start-up) for the blake2b that _blake2 has built in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - CPython always builds _blake2
    from hashlib import blake2b
from pathlib import Path
from typing import Any

import cloudplan
from cloudplan import i18n

MAGIC = b"cloudplan-cache-1"
MAX_ENTRIES = 64
# The modules whose code decides what a file parses to, and what the checks across files find
# (cached too): an edit to any of them is a new cache.
_BUILDERS = (
    "model.py", "periods.py", "build.py", "findings.py", "validate.py", "store/reader.py", "cache.py",
    "toml/lexer.py", "toml/keymap.py", "toml/edit.py", "store/document.py", "store/plancache.py",
    # The findings' messages are in the language of the run: its catalogue is part of the code.
    "locale/fr/LC_MESSAGES/cloudplan.mo", "locale/fr/LC_MESSAGES/cloudplan.po",
)  # fmt: skip


def folder(env: Mapping[str, str]) -> Path | None:
    """Return the cache folder, or None when caching is off or there is no home to hold it."""
    if env.get("CLOUDPLAN_NO_CACHE"):
        return None
    base = env.get("XDG_CACHE_HOME") or (os.path.join(env["HOME"], ".cache") if env.get("HOME") else "")
    if not base or not os.path.isabs(base):
        return None
    return Path(base) / "cloudplan"


def _stamp() -> bytes:
    """Identify the code that builds plans: the version and the builders' sizes and times."""
    here = Path(cloudplan.__file__).parent
    parts = [cloudplan.__version__]
    for name in _BUILDERS:
        try:
            st = os.stat(here / name)
        except OSError:
            continue
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts).encode()


def key(data: bytes, name: str) -> str:
    """Return the cache key of a file's bytes, as read under *name*."""
    digest = blake2b(data, digest_size=24)
    digest.update(b"\0" + name.encode("utf-8", "surrogateescape") + b"\0" + _stamp())
    digest.update(b"\0" + i18n.language().encode())  # findings hold messages in that language
    return digest.hexdigest()


def get(where: Path | None, k: str) -> Any | None:
    """Return the value cached under key *k*, or None; a damaged entry is ignored."""
    if where is None:
        return None
    try:
        raw = (where / k).read_bytes()
        if not raw.startswith(MAGIC):
            return None
        stored_key, value = pickle.loads(raw[len(MAGIC) :])
    except Exception:  # whatever is wrong with an entry, the file is parsed again
        return None
    return value if stored_key == k else None


def put(where: Path | None, k: str, value: Any) -> None:
    """Store *value* under key *k*, atomically; give up silently when the cache is not writable."""
    if where is None:
        return
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = where / f".{k}.{os.getpid()}.tmp"
        tmp.write_bytes(MAGIC + pickle.dumps((k, value), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, where / k)
        _prune(where)
    except (OSError, pickle.PicklingError, RecursionError):
        return


def _prune(where: Path) -> None:
    """Keep the newest MAX_ENTRIES entries: each edit of a plan makes a new one."""
    entries = [e for e in os.scandir(where) if e.is_file() and not e.name.startswith(".")]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime_ns)
    for entry in entries[: len(entries) - MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
