"""One item in full, for `cloudplan show`: a milestone, a project or an indicator, as JSON-ready data; pure."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from cloudplan.core.status import IndicatorState, MilestoneState, ProjectState, risk_chain
from cloudplan.export import records


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


def _brief(state: MilestoneState) -> dict[str, Any]:
    m = state.milestone
    return {
        "ref": m.ref,
        "title": m.title,
        "deadline": m.due.last.isoformat() if m.due else None,
        "status": state.status.value,
        "at_risk": state.at_risk,
    }


def milestone(detail: MilestoneDetail, as_of: date) -> dict[str, Any]:
    """Return `show REF --format json`."""
    m = detail.state.milestone
    return {
        "as_of": as_of.isoformat(),
        "kind": "milestone",
        **records.milestone(detail.state),
        "project_title": detail.project.project.title,
        "dependencies": [_brief(s) for s in detail.dependencies],
        "dependants": [_brief(s) for s in detail.dependants],
        "risk_chains": [list(c) for c in detail.chains],
        "slips": records.slips(m),
    }


def project(state: ProjectState, as_of: date) -> dict[str, Any]:
    """Return `show PROJECT --format json`."""
    return {
        "as_of": as_of.isoformat(),
        "kind": "project",
        **records.project(state),
        "description": state.project.description,
    }


def indicator(state: IndicatorState, as_of: date) -> dict[str, Any]:
    """Return `show INDICATOR --format json`."""
    return {"as_of": as_of.isoformat(), "kind": "indicator", **records.indicator(state)}
