"""What cron jobs remember between runs: the alert memory of `overdue --state` and of `notify`; pure.

Both keep a state file of the milestones they last alerted about, so that a daily job
says only what changed: `overdue --state` the milestones it listed (overdue or due soon),
`notify` per destination what each was sent. Both files are one JSON document in the same
envelope (`{"cloudplan": KIND, "version": 1, "as_of": ..., ...}`), read back strictly:
a file this version of cloudplan did not write is refused (StateInvalid) rather than
guessed at, since a guess could send every alert again, or none. A milestone that leaves
the list is reported once, with the one `Reason` both tell.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

from cloudplan.base.errors import StateInvalid
from cloudplan.base.translate import GATE, Translator
from cloudplan.core.status import MilestoneState, Status

VERSION = 1
LISTED = (Status.OVERDUE.value, Status.DUE_SOON.value)


class Reason(StrEnum):
    """Why a milestone left the list (`overdue --state`) or is cleared (`notify`)."""

    DONE = "done"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"  # its deadline moved, and it is neither overdue nor due soon now
    UNSCHEDULED = "unscheduled"  # its due was removed
    NOT_DUE_SOON = "not-due-soon"  # same deadline, but outside the window now (--within changed)
    NOT_LISTED = "not-listed"  # still overdue or due soon, but the options or filters leave it out
    REASSIGNED = "reassigned"  # its owners changed: another destination has it now (notify)
    REMOVED = "removed"  # no plan holds it any more


def deadline_of(state: MilestoneState) -> str | None:
    """Return a milestone's deadline as both state files keep it: its ISO day, or None."""
    due = state.milestone.due
    return due.last.isoformat() if due is not None else None


def reason(deadline: str | None, state: MilestoneState | None, otherwise: Reason) -> Reason:
    """Return why a milestone remembered with *deadline* is no longer alerted, as of its *state* now.

    Done, cancelled, unscheduled, rescheduled or removed, whoever asks; *otherwise* when none of
    these is why (the options changed for `overdue`, the owners for `notify`).
    """
    if state is None:
        return Reason.REMOVED
    if state.status in (Status.DONE, Status.DONE_LATE):
        return Reason.DONE
    if state.status is Status.CANCELLED:
        return Reason.CANCELLED
    if state.status is Status.UNSCHEDULED:
        return Reason.UNSCHEDULED
    if deadline_of(state) != deadline:
        return Reason.RESCHEDULED
    return otherwise


# -- the envelope both state files share ------------------------------------------------------------


def _dumps(kind: str, as_of: date, body: Mapping[str, Any], indent: int | None) -> str:
    document = {"cloudplan": kind, "version": VERSION, "as_of": as_of.isoformat(), **body}
    return json.dumps(document, ensure_ascii=False, indent=indent, sort_keys=True) + "\n"


def _opened(text: str, source: str, kind: str, t: Translator) -> dict[str, Any]:
    """Return the document of a state file of *kind*; StateInvalid for anything else."""
    try:
        document: Any = json.loads(text)
    except ValueError as e:
        raise _invalid(source, t.gettext("not JSON ({why})").format(why=e), t, kind) from None
    if not isinstance(document, dict) or document.get("cloudplan") != kind:
        what = (
            t.gettext("not a cloudplan overdue state file")
            if kind == OVERDUE_KIND
            else t.gettext("not a cloudplan notify state file")
        )
        raise _invalid(source, what, t, kind)
    if document.get("version") != VERSION:
        why = t.gettext("version {v!r} is not supported").format(v=document.get("version"))
        raise _invalid(source, why, t, kind)
    return document


def _invalid(source: str, why: str, t: Translator, kind: str) -> StateInvalid:
    """The error for a state file of *kind* that cannot be used, and what deleting it would do."""
    hint = (
        t.gettext("delete it to start afresh: the next run then reports every overdue milestone as new")
        if kind == OVERDUE_KIND
        else t.gettext("nothing was sent; delete it to start afresh: the next run then sends every alert again")
    )
    return StateInvalid(t.gettext("{path}: cannot use this state file: {why}").format(path=source, why=why), hint=hint)


def _is_day(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


# -- overdue --state: the milestones the last run listed --------------------------------------------

OVERDUE_KIND = "overdue-state"


@dataclass(frozen=True, slots=True)
class Seen:
    """A listed milestone as the state file remembers it."""

    status: str
    deadline: str | None  # ISO date


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
    return Seen(state.status.value, deadline_of(state))


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
        Cleared(ref, was, _left(was, every.get(ref)), every.get(ref))
        for ref, was in sorted(previous.items())
        if ref not in now
    ]
    return Changes(new, cleared)


def _left(was: Seen, state: MilestoneState | None) -> Reason:
    """Why a listed milestone left the list: as `reason` says, else the window or the filters."""
    otherwise = Reason.NOT_DUE_SOON if state is not None and state.status is Status.UPCOMING else Reason.NOT_LISTED
    return reason(was.deadline, state, otherwise)


def dumps(listed: Iterable[MilestoneState], as_of: date) -> str:
    """Return the `overdue --state` file's text: the milestones listed as of *as_of*.

    One line, keys sorted for stable diffs.
    """
    items = {s.milestone.ref: {"status": s.status.value, "deadline": deadline_of(s)} for s in listed}
    return _dumps(OVERDUE_KIND, as_of, {"items": items}, None)


def loads(text: str | None, source: str, t: Translator = GATE) -> dict[str, Seen]:
    """Return what an `overdue --state` file remembers; no file (None) remembers nothing."""
    if text is None:
        return {}
    document = _opened(text, source, OVERDUE_KIND, t)
    items = document.get("items")
    if not isinstance(items, dict):
        raise _invalid(source, t.gettext("'items' must be an object"), t, OVERDUE_KIND)
    remembered = {}
    for ref, item in items.items():
        if (
            not isinstance(item, dict)
            or item.get("status") not in LISTED
            or not isinstance(item.get("deadline"), str | None)
        ):
            raise _invalid(source, t.gettext("the item {ref!r} is malformed").format(ref=ref), t, OVERDUE_KIND)
        remembered[ref] = Seen(item["status"], item["deadline"])
    return remembered


# -- notify --state: what each destination was sent -------------------------------------------------

NOTIFY_KIND = "notify-state"


class Memo(NamedTuple):
    """What a destination was last told about a milestone (one item of the notify state file)."""

    status: str  # "overdue" or "due-soon"
    deadline: str | None  # ISO day
    remind: int | None = None  # the tightest due-soon threshold sent for this deadline
    sent: str | None = None  # ISO day of the last overdue or still-overdue alert


class Sent(NamedTuple):
    """What a notify state file holds."""

    memory: dict[str, dict[str, Memo]]  # per destination, what each milestone was last alerted as
    last: dict[str, str]  # per destination, the id of the last message it took


def dumps_sent(memory: Mapping[str, Mapping[str, Memo]], as_of: date, last: Mapping[str, str] | None = None) -> str:
    """Return the notify state file's text: per destination, what each milestone was last alerted as,
    and the id of the last message it took.

    Indented, unlike what cloudplan prints: it is read by people asking what an owner was
    told, and each run rewrites it whole, so its size does not matter.
    """
    destinations = {
        d: {ref: {k: v for k, v in memo._asdict().items() if v is not None} for ref, memo in sorted(items.items())}
        for d, items in sorted(memory.items())
        if items
    }
    body: dict[str, Any] = {"destinations": destinations}
    if last:
        body["last_message"] = dict(sorted(last.items()))
    return _dumps(NOTIFY_KIND, as_of, body, 2)


def read_sent(text: str | None, source: str, t: Translator = GATE) -> Sent:
    """Return what a notify state file holds; no file (None) holds nothing.

    A file without `last_message` (written before it was kept) is read as one whose
    destinations took no message yet.
    """
    if text is None:
        return Sent({}, {})
    document = _opened(text, source, NOTIFY_KIND, t)
    destinations = document.get("destinations")
    if not isinstance(destinations, dict):
        raise _invalid(source, t.gettext("'destinations' must be an object"), t, NOTIFY_KIND)
    memory: dict[str, dict[str, Memo]] = {}
    for d, items in destinations.items():
        if not isinstance(items, dict):
            raise _invalid(source, t.gettext("the destination {d!r} is malformed").format(d=d), t, NOTIFY_KIND)
        memory[d] = {}
        for ref, item in items.items():
            memo = _memo(item)
            if memo is None:
                why = t.gettext("the item {ref!r} of {d!r} is malformed").format(ref=ref, d=d)
                raise _invalid(source, why, t, NOTIFY_KIND)
            memory[d][ref] = memo
    last = document.get("last_message", {})
    if not isinstance(last, dict) or not all(isinstance(i, str) and _ID.fullmatch(i) for i in last.values()):
        raise _invalid(source, t.gettext("'last_message' must map destinations to message ids"), t, NOTIFY_KIND)
    return Sent(memory, last)


_ID = re.compile("[0-9a-f]{32}")


def _memo(item: object) -> Memo | None:
    if not isinstance(item, dict) or set(item) - set(Memo._fields):
        return None
    status, deadline, remind, sent = (item.get(k) for k in Memo._fields)
    if status not in LISTED:
        return None
    if not all(v is None or _is_day(v) for v in (deadline, sent)):
        return None
    if remind is not None and (type(remind) is not int or remind < 0):
        return None
    return Memo(status, deadline, remind, sent)
