"""The `indicators` view: baseline, target, latest measure, expected value and status."""

from __future__ import annotations

from datetime import date

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text

from cloudplan.base import human
from cloudplan.base.translate import _
from cloudplan.core.status import IndicatorState, expected_value
from cloudplan.render.grid import Column, Grid, Layout, Row
from cloudplan.render.status import plain, status_cell
from cloudplan.words.theme import status_style

BAR_WIDTH, NARROW_BAR = 10, 8
FULL, EMPTY = "█", "░"
_EIGHTHS = " ▏▎▍▌▋▊▉"


def progress_bar(state: IndicatorState, width: int = BAR_WIDTH) -> Text:
    """Return how far the latest measure went from baseline to target: a bar and a percentage.

    The bar is drawn in eighths of a cell and stops at full; the percentage may pass 100 %
    (or fall below 0 when the figure moved the wrong way).
    """
    if state.progress is None:
        return Text("-", style="dim")
    share = min(max(state.progress, 0.0), 1.0)
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    bar = FULL * full + (_EIGHTHS[part] if part else "")
    text = Text(bar, style=status_style(state.status))
    text.append(EMPTY * (width - len(bar)), style="dim")
    text.append(" " + human.percent(state.progress * 100))
    return text


def expected_then(state: IndicatorState, as_of: date) -> tuple[float | None, date]:
    """Return what the status is judged against: the line's value on the latest measure's day, and that day.

    Without a measure, the value expected as of *as_of*.
    """
    if state.latest_on is None:
        return state.expected, as_of
    return expected_value(state.indicator, state.latest_on), state.latest_on


class IndicatorsView:
    """A table of indicators, laid out when rendered to the width it has.

    From the widest: titles in a column of their own; titles under each row; values over
    their dates with the status under the progress bar; the status under the row, with the
    title; then only the latest measure beside the indicator, its levels under it. "Expected" is the value on the line
    on the latest measure's day, the one the status compares the measure with, so that the
    row reads as its status does (a note under the table says so).
    """

    def __init__(self, states: list[IndicatorState], as_of: date) -> None:
        self.states = states
        self.as_of = as_of

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.grid()

    def grid(self) -> Grid:
        """Return the table, in each of its layouts."""
        head = Column(_("Indicator"))
        values = [Column(_("Baseline")), Column(_("Target")), Column(_("Latest")), Column(_("Expected"), right=True)]
        wide, under, narrow, tight, least = [], [], [], [], []
        for s in self.states:
            i = s.indicator
            title = plain(i.title, style="italic")
            if i.unit:
                title.append_text(plain(f" ({i.unit})", style="dim"))
            then, _day = expected_then(s, self.as_of)
            levels = [
                (human.number(i.baseline.value), human.period(i.baseline.when)) if i.baseline else ("-", ""),
                (human.number(i.target.value), human.period(i.target.when)) if i.target else ("-", ""),
                (human.number(s.latest), human.day(s.latest_on)) if s.latest_on else ("-", ""),
            ]
            beside = [Text(f"{v} ({d})" if d else v) for v, d in levels]
            over = [Text(f"{v}\n({d})" if d else v) for v, d in levels]
            name, expected = plain(i.id), Text(human.number(then))
            wide.append(Row([name, title, *beside, expected, progress_bar(s), status_cell(s.status)]))
            under.append(Row([name, *beside, expected, progress_bar(s), status_cell(s.status)], [title]))
            narrow.append(
                Row([name, *over, expected, progress_bar(s, NARROW_BAR) + "\n" + status_cell(s.status)], [title])
            )
            # Narrower: the status under the row, before the title; narrowest: the levels there too.
            said = status_cell(s.status) + plain(" · ", style="dim") + title
            tight.append(Row([name, *over, expected, progress_bar(s, NARROW_BAR)], [said]))
            (base, based), (goal, by) = levels[0], levels[1]
            levels_text = Text(f"{_('Baseline')} {base}" + (f" ({based})" if based else "") + " → "
                               + f"{_('Target')} {goal}" + (f" ({by})" if by else ""), style="dim")  # fmt: skip
            least.append(Row([name, over[2], expected, progress_bar(s, NARROW_BAR)], [levels_text, said]))
        if not self.states:
            empty = [Text(_("no indicators"), style="dim")]
            wide, under, narrow, tight, least = (
                [Row(empty + [Text("")] * 7)],
                [Row(empty + [Text("")] * 6)],
                [Row(empty + [Text("")] * 5)],
                [Row(empty + [Text("")] * 5)],
                [Row(empty + [Text("")] * 3)],
            )
        progress, status = Column(_("Progress")), Column(_("Status"))
        note = _(
            "Expected: the value on the line from baseline to target on the latest measure's day, "
            "which the status is judged against (as of {day} when there is no measure)."
        ).format(day=human.day(self.as_of))
        return Grid(
            [
                Layout([head, Column(_("Title"), flex=True), *values, progress, status], wide),
                Layout([head, *values, progress, status], under),
                Layout([head, *values, progress], narrow),
                Layout([head, *values, progress], tight),
                Layout([head, values[2], values[3], progress], least),
            ],
            title=Text(_("Indicators as of {day}").format(day=human.day(self.as_of))),
            notes=[Text(note, style="dim")] if self.states else [],
            beside=2,  # once the titles go under the rows, a long id may go above its row too
        )


def indicators_view(states: list[IndicatorState], as_of: date) -> RenderableType:
    """Return the `indicators` view of *states* as of *as_of*."""
    return IndicatorsView(states, as_of)
