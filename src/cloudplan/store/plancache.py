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

from collections.abc import Sequence
from functools import partial
from itertools import chain
from operator import is_not
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

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
    from cloudplan.base.zones import is_timezone

    if any(f.code == ZONE_CODE for f in findings):
        return False
    return plan.timezone is None or is_timezone(plan.timezone)


def _get(folder: Path | None, key: str, depth: int) -> tuple[Plan, list[Finding]] | None:
    from cloudplan.core.model import Plan
    from cloudplan.store import cache

    value = cache.get(folder, key, is_entry, sealed=is_sealed_entry)
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


def is_entry(value: object, budget: int = 1 << 62) -> bool:
    """Whether a cache entry has the shape of a parsed file, (plan, findings), or of an edit's entry.

    Checked down to every field of every record (`fits`), visiting at most *budget* values:
    the views never meet a value of another kind (a planted or damaged entry of another
    shape is a miss, never a crash or a vanished plan), and an entry whose memo makes a
    few bytes stand for billions of values is refused after visiting *budget* of them.
    """
    from cloudplan.base.findings import Finding
    from cloudplan.core.model import Indicator, Plan, Project

    left = [budget]
    if type(value) is Edited:
        if len(value) != len(Edited._fields) or type(value.base) is not str:
            return False
        plan, findings = value.head, value.findings
        items = (value.projects, value.indicators)
        if not set(map(type, items)) <= {tuple} or sum(map(len, items)) > budget:
            return False
        indexes = [i for i in (*value.projects, *value.indicators) if type(i) is int]  # the base plan's items
        if indexes and min(indexes) < 0:
            return False
        projects = [p for p in value.projects if type(p) is not int]
        indicators = [i for i in value.indicators if type(i) is not int]
        if not (fits(Project, projects, left) and fits(Indicator, indicators, left)):
            return False
    elif type(value) is tuple and len(value) == 2:
        plan, findings = value
    else:
        return False
    return type(findings) is list and fits(Plan, [plan], left) and fits(Finding, findings, left)


def is_sealed_entry(value: object) -> bool:
    """Whether an entry cloudplan wrote itself (sealed: `cache._seal`) has one of the two shapes, on the outside."""
    from cloudplan.core.model import Plan

    if type(value) is Edited:
        return len(value) == len(Edited._fields) and type(value.head) is Plan and type(value.findings) is list
    return type(value) is tuple and len(value) == 2 and type(value[0]) is Plan and type(value[1]) is list


def are_findings(value: object, budget: int = 1 << 62) -> bool:
    """Whether a cache entry is a list of findings, every field of the right type (see `is_entry`)."""
    from cloudplan.base.findings import Finding

    return type(value) is list and fits(Finding, value, [budget])


# -- the shape of every field --------------------------------------------------------------------------
# Each record's fields are checked against their annotations, column by column (the titles of every
# milestone, then their due periods...), at C speed: a few milliseconds for 10,000 milestones.

Spec = tuple[Any, ...]  # ("leaf", types) | ("optional", Spec) | ("tuple", Spec) | ("record", class, field specs)
_SPECS: dict[type, Spec] = {}
_is_set = partial(is_not, None)


def fits(cls: type, column: list[Any], budget: list[int]) -> bool:
    """Whether every value of *column* is a *cls* record whose fields have their annotated types.

    *budget* holds the number of values that may still be visited; it is spent, and past it, the answer is no.
    """
    return _fits(_spec_of(cls), column, budget)


def _fits(spec: Spec, column: Sequence[Any], budget: list[int]) -> bool:
    budget[0] -= len(column)
    if budget[0] < 0:
        return False
    kind = spec[0]
    if kind == "leaf":
        allowed: frozenset[type] = spec[1]
        return set(map(type, column)) <= allowed
    if kind == "optional":
        return _fits(spec[1], list(filter(_is_set, column)), budget)
    if kind == "tuple":
        # Counted before they are gathered: a nest of shared tuples is refused without being walked.
        if not set(map(type, column)) <= {tuple} or sum(map(len, column)) > budget[0]:
            return False
        return _fits(spec[1], list(chain.from_iterable(column)), budget)
    cls, fields = spec[1], spec[2]
    if not set(map(type, column)) <= {cls} or not set(map(len, column)) <= {len(fields)}:
        return False
    columns = zip(*column, strict=True)  # the records' columns, in one pass at C speed
    return not column or all(_fits(field, values, budget) for field, values in zip(fields, columns, strict=True))


def _spec_of(cls: type) -> Spec:
    spec = _SPECS.get(cls)
    if spec is None:
        _SPECS[cls] = ("record", cls, ())  # a record within itself: its fields are filled in below
        annotations = {k: v for c in reversed(cls.__mro__) for k, v in getattr(c, "__annotations__", {}).items()}
        spec = ("record", cls, tuple(_spec(annotations[name]) for name in cls._fields))  # type: ignore[attr-defined]
        _SPECS[cls] = spec
    return spec


def _spec(written: object) -> Spec:
    """Return the spec of an annotation as written in the model: `str`, `Period | None`, `tuple[Slip, ...]`..."""
    annotation = str(getattr(written, "__forward_arg__", written)).strip()  # NamedTuple keeps them as ForwardRef
    parts = [p.strip() for p in annotation.split("|")] if "[" not in annotation else [annotation]
    if len(parts) > 1 and "None" in parts:
        return ("optional", _spec(" | ".join(p for p in parts if p != "None")))
    if len(parts) > 1:
        specs = [_spec(p) for p in parts]
        return ("leaf", frozenset().union(*(s[1] for s in specs)))
    if annotation.startswith("tuple[") and annotation.endswith(", ...]"):
        return ("tuple", _spec(annotation[len("tuple[") : -len(", ...]")]))
    named = _names()[annotation]
    return named if isinstance(named, tuple) else _spec_of(named)


def _names() -> dict[str, Any]:
    from datetime import date, datetime

    from cloudplan.base.findings import Finding, Severity
    from cloudplan.core import model
    from cloudplan.core.periods import Period, PeriodKind

    # A whole number may be stored as one where TOML allows a float; bool is an int to Python, as to decode.
    return {
        "str": ("leaf", frozenset({str})),
        "int": ("leaf", frozenset({int, bool})),
        "float": ("leaf", frozenset({int, float, bool})),
        "bool": ("leaf", frozenset({bool})),
        "date": ("leaf", frozenset({date})),
        "datetime": ("leaf", frozenset({datetime})),
        "Key": ("tuple", ("leaf", frozenset({str, int}))),
        "Severity": ("leaf", frozenset({Severity})),
        "PeriodKind": ("leaf", frozenset({PeriodKind})),
        "Period": Period,
        "Finding": Finding,
        **{
            name: getattr(model, name)
            for name in ("Slip", "Milestone", "Project", "Level", "Measure", "Indicator", "Contact", "Plan")
        },
    }


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
