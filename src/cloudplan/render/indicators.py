"""The `indicators` view: baseline, target, latest measure, expected value and status."""

from __future__ import annotations

from datetime import date

from rich import box
from rich.table import Table
from rich.text import Text

from cloudplan.i18n import _
from cloudplan.render.status import plain, status_cell
from cloudplan.status import IndicatorState


def number(value: float | None) -> str:
    """Return a value as people write it: no trailing '.0', at most one decimal."""
    if value is None:
        return "-"
    rounded = round(value, 1)
    return f"{rounded:g}" if abs(rounded) < 1e15 else f"{rounded:.3g}"


def indicators_view(states: list[IndicatorState], as_of: date) -> Table:
    """Return a table of indicators as of *as_of*."""
    table = Table(
        title=_("Indicators as of {day}").format(day=as_of.isoformat()),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
        show_edge=False,
    )
    table.add_column(_("Indicator"), ratio=3, overflow="fold")
    table.add_column(_("Baseline"), no_wrap=True)
    table.add_column(_("Target"), no_wrap=True)
    table.add_column(_("Latest"), no_wrap=True)
    table.add_column(_("Expected"), justify="right", no_wrap=True)
    table.add_column(_("Status"), no_wrap=True)
    for s in states:
        i = s.indicator
        name = plain(i.id)
        name.append("\n")
        name.append_text(plain(i.title, style="dim"))
        if i.unit:
            name.append_text(plain(f" ({i.unit})", style="dim"))
        table.add_row(
            name,
            Text(f"{number(i.baseline.value)} ({i.baseline.when})" if i.baseline else "-"),
            Text(f"{number(i.target.value)} ({i.target.when})" if i.target else "-"),
            Text(f"{number(s.latest)} ({s.latest_on})" if s.latest_on else "-"),
            Text(number(s.expected)),
            status_cell(s.status),
        )
    if not states:
        table.add_row(Text(_("no indicators"), style="dim"), *[""] * 5)
    return table
