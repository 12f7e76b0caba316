"""Inline SVG charts for the HTML report: the timeline, and an indicator against its line; pure."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, timedelta

from cloudplan import gantt
from cloudplan.i18n import _
from cloudplan.render.theme import AS_OF_COLOUR, status_colour
from cloudplan.safe import clean
from cloudplan.status import IndicatorState, MilestoneState, ProjectState, Status

GRID, INK, MUTED = "#e0e0e0", "#212121", "#616161"
# In the charts as in the terminal, each status has a mark of its own, not only a colour.
MARK_SHAPES = {
    Status.OVERDUE: "diamond",
    Status.DUE_SOON: "diamond",
    Status.UPCOMING: "hollow",
    Status.DONE: "circle",
    Status.DONE_LATE: "circle",
    Status.CANCELLED: "cross",
}


def esc(text: str) -> str:
    """Return plan text safe inside HTML or SVG text and attributes: cleaned, then escaped."""
    return html.escape(clean(text), quote=True)


def _num(value: float) -> str:
    return f"{round(value, 1):g}"


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{esc(label)}" font-family="sans-serif" font-size="12">'
        f"<title>{esc(label)}</title>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK, extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>{esc(text)}</text>'


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _mark(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'
    if shape == "cross":
        a, b, c, d = x - 4, x + 4, y - 4, y + 4
        path = f"M{a:.1f},{c:.1f}L{b:.1f},{d:.1f}M{a:.1f},{d:.1f}L{b:.1f},{c:.1f}"
        return f'<path d="{path}" stroke="{colour}" stroke-width="2"/>'

    points = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} {x - 6:.1f},{y:.1f}"
    if shape == "hollow":
        return f'<polygon points="{points}" fill="#fff" stroke="{colour}" stroke-width="2"/>'
    return f'<polygon points="{points}" fill="{colour}"/>'


# -- the timeline -------------------------------------------------------------------------

LABEL_W, CHART_W, ROW_H, AXIS_H = 220, 740, 22, 44


def timeline(projects: list[ProjectState], as_of: date) -> str:
    """Return the Gantt chart of *projects* as an SVG: bars from start to deadline, a mark on each deadline."""
    states = [s for p in projects for s in p.milestones]
    first, last = gantt.extent(states, as_of)
    ax = gantt.axis(first, last, 120)

    def x(day: date) -> float:
        return LABEL_W + ax.position(day) / len(ax.units) * CHART_W

    rows = len(projects) + len(states)
    height = AXIS_H + rows * ROW_H + 40
    body = [f'<rect width="{LABEL_W + CHART_W + 20}" height="{height}" fill="#fff"/>']
    for i, unit in enumerate(ax.units):
        left = x(unit.first)
        year_start = unit.first.month == 1 or i == 0
        body.append(
            f'<line x1="{left:.1f}" y1="{AXIS_H - 14 if year_start else AXIS_H - 4}" x2="{left:.1f}" '
            f'y2="{AXIS_H + rows * ROW_H}" stroke="{"#bdbdbd" if year_start else GRID}"/>'
        )
        if ax.scale is not gantt.Scale.YEAR:
            tick = f"{unit.first.month:02d}" if ax.scale is gantt.Scale.MONTH else f"Q{(unit.first.month + 2) // 3}"
            if ax.per_unit >= 4:
                body.append(_text(left + 3, AXIS_H - 4, tick, fill=MUTED, extra=' font-size="10"'))
        if year_start:
            body.append(_text(left + 3, AXIS_H - 18, str(unit.first.year), extra=' font-weight="bold"'))
    y = AXIS_H
    for project in projects:
        body.append(f'<rect x="0" y="{y}" width="{LABEL_W + CHART_W}" height="{ROW_H}" fill="#f5f5f5"/>')
        head = _fit(f"{clean(project.project.id)} · {clean(project.project.title)}", 110)
        body.append(_text(6, y + 15, head, extra=' font-weight="bold"'))
        y += ROW_H
        for state in project.milestones:
            body.append(_row(state, y, x))
            y += ROW_H
    if first <= as_of <= last:
        now = x(as_of + timedelta(days=1))
        body.append(
            f'<line x1="{now:.1f}" y1="{AXIS_H - 30}" x2="{now:.1f}" y2="{y}" stroke="{AS_OF_COLOUR}" '
            f'stroke-width="2" stroke-dasharray="4 3"/>'
        )
        label = _("as of {day}").format(day=as_of.isoformat())
        anchor = "end" if now > LABEL_W + CHART_W * 0.8 else "start"
        body.append(_text(now + (-4 if anchor == "end" else 4), AXIS_H - 32, label, anchor=anchor, fill=AS_OF_COLOUR))
    body += _legend({s.status for s in states}, y + 24)
    title = _("Timeline as of {day}").format(day=as_of.isoformat())
    return _svg(LABEL_W + CHART_W + 20, height, title, body)


def _row(state: MilestoneState, y: int, x: Callable[[date], float]) -> str:
    m = state.milestone
    colour = status_colour(state.status)
    span = gantt.span(state)
    tip = f"{m.ref}: {m.title} ({state.status.value}"
    tip += f", {m.due.text} = {m.due.last.isoformat()})" if m.due else ")"
    parts = [f"<g><title>{esc(tip)}</title>", _text(16, y + 15, _fit(clean(m.id), 30))]
    if span.deadline is None:
        left = x(span.start) if span.start else LABEL_W
        parts.append(_text(left + 4, y + 15, _("no deadline"), fill=MUTED, extra=' font-style="italic"'))
    else:
        left, right = x(span.start or span.deadline), x(span.deadline + timedelta(days=1))
        dash = ' stroke-dasharray="3 2" fill-opacity="0.3"' if state.status is Status.CANCELLED else ""
        parts.append(
            f'<rect x="{left:.1f}" y="{y + 6}" width="{max(right - left, 1):.1f}" height="10" rx="2" '
            f'fill="{colour}" fill-opacity="0.55" stroke="{colour}"{dash}/>'
        )
        parts.append(_mark(MARK_SHAPES[state.status], right, y + 11, colour))
    if state.at_risk:  # a dependency is overdue, cancelled or due after it: ⚠ before the id, in the tip too
        parts[0] = parts[0].replace("</title>", esc(" ⚠ " + _("at risk: {refs}").format(refs=", ".join(
            state.blocked_by))) + "</title>", 1)  # fmt: skip
        parts.append(f'<text class="at-risk" x="4" y="{y + 15:.1f}" fill="#e65100" font-weight="bold">⚠</text>')
    parts.append("</g>")
    return "".join(parts)


def _legend(present: set[Status], y: int) -> list[str]:
    body, left = [], float(LABEL_W)
    for status in Status:
        if status not in present:
            continue
        colour = status_colour(status)
        if status is Status.UNSCHEDULED:
            body.append(_text(left, y, "no deadline", fill=MUTED, extra=' font-style="italic"'))
            left += 78
        else:
            body.append(f'<rect x="{left:.1f}" y="{y - 9}" width="18" height="10" rx="2" fill="{colour}" '
                        f'fill-opacity="0.55" stroke="{colour}"/>')  # fmt: skip
            body.append(_mark(MARK_SHAPES[status], left + 18, y - 4, colour))
            left += 30
        body.append(_text(left, y, status.value))
        left += 8 * len(status.value) + 20
    return body


# -- an indicator -------------------------------------------------------------------------

IND_W, IND_H = 360, 170
PAD_L, PAD_R, PAD_T, PAD_B = 48, 16, 16, 30


def indicator(state: IndicatorState, as_of: date) -> str:
    """Return a small chart of an indicator's measures against its line from baseline to target."""
    i = state.indicator
    title = _("{title}: measures against the line from baseline to target").format(title=i.title)
    points = [(m.on, m.value) for m in i.measures]
    line = [(lv.when.last, lv.value) for lv in (i.baseline, i.target) if lv is not None]
    if not points and not line:
        return _svg(IND_W, IND_H, title, [_text(IND_W / 2, IND_H / 2, _("no data"), anchor="middle", fill=MUTED)])
    days = [d for d, _v in points + line] + [as_of]
    values = [v for _d, v in points + line]
    d0, d1 = min(days), max(days)
    v0, v1 = min(values), max(values)
    pad = (v1 - v0) * 0.1 or abs(v1) * 0.1 or 1.0
    v0, v1 = v0 - pad, v1 + pad
    span_days = max((d1 - d0).days, 1)
    plot_w, plot_h = IND_W - PAD_L - PAD_R, IND_H - PAD_T - PAD_B

    def px(day: date) -> float:
        return PAD_L + (day - d0).days / span_days * plot_w

    def py(value: float) -> float:
        return PAD_T + (v1 - value) / (v1 - v0) * plot_h

    body = [f'<rect width="{IND_W}" height="{IND_H}" fill="#fff"/>']
    bottom = PAD_T + plot_h
    body.append(f'<line x1="{PAD_L}" y1="{bottom}" x2="{IND_W - PAD_R}" y2="{bottom}" stroke="#9e9e9e"/>')
    body.append(f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{bottom}" stroke="#9e9e9e"/>')
    for year in range(d0.year + (d0 != date(d0.year, 1, 1)), d1.year + 1):
        gx = px(date(year, 1, 1))
        body.append(f'<line x1="{gx:.1f}" y1="{PAD_T}" x2="{gx:.1f}" y2="{bottom}" stroke="{GRID}"/>')
        body.append(_text(gx, bottom + 14, str(year), anchor="middle", fill=MUTED, extra=' font-size="10"'))
    for value in (v0 + pad, v1 - pad):
        body.append(_text(PAD_L - 4, py(value) + 4, _num(value), anchor="end", fill=MUTED, extra=' font-size="10"'))
    if len(line) == 2:
        (a, va), (b, vb) = line
        body.append(
            f'<line x1="{px(a):.1f}" y1="{py(va):.1f}" x2="{px(b):.1f}" y2="{py(vb):.1f}" stroke="#757575" '
            f'stroke-width="1.5" stroke-dasharray="5 4"><title>{esc(_("baseline to target"))}</title></line>'
        )
    for kind, (d, v) in zip(("baseline", "target"), line, strict=False):
        body.append(
            f'<circle cx="{px(d):.1f}" cy="{py(v):.1f}" r="3.5" fill="#fff" stroke="#757575" stroke-width="1.5">'
            f"<title>{esc(f'{kind} {_num(v)} ({d.isoformat()})')}</title></circle>"
        )
    if d0 <= as_of <= d1:
        ax_ = px(as_of)
        body.append(
            f'<line x1="{ax_:.1f}" y1="{PAD_T}" x2="{ax_:.1f}" y2="{bottom}" stroke="{AS_OF_COLOUR}" '
            f'stroke-dasharray="3 3"/>'
        )
    colour = status_colour(state.status)
    if points:
        path = " ".join(f"{px(d):.1f},{py(v):.1f}" for d, v in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for m in i.measures:
            tip = f"{m.on.isoformat()}: {_num(m.value)}" + (f" ({m.note})" if m.note else "")
            body.append(
                f'<circle cx="{px(m.on):.1f}" cy="{py(m.value):.1f}" r="4" fill="{colour}">'
                f"<title>{esc(tip)}</title></circle>"
            )
    else:
        body.append(_text(PAD_L + plot_w / 2, PAD_T + 14, _("no measure yet"), anchor="middle", fill=MUTED))
    return _svg(IND_W, IND_H, title, body)
