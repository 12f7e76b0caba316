"""CSV: a fixed header, one row per milestone (or indicator), cells inert in spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from cloudplan.base.inert import inert_text
from cloudplan.core.status import IndicatorState, MilestoneState
from cloudplan.export import records

# OWASP "CSV Injection": a cell starting with one of these is read as a formula.
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")

INDICATOR_FIELDS = (
    "id", "title", "unit", "project", "baseline", "baseline_on", "target", "target_by",
    "latest", "latest_on", "expected", "status", "plan",
)  # fmt: skip


def inert(value: Any) -> Any:
    """Return *value* safe for a spreadsheet and a terminal.

    Text that would start a formula gets a leading quote; control characters (ESC,
    newlines) are shown as symbols, as everywhere else, so a cell is one line of text.
    """
    if not isinstance(value, str):
        return value
    value = inert_text(value)
    return "'" + value if value.startswith(_TRIGGERS) else value


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], delimiter: str = ",") -> str:
    """Return RFC 4180 CSV text with *header* and *rows*, every cell made inert."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else inert(v) for v in row])
    return out.getvalue()


def milestones(states: Iterable[MilestoneState], delimiter: str = ",") -> str:
    """Return one row per milestone under the fixed MILESTONE_FIELDS header."""
    rows = []
    for state in states:
        record = records.milestone(state)
        record["owners"] = "; ".join(record["owners"])
        rows.append([record[f] for f in records.MILESTONE_FIELDS])
    return table(records.MILESTONE_FIELDS, rows, delimiter)


def indicators(states: Iterable[IndicatorState], delimiter: str = ",") -> str:
    """Return one row per indicator under the fixed INDICATOR_FIELDS header."""
    rows = []
    for state in states:
        r = records.indicator(state)
        base, target, latest = r["baseline"] or {}, r["target"] or {}, r["latest"] or {}
        rows.append([
            r["id"], r["title"], r["unit"], r["project"], base.get("value"), base.get("on"),
            target.get("value"), target.get("by"), latest.get("value"), latest.get("on"),
            r["expected"], r["status"], r["plan"],
        ])  # fmt: skip
    return table(INDICATOR_FIELDS, rows, delimiter)
