"""The formats of `cloudplan export` (and of `status --format`), one registry entry each; pure.

A format is a name and a function of a PortfolioView (and the CSV delimiter) returning
the whole document. Adding one (a spreadsheet, say) is one entry in EXPORTERS: the
command line offers exactly the names listed here, in this order, and nothing else.
Each function imports its module when called: `export json` does not pay for the
~180 ms that importing icalendar costs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import NamedTuple

from cloudplan.core.model import Snapshot
from cloudplan.core.status import IndicatorState, ProjectState


class PortfolioView(NamedTuple):
    """What an export, a report or a chart shows: projects and indicators as of a day, under the plans' title.

    The projects and indicators are those the command line's filters kept. A NamedTuple, as
    the model's records are: a frozen dataclass costs every run its import and creation.
    """

    title: str
    as_of: date
    projects: tuple[ProjectState, ...]
    indicators: tuple[IndicatorState, ...]
    sources: tuple[str, ...] = ()
    snapshots: tuple[Snapshot, ...] = ()  # the portfolio sources read (none for local plan files)
    now: datetime | None = None  # the instant of the run, for the age of the sources' data


Exporter = Callable[[PortfolioView, str], "str | bytes"]


def _json(view: PortfolioView, delimiter: str) -> str:
    from cloudplan.export import json

    return json.status(list(view.projects), list(view.indicators), view.as_of, view.snapshots)


def _csv(view: PortfolioView, delimiter: str) -> str:
    from cloudplan.export import csv

    return csv.milestones((s for p in view.projects for s in p.milestones), delimiter)


def _ics(view: PortfolioView, delimiter: str) -> str:
    from cloudplan.export import ics

    return ics.calendar(view)


def _markdown(view: PortfolioView, delimiter: str) -> str:
    from cloudplan.export import markdown

    return markdown.status(list(view.projects), view.as_of)


def _mermaid(view: PortfolioView, delimiter: str) -> str:
    from cloudplan.export import mermaid

    return mermaid.gantt(view)


def _xlsx(view: PortfolioView, delimiter: str) -> bytes:
    from cloudplan.export import xlsx

    return xlsx.workbook(view)


def _ods(view: PortfolioView, delimiter: str) -> bytes:
    from cloudplan.export import ods

    return ods.spreadsheet(view)


# name -> the function writing the whole document. Text formats return str, binary ones bytes.
EXPORTERS: dict[str, Exporter] = {
    "json": _json,
    "csv": _csv,
    "ics": _ics,
    "markdown": _markdown,
    "mermaid": _mermaid,
    "xlsx": _xlsx,
    "ods": _ods,
}
# The formats that take --delimiter.
DELIMITED = frozenset({"csv"})  # the formats --delimiter and --bom apply to
# The formats that are files of bytes, not text: written with -o only, never to a terminal.
BINARY = frozenset({"xlsx", "ods"})


def render(name: str, view: PortfolioView, delimiter: str = ",") -> str | bytes:
    """Return the whole export of *view* in the format *name* (*delimiter* separates CSV cells)."""
    return EXPORTERS[name](view, delimiter)
