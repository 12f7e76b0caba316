"""Pure: two portfolios (then and now) -> what changed between them, one record per change.

Slips and measures carry their own dates, and each new one is its own change: two
reschedulings that land in one commit are two changes, each on its day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar

from cloudplan.core.model import Indicator, Milestone, Portfolio, Project


class Revision(NamedTuple):
    """A commit that a `--since` argument names."""

    rev: str  # what the user wrote
    commit: str  # the full hash ("" when only the sources of portfolio files are compared: see SourceRevision)
    date: datetime | None  # the committer date, with its offset (None with no commit)


class SourceRevision(NamedTuple):
    """A source of a portfolio file compared with its own history: the commit read, and the one compared with."""

    name: str
    read: str  # the commit read now (the fetched one)
    commit: str | None  # the commit that `--since` names in the source; None: its history starts later
    date: datetime | None  # that commit's date


class ChangeKind(StrEnum):
    """What happened to an item; the JSON `kind`."""

    ADDED = "added"
    REMOVED = "removed"
    DONE = "done"
    REOPENED = "reopened"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    RETITLED = "retitled"
    OWNERS = "owners"
    MEASURED = "measured"


class Change(NamedTuple):
    """One change: its kind, the item (`project`, `milestone` or `indicator`) and what it became."""

    kind: ChangeKind
    type: str
    ref: str
    title: str  # the item's title now (then, for a removed item)
    on: date | None = None  # the day the plan gives for it: done, cancelled, a slip's or a measure's
    before: Any = None  # what it was: a title, owners, a deadline, a value, "done"/"cancelled"
    after: Any = None  # what it is: a title, owners, a deadline, a value
    reason: str = ""  # a slip's reason, a measure's note
    source: str | None = None  # the portfolio source of the item (None: a local plan file)

    def record(self) -> dict[str, Any]:
        """Return the change as a JSON object: kind, type, ref, title and the fields of its kind (and its source)."""
        out: dict[str, Any] = {"kind": self.kind.value, "type": self.type, "ref": self.ref, "title": self.title}
        if self.source is not None:
            out["source"] = self.source
        on = self.on.isoformat() if self.on else None
        if self.kind in (ChangeKind.DONE, ChangeKind.CANCELLED):
            out["on"] = on
        elif self.kind is ChangeKind.REOPENED:
            out |= {"was": self.before, "on": on}
        elif self.kind is ChangeKind.RESCHEDULED:
            out |= {"from": self.before, "to": self.after, "on": on, "reason": self.reason or None}
        elif self.kind in (ChangeKind.RETITLED, ChangeKind.OWNERS):
            before, after = self.before, self.after
            out |= {"from": list(before) if isinstance(before, tuple) else before,
                    "to": list(after) if isinstance(after, tuple) else after}  # fmt: skip
        elif self.kind is ChangeKind.MEASURED:
            out |= {"on": on, "value": self.after, "previous": self.before, "note": self.reason or None}
        return out


def diff(old: Portfolio, new: Portfolio) -> list[Change]:
    """Return what changed from *old* to *new*: project by project, then indicator by indicator.

    Items are matched by ref; an item that moved to another file is the same item. An item
    read through a portfolio file gives its changes its source.
    """
    changes = _matched(list(old.projects), list(new.projects), _project, _project_gone) + _matched(
        list(old.indicators), list(new.indicators), _indicator, _indicator_gone
    )
    if not (old.snapshots or new.snapshots):
        return changes
    projects = {p.id: p.origin for p in (*old.projects, *new.projects)}
    indicators = {i.id: i.origin for i in (*old.indicators, *new.indicators)}
    return [
        c._replace(source=indicators.get(c.ref) if c.type == "indicator" else projects.get(c.ref.split("/")[0]))
        for c in changes
    ]


_Item = TypeVar("_Item", Project, Indicator)


def _matched(
    old: list[_Item],
    new: list[_Item],
    changed: Callable[[_Item | None, _Item], list[Change]],
    gone: Callable[[_Item], list[Change]],
) -> list[Change]:
    """Return the changes of items matched by id: each of *new* against its old self (None if new), then those gone."""
    before = {item.id: item for item in old}
    now = {item.id for item in new}
    changes: list[Change] = []
    for item in new:
        changes += changed(before.get(item.id), item)
    for item in old:
        if item.id not in now:
            changes += gone(item)
    return changes


def _project(old: Project | None, new: Project) -> list[Change]:
    if old is None:
        return [Change(ChangeKind.ADDED, "project", new.id, new.title)] + [
            Change(ChangeKind.ADDED, "milestone", m.ref, m.title, after=m.due.text if m.due else None)
            for m in new.milestones
        ]
    out: list[Change] = []
    if old.title != new.title:
        out.append(Change(ChangeKind.RETITLED, "project", new.id, new.title, before=old.title, after=new.title))
    if old.owners != new.owners:
        out.append(Change(ChangeKind.OWNERS, "project", new.id, new.title, before=old.owners, after=new.owners))
    then = {m.id: m for m in old.milestones}
    for m in new.milestones:
        was = then.get(m.id)
        if was is None:
            out.append(Change(ChangeKind.ADDED, "milestone", m.ref, m.title, after=m.due.text if m.due else None))
        elif was != m:
            out += _milestone(was, m, old, new)
    ids = {m.id for m in new.milestones}
    out += [Change(ChangeKind.REMOVED, "milestone", m.ref, m.title) for m in old.milestones if m.id not in ids]
    return out


def _project_gone(old: Project) -> list[Change]:
    return [Change(ChangeKind.REMOVED, "project", old.id, old.title)] + [
        Change(ChangeKind.REMOVED, "milestone", m.ref, m.title) for m in old.milestones
    ]


def _milestone(old: Milestone, new: Milestone, old_project: Project, new_project: Project) -> list[Change]:
    out: list[Change] = []
    ref, title = new.ref, new.title
    if old.title != new.title:
        out.append(Change(ChangeKind.RETITLED, "milestone", ref, title, before=old.title, after=new.title))
    # A milestone without owners of its own shows its project's: a project that changed
    # hands is one change, not one more per milestone.
    inherited = old.owners == old_project.owners and new.owners == new_project.owners
    if old.owners != new.owners and not inherited:
        out.append(Change(ChangeKind.OWNERS, "milestone", ref, title, before=old.owners, after=new.owners))
    out += _closing(old, new)
    out += _rescheduled(old, new)
    return out


def _closing(old: Milestone, new: Milestone) -> list[Change]:
    ref, title = new.ref, new.title
    was = "done" if old.done else "cancelled" if old.cancelled else None
    if new.done is not None and new.done != old.done:
        return [Change(ChangeKind.DONE, "milestone", ref, title, on=new.done, before=was)]
    if new.cancelled is not None and new.cancelled != old.cancelled:
        return [Change(ChangeKind.CANCELLED, "milestone", ref, title, on=new.cancelled, before=was)]
    if was is not None and new.done is None and new.cancelled is None:
        return [Change(ChangeKind.REOPENED, "milestone", ref, title, on=old.done or old.cancelled, before=was)]
    return []


def _rescheduled(old: Milestone, new: Milestone) -> list[Change]:
    ref, title = new.ref, new.title
    known = {(s.from_, s.to, s.on, s.reason) for s in old.slips}
    fresh = [s for s in new.slips if (s.from_, s.to, s.on, s.reason) not in known]
    out = [
        Change(ChangeKind.RESCHEDULED, "milestone", ref, title, on=s.on, before=_text(s.from_), after=_text(s.to),
               reason=s.reason)
        for s in fresh
    ]  # fmt: skip
    if not fresh and old.due != new.due:
        # Moved by hand, without a slip record: no day, no reason, but moved all the same.
        out.append(Change(ChangeKind.RESCHEDULED, "milestone", ref, title, before=_text(old.due), after=_text(new.due)))
    return out


def _text(period: Any) -> str | None:
    return None if period is None else str(period.text)


def _indicator_gone(old: Indicator) -> list[Change]:
    return [Change(ChangeKind.REMOVED, "indicator", old.id, old.title)]


def _indicator(old: Indicator | None, new: Indicator) -> list[Change]:
    if old is None:
        return [Change(ChangeKind.ADDED, "indicator", new.id, new.title)]
    out: list[Change] = []
    if old.title != new.title:
        out.append(Change(ChangeKind.RETITLED, "indicator", new.id, new.title, before=old.title, after=new.title))
    if old.measures != new.measures:
        then = {m.on: m for m in old.measures}
        for m in new.measures:
            was = then.get(m.on)
            if was is None or was.value != m.value or was.note != m.note:
                out.append(Change(ChangeKind.MEASURED, "indicator", new.id, new.title, on=m.on,
                                  before=None if was is None else was.value, after=m.value, reason=m.note))  # fmt: skip
    return out
