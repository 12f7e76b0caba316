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


# The same meanings for pages and pictures (the HTML report, SVG charts): dark enough
# to read as text on white, and told apart by more than hue where it matters.
STATUS_COLOURS = {
    "overdue": "#c62828",
    "due-soon": "#b26a00",
    "upcoming": "#00838f",
    "unscheduled": "#757575",
    "done-late": "#558b2f",
    "done": "#2e7d32",
    "cancelled": "#9e9e9e",
    "no-data": "#757575",
    "achieved": "#2e7d32",
    "missed": "#c62828",
    "on-track": "#00838f",
    "behind": "#b26a00",
}
AS_OF_COLOUR = "#8e24aa"


def status_colour(status: str) -> str:
    """Return the colour of a status on a page or in a picture."""
    return STATUS_COLOURS.get(status, "#424242")
