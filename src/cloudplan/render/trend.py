"""The milestone trend analysis chart in the terminal: report date across, deadline in force up."""

from __future__ import annotations

from datetime import date

from rich.console import Group, RenderableType
from rich.text import Text

from cloudplan.base import human
from cloudplan.base.inert import inert_text
from cloudplan.base.translate import _
from cloudplan.core.periods import shift
from cloudplan.core.trend import Trend, first_day, label
from cloudplan.render.timeline import cells_line
from cloudplan.words import statuses
from cloudplan.words.theme import status_style

STYLES = ("blue", "red", "green", "magenta", "yellow", "cyan", "bright_blue", "bright_red", "bright_green", "white")
DIAGONAL = "·"


def extent(found: list[Trend], as_of: date) -> tuple[date, date]:
    """Return the range both axes share: every line's start and end, every deadline."""
    starts = [day for t in found if (day := first_day(t)) is not None]
    starts += [shift(d.since, -90) for t in found for d in t.deadlines if d.since is not None]
    days = starts + [t.end or as_of for t in found] + [d.period.last for t in found for d in t.deadlines]
    lo, hi = min(days), max(days)
    lo = date(lo.year, 1, 1)
    hi = date(hi.year, 12, 31)
    return lo, hi


def trend_view(found: list[Trend], as_of: date, width: int, height: int = 16) -> RenderableType:
    """Return the chart *width* columns wide: one line per milestone, numbered as in the legend below it."""
    title = Text(_("Milestone trend analysis as of {day}").format(day=human.day(as_of)), style="bold")
    if not found:
        return Group(title, Text(_("No deadline has slipped."), style="dim"))
    lo, hi = extent(found, as_of)
    span = max((hi - lo).days, 1)
    gutter = 6
    cols = max(width - gutter - 3, 20)
    grid: list[list[tuple[str, str]]] = [[(" ", "")] * cols for _row in range(height)]

    def col(day: date) -> int:
        return min(cols - 1, max(0, round((day - lo).days / span * (cols - 1))))

    def row(day: date) -> int:
        return min(height - 1, max(0, height - 1 - round((day - lo).days / span * (height - 1))))

    for c in range(cols):
        day = lo + (hi - lo) * c / (cols - 1)
        grid[row(day)][c] = (DIAGONAL, "dim")
    for i, trend in enumerate(found):
        style = STYLES[i % len(STYLES)]
        mark = label(i)
        start, end = first_day(trend) or lo, trend.end or as_of
        previous: int | None = None
        steps = list(trend.deadlines)
        for n, deadline in enumerate(steps):
            since = deadline.since or start
            until = steps[n + 1].since or since if n + 1 < len(steps) else max(end, since)
            r, c0, c1 = row(deadline.period.last), col(since), col(until)
            if previous is not None and previous != r:
                for rr in range(min(previous, r) + 1, max(previous, r)):
                    grid[rr][c0] = ("│", style)
            for c in range(c0, c1 + 1):
                grid[r][c] = ("─", style)
            grid[r][c0] = (mark, "bold " + style)
            previous = r
        if previous is not None:
            grid[previous][col(max(end, start))] = (mark, "bold " + style)
    lines: list[RenderableType] = [title, Text("")]
    year_at = {row(date(year, 7, 1)): str(year) for year in range(lo.year, hi.year + 1)}
    for r, cells in enumerate(grid):
        lines.append(cells_line(Text(year_at.get(r, "").rjust(gutter - 1) + " ┤", style="dim"), cells))
    axis = [" "] * cols
    for year in range(lo.year, hi.year + 1):
        c = col(date(year, 7, 1)) - 2
        if c >= 0 and c + 4 <= cols and all(a == " " for a in axis[max(0, c - 1) : c + 5]):
            axis[c : c + 4] = list(str(year))
    lines.append(Text(" " * gutter + "└" + "─" * cols, style="dim"))
    lines.append(Text(" " * (gutter + 1) + "".join(axis).rstrip(), style="dim"))
    lines.append(
        Text(_("across: report date; up: deadline in force; {d} deadline = report date").format(d=DIAGONAL * 3),
             style="dim")
    )  # fmt: skip
    lines.append(Text(""))
    for i, trend in enumerate(found):
        m = trend.state.milestone
        item = Text(f"{label(i)} ", style="bold " + STYLES[i % len(STYLES)])
        item.append(inert_text(m.ref), style="bold")
        item.append("  " + inert_text(m.title) + "  ")
        item.append(statuses.label(trend.state.status.value), style=status_style(trend.state.status))
        moves = " → ".join(human.period(d.period) for d in trend.deadlines)
        item.append("  " + moves, style="dim")
        lines.append(item)
    return Group(*lines)
