"""JSON documents: one per command, on one line of standard output or in a file.

Every JSON document cloudplan prints (`status`, `overdue`, `indicators`, `history`,
`export json`, `check --format json|gitlab`) goes through `dumps`: one line, never
indented, so that all read alike (pipe into `jq .` to read one) and a national
portfolio is written by the json module's C encoder, which serves unindented output only.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from cloudplan.core.status import IndicatorState, MilestoneState, ProjectState
from cloudplan.export import records

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cloudplan.core.alerts import Changes
    from cloudplan.core.model import Snapshot


def dumps(document: Any) -> str:
    """Return *document* as one line of pure-ASCII JSON.

    One line, not indented: the json module's C encoder only serves unindented output,
    ten times faster on a national portfolio (pipe into `jq` to read it). Every character
    beyond ASCII is written as a \\u escape ("Minist\\u00e8re"): the data is the same for a
    program, and no character of a plan (an escape sequence, a bidi override, a line
    separator that would cut the document for a consumer splitting lines as
    str.splitlines does) can act on a terminal. It is also the encoder's fastest path: a
    second pass to escape only the dangerous characters cost more than the encoding itself.
    Documents are trees that cloudplan builds, never cyclic: the encoder need not keep
    track of every list and object it is in (a tenth of its time). JSON has no NaN nor
    Infinity: a non-finite float is an error here (allow_nan=False), never a document that
    a strict parser rejects; the model refuses them (plan.decode) and the core computes
    nothing that overflows (core.status).
    """
    return json.dumps(document, check_circular=False, allow_nan=False) + "\n"


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


def status(
    projects: list[ProjectState], indicators: list[IndicatorState], as_of: date, snapshots: Sequence[Snapshot] = ()
) -> str:
    """Return `status --format json`: {"as_of", "projects", "indicators"}; read through a portfolio file,
    {"as_of", "sources", "projects", "indicators"}, "sources" listing each source read (name, commit, fetched)."""
    document: dict[str, Any] = {"as_of": as_of.isoformat()}
    if snapshots:
        document["sources"] = records.sources(snapshots)
    document["projects"] = [records.project(p) for p in projects]
    document["indicators"] = [records.indicator(i) for i in indicators]
    return dumps(document)


def indicators(states: list[IndicatorState], as_of: date) -> str:
    """Return `indicators --format json`: {"as_of", "indicators"}."""
    return dumps({"as_of": as_of.isoformat(), "indicators": [records.indicator(i) for i in states]})
