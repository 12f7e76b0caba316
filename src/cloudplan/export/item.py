"""One item in full, for `cloudplan show`: a milestone, a project or an indicator, as JSON-ready data; pure."""

from __future__ import annotations

from datetime import date
from typing import Any

from cloudplan.core.risk import MilestoneDetail
from cloudplan.core.status import IndicatorState, MilestoneState, ProjectState
from cloudplan.export import records


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
