"""iCalendar (RFC 5545): one all-day event per scheduled milestone, on its deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from icalendar import Calendar, Event

from cloudplan.base.inert import inert_text
from cloudplan.core.periods import shift
from cloudplan.core.status import MilestoneState, ProjectState, Status
from cloudplan.export.formats import PortfolioView

PRODID = "-//cloudplan//cloudplan//EN"


def uid(state: MilestoneState) -> str:
    """Return a milestone's event UID, the same in every export, so that a re-import updates it."""
    m = state.milestone
    return f"{m.project}.{m.id}@cloudplan"


def calendar(snapshot: PortfolioView) -> str:
    """Return a calendar of the milestones that have a deadline.

    Reproducible: DTSTAMP is the as-of day at midnight UTC, and the calendar has no
    random UID, so that the same plan as of the same day gives the same bytes.
    """
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", inert_text(snapshot.title))
    stamp = datetime.combine(snapshot.as_of, time(0, 0), tzinfo=UTC)
    for project in snapshot.projects:
        for state in project.milestones:
            if state.milestone.due is not None:
                cal.add_component(_event(project, state, stamp))
    data: bytes = cal.to_ical()
    return data.decode("utf-8")


def _event(project: ProjectState, state: MilestoneState, stamp: datetime) -> Event:
    m = state.milestone
    assert m.due is not None
    deadline = m.due.last
    event = Event()
    event.add("uid", uid(state))
    event.add("dtstamp", stamp)
    # An all-day event: DTEND is exclusive, so it is the next day (RFC 5545 3.6.1); on the
    # calendar's last day, 9999-12-31, there is none: without DTEND an all-day event lasts one day.
    event.add("dtstart", deadline)
    if deadline < date.max:
        event.add("dtend", shift(deadline, 1))
    event.add("summary", f"{inert_text(m.project)}: {inert_text(m.title)}")
    event.add("description", _description(project, state, stamp))
    event.add("categories", [inert_text(m.project)])
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    if state.status is Status.CANCELLED:
        event.add("status", "CANCELLED")
    return event


def _description(project: ProjectState, state: MilestoneState, stamp: datetime) -> str:
    # A machine format, the same in every language (not through `_()`): calendars index it.
    m = state.milestone
    assert m.due is not None
    lines = [
        f"Milestone: {inert_text(m.ref)}",
        f"Project: {inert_text(project.project.title)}",
        f"Due: {m.due.text} ({m.due.last.isoformat()})",
        f"Status as of {stamp.date().isoformat()}: {state.status.value}",
    ]
    if m.owners:
        lines.append("Owners: {owners}".format(owners=inert_text(", ".join(m.owners))))
    if m.notes:
        # A note's own line breaks stay line breaks, which iCalendar writes as \n (RFC 5545 3.3.11);
        # each line is cleaned, so nothing else in it can act.
        lines += ["", *(inert_text(line) for line in m.notes.splitlines())]
    return "\n".join(lines)
