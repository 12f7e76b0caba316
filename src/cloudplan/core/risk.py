"""Milestones at risk through their dependencies: the walk that marks them, in time linear in the plan,
the chain that explains each, what an edit puts at risk downstream, and a milestone with its neighbours; pure.

A milestone not closed is at risk as of a day when one of its dependencies, directly or through
others, is overdue, is cancelled, or is open with a deadline after its own (see `risks`).
`status.portfolio_state` marks every view's milestones through `with_risks`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from cloudplan.core.model import Milestone, Portfolio
from cloudplan.core.status import OPEN, MilestoneState, ProjectState, Status, milestone_state

# The members as plain names, for the code run per milestone (see status); records built in C.
_OVERDUE, _CANCELLED = Status.OVERDUE, Status.CANCELLED
_new = tuple.__new__


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
        if status not in OPEN:  # closed: met or cancelled, whatever it depended on
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
        if d[1] not in OPEN:
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


class MilestoneDetail(NamedTuple):
    """A milestone, what it depends on, what depends on it, and why it is at risk."""

    state: MilestoneState
    project: ProjectState
    dependencies: tuple[MilestoneState, ...]
    dependants: tuple[MilestoneState, ...]
    chains: tuple[tuple[str, ...], ...]  # for each ref of blocked_by: [it, ..., that ref]
    blockers: tuple[MilestoneState, ...]


def milestone_detail(projects: list[ProjectState], ref: str) -> MilestoneDetail:
    """Return milestone *ref* of *projects* (states with risks) in full."""
    states = {s.milestone.ref: s for p in projects for s in p.milestones}
    state = states[ref]
    project = next(p for p in projects if p.project.id == state.milestone.project)
    deps = tuple(states[d] for d in state.milestone.depends_on if d in states)
    users = tuple(s for s in states.values() if ref in s.milestone.depends_on)
    chains = tuple(tuple(risk_chain(states.values(), ref, b)) for b in state.blocked_by)
    return MilestoneDetail(state, project, deps, users, chains, tuple(states[b] for b in state.blocked_by))
