"""The `timeline` view: a Gantt chart of milestones by project, readable with or without colour."""

from __future__ import annotations

from datetime import date

from rich.console import Group, RenderableType
from rich.text import Text

from cloudplan.base import human
from cloudplan.base.inert import inert_text
from cloudplan.base.translate import _
from cloudplan.core import gantt
from cloudplan.core.status import MilestoneState, ProjectState, Status
from cloudplan.words import statuses
from cloudplan.words.theme import status_style

# Each status has a bar and a deadline mark of its own, so that a chart without colour
# (NO_COLOR, mail, a printout) still tells them apart; a short span may be its mark alone.
MARKS: dict[Status, tuple[str, str]] = {
    Status.OVERDUE: ("▓", "!"),
    Status.DUE_SOON: ("▒", "◆"),
    Status.UPCOMING: ("░", "◇"),
    Status.DONE: ("█", "●"),
    Status.DONE_LATE: ("█", "◐"),
    Status.CANCELLED: ("╌", "×"),
    Status.UNSCHEDULED: ("", "?"),
}
AS_OF_MARK = "│"
AS_OF_STYLE = "magenta"
BEFORE, AFTER = "◂", "▸"  # a span that lies (or ends) outside the axis

Cells = list[tuple[str, str]]


def timeline_view(
    projects: list[ProjectState],
    as_of: date,
    width: int,
    first: date | None = None,
    last: date | None = None,
    scale: gantt.Scale | None = None,
) -> RenderableType:
    """Return a Gantt chart *width* columns wide: a row per milestone, grouped by project.

    The axis runs from *first* to *last* (default: what the milestones and *as_of* need),
    in whole months, quarters or years (default: the finest that fits).
    Raises UsageError when the days cannot fit in *width*.
    """
    states = [s for p in projects for s in p.milestones]
    lo, hi = gantt.extent(states, as_of)
    first = first if first is not None else min(lo, last or lo)
    last = last if last is not None else max(hi, first)
    label = _label_width(states, width)
    ax = gantt.axis(first, last, width - label - 1, scale)
    now = ax.column(as_of) if ax.first <= as_of <= ax.last else None
    edges: set[str] = set()

    lines: list[Text] = [_title(ax, as_of), Text("")]
    lines += [_line(Text(" " * label), cells) for cells in _axis_rows(ax, now)]
    for project in projects:
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(inert_text(project.project.id), style="bold")
        head.append("  " + inert_text(project.project.title), style="dim")
        head.truncate(width, overflow="ellipsis")
        lines.append(head)
        for state in project.milestones:
            cells = _milestone_cells(state, ax, edges)
            _draw_now(cells, now)
            lead = "⚠ " if state.at_risk else "  "  # at risk: a dependency is overdue, cancelled or due after it
            name = Text(_fit(lead + inert_text(state.milestone.id), label).ljust(label))
            if state.at_risk:
                name.stylize("bold yellow", 0, 1)
            lines.append(_line(name, cells))
    if not states:
        lines.append(Text(_("no milestones"), style="dim"))
    lines.append(Text(""))
    lines += _legend(states, as_of, now is not None, edges, width)
    return Group(*lines)


def _label_width(states: list[MilestoneState], width: int) -> int:
    longest = max((len(s.milestone.id) + 3 for s in states), default=12)
    return max(8, min(longest, width // 3))


def _fit(text: str, width: int) -> str:
    return text if len(text) < width else text[: width - 2] + "…"


def _title(ax: gantt.Axis, as_of: date) -> Text:
    scale = {gantt.Scale.MONTH: _("by month"), gantt.Scale.QUARTER: _("by quarter"), gantt.Scale.YEAR: _("by year")}
    title = _("Timeline as of {day}: {first} to {last}, {scale}").format(
        day=human.day(as_of),
        first=human.period_short(ax.units[0]),
        last=human.period_short(ax.units[-1]),
        scale=scale[ax.scale],
    )
    return Text(title, style="bold")


def _blank(ax: gantt.Axis) -> Cells:
    return [(" ", "")] * ax.width


def _put(cells: Cells, col: int, text: str, style: str = "") -> bool:
    """Write *text* from *col* if it fits in blank cells; return whether it did."""
    end = col + len(text)
    if col < 0 or end > len(cells) or any(c != " " for c, _s in cells[col:end]):
        return False
    cells[col:end] = [(c, style) for c in text]
    return True


_PER_YEAR = {gantt.Scale.MONTH: 12, gantt.Scale.QUARTER: 4, gantt.Scale.YEAR: 1}


def _every(columns: int, need: int, steps: tuple[int, ...]) -> int:
    """Return the smallest step (in units of *columns* columns) that leaves *need* columns a label."""
    return next((n for n in steps if n * columns >= need), steps[-1])


def _axis_rows(ax: gantt.Axis, now: int | None) -> list[Cells]:
    """Return the axis's rows: the years, then the months or quarters.

    Every label is followed by a blank, so that labels never run together: when the units
    are too narrow for all of theirs, only every second, third, sixth... unit is labelled
    (months 01 04 07 10; quarters Q1 Q3; years 2020 2022), always from the year's first one.
    """
    years, units = _blank(ax), _blank(ax)
    year_every = _every(ax.per_unit * _PER_YEAR[ax.scale], 5, (1, 2, 5, 10, 20, 50, 100, 1000, 10000))
    unit_every = (
        _every(ax.per_unit, 3, (1, 2, 3, 6, 12)) if ax.scale is gantt.Scale.MONTH else _every(ax.per_unit, 3, (1, 2, 4))
    )
    for i, unit in enumerate(ax.units):
        col = i * ax.per_unit
        if (unit.first.month == 1 and unit.first.year % year_every == 0) or i == 0:
            _label(years, col, str(unit.first.year))
        if ax.scale is gantt.Scale.MONTH and (unit.first.month - 1) % unit_every == 0:
            _label(units, col, f"{unit.first.month:02d}")
        elif ax.scale is gantt.Scale.QUARTER and (unit.first.month - 1) // 3 % unit_every == 0:
            _label(units, col, human.quarter_label((unit.first.month + 2) // 3))
    rows = [years] if ax.scale is gantt.Scale.YEAR else [years, units]
    _draw_now(rows[-1], now)
    return rows


def _label(cells: Cells, col: int, text: str) -> None:
    """Write a label at *col*, with a blank after it (or at the axis's very end), if there is room."""
    if col + len(text) < len(cells):
        if cells[col + len(text)][0] == " " and (col == 0 or cells[col - 1][0] == " "):
            _put(cells, col, text)
    elif col + len(text) == len(cells) and (col == 0 or cells[col - 1][0] == " "):
        _put(cells, col, text)


def _milestone_cells(state: MilestoneState, ax: gantt.Axis, edges: set[str]) -> Cells:
    cells = _blank(ax)
    style = status_style(state.status)
    fill, mark = MARKS[state.status]
    span = gantt.span(state)
    if span.end is None:
        col = 0 if span.start is None else min(max(ax.column(span.start), 0), ax.width - 1)
        text = mark + " " + _("no deadline")
        _put(cells, max(0, min(col, ax.width - len(text))), text[: ax.width], "dim")
        return cells
    # A done milestone ends on the day it was done, early or late; any other on its deadline.
    start, end = ax.column(span.start or span.end), ax.column(span.end)
    if end < 0:
        cells[0] = (BEFORE, style)
        edges.add(BEFORE)
        return cells
    for col in range(max(start, 0), min(end, ax.width - 1) + 1):
        cells[col] = (fill, style)
    if end >= ax.width:
        cells[ax.width - 1] = (AFTER, style)
        edges.add(AFTER)
    else:
        cells[end] = (mark, style)
    return cells


_FILLS = frozenset(fill for fill, _mark in MARKS.values() if fill)


def _draw_now(cells: Cells, now: int | None) -> None:
    """Draw the as-of line in a blank cell or across a bar, never over a mark or a word."""
    if now is not None and (cells[now] == (" ", "") or cells[now][0] in _FILLS):
        cells[now] = (AS_OF_MARK, AS_OF_STYLE)


def cells_line(label: Text, cells: Cells) -> Text:
    """Return *label* then *cells* (character, style) as one line, one span a run of the same style, unwrapped."""
    line = Text(no_wrap=True, overflow="crop")
    line.append_text(label)
    run, run_style = "", ""
    for char, style in cells:
        if style != run_style:
            line.append(run, style=run_style)
            run, run_style = "", style
        run += char
    line.append(run, style=run_style)
    line.rstrip()
    return line


def _line(label: Text, cells: Cells) -> Text:
    return cells_line(label + " ", cells)


def _legend(states: list[MilestoneState], as_of: date, now: bool, edges: set[str], width: int) -> list[Text]:
    present = {s.status for s in states}
    items: list[Text] = []
    for status, (fill, mark) in MARKS.items():
        if status in present:
            item = Text(fill * 2 + mark, style=status_style(status))
            item.append(f" {statuses.label(status.value)}")
            items.append(item)
    if now:
        items.append(Text(AS_OF_MARK, style=AS_OF_STYLE) + Text(" " + _("as of {day}").format(day=human.day(as_of))))
    if edges:
        items.append(Text(f"{BEFORE} {AFTER} " + _("outside the axis")))
    if any(s.at_risk for s in states):
        items.append(Text("⚠", style="bold yellow") + Text(" " + _("at risk")))
    lines: list[Text] = []
    line = Text()
    for item in items:
        if line and len(line) + 2 + len(item) > width:
            lines.append(line)
            line = Text()
        if line:
            line.append("  ")
        line.append_text(item)
    if line:
        lines.append(line)
    return lines
