"""What changed since a revision, for programs (JSON) and for the minutes (Markdown); pure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudplan.base.translate import _
from cloudplan.core.changes import Change, Kind
from cloudplan.export.markdown import escape, table
from cloudplan.words import human

if TYPE_CHECKING:
    from cloudplan.core.changes import Revision


def since(revision: Revision) -> dict[str, str]:
    """Return the revision compared with: what the user wrote, the commit, its date."""
    return {"rev": revision.rev, "commit": revision.commit, "date": revision.date.isoformat()}


def json_doc(revision: Revision, changes: list[Change]) -> str:
    """Return `{"since": {"rev", "commit", "date"}, "changes": [...]}`, one document."""
    from cloudplan.export.json import dumps

    return dumps({"since": since(revision), "changes": [c.record() for c in changes]})


def heading(revision: Revision) -> str:
    """Return the title of a list of changes: since what, which commit, when."""
    when = f"{human.day(revision.date.date())} {human.time(revision.date)}"
    return _("Changes since {rev} (commit {commit} of {date})").format(
        rev=revision.rev, commit=revision.commit[:12], date=when
    )


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
    if c.kind is Kind.ADDED:
        return _("added, due {due}").format(due=_period(c.after)) if c.after else _("added")
    if c.kind is Kind.REMOVED:
        return _("removed")
    if c.kind is Kind.DONE:
        return _("done on {day}").format(day=day)
    if c.kind is Kind.CANCELLED:
        return _("cancelled on {day}").format(day=day)
    if c.kind is Kind.REOPENED:
        was = _("done") if c.before == "done" else _("cancelled")
        return _("reopened (was {was} on {day})").format(was=was, day=day) if day else _("reopened")
    if c.kind is Kind.RESCHEDULED:
        moved = _("rescheduled from {old} to {new}").format(old=_period(c.before), new=_period(c.after))
        if c.on:
            moved += " " + _("on {day}").format(day=day)
        return f"{moved}{human.colon()}{c.reason}" if c.reason else moved
    if c.kind is Kind.RETITLED:
        return _("retitled; was “{old}”").format(old=c.before)
    if c.kind is Kind.OWNERS:
        return _("owners changed from {old} to {new}").format(
            old=", ".join(c.before) or "-", new=", ".join(c.after) or "-"
        )
    text = _("measured {value} on {day}").format(value=_number(c.after), day=day)
    if c.before is not None:
        text += " " + _("(was {value})").format(value=_number(c.before))
    return f"{text}{human.colon()}{c.reason}" if c.reason else text


def markdown(revision: Revision, changes: list[Change]) -> str:
    """Return a heading and a table of the changes, every cell escaped, for the minutes."""
    header = (_("Ref"), _("Title"), _("Change"))
    rows = [(f"`{escape(c.ref)}`", escape(c.title), escape(describe(c))) for c in changes]
    return f"# {escape(heading(revision))}\n\n" + table(header, rows)
