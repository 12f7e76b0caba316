"""Milestone trend analysis (the slip chart): the deadline in force over time, from the slip records; pure.

A milestone's line starts at its original deadline and steps to each new one on the day
the slip was recorded. Drawn against the report date with the diagonal deadline = date:
flat is on plan, rising is slipping, and a line that meets the diagonal is done.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from cloudplan.core.periods import Period
from cloudplan.core.status import MilestoneState


class Deadline(NamedTuple):
    """A deadline in force from a day on (None: from the start, the original deadline)."""

    since: date | None
    period: Period


class Trend(NamedTuple):
    """A milestone and the deadlines it had, in order."""

    state: MilestoneState
    deadlines: tuple[Deadline, ...]

    @property
    def end(self) -> date | None:
        """The last day the line runs to: when the milestone was closed, else None (the report date)."""
        m = self.state.milestone
        return m.done or m.cancelled


def deadlines(state: MilestoneState) -> tuple[Deadline, ...]:
    """Return the deadlines in force over time of *state*'s milestone, as it stood on the state's day."""
    m = state.milestone
    if not m.slips:
        return (Deadline(None, m.due),) if m.due is not None else ()
    found: list[Deadline] = []
    first = m.slips[0].from_
    if first is not None:
        found.append(Deadline(None, first))
    for slip in m.slips:
        if slip.to is not None:
            found.append(Deadline(slip.on, slip.to))
    return tuple(found)


def trends(states: Iterable[MilestoneState], refs: Iterable[str] = ()) -> list[Trend]:
    """Return the trend of each milestone that slipped, or of each milestone named in *refs* (in that order)."""
    wanted = list(refs)
    if wanted:
        by_ref = {s.milestone.ref: s for s in states}
        return [Trend(by_ref[r], deadlines(by_ref[r])) for r in wanted if r in by_ref]
    return [Trend(s, deadlines(s)) for s in states if s.milestone.slips and deadlines(s)]


def first_day(trend: Trend) -> date | None:
    """Return where a line starts on the report-date axis: the milestone's start; None: the axis's left edge."""
    m = trend.state.milestone
    return m.start.first if m.start is not None else None


def document(found: list[Trend], as_of: date) -> dict[str, Any]:
    """Return `trend --format json`."""
    return {
        "as_of": as_of.isoformat(),
        "milestones": [
            {
                "ref": t.state.milestone.ref,
                "title": t.state.milestone.title,
                "status": t.state.status.value,
                "deadlines": [
                    {
                        "since": d.since.isoformat() if d.since else None,
                        "period": d.period.text,
                        "deadline": d.period.last.isoformat(),
                    }
                    for d in t.deadlines
                ],
            }
            for t in found
        ],
    }


def label(i: int) -> str:
    """Return the number or letter a line carries: 1 to 9, then a to z."""
    return str(i + 1) if i < 9 else chr(ord("a") + (i - 9) % 26)
