"""JSON documents: one per command, on one line of standard output or in a file.

Every JSON document cloudplan prints (`status`, `overdue`, `indicators`, `history`,
`export json`, `check --format json|gitlab`) goes through `dumps`: one line, never
indented, so that all read alike (pipe into `jq .` to read one) and a national
portfolio is written by the json module's C encoder, which serves unindented output only.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from cloudplan.export import records
from cloudplan.status import IndicatorState, MilestoneState, ProjectState

# json.dumps escapes C0 controls; these it would leave raw, and a terminal may obey them, or a
# consumer splitting lines as str.splitlines does would cut the one-line document (U+2028, U+2029).
_INVISIBLE = re.compile("[\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")

if TYPE_CHECKING:
    from cloudplan.alerts import Changes


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


def overdue_changes(changes: Changes, as_of: date, within: int) -> str:
    """Return `overdue --state FILE --format json`: the new items, and those cleared since the last run.

    {"as_of", "within", "items": [milestone, ...], "cleared": [{"ref", "was", "reason", "milestone"}, ...]};
    "milestone" is null for a milestone that no plan holds any more.
    """
    cleared = [
        {
            "ref": c.ref,
            "was": c.was.status,
            "reason": c.reason.value,
            "milestone": records.milestone(c.state) if c.state is not None else None,
        }
        for c in changes.cleared
    ]
    return dumps(
        {
            "as_of": as_of.isoformat(),
            "within": within,
            "items": [records.milestone(s) for s in changes.new],
            "cleared": cleared,
        }
    )


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
