"""The milestone trend analysis chart as SVG, fit for a slide: report date across, deadline in force up; pure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from cloudplan.base.translate import _
from cloudplan.core.trend import Trend, first_day
from cloudplan.export.svg import esc
from cloudplan.words import human
from cloudplan.words.theme import AS_OF_COLOUR

# Told apart by colour, and by the number each line carries at both ends and in the legend.
PALETTE = ("#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#4e342e", "#ad1457", "#00838f", "#616161",
           "#9e9d24")  # fmt: skip
GRID, INK, MUTED = "#e0e0e0", "#212121", "#616161"
LEFT, TOP, PLOT_W, PLOT_H, ROW = 70, 48, 800, 380, 20
WIDTH = LEFT + PLOT_W + 40


def extent(found: list[Trend], as_of: date) -> tuple[date, date]:
    """Return the range both axes share: every line's start and end, every deadline."""
    starts = [day for t in found if (day := first_day(t)) is not None]
    starts += [d.since - timedelta(days=90) for t in found for d in t.deadlines if d.since is not None]
    days = starts + [t.end or as_of for t in found] + [d.period.last for t in found for d in t.deadlines]
    lo, hi = min(days), max(days)
    lo = date(lo.year, 1, 1)
    hi = date(hi.year, 12, 31)
    return lo, hi


def label(i: int) -> str:
    """Return the number or letter a line carries: 1 to 9, then a to z."""
    return str(i + 1) if i < 9 else chr(ord("a") + (i - 9) % 26)


def chart(found: list[Trend], as_of: date, title: str = "") -> str:
    """Return the trend chart of *found* as one SVG picture (a note when there is nothing to draw)."""
    heading = title or _("Milestone trend analysis as of {day}").format(day=human.day(as_of))
    if not found:
        body = _text(WIDTH / 2, 60, _("No deadline has slipped."), anchor="middle", fill=MUTED)
        return _svg(WIDTH, 100, heading, body)
    lo, hi = extent(found, as_of)
    span = max((hi - lo).days, 1)

    def x(day: date) -> float:
        return LEFT + (day - lo).days / span * PLOT_W

    def y(day: date) -> float:
        return TOP + PLOT_H - (day - lo).days / span * PLOT_H

    bottom, right = TOP + PLOT_H, LEFT + PLOT_W
    parts = [f'<rect width="{WIDTH}" height="{{height}}" fill="#fff"/>',
             _text(LEFT, 24, heading, extra=' font-size="15" font-weight="bold"')]  # fmt: skip
    for year in range(lo.year, hi.year + 2):
        day = date(year, 1, 1)
        if day > hi + timedelta(days=1):
            break
        px, py = x(day), y(day)
        parts.append(f'<line x1="{px:.1f}" y1="{TOP}" x2="{px:.1f}" y2="{bottom}" stroke="{GRID}"/>')
        parts.append(f'<line x1="{LEFT}" y1="{py:.1f}" x2="{right}" y2="{py:.1f}" stroke="{GRID}"/>')
        if day <= hi:
            mid = date(year, 7, 1)
            parts.append(_text(x(mid), bottom + 16, str(year), anchor="middle", fill=MUTED))
            parts.append(_text(LEFT - 8, y(mid) + 4, str(year), anchor="end", fill=MUTED))
    parts.append(f'<rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}" fill="none" stroke="#9e9e9e"/>')
    diagonal = _("deadline = report date")
    parts.append(
        f'<line x1="{x(lo):.1f}" y1="{y(lo):.1f}" x2="{x(hi):.1f}" y2="{y(hi):.1f}" stroke="#757575" '
        f'stroke-width="1.5" stroke-dasharray="6 4"><title>{esc(diagonal)}</title></line>'
    )
    parts.append(_text(x(hi) - 6, y(hi) + 16, diagonal, anchor="end", fill=MUTED, extra=' font-size="11"'))
    if lo <= as_of <= hi:
        parts.append(
            f'<line x1="{x(as_of):.1f}" y1="{TOP}" x2="{x(as_of):.1f}" y2="{bottom}" stroke="{AS_OF_COLOUR}" '
            f'stroke-dasharray="3 3"/>'
        )
        parts.append(_text(x(as_of) + 4, TOP - 6, _("as of {day}").format(day=human.day(as_of)), fill=AS_OF_COLOUR))
    parts.append(_text(LEFT + PLOT_W / 2, bottom + 34, _("report date"), anchor="middle", fill=INK))
    parts.append(
        _text(18, TOP + PLOT_H / 2, _("deadline in force"), anchor="middle", fill=INK,
              extra=f' transform="rotate(-90 18 {TOP + PLOT_H / 2:.1f})"')
    )  # fmt: skip
    for i, trend in enumerate(found):
        parts.append(_line(trend, i, as_of, lo, x, y))
    legend_top = bottom + 56
    for i, trend in enumerate(found):
        m = trend.state.milestone
        colour = PALETTE[i % len(PALETTE)]
        row = legend_top + i * ROW
        parts.append(f'<line x1="{LEFT}" y1="{row - 4}" x2="{LEFT + 24}" y2="{row - 4}" stroke="{colour}" '
                     f'stroke-width="3"/>')  # fmt: skip
        parts.append(_text(LEFT + 30, row, label(i), fill=colour, extra=' font-weight="bold"'))
        text = f"{m.ref} · {m.title}"
        text = text if len(text) <= 100 else text[:99] + "…"
        last = trend.deadlines[-1].period
        parts.append(
            _text(LEFT + 46, row, f"{text} ({human.status(trend.state.status.value)}, {human.period(last)})", fill=INK)
        )
    height = legend_top + len(found) * ROW + 10
    parts[0] = parts[0].replace("{height}", str(height))
    return _svg(WIDTH, height, heading, "".join(parts))


def _line(trend: Trend, i: int, as_of: date, lo: date, fx: Callable[[date], float], fy: Callable[[date], float]) -> str:
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
    return (
        f'<g class="trend-line"><title>{esc(f"{label(i)}. {m.ref}{human.colon()}{m.title}")}</title>'
        f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>'
        + "".join(marks)
        + end_mark
        + _text(sx - 6, sy - 6, label(i), anchor="end", fill=colour, extra=' font-weight="bold"')
        + _text(ex + 8, ey + 4, label(i), fill=colour, extra=' font-weight="bold"')
        + "</g>"
    )


def _svg(width: float, height: float, label_: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" width="{width:g}" '
        f'height="{height:g}" role="img" aria-label="{esc(label_)}" font-family="sans-serif" font-size="12" '
        f'class="trend-chart"><title>{esc(label_)}</title>{body}</svg>'
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK, extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>{esc(text)}</text>'
