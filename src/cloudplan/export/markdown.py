"""Markdown: a table per project (or of indicators), every cell escaped."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from cloudplan.base import human
from cloudplan.base.inert import inert_text
from cloudplan.base.translate import _
from cloudplan.core.status import IndicatorState, MilestoneState, ProjectState
from cloudplan.words import statuses

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def escape(text: str) -> str:
    """Return *text* inert in Markdown: one line, markup characters escaped, HTML tags shown."""
    one_line = inert_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", one_line)


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Return a GitHub-flavoured Markdown table; cells must be escaped already."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _row(s: MilestoneState) -> list[str]:
    m = s.milestone
    return [
        f"`{m.ref}`",
        escape(m.title),
        escape(", ".join(m.owners)),
        human.period(m.due) if m.due else "",
        human.day(m.due.last) if m.due else "",
        statuses.label(s.status.value),
        "" if s.days_left is None else str(s.days_left),
    ]


def _milestone_header() -> tuple[str, ...]:
    return (_("Ref"), _("Title"), _("Owners"), _("Due"), _("Deadline"), _("Status"), _("Days left"))


def milestones(items: list[MilestoneState], as_of: date) -> str:
    """Return one table of milestones (for `overdue`)."""
    head = "# " + _("Milestones as of {day}").format(day=human.day(as_of)) + "\n\n"
    return head + table(_milestone_header(), (_row(s) for s in items))


def status(projects: list[ProjectState], as_of: date) -> str:
    """Return a section per project: status, progress and its table of milestones."""
    parts = ["# " + _("Roadmap as of {day}").format(day=human.day(as_of)) + "\n"]
    for p in projects:
        parts.append(f"\n## {escape(p.project.title)} (`{p.project.id}`)\n")
        owners = escape(", ".join(p.project.owners)) or "-"
        said, status, progress = _("Owners"), _("Status"), _("Progress")
        parts.append(
            f"\n{said}{human.colon()}{owners} · {status}{human.colon()}**{statuses.label(p.status.value)}** · "
            f"{progress}{human.colon()}{p.done}/{p.total}\n\n"
        )
        parts.append(table(_milestone_header(), (_row(s) for s in p.milestones)))
    return "".join(parts)


def indicators(states: list[IndicatorState], as_of: date) -> str:
    """Return one table of indicators."""

    def num(v: float | None) -> str:
        return "" if v is None else (human.number(v) if human.french() else f"{v:g}")

    rows = []
    for s in states:
        i = s.indicator
        rows.append([
            f"`{i.id}`", escape(i.title), escape(i.unit),
            f"{num(i.baseline.value)} ({human.period(i.baseline.when)})" if i.baseline else "",
            f"{num(i.target.value)} ({human.period(i.target.when)})" if i.target else "",
            f"{num(s.latest)} ({human.day(s.latest_on)})" if s.latest_on else "",
            num(None if s.expected is None else round(s.expected, 1)),
            statuses.label(s.status.value),
        ])  # fmt: skip
    head = "# " + _("Indicators as of {day}").format(day=human.day(as_of)) + "\n\n"
    header = (_("Id"), _("Title"), _("Unit"), _("Baseline"), _("Target"), _("Latest"), _("Expected"), _("Status"))
    return head + table(header, rows)
