"""The closed set of `cloudplan export` formats, each a pure function of a Snapshot."""

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
    XLSX = "xlsx"
    ODS = "ods"

    def render(self, snapshot: Snapshot, delimiter: str = ",") -> str | bytes:
        """Return the whole export of *snapshot* in this format (*delimiter* separates CSV cells).

        Text formats return str, the spreadsheet files (BINARY) bytes.
        """
        return EXPORTERS[self](snapshot, delimiter)

    @property
    def binary(self) -> bool:
        """Whether the format is a file of bytes, not text: written with -o only, never to a terminal."""
        return self in BINARY


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


def _xlsx(snapshot: Snapshot, delimiter: str) -> bytes:
    from cloudplan.export import xlsx

    return xlsx.workbook(snapshot)


def _ods(snapshot: Snapshot, delimiter: str) -> bytes:
    from cloudplan.export import ods

    return ods.spreadsheet(snapshot)


BINARY = frozenset({ExportFormat.XLSX, ExportFormat.ODS})

EXPORTERS: dict[ExportFormat, Callable[[Snapshot, str], str | bytes]] = {
    ExportFormat.JSON: _json,
    ExportFormat.CSV: _csv,
    ExportFormat.ICS: _ics,
    ExportFormat.MARKDOWN: _markdown,
    ExportFormat.MERMAID: _mermaid,
    ExportFormat.XLSX: _xlsx,
    ExportFormat.ODS: _ods,
}
