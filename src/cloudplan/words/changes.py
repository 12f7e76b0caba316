"""What changed since a revision, in words for people: the heading, a line per source, each change; pure.

The terminal view (render.changes), the Markdown for the minutes and the report (export) say it alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudplan.base import human
from cloudplan.base.translate import _
from cloudplan.core.changes import Change, ChangeKind

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cloudplan.core.changes import Revision, SourceRevision


def heading(revision: Revision) -> str:
    """Return the title of a list of changes: since what, which commit, when."""
    if not revision.commit or revision.date is None:
        return _("Changes since {rev}").format(rev=revision.rev)
    when = f"{human.day(revision.date.date())} {human.time(revision.date)}"
    return _("Changes since {rev} (commit {commit} of {date})").format(
        rev=revision.rev, commit=revision.commit[:12], date=when
    )


def source_lines(sources: Sequence[SourceRevision]) -> list[str]:
    """Return a line per source compared with its own history: since which commit, or all new."""
    lines = []
    for s in sources:
        if s.commit is None or s.date is None:
            lines.append(_("source {name}: everything is new (its history starts later)").format(name=s.name))
        else:
            lines.append(
                _("source {name}: since commit {commit} of {date}").format(
                    name=s.name, commit=s.commit[:12], date=f"{human.day(s.date.date())} {human.time(s.date)}"
                )
            )
    return lines


def _number(value: object) -> str:
    return human.number(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def _period(text: object) -> str:
    """Return a period the plan spelled (a change keeps its text) as people read it: 2e semestre 2019 in French."""
    if not isinstance(text, str) or not text:
        return "-"
    from cloudplan.core.periods import parse_file_value

    try:
        return human.period(parse_file_value(text))
    except ValueError:
        return text


def describe(c: Change) -> str:
    """Return one change in a few words for people (plan text not escaped: the caller escapes)."""
    day = human.day(c.on) if c.on else ""
    if c.kind is ChangeKind.ADDED:
        return _("added, due {due}").format(due=_period(c.after)) if c.after else _("added")
    if c.kind is ChangeKind.REMOVED:
        return _("removed")
    if c.kind is ChangeKind.DONE:
        return _("done on {day}").format(day=day)
    if c.kind is ChangeKind.CANCELLED:
        return _("cancelled on {day}").format(day=day)
    if c.kind is ChangeKind.REOPENED:
        was = _("done") if c.before == "done" else _("cancelled")
        return _("reopened (was {was} on {day})").format(was=was, day=day) if day else _("reopened")
    if c.kind is ChangeKind.RESCHEDULED:
        moved = _("rescheduled from {old} to {new}").format(old=_period(c.before), new=_period(c.after))
        if c.on:
            moved += " " + _("on {day}").format(day=day)
        return f"{moved}{human.colon()}{c.reason}" if c.reason else moved
    if c.kind is ChangeKind.RETITLED:
        return _("retitled; was “{old}”").format(old=c.before)
    if c.kind is ChangeKind.OWNERS:
        return _("owners changed from {old} to {new}").format(
            old=", ".join(c.before) or "-", new=", ".join(c.after) or "-"
        )
    text = _("measured {value} on {day}").format(value=_number(c.after), day=day)
    if c.before is not None:
        text += " " + _("(was {value})").format(value=_number(c.before))
    return f"{text}{human.colon()}{c.reason}" if c.reason else text
