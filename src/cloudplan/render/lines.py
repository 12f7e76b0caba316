"""One line per milestone, stable for mail and grep: the `overdue` text output; no Rich."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudplan.base import human
from cloudplan.base.inert import inert_text
from cloudplan.base.translate import _
from cloudplan.words import statuses

if TYPE_CHECKING:
    from cloudplan.core.alerts import Cleared
    from cloudplan.core.status import MilestoneState, Status


def milestone_line(state: MilestoneState) -> tuple[str, str]:
    """Return the label (e.g. 'OVERDUE') and the rest of a milestone's line.

    `OVERDUE  cercle-2/ouverture  due 2021-Q1 (2021-03-31), 60 days late: Ouverture [DINSIC]`

    The lines are for people, so the label is in the run's language too (EN RETARD, ÉCHÉANCE
    PROCHE, as `notify` writes them); scripts read `--format json`, or run with `--lang en`.
    """
    m = state.milestone
    due = _("due {period}").format(period=human.due(m.due)) if m.due is not None else ""
    owners = f" [{inert_text(', '.join(m.owners))}]" if m.owners else ""
    # A closed milestone has no "late" or "in N days"; one without a deadline has no "due".
    told = ", ".join(part for part in (due, human.days_left(state.days_left)) if part)
    rest = f"  {inert_text(m.ref)}  {told + human.colon() if told else ''}{inert_text(m.title)}{owners}"
    return _label(state.status), rest


def _label(status: Status | None) -> str:
    """Return the label of a line: OVERDUE, DUE-SOON, CLEARED (None) in English; EN RETARD, ÉCHÉANCE PROCHE, LEVÉE in
    French."""
    from cloudplan.core.status import Status

    if status is None:
        return _("CLEARED")
    if status is Status.OVERDUE:
        return _("OVERDUE")
    if status is Status.DUE_SOON:
        return _("DUE-SOON")
    return status.value.upper()


def cleared_line(cleared: Cleared) -> tuple[str, str]:
    """Return the label 'CLEARED' (LEVÉE in French) and the rest of the line of a milestone that left the list.

    `CLEARED  cercle-2/ouverture  done on 2021-03-15, was overdue: Ouverture [DINSIC]`
    """
    from cloudplan.core.alerts import Reason  # only `--state` runs need the alerts module

    state = cleared.state
    was = _("was {status}").format(status=statuses.label(cleared.was.status))
    if state is None:
        removed = _("removed from the plan")
        return _label(None), f"  {inert_text(cleared.ref)}  {removed}, {was}"
    m = state.milestone
    why = {
        Reason.DONE: lambda: _("done on {day}").format(day=human.day(m.done)),
        Reason.CANCELLED: lambda: _("cancelled on {day}").format(day=human.day(m.cancelled)),
        Reason.RESCHEDULED: lambda: _("rescheduled, {due}").format(due=_due(state)),
        Reason.UNSCHEDULED: lambda: _("no longer has a due date"),
        Reason.NOT_DUE_SOON: lambda: _("no longer due soon, {due}").format(due=_due(state)),
        Reason.NOT_LISTED: lambda: _("no longer listed with these options"),
    }[cleared.reason]()
    owners = f" [{inert_text(', '.join(m.owners))}]" if m.owners else ""
    return _label(None), f"  {inert_text(m.ref)}  {why}, {was}{human.colon()}{inert_text(m.title)}{owners}"


def _due(state: MilestoneState) -> str:
    """Return e.g. 'due 2021-Q3 (2021-09-30), in 92 days'."""
    m = state.milestone
    if m.due is None:
        return ""
    due = _("due {period}").format(period=human.due(m.due))
    later = human.days_left(state.days_left)
    return f"{due}, {later}" if later else due
