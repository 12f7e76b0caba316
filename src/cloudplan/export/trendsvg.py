"""The milestone trend analysis chart as SVG, fit for a slide: report date across, deadline in force up; pure."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

from cloudplan.base import human
from cloudplan.base.translate import _
from cloudplan.core import gantt
from cloudplan.core.periods import shift
from cloudplan.core.trend import Trend, first_day, label
from cloudplan.export.svg import CHAR_W, FONT, esc
from cloudplan.words import statuses
from cloudplan.words.theme import AS_OF_COLOUR

# Told apart by colour, and by the number each line carries at both ends and in the legend.
# Each at least 4.5:1 on white: the numbers are text (WCAG 2.1 AA).
PALETTE = ("#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#b34700", "#4e342e", "#ad1457", "#00796b", "#616161",
           "#5d6a00")  # fmt: skip
GRID, INK, MUTED = "#e0e0e0", "#212121", "#616161"
LEFT, TOP, PLOT_W, PLOT_H, ROW = 96, 52, 800, 380, 20
WIDTH = LEFT + PLOT_W + 48  # room for the numbers at the lines' ends


def chart(found: list[Trend], as_of: date, title: str = "") -> str:
    """Return the trend chart of *found* as one SVG picture (a note when there is nothing to draw).

    Report dates run across from the first line's start to the last report (the as-of day, or the
    day the last line closed), deadlines up over the deadlines drawn: each axis in bands of months,
    quarters or years, the finest that leaves its labels room. The dashed diagonal is where the
    deadline is the report date.
    """
    heading = title or _("Milestone trend analysis as of {day}").format(day=human.day(as_of))
    if not found:
        body = _text(WIDTH / 2, 60, _("No deadline has slipped."), anchor="middle", fill=MUTED)
        return _svg(WIDTH, 100, heading, body)
    across, up = axes(found, as_of)
    x_lo, x_hi = across.first, shift(across.last, 1)
    y_lo, y_hi = up.first, shift(up.last, 1)

    def x(day: date) -> float:
        return LEFT + (day - x_lo).days / (x_hi - x_lo).days * PLOT_W

    def y(day: date) -> float:
        return TOP + PLOT_H - (day - y_lo).days / (y_hi - y_lo).days * PLOT_H

    bottom, right = TOP + PLOT_H, LEFT + PLOT_W
    placed = _Placed()
    parts = [f'<rect width="{WIDTH}" height="{{height}}" fill="#fff"/>',
             _text(LEFT, 24, heading, extra=' font-size="15" font-weight="bold"')]  # fmt: skip
    parts += _across(across, x, bottom)
    parts += _up(up, y, right)
    parts.append(f'<rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}" fill="none" stroke="#9e9e9e"/>')
    parts += _diagonal(max(x_lo, y_lo), min(x_hi, y_hi), x, y, placed)
    if x_lo <= as_of < x_hi:
        now = x(shift(as_of, 1))
        parts.append(
            f'<line x1="{now:.1f}" y1="{TOP - 4}" x2="{now:.1f}" y2="{bottom}" stroke="{AS_OF_COLOUR}" '
            f'stroke-dasharray="3 3"/>'
        )
        words = _("as of {day}").format(day=human.day(as_of))
        # Inside the picture: to the left of the line when it would run past the right edge.
        anchor, dx = ("end", -4) if now + 4 + _width(words, 12) > WIDTH - 4 else ("start", 4)
        parts.append(_text(now + dx, TOP - 8, words, anchor=anchor, fill=AS_OF_COLOUR))
    parts.append(_text(LEFT + PLOT_W / 2, bottom + 50, _("report date"), anchor="middle", fill=INK))
    parts.append(
        _text(16, TOP + PLOT_H / 2, _("deadline in force"), anchor="middle", fill=INK,
              extra=f' transform="rotate(-90 16 {TOP + PLOT_H / 2:.1f})"')
    )  # fmt: skip
    for i, trend in enumerate(found):
        parts.append(_line(trend, i, as_of, x_lo, x, y, placed))
    row = bottom + 78
    chars = int((WIDTH - LEFT - 46 - 8) / (12 * CHAR_W))
    for i, trend in enumerate(found):
        m = trend.state.milestone
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<line x1="{LEFT}" y1="{row - 4}" x2="{LEFT + 24}" y2="{row - 4}" stroke="{colour}" '
                     f'stroke-width="3"/>')  # fmt: skip
        parts.append(_text(LEFT + 30, row, label(i), fill=colour, extra=' font-weight="bold"'))
        last = trend.deadlines[-1].period
        words = f"{m.ref} · {m.title} ({statuses.label(trend.state.status.value)}, {human.period(last)})"
        for n, line in enumerate(_lines(words, chars)):
            parts.append(_text(LEFT + 46, row + n * 15, line, fill=INK))
            row += 15 if n else 0
        row += ROW
    height = row - ROW + 14
    parts[0] = parts[0].replace("{height}", str(height))
    return _svg(WIDTH, height, heading, "".join(parts))


def axes(found: list[Trend], as_of: date) -> tuple[gantt.Axis, gantt.Axis]:
    """Return the chart's axes: report dates across (the lines' starts to their ends), deadlines up.

    Across stops at the last report (the as-of day, or the day the last line was closed), not at the
    last deadline: no report was made after it. Up runs over the deadlines with a band to spare
    above the latest, so that no point sits on the frame.
    """
    starts = [day for t in found if (day := first_day(t)) is not None]
    starts += [shift(d.since, -90) for t in found for d in t.deadlines if d.since is not None]
    ends = [t.end or as_of for t in found]
    since = [d.since for t in found for d in t.deadlines if d.since is not None]
    first, last = min(starts + ends + since), max(starts + ends + since)
    across = _axis(first, last, PLOT_W, 26)
    deadlines = [d.period.last for t in found for d in t.deadlines]
    up = _axis(min(deadlines), max(deadlines), PLOT_H, 17)
    up = _axis(up.first, shift(up.last, 1), PLOT_H, 17, up.scale)  # one band more on top
    return across, up


def _axis(first: date, last: date, pixels: int, need: int, scale: gantt.Scale | None = None) -> gantt.Axis:
    """Return the whole units from *first* to *last*: of *scale*, else the finest whose bands are *need* pixels."""
    if scale is None:
        scale = next((s for s in gantt.Scale if gantt.count(first, last, s) * need <= pixels), gantt.Scale.YEAR)
    return gantt.axis(first, last, gantt.count(first, last, scale), scale)


def _across(ax: gantt.Axis, x: Callable[[date], float], bottom: float) -> list[str]:
    """Return the report-date axis: a line down the plot at each band, the bands' names, the years under them."""
    parts = []
    years = {u.first.year for u in ax.units}
    every = next(n for n in (1, 2, 5, 10, 20, 50, 100, 10**9) if PLOT_W / len(years) * n >= 40)
    for unit in ax.units:
        left, right = x(unit.first), x(shift(unit.last, 1))
        year_start = unit.first.month == 1
        stroke = "#bdbdbd" if year_start else GRID
        parts.append(f'<line x1="{left:.1f}" y1="{TOP}" x2="{left:.1f}" y2="{bottom}" stroke="{stroke}"/>')
        if ax.scale is not gantt.Scale.YEAR:
            name = human.quarter_label((unit.first.month + 2) // 3) if ax.scale is gantt.Scale.QUARTER else (
                f"{unit.first.month:02d}")  # fmt: skip
            parts.append(_text((left + right) / 2, bottom + 15, name, anchor="middle", fill=MUTED,
                               extra=' font-size="11"'))  # fmt: skip
    for year in sorted(years):
        if (year - min(years)) % every:
            continue
        left = x(max(date(year, 1, 1), ax.first))
        right = x(shift(min(date(year, 12, 31), ax.last), 1))
        row = bottom + (30 if ax.scale is not gantt.Scale.YEAR else 15)
        parts.append(_text((left + right) / 2, row, str(year), anchor="middle", fill=INK, extra=' font-weight="bold"'))
    return parts


def _up(ax: gantt.Axis, y: Callable[[date], float], right: float) -> list[str]:
    """Return the deadline axis: a line across the plot at each band, each band's name beside it."""
    parts = []
    every = next(n for n in (1, 2, 4, 5, 10, 20, 50, 100, 10**9) if PLOT_H / len(ax.units) * n >= 16)
    for i, unit in enumerate(ax.units):
        top, low = y(shift(unit.last, 1)), y(unit.first)
        stroke = "#bdbdbd" if unit.first.month == 1 else GRID
        parts.append(f'<line x1="{LEFT}" y1="{low:.1f}" x2="{right}" y2="{low:.1f}" stroke="{stroke}"/>')
        if i % every == 0:
            parts.append(_text(LEFT - 6, (top + low) / 2 + 4, human.period_short(unit), anchor="end", fill=MUTED,
                               extra=' font-size="11"'))  # fmt: skip
    return parts


def _diagonal(
    first: date, last: date, x: Callable[[date], float], y: Callable[[date], float], placed: _Placed
) -> list[str]:
    """Return the dashed line where deadline = report date, over the days both axes share, and its name
    written along it, below it, near its lower end: the side and the end where the lines seldom go."""
    if last <= first:
        return []
    words = _("deadline = report date")
    x0, y0, x1, y1 = x(first), y(first), x(last), y(last)
    parts = [
        f'<line class="diagonal" x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="#757575" '
        f'stroke-width="1.5" stroke-dasharray="6 4"><title>{esc(words)}</title></line>'
    ]
    placed.lines.append((x0, y0, x1, y1))
    length = math.hypot(x1 - x0, y1 - y0)
    if length < _width(words, 11) + 60:
        return parts  # too short to write along: the line keeps its name as a tooltip
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    nx, ny = -uy, ux  # the normal on the lower right side of a line going up
    if ny < 0:
        nx, ny = -nx, -ny
    along, below = 40.0, 13.0  # from the lower end; the baseline far enough below for the letters to clear it
    px, py = x0 + ux * along + nx * below, y0 + uy * along + ny * below
    angle = math.degrees(math.atan2(uy, ux))
    turn = f' font-size="11" transform="rotate({angle:.1f} {px:.1f} {py:.1f})"'
    parts.append(_text(px, py, words, fill=MUTED, extra=turn))
    return parts


def _width(text: str, size: float) -> float:
    """Return a generous guess of the width of *text* at *size* pixels."""
    return len(text) * size * CHAR_W


def _lines(text: str, chars: int) -> list[str]:
    """Return *text* on one line, or two cut at a space (the second ending in "…" if still too long)."""
    if len(text) <= chars:
        return [text]
    cut = text.rfind(" ", 0, chars)
    cut = cut if cut > 0 else chars
    rest = text[cut:].strip()
    return [text[:cut], rest if len(rest) <= chars else rest[: chars - 1] + "…"]


class _Placed:
    """The boxes of the labels already drawn, and the lines no label may cross (the diagonal), so that a
    new label goes where it covers none of them."""

    def __init__(self) -> None:
        self.boxes: list[tuple[float, float, float, float]] = []
        self.lines: list[tuple[float, float, float, float]] = []

    def _crosses(self, box: tuple[float, float, float, float]) -> bool:
        for x0, y0, x1, y1 in self.lines:
            steps = max(1, int(math.hypot(x1 - x0, y1 - y0) / 2))
            for k in range(steps + 1):
                px, py = x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps
                if box[0] <= px <= box[2] and box[1] <= py <= box[3]:
                    return True
        return False

    def find(self, candidates: list[tuple[float, float, str]], width: float) -> tuple[float, float, str]:
        """Return the first of *candidates* (x, baseline, text-anchor) where a label *width* wide covers no
        other label (else the first), and keep its box."""
        for cx, cy, anchor in candidates:
            left = cx - width if anchor == "end" else cx
            box = (left - 1, cy - 11, left + width + 1, cy + 2)
            covers = any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in self.boxes)
            if not covers and not self._crosses(box):
                self.boxes.append(box)
                return cx, cy, anchor
        return candidates[0]


def _line(
    trend: Trend,
    i: int,
    as_of: date,
    lo: date,
    fx: Callable[[date], float],
    fy: Callable[[date], float],
    placed: _Placed,
) -> str:
    m = trend.state.milestone
    colour = PALETTE[i % len(PALETTE)]
    dash = "" if i < len(PALETTE) else ' stroke-dasharray="8 3"'
    start = first_day(trend) or lo
    end = trend.end or as_of
    points: list[tuple[float, float]] = []
    marks = []
    for n, deadline in enumerate(trend.deadlines):
        since = deadline.since or start
        if n and points:
            points.append((fx(since), points[-1][1]))
        points.append((fx(since), fy(deadline.period.last)))
        tip = f"{m.ref}{human.colon()}{human.period(deadline.period)} ({human.day(deadline.period.last)})"
        tip += _(", since {day}").format(day=human.day(deadline.since)) if deadline.since else ""
        marks.append(
            f'<circle cx="{fx(since):.1f}" cy="{fy(deadline.period.last):.1f}" r="4" fill="{colour}">'
            f"<title>{esc(tip)}</title></circle>"
        )
    if points:
        points.append((fx(max(end, start)), points[-1][1]))
    path = " ".join(f"{a:.1f},{b:.1f}" for a, b in points)
    ex, ey = points[-1] if points else (0.0, 0.0)
    closed = trend.state.milestone.done is not None
    end_mark = (
        f'<circle cx="{ex:.1f}" cy="{ey:.1f}" r="5" fill="{colour if closed else "#fff"}" stroke="{colour}" '
        f'stroke-width="2"/>'
    )
    sx, sy = points[0] if points else (0.0, 0.0)
    name = label(i)
    wide = _width(name, 12) + 2
    # Each number inside the plot where it covers no other: above the start, left of it or to the right
    # (then further right, or below); right of the end (then further right, or above).
    room = sx - 6 - wide >= LEFT + 2
    first = placed.find(
        ([(sx - 6, sy - 6, "end")] if room else [])
        + [(sx + 4 + k * (wide + 2), sy - 6, "start") for k in range(4)]
        + [(sx + 4, sy + 16, "start")],
        wide,
    )
    final = placed.find([(ex + 8 + k * (wide + 2), ey + 4, "start") for k in range(4)] + [(ex + 8, ey - 8, "start")],
                        wide)  # fmt: skip
    return (
        f'<g class="trend-line"><title>{esc(f"{name}. {m.ref}{human.colon()}{m.title}")}</title>'
        f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>'
        + "".join(marks)
        + end_mark
        + _text(first[0], first[1], name, anchor=first[2], fill=colour, extra=' font-weight="bold"')
        + _text(final[0], final[1], name, anchor=final[2], fill=colour, extra=' font-weight="bold"')
        + "</g>"
    )


def _svg(width: float, height: float, label_: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" width="{width:g}" '
        f'height="{height:g}" role="img" aria-label="{esc(label_)}" font-family="{FONT}" font-size="12" '
        f'class="trend-chart"><title>{esc(label_)}</title>{body}</svg>'
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK, extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>{esc(text)}</text>'
