"""Who set each key of a milestone: the commit that last gave each key the value it has now; pure.

The history is the commits that touched the plan file (newest first, as `git log` lists
them, each with the parents that touched it too) and the milestone's table in each (None
where it did not exist). For each key, from the newest commit back: while a parent holds
the same value (by meaning), the value came from that parent; the first commit whose
parents all differ set it. So a merge that took a value from one side gives it to the
commit on that side that made it, as `git blame` does for lines. A key the work tree
changes since the last commit is set by nobody yet (commit None). Each slip is a record
of its own, set by the commit that added it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, NamedTuple

Table = dict[str, Any]
# The keys of a milestone whose setter blame names; each of its slips besides.
KEYS = ("title", "start", "due", "done", "cancelled", "owners", "depends_on", "notes")
_ABSENT = object()


class Commit(NamedTuple):
    """A commit that touched the plan file, as git describes it."""

    commit: str  # the full hash
    parents: tuple[str, ...]  # those that touched the file too
    author: str  # "Name <email>"
    date: str  # the author date, ISO 8601 with its offset
    signature: str  # "good", "bad" or "none"

    @property
    def name(self) -> str:
        """The author's name, without the address."""
        return self.author.split(" <", 1)[0]


class Field(NamedTuple):
    """One key of the milestone (or one slip), its value now, and the commit that set it (None: not committed)."""

    key: str
    value: Any  # as the file has it; None for a key removed since
    commit: Commit | None


def blame(
    keys: Sequence[str],
    history: Sequence[tuple[Commit, Table | None]],
    now: Table | None,
    meaning: Callable[[str, Any], Hashable],
    slip_meaning: Callable[[Table], Hashable],
) -> list[Field]:
    """Return who set each of *keys* of the milestone (*now*: its table in the work tree), then each of its slips.

    A key the milestone does not hold now is listed only if some version held it: removed
    by the commit that removed it, value None.
    """
    tables = {c.commit: t for c, t in history}
    commits = {c.commit: c for c, _t in history}
    newest = history[0][0] if history else None
    fields: list[Field] = []
    for key in keys:
        value = now.get(key, _ABSENT) if now is not None else _ABSENT
        if value is _ABSENT and not any(t is not None and key in t for t in tables.values()):
            continue
        mean = meaning(key, value) if value is not _ABSENT else _ABSENT

        def held(commit: str, key: str = key, mean: Hashable = mean) -> bool:
            table = tables.get(commit)
            found = table.get(key, _ABSENT) if table is not None else _ABSENT
            return (meaning(key, found) if found is not _ABSENT else _ABSENT) == mean

        setter = _setter(newest, held, commits)
        fields.append(Field(key, None if value is _ABSENT else value, setter))
    for slip in (now or {}).get("slip") or ():
        if not isinstance(slip, dict):
            continue
        mean = slip_meaning(slip)

        def has(commit: str, mean: Hashable = mean) -> bool:
            table = tables.get(commit)
            slips = table.get("slip") if table is not None else None
            return any(isinstance(s, dict) and slip_meaning(s) == mean for s in slips or ())

        fields.append(Field("slip", slip, _setter(newest, has, commits)))
    return fields


def _setter(newest: Commit | None, held: Callable[[str], bool], commits: dict[str, Commit]) -> Commit | None:
    """Walk back from the newest commit while a parent holds the value; None when the newest does not hold it."""
    if newest is None or not held(newest.commit):
        return None
    current = newest
    while True:
        parent = next((p for p in current.parents if p in commits and held(p)), None)
        if parent is None:
            return current
        current = commits[parent]


def document(ref: str, fields: Sequence[Field]) -> dict[str, Any]:
    """Return `blame --format json`: {"ref", "fields": [{"key", "value", "commit", "author", "date", "signature"}]}."""
    return {
        "ref": ref,
        "fields": [
            {
                "key": f.key,
                "value": _plain(f.value),
                "commit": f.commit.commit if f.commit else None,
                "author": f.commit.author if f.commit else None,
                "date": f.commit.date if f.commit else None,
                "signature": f.commit.signature if f.commit else "none",
            }
            for f in fields
        ],
    }


def _plain(value: Any) -> Any:
    """A TOML value as JSON holds it: days and times in ISO form."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# The JSON Schema of `blame --format json`, for programs that read it.
