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


# The same meanings for pages and pictures (the HTML report, SVG charts). Each is a badge's
# background under white text and a mark or text on white, so each keeps a contrast of at
# least 4.5:1 with white (WCAG 2.1 AA for normal text; tests/test_gallery.py measures them);
# shapes, not only hues, tell the statuses apart in the charts.
STATUS_COLOURS: dict[str, str] = {
    Status.OVERDUE: "#c62828",
    Status.DUE_SOON: "#a05a00",
    Status.UPCOMING: "#007580",
    Status.UNSCHEDULED: "#757575",
    Status.DONE_LATE: "#4a7c25",
    Status.DONE: "#2e7d32",
    Status.CANCELLED: "#6d6d6d",
    IndicatorStatus.NO_DATA: "#757575",
    IndicatorStatus.ACHIEVED: "#2e7d32",
    IndicatorStatus.MISSED: "#c62828",
    IndicatorStatus.ON_TRACK: "#007580",
    IndicatorStatus.BEHIND: "#a05a00",
}
AS_OF_COLOUR = "#8e24aa"
AT_RISK_COLOUR = "#bf360c"  # the ⚠ of a milestone at risk, on white: 5.6:1


def status_colour(status: str) -> str:
    """Return the colour of a status on a page or in a picture."""
    return STATUS_COLOURS.get(status, "#424242")
