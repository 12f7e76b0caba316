"""The parsed-plan entries of the cache: what a cold parse of a file's bytes gives, and nothing else.

An entry is stored under the key of a file's bytes (`cache.key`) and holds the plan and
the located findings that `reader.parse` gives for those bytes: either whole, after a
parse, or, after an edit that proved its result (see `document`), as the difference
from the plan it was made from (pickling a whole 10,000-milestone plan again after
each edit would cost an edit a fifth of its time; an edit changes one project or
indicator). Entries hold only cloudplan's NamedTuple records, tuples, lists, strings,
numbers and dates. An entry of the wrong shape, or whose base is gone, is a miss.

One part of a parse depends on the machine rather than on the bytes: whether the plan's
`timezone` names a zone of the time-zone database there ($PYTHONTZPATH, the system's
zone files, the tzdata package). So an entry whose findings say the zone is unknown is
never stored, and an entry whose plan has a zone is used only if that zone is still
known to this run (else a miss: the file is parsed again, and says so): cron is never
silenced, nor crashed, by a cache written under other zone data.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from cloudplan.base.findings import Finding
    from cloudplan.core.model import Indicator, Plan, Project

MAX_EDITS = 16  # edits in a row kept as differences; past that, the file is parsed again


class Edited(NamedTuple):
    """The entry of a plan an edit wrote: each item is the index of the base plan's unchanged item, or the new one."""

    base: str  # the cache key of the plan before the edit
    head: Plan  # the new plan, without its projects and indicators
    projects: tuple[int | Project, ...]
    indicators: tuple[int | Indicator, ...]
    findings: list[Finding]  # the new file's findings, located, as a parse gives them


ZONE_CODE = "unknown-timezone"  # the one finding that depends on the machine, not on the bytes


def get(folder: Path | None, key: str) -> tuple[Plan, list[Finding]] | None:
    """Return the plan and findings cached for the bytes of *key*, or None (also when they depend on zone data)."""
    found = _get(folder, key, 0)
    if found is None or not holds_here(*found):
        return None
    return found


def holds_here(plan: Plan, findings: list[Finding]) -> bool:
    """Whether a parse's result holds on this machine: its time zone is known here, and none was found unknown."""
    from cloudplan.plan.decode import is_timezone

    if any(f.code == ZONE_CODE for f in findings):
        return False
    return plan.timezone is None or is_timezone(plan.timezone)


def _get(folder: Path | None, key: str, depth: int) -> tuple[Plan, list[Finding]] | None:
    from cloudplan.core.model import Plan
    from cloudplan.store import cache

    value = cache.get(folder, key, is_entry)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Plan) and isinstance(value[1], list):
        return value[0], value[1]
    if not isinstance(value, Edited) or not isinstance(value.head, Plan) or depth >= MAX_EDITS:
        return None
    base = _get(folder, value.base, depth + 1)
    if base is None:
        return None
    old = base[0]
    try:
        projects = tuple(old.projects[i] if isinstance(i, int) else i for i in value.projects)
        indicators = tuple(old.indicators[i] if isinstance(i, int) else i for i in value.indicators)
    except (IndexError, TypeError):  # a damaged entry: parse the file
        return None
    return value.head._replace(projects=projects, indicators=indicators), list(value.findings)


def is_entry(value: object) -> bool:
    """Whether a cache entry has the shape of a parsed file, (plan, findings), or of an edit's entry.

    Checked down to the records (projects, milestones, indicators, findings), not every
    field: cheap, and enough for the views never to meet a value of another kind (a
    planted or damaged entry of another shape is a miss, never a crash or a vanished plan).
    """
    from itertools import chain

    from cloudplan.base.findings import Finding
    from cloudplan.core.model import Indicator, Milestone, Plan, Project

    if isinstance(value, Edited):
        plan, findings = value.head, value.findings
        projects = [p for p in value.projects if not isinstance(p, int)]  # an int: the base plan's item
        indicators = [i for i in value.indicators if not isinstance(i, int)]
    elif isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Plan):
        plan, findings = value
        projects, indicators = list(plan.projects), list(plan.indicators)
    else:
        return False
    # Sets of types, built at C speed: about a millisecond for 10,000 milestones.
    return (
        isinstance(plan, Plan)
        and isinstance(findings, list)
        and set(map(type, findings)) <= {Finding}
        and set(map(type, indicators)) <= {Indicator}
        and set(map(type, projects)) <= {Project}
        and set(map(type, chain.from_iterable(p.milestones for p in projects))) <= {Milestone}
    )


def put(folder: Path | None, key: str, plan: Plan, findings: list[Finding]) -> None:
    """Store what a parse of the bytes of *key* gave, unless it depends on the zone data of this machine."""
    from cloudplan.store import cache

    if not any(f.code == ZONE_CODE for f in findings):
        cache.put(folder, key, (plan, findings))


def put_entry(folder: Path | None, key: str, entry: Edited | tuple[Plan, list[Finding]]) -> None:
    """Store an entry that `edited_entry` made, or a (plan, findings) pair, under *key* (see `put`)."""
    from cloudplan.store import cache

    findings = entry.findings if isinstance(entry, Edited) else entry[1]
    if not any(f.code == ZONE_CODE for f in findings):
        cache.put(folder, key, entry)


def edited_entry(base_key: str, old: Plan, new: Plan, findings: list[Finding]) -> Edited:
    """Return the entry of *new*, made by a proved edit from *old* (cached under *base_key*)."""

    def reuse(before: tuple[object, ...], after: tuple[object, ...]) -> tuple[object, ...]:
        where = {id(item): i for i, item in enumerate(before)}
        return tuple(where.get(id(item), item) for item in after)

    return Edited(
        base_key,
        new._replace(projects=(), indicators=()),
        reuse(old.projects, new.projects),  # type: ignore[arg-type]
        reuse(old.indicators, new.indicators),  # type: ignore[arg-type]
        findings,
    )
