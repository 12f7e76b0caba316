"""Where everything stands as of a day: milestones, projects, indicators; pure."""

from __future__ import annotations

import math
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from cloudplan.core.model import Indicator, Milestone, Portfolio, Project


class Status(StrEnum):
    """A milestone's (or project's) status, listed from the most urgent."""

    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    UPCOMING = "upcoming"
    UNSCHEDULED = "unscheduled"
    DONE_LATE = "done-late"
    DONE = "done"
    CANCELLED = "cancelled"

    # Hash as the string it is: Enum's own __hash__ is Python code, and statuses are
    # looked up by the ten thousand on a national portfolio.
    __hash__ = str.__hash__

    @property
    def urgency(self) -> int:
        """0 for the most urgent status."""
        return _URGENCY[self]

    @property
    def is_open(self) -> bool:
        """Whether the milestone still has to be done."""
        return self in OPEN


_URGENCY = {s: i for i, s in enumerate(Status)}
# The members as plain names, for the code run per milestone: `Status.OVERDUE` goes through
# the Enum metaclass, about 0.2 µs a lookup.
_OVERDUE, _DUE_SOON, _UPCOMING, _UNSCHEDULED, _DONE_LATE, _DONE, _CANCELLED = Status
_new = tuple.__new__  # builds a record in C, where NamedTuple's own __new__ is Python code
OPEN = frozenset({Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING, Status.UNSCHEDULED})  # not done nor cancelled


class IndicatorStatus(StrEnum):
    """Where an indicator stands against its straight line from baseline to target."""

    NO_DATA = "no-data"
    ACHIEVED = "achieved"
    MISSED = "missed"
    ON_TRACK = "on-track"
    BEHIND = "behind"

    __hash__ = str.__hash__


class MilestoneState(NamedTuple):
    """A milestone as of a day."""

    milestone: Milestone
    status: Status
    days_left: int | None  # deadline minus the day, for milestones not closed
    slipped_days: int
    at_risk: bool = False  # a dependency, directly or through others, is overdue, cancelled or due after it
    blocked_by: tuple[str, ...] = ()  # the refs that put it at risk


class ProjectState(NamedTuple):
    """A project as of a day: its milestones' states, the most urgent status, progress."""

    project: Project
    status: Status
    done: int
    total: int  # every milestone but the cancelled ones
    milestones: tuple[MilestoneState, ...]


class IndicatorState(NamedTuple):
    """An indicator as of a day."""

    indicator: Indicator
    status: IndicatorStatus
    latest: float | None
    latest_on: date | None
    expected: float | None  # on the straight line, as of the day
    progress: float | None  # share of the way from baseline to target, 0 to 1 (or beyond)


def as_of(m: Milestone, day: date) -> Milestone:
    """Return *m* as it stood on *day*: later slips undone, later done and cancelled dates not yet written.

    The deadline in force on *day* is the `from` of the first slip recorded after it; a
    slip without a date counts as already made.
    """
    if m.slips:
        for i, slip in enumerate(m.slips):
            if slip.on is not None and slip.on > day:
                m = m._replace(due=slip.from_, slips=m.slips[:i])
                break
    done, cancelled = m.done, m.cancelled
    if (done is not None and done > day) or (cancelled is not None and cancelled > day):
        m = m._replace(
            done=done if done is None or done <= day else None,
            cancelled=cancelled if cancelled is None or cancelled <= day else None,
        )
    return m


def milestone_state(m: Milestone, as_of_day: date, window: int) -> MilestoneState:
    """Return *m*'s status, days left and days slipped as of *as_of_day*, as the plan stood that day.

    The state's milestone is *m* as of that day (see `as_of`), so that every view shows it so.
    Run for every milestone of a portfolio by every view: written out flat, and the record
    built in C (NamedTuple's __new__ with defaults is Python code).
    """
    due = m.due
    if m.slips or m.done is not None or m.cancelled is not None:  # else nothing can have happened after the day
        m = as_of(m, as_of_day)
        due, done = m.due, m.done
        if m.cancelled is not None:
            return _new(MilestoneState, (m, _CANCELLED, None, slipped_days(m), False, ()))
        if done is not None:
            status = _DONE_LATE if due is not None and done > due.last else _DONE
            return _new(MilestoneState, (m, status, None, slipped_days(m), False, ()))
    if due is None:
        return _new(MilestoneState, (m, _UNSCHEDULED, None, slipped_days(m) if m.slips else 0, False, ()))
    left = (due.last - as_of_day).days
    status = _OVERDUE if left < 0 else _DUE_SOON if left <= window else _UPCOMING
    return _new(MilestoneState, (m, status, left, slipped_days(m) if m.slips else 0, False, ()))


def slipped_days(m: Milestone) -> int:
    """Return the deadline now minus the deadline before the first slip (0 if it never slipped)."""
    if not m.slips or m.due is None or m.slips[0].from_ is None:
        return 0
    return (m.due.last - m.slips[0].from_.last).days


def project_state(project: Project, as_of: date, window: int) -> ProjectState:
    """Return the state of *project* and of each of its milestones."""
    states = tuple([milestone_state(m, as_of, window) for m in project.milestones])
    return project_state_of(project, states)


def portfolio_state(portfolio: Portfolio, as_of_day: date, window: int) -> list[ProjectState]:
    """Return the state of every project of *portfolio*, its milestones marked at risk where they are."""
    from cloudplan.core.risk import with_risks  # risk builds on these states: imported when they exist

    return with_risks([project_state(p, as_of_day, window) for p in portfolio.projects])


def project_state_of(project: Project, states: tuple[MilestoneState, ...]) -> ProjectState:
    """Return the state of *project* from its (possibly filtered) milestones' states.

    A project without milestones counts as unscheduled.
    """
    statuses = [s.status for s in states]
    status = min(statuses, key=_URGENCY.__getitem__, default=Status.UNSCHEDULED)
    done = statuses.count(_DONE) + statuses.count(_DONE_LATE)
    total = len(statuses) - statuses.count(_CANCELLED)
    return ProjectState(project, status, done, total, states)


def expected_value(indicator: Indicator, on: date) -> float | None:
    """Return the value on the straight line from baseline to target on *on*, held flat outside it."""
    base, target = indicator.baseline, indicator.target
    if base is None or target is None:
        return None
    start, end = base.when.last, target.when.last
    if on <= start:
        return base.value
    if on >= end or end <= start:
        return target.value
    share = (on - start).days / (end - start).days
    # Weighted, never base + (target - base) * share: that difference overflows near 1e308.
    return base.value * (1 - share) + target.value * share


def _progress(value: float, base: float, target: float) -> float | None:
    """Return the share of the way from *base* to *target* that *value* stands at; None when no float holds it.

    Near the largest floats (1e308) a difference overflows: then every value is halved first, which cannot.
    """
    part, whole = value - base, target - base
    if not (math.isfinite(part) and math.isfinite(whole)):
        part, whole = value / 2 - base / 2, target / 2 - base / 2
    if whole == 0:
        return None
    share = part / whole
    return share if math.isfinite(share) else None


def indicator_state(indicator: Indicator, as_of: date) -> IndicatorState:
    """Return where *indicator* stands as of *as_of*, from its measures on or before that day."""
    measures = [m for m in indicator.measures if m.on <= as_of]
    expected = expected_value(indicator, as_of)
    base, target = indicator.baseline, indicator.target
    if not measures:
        return IndicatorState(indicator, IndicatorStatus.NO_DATA, None, None, expected, None)
    latest = measures[-1]
    progress = None
    if base is not None and target is not None and target.value != base.value:
        progress = _progress(latest.value, base.value, target.value)
    if target is None or base is None:
        return IndicatorState(indicator, IndicatorStatus.NO_DATA, latest.value, latest.on, expected, progress)
    lower_is_better = target.value < base.value

    def reached(value: float, bar: float) -> bool:
        return value <= bar if lower_is_better else value >= bar

    if reached(latest.value, target.value):
        status = IndicatorStatus.ACHIEVED
    elif as_of > target.when.last:
        status = IndicatorStatus.MISSED
    else:
        line = expected_value(indicator, latest.on)
        status = IndicatorStatus.ON_TRACK if line is None or reached(latest.value, line) else IndicatorStatus.BEHIND
    return IndicatorState(indicator, status, latest.value, latest.on, expected, progress)


def next_deadline(state: ProjectState) -> MilestoneState | None:
    """Return the project's next deadline: its open milestone with the earliest deadline, overdue included.

    An overdue milestone is still the next thing the project owes: leaving it out would show
    a later date (or none) for exactly the projects that are behind. Ties go to the first in
    the plan; milestones without a deadline, done or cancelled do not count.
    """
    dated = [s for s in state.milestones if s.status.is_open and s.milestone.due is not None]
    return min(dated, key=lambda s: s.milestone.due.last if s.milestone.due else date.max, default=None)
