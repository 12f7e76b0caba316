"""Where everything stands as of a day: milestones, projects, indicators; pure."""

from __future__ import annotations

from collections.abc import Iterable
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
        return self in _OPEN


_URGENCY = {s: i for i, s in enumerate(Status)}
# The members as plain names, for the code run per milestone: `Status.OVERDUE` goes through
# the Enum metaclass, about 0.2 µs a lookup.
_OVERDUE, _DUE_SOON, _UPCOMING, _UNSCHEDULED, _DONE_LATE, _DONE, _CANCELLED = Status
_new = tuple.__new__  # builds a record in C, where NamedTuple's own __new__ is Python code
_OPEN = frozenset({Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING, Status.UNSCHEDULED})


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
    return with_risks([project_state(p, as_of_day, window) for p in portfolio.projects])


def with_risks(projects: list[ProjectState]) -> list[ProjectState]:
    """Return *projects* with each open milestone's `at_risk` and `blocked_by` set (see `risks`)."""
    flat = [s for p in projects for s in p.milestones]
    found = _walk(flat)
    if not found:
        return projects
    out = []
    marks = iter(sorted(found))  # positions in *flat*, rebuilt project by project
    mark, start = next(marks), 0
    for p in projects:
        end = start + len(p.milestones)
        if mark < end:
            states = list(p.milestones)
            while mark < end:
                s = states[mark - start]
                states[mark - start] = _new(MilestoneState, (*s[:4], True, found[mark]))
                mark = next(marks, len(flat))
            p = _new(ProjectState, (*p[:4], tuple(states)))
        out.append(p)
        start = end
    return out


def risks(states: Iterable[MilestoneState]) -> dict[str, tuple[str, ...]]:
    """Return, for each open milestone at risk, the refs that put it at risk; in time linear in the plan.

    An open milestone is at risk when one of its dependencies, directly or through open
    ones, is overdue, is cancelled, or is open with a deadline after its own. A done
    dependency is met: what it depended on no longer matters. Named: every overdue or
    cancelled milestone reached, and for each dependency the latest-due open milestone
    reached through it when that one is due after the milestone.
    """
    listed = list(states)
    return {listed[i].milestone.ref: blockers for i, blockers in _walk(listed).items()}


def _walk(states: list[MilestoneState]) -> dict[int, tuple[str, ...]]:
    """Return `risks` keyed by position in *states*: the walk itself, run for every view of a portfolio."""
    # One pass in file order, where dependencies usually come first; a milestone that waits for
    # one further down is put off, then walked to in dependency order.
    by_ref: dict[str, MilestoneState] = {}
    # Per open milestone walked: the overdue or cancelled refs reached through it (itself
    # included), and the open milestone reached through it (itself included) with the latest deadline.
    hard: dict[str, tuple[str, ...]] = {}
    latest: dict[str, tuple[date, str] | None] = {}
    found: dict[int, tuple[str, ...]] = {}
    pending: dict[str, int] = {}  # ref: position
    for i, state in enumerate(states):
        m, status = state[0], state[1]
        ref = f"{m.project}/{m.id}"  # m.ref, without a call each
        by_ref[ref] = state
        if status not in _OPEN:  # closed: met or cancelled, whatever it depended on
            continue
        deps = m.depends_on
        if not deps:  # the common case, made cheap: it can only pass its own state on
            if status is _OVERDUE:
                hard[ref] = (ref,)
            due = m.due
            latest[ref] = (due.last, ref) if due is not None else None
            continue
        for d in deps:
            if d not in by_ref or d in pending:  # further down, or waiting itself
                pending[ref] = i
                break
        else:
            blockers = _risk_of(ref, state, by_ref, hard, latest)
            if blockers:
                found[i] = blockers
    for ref in list(pending):
        if ref in pending:
            for each, i in _dependencies_first(ref, by_ref, pending):
                blockers = _risk_of(each, by_ref[each], by_ref, hard, latest)
                if blockers:
                    found[i] = blockers
    return found


_NONE: tuple[str, ...] = ()


def _risk_of(
    ref: str,
    state: MilestoneState,
    by_ref: dict[str, MilestoneState],
    hard: dict[str, tuple[str, ...]],
    latest: dict[str, tuple[date, str] | None],
) -> tuple[str, ...]:
    """Return what puts the open milestone *ref* at risk, its dependencies' risk being known (see `risks`),
    and record what it passes on; lean, as it runs per milestone."""
    m = state[0]
    due = m.due.last if m.due is not None else None
    reached: tuple[str, ...] = _NONE  # overdue or cancelled, up the chains
    late: list[str] | None = None  # due after this one, up the chains
    top: tuple[date, str] | None = None
    for dep in m.depends_on:
        d = by_ref.get(dep)
        if d is None:
            continue
        if d[1] not in _OPEN:
            if d[1] is _CANCELLED and dep not in reached:
                reached += (dep,)
            continue
        up_hard = hard.get(dep, _NONE)  # a dependency in a cycle (refused by check) counts for nothing
        if up_hard:
            reached = up_hard if not reached else reached + tuple(r for r in up_hard if r not in reached)
        up = latest.get(dep)
        if up is not None:
            if top is None or up > top:
                top = up
            if due is not None and up[0] > due:
                late = [up[1]] if late is None else [*late, up[1]]
    blockers = reached
    if late is not None:
        blockers = reached + tuple(dict.fromkeys(r for r in late if r not in reached))
    if state[1] is _OVERDUE:
        reached += (ref,)
    if due is not None and (top is None or due >= top[0]):
        top = (due, ref)
    hard[ref] = reached
    latest[ref] = top
    return blockers


def _dependencies_first(root: str, by_ref: dict[str, MilestoneState], pending: dict[str, int]) -> list[tuple[str, int]]:
    """Return *root* and the *pending* milestones it waits for, each after its own, with their positions,
    taking them out of *pending* (a cycle is cut anywhere)."""
    order: list[tuple[str, int]] = []
    stack = [(root, pending.pop(root), iter(by_ref[root].milestone.depends_on))]
    while stack:
        ref, i, deps = stack[-1]
        for dep in deps:
            if dep in pending:
                stack.append((dep, pending.pop(dep), iter(by_ref[dep].milestone.depends_on)))
                break
        else:
            order.append((ref, i))
            stack.pop()
    return order


def risk_chain(states: Iterable[MilestoneState], ref: str, blocker: str) -> list[str]:
    """Return the shortest chain of open dependencies from *ref* to *blocker*: [ref, ..., blocker].

    Empty when *blocker* cannot be reached that way.
    """
    by_ref = {s.milestone.ref: s for s in states}
    came: dict[str, str] = {ref: ref}
    queue = [ref]
    for current in queue:
        if current == blocker:
            chain = [current]
            while chain[-1] != ref:
                chain.append(came[chain[-1]])
            return chain[::-1]
        here = by_ref.get(current)
        if here is None or (current != ref and not here.status.is_open):
            continue
        for dep in here.milestone.depends_on:
            if dep not in came and dep in by_ref:
                came[dep] = current
                queue.append(dep)
    return []


class Impact(NamedTuple):
    """A milestone downstream of a change that the change puts at risk, and the chains that say why."""

    state: MilestoneState
    chains: tuple[tuple[str, ...], ...]  # each [the milestone, ..., what puts it at risk]
    blockers: tuple[MilestoneState, ...]  # the last of each chain


def dependants(milestones: Iterable[Milestone], ref: str) -> list[str]:
    """Return every milestone that depends on *ref*, directly or through others, nearest first."""
    users: dict[str, list[str]] = {}
    for m in milestones:
        for dep in m.depends_on:
            users.setdefault(dep, []).append(m.ref)
    seen = {ref}
    queue = [ref]
    for current in queue:
        for user in users.get(current, ()):
            if user not in seen:
                seen.add(user)
                queue.append(user)
    return queue[1:]


def impact(portfolio: Portfolio, changed: Milestone, day: date, window: int) -> list[Impact]:
    """Return the milestones downstream of *changed* that its change puts at risk as of *day*.

    *changed* is the milestone as the edit leaves it; one downstream is reported when the
    change adds a reason for it to be at risk.
    """
    old = [milestone_state(m, day, window) for m in portfolio.milestones]
    new = [milestone_state(changed, day, window) if s.milestone.ref == changed.ref else s for s in old]
    before, after = risks(old), risks(new)
    by_ref = {s.milestone.ref: s for s in new}
    found = []
    for ref in dependants(portfolio.milestones, changed.ref):
        added = [b for b in after.get(ref, ()) if b not in before.get(ref, ())]
        if added:
            state = by_ref[ref]._replace(at_risk=True, blocked_by=after[ref])
            chains = tuple(tuple(risk_chain(new, ref, b)) for b in added)
            found.append(Impact(state, chains, tuple(by_ref[b] for b in added)))
    return found


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
    return base.value + (target.value - base.value) * (on - start).days / (end - start).days


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
        progress = (latest.value - base.value) / (target.value - base.value)
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
