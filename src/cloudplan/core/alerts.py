"""What changed since the last `overdue --state` run: newly listed and cleared milestones; pure.

The state file remembers the milestones that the last run listed (overdue or due soon),
each with its status and deadline. A milestone is reported again only when it is new to
the list or its status or deadline changed; one that left the list is reported once, as
cleared, with the reason it left.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from cloudplan.base.errors import StateInvalid
from cloudplan.base.translate import _
from cloudplan.core.status import MilestoneState, Status

KIND = "overdue-state"
VERSION = 1
LISTED = (Status.OVERDUE.value, Status.DUE_SOON.value)


@dataclass(frozen=True, slots=True)
class Seen:
    """A listed milestone as the state file remembers it."""

    status: str
    deadline: str | None  # ISO date


class Reason(StrEnum):
    """Why a milestone left the list."""

    DONE = "done"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"  # its deadline moved, and it is neither overdue nor due soon now
    UNSCHEDULED = "unscheduled"  # its due was removed
    NOT_DUE_SOON = "not-due-soon"  # same deadline, but outside the window now (--within changed)
    NOT_LISTED = "not-listed"  # still overdue or due soon, but the options or filters leave it out
    REMOVED = "removed"  # no plan holds it any more


@dataclass(frozen=True, slots=True)
class Cleared:
    """A milestone that the last run listed and this one does not."""

    ref: str
    was: Seen
    reason: Reason
    state: MilestoneState | None  # None when removed


@dataclass(frozen=True, slots=True)
class Changes:
    """What to report: milestones new to the list (or changed), and those that left it."""

    new: list[MilestoneState]
    cleared: list[Cleared]


def seen(state: MilestoneState) -> Seen:
    """Return what the state file remembers of a listed milestone."""
    due = state.milestone.due
    return Seen(state.status.value, due.last.isoformat() if due is not None else None)


def diff(
    previous: Mapping[str, Seen], listed: Sequence[MilestoneState], every: Mapping[str, MilestoneState]
) -> Changes:
    """Return what changed from *previous* to *listed*; *every* milestone's state tells why one left.

    A listed milestone is new when the last run did not list it, or listed it with another
    status (due soon, now overdue) or another deadline (rescheduled, and late again).
    """
    new = [s for s in listed if previous.get(s.milestone.ref) != seen(s)]
    now = {s.milestone.ref for s in listed}
    cleared = [
        Cleared(ref, was, _reason(was, every.get(ref)), every.get(ref))
        for ref, was in sorted(previous.items())
        if ref not in now
    ]
    return Changes(new, cleared)


def _reason(was: Seen, state: MilestoneState | None) -> Reason:
    if state is None:
        return Reason.REMOVED
    if state.status in (Status.DONE, Status.DONE_LATE):
        return Reason.DONE
    if state.status is Status.CANCELLED:
        return Reason.CANCELLED
    if state.status is Status.UNSCHEDULED:
        return Reason.UNSCHEDULED
    if seen(state).deadline != was.deadline:
        return Reason.RESCHEDULED
    if state.status is Status.UPCOMING:
        return Reason.NOT_DUE_SOON
    return Reason.NOT_LISTED


def dumps(listed: Iterable[MilestoneState], as_of: date) -> str:
    """Return the state file's text: the milestones listed as of *as_of*."""
    items = {s.milestone.ref: {"status": s.status.value, "deadline": seen(s).deadline} for s in listed}
    document = {"cloudplan": KIND, "version": VERSION, "as_of": as_of.isoformat(), "items": items}
    # One line, as the documents cloudplan prints (export/json.py); keys sorted for stable diffs.
    return json.dumps(document, ensure_ascii=False, sort_keys=True) + "\n"


def loads(text: str | None, source: str) -> dict[str, Seen]:
    """Return what a state file remembers; no file (None) remembers nothing.

    Raises StateInvalid for text that is not a state file this version of cloudplan wrote,
    rather than guess: a guess could mail the whole list again, or hide a new item.
    """
    if text is None:
        return {}
    try:
        document: Any = json.loads(text)
    except ValueError as e:
        raise _invalid(source, _("not JSON ({why})").format(why=e)) from None
    if not isinstance(document, dict) or document.get("cloudplan") != KIND:
        raise _invalid(source, _("not a cloudplan overdue state file"))
    if document.get("version") != VERSION:
        raise _invalid(source, _("version {v!r} is not supported").format(v=document.get("version")))
    items = document.get("items")
    if not isinstance(items, dict):
        raise _invalid(source, _("'items' must be an object"))
    remembered = {}
    for ref, item in items.items():
        if (
            not isinstance(item, dict)
            or item.get("status") not in LISTED
            or not isinstance(item.get("deadline"), str | None)
        ):
            raise _invalid(source, _("the item {ref!r} is malformed").format(ref=ref))
        remembered[ref] = Seen(item["status"], item["deadline"])
    return remembered


def _invalid(source: str, why: str) -> StateInvalid:
    return StateInvalid(
        _("{path}: cannot use this state file: {why}").format(path=source, why=why),
        hint=_("delete it to start afresh: the next run then reports every overdue milestone as new"),
    )
