"""Inline SVG charts for the HTML report: the timeline, and an indicator against its line; pure."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

from cloudplan.base import human
from cloudplan.base.inert import inert_text
from cloudplan.base.translate import _
from cloudplan.core import gantt
from cloudplan.core.periods import shift
from cloudplan.core.status import IndicatorState, MilestoneState, ProjectState, Status
from cloudplan.words import statuses
from cloudplan.words.theme import AS_OF_COLOUR, AT_RISK_COLOUR, status_colour

GRID, INK, MUTED = "#e0e0e0", "#212121", "#616161"
# Fonts already on the reader's machine: the picture fetches nothing.
FONT = "system-ui, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif"
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
    return html.escape(inert_text(text), quote=True)


def _num(value: float) -> str:
    return human.number(value)


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{esc(label)}" font-family="{FONT}" font-size="12">'
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

# Sized for a slide: 1040 px wide (a 16:9 slide's content area at 100 %), text at 12 to 16 px.
# The report lets the same picture shrink to its column (see its stylesheet).
WIDTH, MARGIN, LABEL_W = 1040, 16, 330
CHART_X = MARGIN + LABEL_W
CHART_W = WIDTH - CHART_X - MARGIN - 24  # room for the last deadline's mark and label
LABEL_SIZE, SMALL = 13, 11
CHAR_W = 0.56  # of the font size: a generous average glyph (DejaVu Sans), so that cut labels do fit
ROW_H, LINE_H, HEAD_H = 24, 15, 26


def timeline(
    projects: list[ProjectState],
    as_of: date,
    *,
    caption: str | None = None,
    first: date | None = None,
    last: date | None = None,
    scale: gantt.Scale | None = None,
) -> str:
    """Return the Gantt chart of *projects* as a standalone SVG, fit to paste in a slide.

    A row per milestone labelled with its title, grouped under its project; a bar from start
    to deadline ending in a mark that tells the status by its shape as well as its colour;
    the as-of day as a dashed line when it falls on the axis; a legend. *caption* (the plan's
    title) heads the picture when it stands alone; the axis runs from *first* to *last*
    (default: what the milestones need) in units of *scale* (default: the finest that fits).
    """
    states = [s for p in projects for s in p.milestones]
    lo, hi = gantt.extent(states, as_of)
    first = first if first is not None else min(lo, last or lo)
    last = last if last is not None else max(hi, first)
    ax = gantt.axis(first, last, CHART_W // 8, scale)
    per_unit = CHART_W / len(ax.units)

    def x(day: date) -> float:
        return CHART_X + ax.position(day) / len(ax.units) * CHART_W

    body: list[str] = []
    y = MARGIN
    if caption:
        body.append(_text(MARGIN, y + 16, caption, extra=' font-size="16" font-weight="bold"'))
        y += 24
    title = _("Timeline as of {day}").format(day=human.day(as_of))
    body.append(_text(MARGIN, y + 14, title, fill=MUTED, extra=f' font-size="{LABEL_SIZE}"'))
    y += 22
    now = x(shift(as_of, 1)) if ax.first <= as_of <= ax.last else None
    if now is not None:
        label = _("as of {day}").format(day=human.day(as_of))
        anchor = "end" if now > CHART_X + CHART_W * 0.75 else "start"
        dx = -4 if anchor == "end" else 4
        body.append(_text(now + dx, y + 12, label, anchor=anchor, fill=AS_OF_COLOUR, extra=f' font-size="{SMALL}"'))
    y += 18
    axis_top = y
    y += 34
    rows: list[str] = []
    for project in projects:
        rows.append(f'<rect x="{MARGIN}" y="{y}" width="{WIDTH - 2 * MARGIN}" height="{HEAD_H}" fill="#f2f2f2"/>')
        head = _fit(inert_text(project.project.title), int(LABEL_W * 1.6 / (LABEL_SIZE * CHAR_W)))
        rows.append(
            _text(MARGIN + 6, y + 17, head, extra=f' font-size="{LABEL_SIZE}" font-weight="bold"')
            + _text(WIDTH - MARGIN - 6, y + 17, inert_text(project.project.id), anchor="end", fill=MUTED,
                    extra=f' font-size="{SMALL}"')
        )  # fmt: skip
        y += HEAD_H
        for state in project.milestones:
            row, height = _row(state, y, x, ax)
            rows.append(row)
            y += height
    if not states:
        rows.append(_text(MARGIN + 6, y + 16, _("no milestones"), fill=MUTED, extra=' font-style="italic"'))
        y += ROW_H
    bottom = y
    body += _grid(ax, per_unit, x, axis_top, bottom)
    if now is not None:  # under the rows: the words beside the bars stay whole where it crosses them
        body.append(
            f'<line x1="{now:.1f}" y1="{axis_top - 4}" x2="{now:.1f}" y2="{bottom}" stroke="{AS_OF_COLOUR}" '
            f'stroke-width="2" stroke-dasharray="5 3"/>'
        )
    body += rows
    risky = any(s.at_risk for s in states)
    legend, y = _legend({s.status for s in states}, as_of, now is not None, bottom + 14, risky)
    body += legend
    height = y + MARGIN
    body.insert(0, f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>')
    return _svg(WIDTH, height, caption or title, body)


def _grid(ax: gantt.Axis, per_unit: float, x: Callable[[date], float], top: int, bottom: int) -> list[str]:
    """Return the axis: years on a first row, quarters or months on a second, lines down the chart."""
    body = []
    # Months labelled "01" to "12" while they have room, else every third one (01, 04, 07, 10);
    # years every one, else every second or fifth: labels never run into each other.
    every = 1 if per_unit >= 22 else 3
    years_every = next((n for n in (1, 2, 5, 10) if per_unit * (12 if ax.scale is gantt.Scale.MONTH else
                        4 if ax.scale is gantt.Scale.QUARTER else 1) * n >= 40), 20)  # fmt: skip
    for i, unit in enumerate(ax.units):
        left = x(unit.first)
        year_start = unit.first.month == 1
        if year_start or i == 0:
            body.append(f'<line x1="{left:.1f}" y1="{top}" x2="{left:.1f}" y2="{bottom}" stroke="#bdbdbd"/>')
            if unit.first.year % years_every == 0 or i == 0:
                body.append(_text(left + 4, top + 13, str(unit.first.year),
                                  extra=' font-size="12" font-weight="bold"'))  # fmt: skip
        else:
            body.append(f'<line x1="{left:.1f}" y1="{top + 18}" x2="{left:.1f}" y2="{bottom}" stroke="{GRID}"/>')
        if ax.scale is gantt.Scale.QUARTER:
            tick = human.quarter_label((unit.first.month + 2) // 3)  # T1..T4 in French
        elif ax.scale is gantt.Scale.MONTH and (unit.first.month - 1) % every == 0:
            tick = f"{unit.first.month:02d}"
        else:
            continue
        body.append(_text(left + 3, top + 29, tick, fill=MUTED, extra=f' font-size="{SMALL}"'))
    end = x(shift(ax.last, 1))
    body.append(f'<line x1="{end:.1f}" y1="{top}" x2="{end:.1f}" y2="{bottom}" stroke="#bdbdbd"/>')
    body.append(f'<line x1="{CHART_X}" y1="{top + 33}" x2="{end:.1f}" y2="{top + 33}" stroke="#bdbdbd"/>')
    return body


def _wrap(text: str, chars: int, lines: int = 2) -> list[str]:
    """Return *text* in at most *lines* lines of *chars* characters, cut at spaces, the last ending in '…'."""
    out: list[str] = []
    words = _unbreakable(text.split())
    while words and len(out) < lines:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= chars:
            line += " " + words.pop(0)
        out.append(line)
    if words or any(len(line) > chars for line in out):
        out[-1] = _fit(out[-1] + " " + " ".join(words), chars) if words else _fit(out[-1], chars)
    return [_fit(line, chars) for line in out] or [""]


# Marks French typography keeps with a word even when the plan spaces them with an ordinary
# space: "«" with the word after it, "»", ":", ";", "!", "?" with the word before.
_OPENS, _CLOSES = ("«",), ("»", ":", ";", "!", "?")


def _unbreakable(words: list[str]) -> list[str]:
    """Return *words* with each lone French mark joined to its word, so that no line ends in "«"."""
    out: list[str] = []
    for word in words:
        if out and (word in _CLOSES or out[-1] in _OPENS):
            out[-1] += " " + word
        else:
            out.append(word)
    return out


def _row(state: MilestoneState, y: int, x: Callable[[date], float], ax: gantt.Axis) -> tuple[str, int]:
    """Return a milestone's row (its title, its bar and mark, its due period) and the row's height."""
    m = state.milestone
    colour = status_colour(state.status)
    lines = _wrap(inert_text(m.title), int((LABEL_W - 20) / (LABEL_SIZE * CHAR_W)))
    height = ROW_H + LINE_H * (len(lines) - 1)
    done = m.done if state.status in (Status.DONE, Status.DONE_LATE) else None
    tip = f"{m.ref}{human.colon()}{m.title} ({statuses.label(state.status.value)}"
    tip += f", {human.period(m.due)} = {human.day(m.due.last)}" if m.due else ""
    tip += ", " + _("done on {day}").format(day=human.day(done)) + ")" if done else ")"
    # The title in a nested viewport, which clips it should a glyph run wider than guessed:
    # a label never runs into the bars (and no clip-path id can clash on a page of charts).
    parts = [
        f"<g><title>{esc(tip)}</title>",
        f'<svg x="0" y="{y}" width="{CHART_X - 8}" height="{ROW_H + LINE_H}" font-size="{LABEL_SIZE}">',
    ]
    parts += [_text(MARGIN + 14, 16 + LINE_H * i, line) for i, line in enumerate(lines)]
    parts.append("</svg>")
    parts.append(f'<line x1="{MARGIN}" y1="{y + height}" x2="{WIDTH - MARGIN}" y2="{y + height}" stroke="#f0f0f0"/>')
    span = gantt.span(state)
    mid = y + 12
    if span.end is None:
        left = x(span.start) if span.start else CHART_X
        parts.append(_text(left + 4, mid + 4, _("no deadline"), fill=MUTED, extra=f' font-size="{SMALL}" '
                           'font-style="italic"'))  # fmt: skip
    else:
        # A done milestone is drawn on the day it was done (early or late), any other on its deadline.
        left, right = x(span.start or span.end), x(shift(span.end, 1))
        # A cancelled bar is paler and dashed: one fill-opacity each (an attribute twice is not XML).
        cancelled = state.status is Status.CANCELLED
        look = 'fill-opacity="0.3" stroke-dasharray="3 2"' if cancelled else 'fill-opacity="0.55"'
        if right > left:
            parts.append(
                f'<rect x="{left:.1f}" y="{mid - 5}" width="{max(right - left, 1):.1f}" height="10" rx="2" '
                f'fill="{colour}" {look} stroke="{colour}"/>'
            )
        if span.end < ax.first or span.end > ax.last:
            # An end off the axis (--from, --to): an arrow on the edge it lies beyond.
            tip_x, back = (CHART_X - 2, 8) if span.end < ax.first else (right + 2, -8)
            parts.append(
                f'<polygon points="{tip_x:.1f},{mid} {tip_x + back:.1f},{mid - 6} {tip_x + back:.1f},{mid + 6}" '
                f'fill="{colour}"/>'
            )
            right = CHART_X + 8 if span.end < ax.first else right
        else:
            parts.append(_mark(MARK_SHAPES[state.status], right, mid, colour))
        if done is not None or m.due is not None:
            said = _("done on {day}").format(day=human.day(done)) if done else human.period(m.due)
            said = inert_text(said)
            room = len(said) * SMALL * CHAR_W
            if right + 10 + room <= WIDTH - MARGIN:
                parts.append(_text(right + 10, mid + 4, said, fill=MUTED, extra=f' font-size="{SMALL}"'))
            elif left - 8 - room >= CHART_X:
                parts.append(_text(left - 8, mid + 4, said, anchor="end", fill=MUTED, extra=f' font-size="{SMALL}"'))
    if state.at_risk:  # a dependency is overdue, cancelled or due after it: a mark before the title, and in the tip
        why = _("at risk: {refs}").format(refs=", ".join(state.blocked_by))
        parts[0] = f"<g><title>{esc(tip + ' ⚠ ' + why)}</title>"
        parts.append(
            f'<text class="at-risk" x="{MARGIN}" y="{y + 16}" fill="{AT_RISK_COLOUR}" font-weight="bold">⚠</text>'
        )
    parts.append("</g>")
    return "".join(parts), height


def _legend(present: set[Status], as_of: date, now: bool, y: int, risky: bool = False) -> tuple[list[str], int]:
    """Return the legend (a sample of each status drawn, the as-of line, the mark of a milestone
    at risk when *risky*) and the y below it."""
    body, left = [], float(MARGIN)
    items = [s for s in Status if s in present]

    def room(width: float) -> None:
        nonlocal left, y
        if left + width > WIDTH - MARGIN:
            left, y = float(MARGIN), y + 20

    y += 10
    for status in items:
        word = statuses.label(status.value)
        colour = status_colour(status)
        room(40 + len(word) * 12 * CHAR_W)
        if status is Status.UNSCHEDULED:
            word = _("no deadline")
            room(20 + len(word) * 12 * CHAR_W)
            body.append(_text(left, y, word, fill=MUTED, extra=' font-style="italic"'))
            left += len(word) * 12 * CHAR_W + 24
            continue
        body.append(f'<rect x="{left:.1f}" y="{y - 9}" width="18" height="10" rx="2" fill="{colour}" '
                    f'fill-opacity="0.55" stroke="{colour}"/>')  # fmt: skip
        body.append(_mark(MARK_SHAPES[status], left + 18, y - 4, colour))
        body.append(_text(left + 30, y, word))
        left += 30 + len(word) * 12 * CHAR_W + 20
    if now:
        label = _("as of {day}").format(day=human.day(as_of))
        room(24 + len(label) * 12 * CHAR_W)
        body.append(f'<line x1="{left + 4:.1f}" y1="{y - 11}" x2="{left + 4:.1f}" y2="{y + 3}" '
                    f'stroke="{AS_OF_COLOUR}" stroke-width="2" stroke-dasharray="5 3"/>')  # fmt: skip
        body.append(_text(left + 12, y, label, fill=AS_OF_COLOUR))
        left += 12 + len(label) * 12 * CHAR_W + 20
    if risky:
        word = _("at risk")
        room(18 + len(word) * 12 * CHAR_W)
        body.append(_text(left, y, "⚠", fill=AT_RISK_COLOUR, extra=' font-weight="bold"'))
        body.append(_text(left + 18, y, word))
    return body, y + 6


# -- an indicator -------------------------------------------------------------------------

IND_W, IND_H = 400, 200
PAD_L, PAD_R, PAD_T, PAD_B = 44, 14, 14, 46  # the bottom holds the years and the legend


def indicator(state: IndicatorState, as_of: date) -> str:
    """Return a small chart of an indicator's measures against its line from baseline to target."""
    i = state.indicator
    title = _("{title}: measures against the line from baseline to target").format(title=i.title)
    points = [(m.on, m.value) for m in i.measures]
    levels = [(kind, lv) for kind, lv in (("baseline", i.baseline), ("target", i.target)) if lv is not None]
    if not points and not levels:
        return _svg(IND_W, IND_H, title, [_text(IND_W / 2, IND_H / 2, _("no data"), anchor="middle", fill=MUTED)])
    days = [d for d, _v in points] + [d for _k, lv in levels for d in (lv.when.first, lv.when.last)]
    # Whole years, so that each year is a band under its label; the as-of day widens the
    # chart only when it falls among the data (a 2018-2022 plan read in 2026 stays 2018-2022).
    d0, d1 = date(min(days).year, 1, 1), date(max(days).year, 12, 31)
    values = [v for _d, v in points] + [lv.value for _k, lv in levels]
    v0, v1 = min(values), max(values)
    pad = (v1 - v0) * 0.1 or abs(v1) * 0.1 or 1.0
    v0, v1 = v0 - pad, v1 + pad
    span_days = (d1 - d0).days + 1
    plot_w, plot_h = IND_W - PAD_L - PAD_R, IND_H - PAD_T - PAD_B
    bottom = PAD_T + plot_h

    def px(day: date) -> float:
        return PAD_L + (day - d0).days / span_days * plot_w

    def py(value: float) -> float:
        return PAD_T + (v1 - value) / (v1 - v0) * plot_h

    body = [f'<rect width="{IND_W}" height="{IND_H}" fill="#fff"/>']
    years = range(d0.year, d1.year + 1)
    label_every = next(n for n in (1, 2, 5, 10, 20, 50, 100, 10**9) if plot_w / len(years) * n >= 30)
    for year in years:
        left, right = px(date(year, 1, 1)), px(shift(date(year, 12, 31), 1))
        body.append(f'<line x1="{left:.1f}" y1="{PAD_T}" x2="{left:.1f}" y2="{bottom}" stroke="{GRID}"/>')
        if (year - d0.year) % label_every == 0:
            # The year's label sits in the middle of its band: a point under "2020" is in 2020.
            body.append(_text((left + right) / 2, bottom + 14, str(year), anchor="middle", fill=MUTED,
                              extra=' font-size="10"'))  # fmt: skip
    body.append(f'<line x1="{PAD_L}" y1="{bottom}" x2="{IND_W - PAD_R}" y2="{bottom}" stroke="#9e9e9e"/>')
    body.append(f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{bottom}" stroke="#9e9e9e"/>')
    for value in (v0 + pad, v1 - pad):
        body.append(_text(PAD_L - 4, py(value) + 4, _num(value), anchor="end", fill=MUTED, extra=' font-size="10"'))
    if i.baseline is not None and i.target is not None:
        # The straight line the status is judged against runs between the levels' last days
        # (a baseline "2018" stands for 2018-12-31), as the status computation reads them.
        a, b = i.baseline, i.target
        dashed = _("baseline to target")
        body.append(
            f'<line x1="{px(a.when.last):.1f}" y1="{py(a.value):.1f}" x2="{px(b.when.last):.1f}" '
            f'y2="{py(b.value):.1f}" stroke="#757575" stroke-width="1.5" stroke-dasharray="5 4">'
            f"<title>{esc(dashed)}</title></line>"
        )
    for kind, lv in levels:
        # A level given as a period is drawn where people read it: a bar across the period
        # and a dot in its middle, under the period's label (the 2018 baseline on "2018"),
        # the bar reaching the last day where the dashed line starts or ends.
        left, right = px(lv.when.first), px(shift(lv.when.last, 1))
        y = py(lv.value)
        tip = f"{kind} {_num(lv.value)} ({human.period(lv.when)})"
        body.append(
            f'<g><title>{esc(tip)}</title><line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" '
            f'stroke="#9e9e9e" stroke-width="3" stroke-linecap="round"/>'
            f'<circle cx="{(left + right) / 2:.1f}" cy="{y:.1f}" r="4" fill="#fff" stroke="#616161" '
            f'stroke-width="1.5"/></g>'
        )
    now = d0 <= as_of <= d1
    if now:
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
            tip = f"{human.day(m.on)}{human.colon()}{_num(m.value)}" + (f" ({m.note})" if m.note else "")
            body.append(
                f'<circle cx="{px(m.on):.1f}" cy="{py(m.value):.1f}" r="4" fill="{colour}">'
                f"<title>{esc(tip)}</title></circle>"
            )
    legend, last = _indicator_legend(colour, bool(points), as_of if now else None, IND_H - 10)
    height = max(IND_H, round(last) + 10)
    body[0] = f'<rect width="{IND_W}" height="{height}" fill="#fff"/>'
    return _svg(IND_W, height, title, body + legend)


def _indicator_legend(colour: str, measured: bool, as_of: date | None, y: float) -> tuple[list[str], float]:
    """Return the legend under an indicator's chart (the dashed line, the measures or none yet, the as-of
    day), on as many lines as its words need in the picture's width, and the y of its last line."""
    size, gap = 10, 12

    def sample_line(x: float, y: float) -> str:
        return (f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 18:.1f}" y2="{y - 4:.1f}" stroke="#757575" '
                f'stroke-width="1.5" stroke-dasharray="5 4"/>')  # fmt: skip

    def sample_dot(x: float, y: float) -> str:
        return f'<circle cx="{x + 4:.1f}" cy="{y - 4:.1f}" r="4" fill="{colour}"/>'

    def sample_now(x: float, y: float) -> str:
        return (f'<line x1="{x + 2:.1f}" y1="{y - 10:.1f}" x2="{x + 2:.1f}" y2="{y + 2:.1f}" '
                f'stroke="{AS_OF_COLOUR}" stroke-dasharray="3 3"/>')  # fmt: skip

    # (what is drawn before the words, its width, the words, their colour, more attributes)
    items: list[tuple[Callable[[float, float], str] | None, float, str, str, str]] = [
        (sample_line, 22, _("baseline to target"), MUTED, ""),
    ]
    if measured:
        items.append((sample_dot, 12, _("measures"), MUTED, ""))
    else:
        # Down here, not in the plot: the words never cover the line or its target.
        items.append((None, 0, _("no measure yet"), MUTED, ' font-style="italic"'))
    if as_of is not None:
        items.append((sample_now, 7, _("as of {day}").format(day=human.day(as_of)), AS_OF_COLOUR, ""))
    body: list[str] = []
    x = float(PAD_L)
    for sample, before, words, fill, extra in items:
        width = before + len(words) * size * CHAR_W
        if x > PAD_L and x + width > IND_W - 4:  # no room left on this line: the next one
            x, y = float(PAD_L), y + 14
        if sample is not None:
            body.append(sample(x, y))
        body.append(_text(x + before, y, words, fill=fill, extra=f' font-size="{size}"{extra}'))
        x += width + gap
    return body, y
