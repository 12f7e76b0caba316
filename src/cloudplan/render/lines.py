"""One line per milestone, stable for mail and grep: the `overdue` text output; no Rich."""

from __future__ import annotations

from cloudplan.i18n import _, ngettext
from cloudplan.safe import clean
from cloudplan.status import MilestoneState


def when(state: MilestoneState) -> str:
    """Return e.g. '60 days late', 'in 12 days', 'today'."""
    left = state.days_left
    if left is None:
        return ""
    if left == 0:
        return _("due today")
    if left < 0:
        return ngettext("{n} day late", "{n} days late", -left).format(n=-left)
    return ngettext("in {n} day", "in {n} days", left).format(n=left)


def milestone_line(state: MilestoneState) -> tuple[str, str]:
    """Return the label (e.g. 'OVERDUE') and the rest of a milestone's line.

    `OVERDUE  cercle-2/ouverture  due 2021-Q1 (2021-03-31), 60 days late: Ouverture [DINSIC]`
    """
    m = state.milestone
    due = ""
    if m.due is not None:
        deadline = m.due.last.isoformat()
        due = _("due {period}").format(period=m.due.text if m.due.text == deadline else f"{m.due.text} ({deadline})")
    owners = f" [{clean(', '.join(m.owners))}]" if m.owners else ""
    rest = f"  {clean(m.ref)}  {due}, {when(state)}: {clean(m.title)}{owners}"
    return state.status.value.upper(), rest
