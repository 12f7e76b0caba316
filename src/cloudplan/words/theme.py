"""The styles and colours of cloudplan's statuses, in one place, keyed by the engine's enums; pure (no Rich)."""

from __future__ import annotations

from cloudplan.core.status import IndicatorStatus, Status

STATUS_STYLES: dict[str, str] = {
    Status.OVERDUE: "bold red",
    Status.DUE_SOON: "yellow",
    Status.UPCOMING: "cyan",
    Status.UNSCHEDULED: "dim",
    Status.DONE_LATE: "green",
    Status.DONE: "green",
    Status.CANCELLED: "dim",
    IndicatorStatus.NO_DATA: "dim",
    IndicatorStatus.ACHIEVED: "green",
    IndicatorStatus.MISSED: "bold red",
    IndicatorStatus.ON_TRACK: "cyan",
    IndicatorStatus.BEHIND: "yellow",
}


def status_style(status: str) -> str:
    """Return the style for a milestone, project or indicator status."""
    return STATUS_STYLES.get(status, "")


# The same meanings for pages and pictures (the HTML report, SVG charts): dark enough
# to read as text on white, and told apart by more than hue where it matters.
STATUS_COLOURS: dict[str, str] = {
    Status.OVERDUE: "#c62828",
    Status.DUE_SOON: "#b26a00",
    Status.UPCOMING: "#00838f",
    Status.UNSCHEDULED: "#757575",
    Status.DONE_LATE: "#558b2f",
    Status.DONE: "#2e7d32",
    Status.CANCELLED: "#9e9e9e",
    IndicatorStatus.NO_DATA: "#757575",
    IndicatorStatus.ACHIEVED: "#2e7d32",
    IndicatorStatus.MISSED: "#c62828",
    IndicatorStatus.ON_TRACK: "#00838f",
    IndicatorStatus.BEHIND: "#b26a00",
}
AS_OF_COLOUR = "#8e24aa"


def status_colour(status: str) -> str:
    """Return the colour of a status on a page or in a picture."""
    return STATUS_COLOURS.get(status, "#424242")
