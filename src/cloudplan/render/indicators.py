"""The `indicators` view: baseline, target, latest measure, expected value and status."""

from __future__ import annotations

from datetime import date

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from cloudplan import l10n
from cloudplan.i18n import _
from cloudplan.render.status import plain, status_cell
from cloudplan.render.theme import status_style
from cloudplan.status import IndicatorState


def number(value: float | None) -> str:
    """Return a value as people write it: no trailing '.0', at most one decimal (112,4 in French)."""
    return l10n.number(value)


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
    text.append(f" {round(state.progress * 100)} %")
    return text


WIDE = 120  # below this many columns, values go over their dates


class IndicatorsView:
    """A table of indicators, laid out when rendered.

    In a wide console, values stand beside their dates; in a narrow one (80 columns), over
    them, and the status goes under the progress bar, so that the bar keeps its room.
    """

    def __init__(self, states: list[IndicatorState], as_of: date) -> None:
        self.states = states
        self.as_of = as_of

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table(wide=options.max_width >= WIDE)

    def table(self, wide: bool) -> Table:
        """Return the table for a wide or a narrow console."""
        table = Table(
            title=_("Indicators as of {day}").format(day=l10n.day(self.as_of)),
            title_justify="left",
            box=box.SIMPLE_HEAD,
            padding=(0, 1),
            pad_edge=False,
            show_edge=False,
        )
        table.add_column(_("Indicator"), ratio=3, overflow="fold", min_width=18)
        table.add_column(_("Baseline"), no_wrap=True)
        table.add_column(_("Target"), no_wrap=True)
        table.add_column(_("Latest"), no_wrap=True)
        table.add_column(_("Expected"), justify="right", no_wrap=True)
        if wide:
            table.add_column(_("Progress"), no_wrap=True)
            table.add_column(_("Status"), no_wrap=True)
        else:
            table.add_column(_("Progress"), no_wrap=True)
        sep = " " if wide else "\n"
        for s in self.states:
            i = s.indicator
            name = plain(i.id)
            name.append("\n")
            name.append_text(plain(i.title, style="dim"))
            if i.unit:
                name.append_text(plain(f" ({i.unit})", style="dim"))
            table.add_row(
                name,
                Text(f"{number(i.baseline.value)}{sep}({l10n.period(i.baseline.when)})" if i.baseline else "-"),
                Text(f"{number(i.target.value)}{sep}({l10n.period(i.target.when)})" if i.target else "-"),
                Text(f"{number(s.latest)}{sep}({l10n.day(s.latest_on)})" if s.latest_on else "-"),
                Text(number(s.expected)),
                *(
                    [progress_bar(s), status_cell(s.status)]
                    if wide
                    else [progress_bar(s, NARROW_BAR) + "\n" + status_cell(s.status)]
                ),
            )
        if not self.states:
            table.add_row(Text(_("no indicators"), style="dim"), *[""] * (len(table.columns) - 1))
        return table


def indicators_view(states: list[IndicatorState], as_of: date) -> RenderableType:
    """Return the `indicators` view of *states* as of *as_of*."""
    return IndicatorsView(states, as_of)
