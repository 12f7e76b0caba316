"""Pure (portfolio state) -> str exporters, one module per format, and the closed set of `export` formats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cloudplan.status import IndicatorState, ProjectState


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What an export or a report shows: projects and indicators as of a day, under the plans' title."""

    title: str
    as_of: date
    projects: tuple[ProjectState, ...]
    indicators: tuple[IndicatorState, ...]
    sources: tuple[str, ...] = ()


class ExportFormat(StrEnum):
    """The formats of `cloudplan export`."""

    JSON = "json"
    CSV = "csv"
    ICS = "ics"
    MARKDOWN = "markdown"
    MERMAID = "mermaid"

    def render(self, snapshot: Snapshot, delimiter: str = ",") -> str:
        """Return the whole export of *snapshot* in this format (*delimiter* separates CSV cells)."""
        return EXPORTERS[self](snapshot, delimiter)


# Each exporter imports its module when called: `export --format json` does not pay for
# the ~180 ms that importing icalendar costs.


def _json(snapshot: Snapshot, delimiter: str) -> str:
    from cloudplan.export import json

    return json.status(list(snapshot.projects), list(snapshot.indicators), snapshot.as_of)


def _csv(snapshot: Snapshot, delimiter: str) -> str:
    from cloudplan.export import csv

    return csv.milestones((s for p in snapshot.projects for s in p.milestones), delimiter)


def _ics(snapshot: Snapshot, delimiter: str) -> str:
    from cloudplan.export import ics

    return ics.calendar(snapshot)


def _markdown(snapshot: Snapshot, delimiter: str) -> str:
    from cloudplan.export import markdown

    return markdown.status(list(snapshot.projects), snapshot.as_of)


def _mermaid(snapshot: Snapshot, delimiter: str) -> str:
    from cloudplan.export import mermaid

    return mermaid.gantt(snapshot)


EXPORTERS: dict[ExportFormat, Callable[[Snapshot, str], str]] = {
    ExportFormat.JSON: _json,
    ExportFormat.CSV: _csv,
    ExportFormat.ICS: _ics,
    ExportFormat.MARKDOWN: _markdown,
    ExportFormat.MERMAID: _mermaid,
}
