"""Milestones at risk, for people: why, through which chain of dependencies; plain text, pure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudplan.base import human
from cloudplan.base.inert import inert_text
from cloudplan.base.translate import _, ngettext
from cloudplan.core.status import Status

if TYPE_CHECKING:
    from cloudplan.core.risk import Impact
    from cloudplan.core.status import MilestoneState

ARROW = " → "  # "depends on"


def reason(blocker: MilestoneState, dependant: MilestoneState | None = None) -> str:
    """Return why *blocker* puts a milestone at risk: 'cancelled on ...', 'overdue since ...', 'due ...'."""
    m = blocker.milestone
    if m.cancelled is not None and blocker.status is Status.CANCELLED:
        return _("cancelled on {day}").format(day=human.day(m.cancelled))
    deadline = human.day(m.due.last) if m.due else "-"
    if blocker.status is Status.OVERDUE:
        return _("overdue since {day}").format(day=deadline)
    mine = dependant.milestone.due if dependant is not None else None
    if mine is not None:
        return _("due {day}, after {mine}").format(day=deadline, mine=human.day(mine.last))
    return _("due {day}").format(day=deadline)


def chain_text(chain: tuple[str, ...] | list[str]) -> str:
    """Return e.g. 'messagerie/bilan → messagerie/generalisation → messagerie/pilote'."""
    return ARROW.join(inert_text(ref) for ref in chain)


def impact_lines(found: list[Impact]) -> list[str]:
    """Return what a change puts at risk downstream: a count, then a line per milestone and chain."""
    if not found:
        return []
    lines = [
        ngettext(
            "this puts {n} milestone downstream at risk:", "this puts {n} milestones downstream at risk:", len(found)
        ).format(n=len(found))
    ]
    for item in found:
        m = item.state.milestone
        due = f" ({human.day(m.due.last)})" if m.due else ""
        lines.append(f"  {inert_text(m.ref)}{due}  {inert_text(m.title)}")
        for chain, blocker in zip(item.chains, item.blockers, strict=True):
            lines.append("    " + chain_text(chain) + human.colon() + reason(blocker, item.state))
    return lines
