"""Mermaid: a gantt of milestones, a section per project, that GitHub renders."""

from __future__ import annotations

import re

from cloudplan.base.inert import inert_text
from cloudplan.core.status import MilestoneState, Status
from cloudplan.export.formats import PortfolioView

# ":" starts a task's data, "#" and ";" end a statement, "%%" a comment, and brackets,
# quotes and angle brackets mean something to Mermaid's other parsers or to HTML.
_UNSAFE = re.compile(r"""[:;#%<>{}\[\]"`\\]""")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
# A line that begins with one of these is read as a statement, not as a task.
_KEYWORDS = frozenset({
    "accdescr", "acctitle", "axisformat", "call", "click", "dateformat", "excludes", "gantt", "href",
    "includes", "inclusiveenddates", "section", "tickinterval", "title", "todaymarker", "topaxis",
    "vert", "weekday", "weekend",
})  # fmt: skip
_TAGS = {Status.DONE: "done, ", Status.DONE_LATE: "done, ", Status.OVERDUE: "crit, ", Status.DUE_SOON: "active, "}


def label(text: str) -> str:
    """Return *text* safe as a Mermaid title, section or task name: one line, no syntax."""
    words = _UNSAFE.sub(" ", inert_text(text)).split()
    if words and words[0].casefold() in _KEYWORDS:
        words.insert(0, "·")
    return " ".join(words) or "-"


def node_id(ref: str, taken: set[str]) -> str:
    """Return a task id of [A-Za-z0-9_] for a milestone ref, unique among *taken*."""
    base = _ID_UNSAFE.sub("_", ref.replace("/", "__"))
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}_{n}", n + 1
    taken.add(ident)
    return ident


def gantt(snapshot: PortfolioView) -> str:
    """Return a Mermaid gantt: each scheduled milestone as a `milestone` on its deadline."""
    lines = [
        "gantt",
        f"    title {label(snapshot.title)}",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %Y-%m",
    ]
    taken: set[str] = set()
    for project in snapshot.projects:
        scheduled = [s for s in project.milestones if s.milestone.due is not None]
        if not scheduled:
            continue
        lines.append(f"    section {label(project.project.title)}")
        lines += [f"    {_task(s, taken)}" for s in scheduled]
    return "\n".join(lines) + "\n"


def _task(state: MilestoneState, taken: set[str]) -> str:
    m = state.milestone
    assert m.due is not None
    name = label(m.title)
    if state.status is Status.CANCELLED:
        name += " (cancelled)"
    tags = _TAGS.get(state.status, "")
    return f"{name} :milestone, {tags}{node_id(m.ref, taken)}, {m.due.last.isoformat()}, 0d"
