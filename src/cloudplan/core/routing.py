"""Who `cloudplan notify` alerts about what, as of a day: the alerts of each destination, and its memory after; pure.

Each alert belongs to each owner of its milestone (its own owners, else its project's,
else the plan's `owner`) and goes to every destination of that owner's contact, else
of the `"*"` contact; an owner without either is "unreached" (printed by the command).

The state file (cloudplan.core.alerts) remembers, per destination, each milestone it was
last alerted about: its status then, its deadline, the tightest reminder threshold sent,
and the day of the last overdue alert. From that memory and the milestones as of the day
come four kinds:

- `overdue`: it became overdue (or is overdue with another deadline than remembered);
- `due-soon`: its days left reached a `--remind` threshold not sent yet for this deadline;
- `still-overdue`: it is still overdue, `--repeat` days after the last overdue alert;
- `cleared`: it was alerted, and is now done, cancelled, unscheduled, rescheduled away,
  no longer this destination's, or removed from the plans.

What each destination is told, in words, is cloudplan.notify.messages'.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from cloudplan.core.alerts import Memo, Reason, deadline_of, reason
from cloudplan.core.model import Contact, Portfolio
from cloudplan.core.status import MilestoneState, Status

STDOUT = "stdout"  # the destination of alerts that reach nobody: the command's standard output
DEFAULT_REMIND = (30, 7, 1)
DEFAULT_REPEAT = 7


class AlertKind(StrEnum):
    """What an alert says."""

    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    STILL_OVERDUE = "still-overdue"
    CLEARED = "cleared"


class Alert(NamedTuple):
    """One line of a message."""

    kind: AlertKind
    ref: str
    title: str
    due: str | None  # the period as written, e.g. 2021-Q1
    deadline: date | None
    days_left: int | None  # negative when late; None when closed or removed
    owners: tuple[str, ...]
    reason: Reason | None = None  # for cleared
    on: date | None = None  # done or cancelled on, for cleared
    token: str = ""  # what identifies this alert across retries (see Message.id)
    plan: str = ""  # the title of its plan ('' for a milestone removed from the plans)


class Routed(NamedTuple):
    """What one destination is to be told in one run, before it is put in words."""

    destination: str
    language: str | None  # its contact's, else the run's default
    alerts: tuple[Alert, ...]  # in the order of a message: overdue, still overdue, due soon, cleared
    memory: dict[str, Memo]  # the destination's memory after a successful send
    named: bool  # it hears of many owners' milestones (the "*" contact, standard output)


class Routes(NamedTuple):
    """The outcome of routing a run."""

    routed: list[Routed]  # one per destination with something to say; STDOUT last, if any
    memory: dict[str, dict[str, Memo]]  # every destination's memory once every message is sent
    last: dict[str, str]  # the id of the last message each destination of the plans took, before this run


def routes(owners: Iterable[str], contacts: Mapping[str, Contact]) -> tuple[dict[str, Contact], list[str]]:
    """Return the contact of each owner that has one (its own, else "*"), and the owners without."""
    routed: dict[str, Contact] = {}
    unreached: list[str] = []
    fallback = contacts.get("*")
    for owner in owners:
        contact = contacts.get(owner, fallback)
        if contact is None or not contact.destinations:
            unreached.append(owner)
        else:
            routed[owner] = contact
    return routed, unreached


def plan(
    portfolio: Portfolio,
    states: Sequence[MilestoneState],
    as_of: date,
    previous: Mapping[str, Mapping[str, Memo]],
    remind: Sequence[int] = DEFAULT_REMIND,
    repeat: int = DEFAULT_REPEAT,
    language: str | None = None,
    last: Mapping[str, str] | None = None,
) -> Routes:
    """Return what each destination is to be told as of *as_of*, given its memory in *previous*.

    *states* are every milestone's states as of that day; *language* is the default for
    contacts that set none (and for STDOUT); *last* the id of the last message each
    destination took (see cloudplan.notify.messages.Message.id).
    """
    last = last or {}
    contacts: dict[str, Contact] = {}
    for c in portfolio.contacts:
        contacts.setdefault(c.owner, c)
    fallback = {plan.source: (plan.owner,) if plan.owner else () for plan in portfolio.plans}
    titles = {plan.source: plan.title for plan in portfolio.plans}
    star = set(contacts["*"].destinations) if "*" in contacts else set()
    thresholds = sorted({t for t in remind if t >= 0})
    furthest = thresholds[-1] if thresholds else -1
    remembered = {ref for items in previous.values() for ref in items}
    # Which milestones each destination has (with their owners), and in which language it is spoken to.
    wanted: dict[str, dict[str, tuple[MilestoneState, tuple[str, ...]]]] = {}
    languages: dict[str, str | None] = {}
    for c in contacts.values():
        for d in c.destinations:
            wanted.setdefault(d, {})
            languages.setdefault(d, c.language or language)
    known: dict[str, tuple[MilestoneState, tuple[str, ...]]] = {}  # remembered refs still in the plans
    targets_of: dict[tuple[str, ...], tuple[str, ...]] = {}  # owners -> destinations, computed once each
    for s in states:
        left = s.days_left
        # Most milestones can say nothing: closed or far off, and never alerted.
        if (
            (left is None or left > furthest)
            and s.status is not Status.OVERDUE
            and (not remembered or s.milestone.ref not in remembered)
        ):
            continue
        m = s.milestone
        ref = m.ref
        its = m.owners or fallback.get(m.source, ())
        if ref in remembered:
            known[ref] = (s, its)
        # A milestone nobody owns goes where owners without a contact go: to "*".
        key = its or ("*",)
        targets = targets_of.get(key)
        if targets is None:
            reached, unreached = routes(key, contacts)
            found = {d for c in reached.values() for d in c.destinations}
            if unreached:
                found.add(STDOUT)
            targets = targets_of[key] = tuple(found)
        for d in targets:
            wanted.setdefault(d, {})[ref] = (s, its)
    languages.setdefault(STDOUT, language)
    told: list[Routed] = []
    memory: dict[str, dict[str, Memo]] = {}
    for d in sorted(wanted, key=lambda d: (d == STDOUT, d)):
        mine = wanted[d]
        before = previous.get(d, {})
        alerts: list[Alert] = []
        after: dict[str, Memo] = {}
        for ref, (s, its) in mine.items():
            alert, memo = _one(s, before.get(ref), as_of, thresholds, repeat, its)
            if alert is not None:
                alerts.append(alert._replace(plan=titles.get(s.milestone.source, "")))
            if memo is not None:
                after[ref] = memo
        for ref, memo in before.items():
            if ref not in mine:
                state, its = known.get(ref, (None, ()))
                cleared = _cleared(ref, memo, state, its)
                alerts.append(cleared._replace(plan=titles.get(state.milestone.source, "")) if state else cleared)
        memory[d] = after
        if alerts:
            alerts.sort(key=_order)
            named = d == STDOUT or d in star  # the "*" contact hears of many owners' milestones
            told.append(Routed(d, languages[d], tuple(alerts), after, named))
    # A destination's last id is kept while a contact names it, whether or not it remembers a milestone.
    return Routes(told, {d: m for d, m in memory.items() if m}, {d: i for d, i in last.items() if d in wanted})


def _one(
    s: MilestoneState, memo: Memo | None, as_of: date, thresholds: list[int], repeat: int, owners: tuple[str, ...]
) -> tuple[Alert | None, Memo | None]:
    """Return the alert (if any) about one milestone for one destination, and what it remembers after."""
    m = s.milestone
    deadline = deadline_of(s)
    if s.status is Status.OVERDUE:
        if memo is None or memo.status != Status.OVERDUE or memo.deadline != deadline:
            token = f"overdue|{m.ref}|{deadline}"
            return _alert(AlertKind.OVERDUE, s, owners, token), Memo("overdue", deadline, None, as_of.isoformat())
        last = date.fromisoformat(memo.sent) if memo.sent else as_of
        if repeat > 0 and (as_of - last).days >= repeat:  # no day after 9999-12-31 to compare with
            token = f"still-overdue|{m.ref}|{deadline}|{memo.sent}"
            return _alert(AlertKind.STILL_OVERDUE, s, owners, token), memo._replace(sent=as_of.isoformat())
        return None, memo
    if s.status.is_open and s.days_left is not None:  # due soon or upcoming
        reached = [t for t in thresholds if s.days_left <= t]
        same = memo is not None and memo.status == Status.DUE_SOON and memo.deadline == deadline
        if reached:
            tightest = reached[0]
            if same and memo is not None and memo.remind is not None and memo.remind <= tightest:
                return None, memo
            token = f"due-soon|{m.ref}|{deadline}|{tightest}"
            return _alert(AlertKind.DUE_SOON, s, owners, token), Memo("due-soon", deadline, tightest)
        if memo is not None and not same:
            return _cleared(m.ref, memo, s, owners), None  # rescheduled away
        return None, None  # not yet within a threshold, or --remind changed: nothing to remember
    if memo is not None:
        return _cleared(m.ref, memo, s, owners), None
    return None, None


def _alert(kind: AlertKind, s: MilestoneState, owners: tuple[str, ...], token: str) -> Alert:
    m = s.milestone
    due = m.due
    return Alert(
        kind, m.ref, m.title, due.text if due else None, due.last if due else None, s.days_left, owners,
        token=token,
    )  # fmt: skip


def _cleared(ref: str, memo: Memo, s: MilestoneState | None, owners: tuple[str, ...]) -> Alert:
    token = f"cleared|{ref}|{memo.status}|{memo.deadline}"
    why = reason(memo.deadline, s, Reason.REASSIGNED)
    if s is None:
        return Alert(AlertKind.CLEARED, ref, "", None, None, None, owners, why, token=token)
    m = s.milestone
    on = m.done if why is Reason.DONE else m.cancelled if why is Reason.CANCELLED else None
    return _alert(AlertKind.CLEARED, s, owners, token)._replace(reason=why, on=on)


_KIND_ORDER = {AlertKind.OVERDUE: 0, AlertKind.STILL_OVERDUE: 1, AlertKind.DUE_SOON: 2, AlertKind.CLEARED: 3}


def _order(a: Alert) -> tuple[int, date, str]:
    return _KIND_ORDER[a.kind], a.deadline or date.max, a.ref
