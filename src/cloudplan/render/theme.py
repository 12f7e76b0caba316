"""The styles of cloudplan's statuses, in one place."""

from __future__ import annotations

STATUS_STYLES = {
    "overdue": "bold red",
    "due-soon": "yellow",
    "upcoming": "cyan",
    "unscheduled": "dim",
    "done-late": "green",
    "done": "green",
    "cancelled": "dim",
    "no-data": "dim",
    "achieved": "green",
    "missed": "bold red",
    "on-track": "cyan",
    "behind": "yellow",
}


def status_style(status: str) -> str:
    """Return the style for a milestone, project or indicator status."""
    return STATUS_STYLES.get(status, "")
