"""The JSON-ready shapes of milestones, projects and indicators that every machine format shares."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import TYPE_CHECKING, Any

from cloudplan.core.model import Milestone
from cloudplan.core.status import IndicatorState, MilestoneState, ProjectState

if TYPE_CHECKING:
    from cloudplan.core.model import Snapshot

MILESTONE_FIELDS = (
    "ref", "project", "id", "title", "owners", "start", "due", "deadline", "done", "cancelled",
    "status", "days_left", "slipped_days", "plan",
)  # fmt: skip


def milestone(state: MilestoneState) -> dict[str, Any]:
    """Return a milestone as the JSON object every machine format shares (CSV keeps MILESTONE_FIELDS).

    Run ten thousand times by `status --format json`: attributes are read once, the
    status goes in as the StrEnum it is (a str; its value for json and csv alike), and
    the lists as the tuples they are (json writes both as arrays): no copy per milestone.
    """
    m = state.milestone
    start, due, done, cancelled = m.start, m.due, m.done, m.cancelled
    record = {
        "ref": f"{m.project}/{m.id}",
        "project": m.project,
        "id": m.id,
        "title": m.title,
        "owners": m.owners,
        "start": start.text if start is not None else None,
        "due": due.text if due is not None else None,
        "deadline": due.last.isoformat() if due is not None else None,
        "done": done.isoformat() if done is not None else None,
        "cancelled": cancelled.isoformat() if cancelled is not None else None,
        "status": state.status,
        "days_left": state.days_left,
        "slipped_days": state.slipped_days,
        "depends_on": m.depends_on,
        "notes": m.notes,
        "at_risk": state.at_risk,
        "blocked_by": state.blocked_by,
        "plan": m.source,
    }
    if m.origin is not None:  # read through a portfolio file: the source it came from
        record["source"] = m.origin
    return record


def project(state: ProjectState) -> dict[str, Any]:
    """Return a project, its status, progress and milestones."""
    p = state.project
    record = {
        "id": p.id,
        "title": p.title,
        "owners": p.owners,
        "tags": p.tags,
        "status": state.status.value,
        "progress": {"done": state.done, "total": state.total},
        "milestones": [milestone(s) for s in state.milestones],
        "plan": p.source,
    }
    if p.origin is not None:
        record["source"] = p.origin
    return record


def indicator(state: IndicatorState) -> dict[str, Any]:
    """Return an indicator, its latest measure, expected value and status."""
    i = state.indicator
    record = {
        "id": i.id,
        "title": i.title,
        "unit": i.unit,
        "project": i.project,
        "baseline": {"value": i.baseline.value, "on": i.baseline.when.text} if i.baseline else None,
        "target": {"value": i.target.value, "by": i.target.when.text} if i.target else None,
        "latest": ({"value": state.latest, "on": state.latest_on.isoformat()} if state.latest_on is not None else None),
        "expected": None if state.expected is None else round(state.expected, 6),
        "progress": None if state.progress is None else round(state.progress, 6),
        "status": state.status.value,
        "measures": [{"on": m.on.isoformat(), "value": m.value, "note": m.note} for m in i.measures],
        "plan": i.source,
    }
    if i.origin is not None:
        record["source"] = i.origin
    return record


def sources(snapshots: Iterable[Snapshot]) -> list[dict[str, str]]:
    """Return the sources read through portfolio files: name, commit read, when it was fetched (UTC)."""
    return [
        {"name": s.name, "commit": s.commit, "fetched": s.fetched.astimezone(UTC).isoformat().replace("+00:00", "Z")}
        for s in snapshots
    ]


def slips(m: Milestone) -> list[dict[str, str | None]]:
    """Return a milestone's slips as `history` and `show` print them: periods as written, days as ISO."""
    return [
        {
            "from": s.from_.text if s.from_ else None,
            "to": s.to.text if s.to else None,
            "on": s.on.isoformat() if s.on else None,
            "reason": s.reason,
        }
        for s in m.slips
    ]
