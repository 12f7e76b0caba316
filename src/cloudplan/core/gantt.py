"""The time axis and the spans of a Gantt chart of milestones; pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cloudplan.base import human  # the days inside its errors, in the language of the run
from cloudplan.base.errors import UsageError
from cloudplan.base.translate import _
from cloudplan.core import periods
from cloudplan.core.periods import Period, PeriodKind
from cloudplan.core.status import MilestoneState, Status


class Scale(StrEnum):
    """The unit of a time axis, from the finest."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


# Columns a unit needs for its label: "01 ", "Q1  ", "2020 ".
MIN_COLUMNS = {Scale.MONTH: 3, Scale.QUARTER: 4, Scale.YEAR: 5}


def unit_of(day: date, scale: Scale) -> Period:
    """Return the month, quarter or year that holds *day*."""
    kind = {Scale.MONTH: PeriodKind.MONTH, Scale.QUARTER: PeriodKind.QUARTER}.get(scale, PeriodKind.YEAR)
    return periods.holding(day, kind)


def _index(day: date, scale: Scale) -> int:
    """Return a number that grows by one from each unit to the next."""
    if scale is Scale.MONTH:
        return day.year * 12 + day.month - 1
    if scale is Scale.QUARTER:
        return day.year * 4 + (day.month - 1) // 3
    return day.year


def count(first: date, last: date, scale: Scale) -> int:
    """Return how many units of *scale* the days *first* to *last* touch."""
    return _index(last, scale) - _index(first, scale) + 1


@dataclass(frozen=True, slots=True)
class Axis:
    """Whole units of one scale from a first to a last day, each drawn *per_unit* columns wide."""

    scale: Scale
    units: tuple[Period, ...]
    per_unit: int

    @property
    def first(self) -> date:
        """The axis's first day."""
        return self.units[0].first

    @property
    def last(self) -> date:
        """The axis's last day."""
        return self.units[-1].last

    @property
    def width(self) -> int:
        """Columns the axis takes."""
        return len(self.units) * self.per_unit

    def position(self, day: date) -> float:
        """Return where *day* begins, in units from the axis's start (0 to len(units)); clamped."""
        if day < self.first:
            return 0.0
        if day > self.last:
            return float(len(self.units))
        i = _index(day, self.scale) - _index(self.first, self.scale)
        unit = self.units[i]
        return i + (day - unit.first).days / ((unit.last - unit.first).days + 1)

    def column(self, day: date) -> int:
        """Return the column that holds *day*: -1 before the axis, `width` after it."""
        if day < self.first:
            return -1
        if day > self.last:
            return self.width
        return int(self.position(day) * self.per_unit)


def axis(first: date, last: date, columns: int, scale: Scale | None = None) -> Axis:
    """Return the axis from *first* to *last* in at most *columns* columns.

    Without *scale*, the finest one whose units all get room for their label.
    Raises UsageError when the days cannot fit.
    """
    if last < first:
        raise UsageError(
            _("the timeline ends ({last}) before it starts ({first})").format(
                first=human.day(first), last=human.day(last)
            ),
            hint=_("check --from and --to"),
        )
    # Without a scale asked: the finest whose units all have room for their labels, else
    # (a narrow terminal) years however narrow, whose labels the chart then spaces out.
    tries = [(scale, 1)] if scale is not None else [(s, MIN_COLUMNS[s]) for s in Scale] + [(Scale.YEAR, 1)]
    for s, need in tries:
        n = count(first, last, s)
        if n * need <= columns:
            units = tuple(_units(first, n, s))
            return Axis(s, units, columns // n)
    raise UsageError(
        _("{first} to {last} does not fit in {columns} columns").format(
            first=human.day(first), last=human.day(last), columns=columns
        ),
        hint=_("narrow it with --from and --to, choose a coarser --scale, or widen the terminal (COLUMNS)"),
    )


def _units(first: date, n: int, scale: Scale) -> Iterable[Period]:
    unit = unit_of(first, scale)
    yield unit
    for _i in range(n - 1):
        unit = unit_of(date.fromordinal(unit.last.toordinal() + 1), scale)
        yield unit


@dataclass(frozen=True, slots=True)
class Span:
    """Where a milestone sits in time: from its start to where it ends, or nowhere (unscheduled, not done).

    *end* is where its bar ends and its mark sits: the day it was done, for a milestone done
    as of the chart's day (early or late: the picture shows when it happened), else its deadline.
    """

    start: date | None
    deadline: date | None
    end: date | None = None


def span(state: MilestoneState) -> Span:
    """Return a milestone's span: from its start (else its due period's first day) to its deadline or done day."""
    m = state.milestone
    done = m.done if state.status in (Status.DONE, Status.DONE_LATE) else None
    if m.due is None:
        start = m.start.first if m.start else done
        return Span(min(start, done) if start and done else start, None, done)
    end = done or m.due.last
    start = m.start.first if m.start else m.due.first
    return Span(min(start, m.due.last, end), m.due.last, end)


def extent(states: Iterable[MilestoneState], as_of: date) -> tuple[date, date]:
    """Return the first and last days that the milestones' spans need.

    The as-of day does not stretch the axis: a 2019 roadmap read today is drawn over its
    own years, not over the empty years since (the as-of line shows when the day falls
    inside). Without any dated milestone, the axis is the as-of day alone.
    """
    days = []
    for s in states:
        sp = span(s)
        days += [d for d in (sp.start, sp.deadline, sp.end) if d is not None]
    return (min(days), max(days)) if days else (as_of, as_of)
