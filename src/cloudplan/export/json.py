"""JSON documents: one per command, on one line of standard output or in a file."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from cloudplan.export import records
from cloudplan.status import IndicatorState, MilestoneState, ProjectState

# json.dumps escapes C0 controls; these it would leave raw, and a terminal may obey them.
_INVISIBLE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def dumps(document: Any) -> str:
    """Return *document* as one line of JSON, keeping non-ASCII characters readable.

    One line, not indented: the json module's C encoder only serves unindented
    output, ten times faster on a national portfolio (pipe into `jq` to read it).
    DEL, C1 controls and bidi overrides are written as \\u escapes: the data is the
    same for a program, and inert on a terminal.
    """
    text = json.dumps(document, ensure_ascii=False)
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m[0]):04x}", text) + "\n"


def overdue(items: list[MilestoneState], as_of: date, within: int) -> str:
    """Return `overdue --format json`: {"as_of", "within", "items"}."""
    return dumps({"as_of": as_of.isoformat(), "within": within, "items": [records.milestone(s) for s in items]})


def status(projects: list[ProjectState], indicators: list[IndicatorState], as_of: date) -> str:
    """Return `status --format json`: {"as_of", "projects", "indicators"}."""
    return dumps(
        {
            "as_of": as_of.isoformat(),
            "projects": [records.project(p) for p in projects],
            "indicators": [records.indicator(i) for i in indicators],
        }
    )


def indicators(states: list[IndicatorState], as_of: date) -> str:
    """Return `indicators --format json`: {"as_of", "indicators"}."""
    return dumps({"as_of": as_of.isoformat(), "indicators": [records.indicator(i) for i in states]})
