"""What `cloudplan notify` sends, to whom, as of a day: alerts, messages and the state file; pure.

Each alert belongs to each owner of its milestone (its own owners, else its project's,
else the plan's `owner`) and goes to every destination of that owner's contact, else
of the `"*"` contact; an owner without either is "unreached" (printed by the command).

The state file remembers, per destination, each milestone it was last alerted about:
its status then, its deadline, the tightest reminder threshold sent, and the day of the
last overdue alert. From that memory and the milestones as of the day come four kinds:

- `overdue`: it became overdue (or is overdue with another deadline than remembered);
- `due-soon`: its days left reached a `--remind` threshold not sent yet for this deadline;
- `still-overdue`: it is still overdue, `--repeat` days after the last overdue alert;
- `cleared`: it was alerted, and is now done, cancelled, unscheduled, rescheduled away,
  no longer this destination's, or removed from the plans.

One message per destination holds all its alerts. Its memory after a successful send
is part of it: the command writes it only then, so a failed send is retried next run
and a successful one is never repeated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

from cloudplan.base import human, translate
from cloudplan.base.errors import StateInvalid
from cloudplan.base.inert import inert_text
from cloudplan.core.model import Contact, Portfolio
from cloudplan.core.status import MilestoneState, Status

KIND = "notify-state"
VERSION = 1
STDOUT = "stdout"  # the destination of alerts that reach nobody: the command's standard output
DEFAULT_REMIND = (30, 7, 1)
DEFAULT_REPEAT = 7


class Translator(Protocol):
    """What messages are written through: gettext's translation objects have both methods."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


class _Gate:
    """cloudplan's own message gate (cloudplan.base.translate) as a translator object."""

    def gettext(self, message: str, /) -> str:
        return translate._(message)

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return translate.ngettext(singular, plural, n)


GATE: Translator = _Gate()


def gate(_language: str | None) -> Translator:
    """Return the translator of every language: cloudplan's gate in the language of the run."""
    return GATE


class _Speaker:
    """cloudplan's gate speaking one language, whatever the run speaks."""

    def __init__(self, language: str | None) -> None:
        self.language = language

    def gettext(self, message: str, /) -> str:
        with translate.speaking(self.language):
            return translate._(message)

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        with translate.speaking(self.language):
            return translate.ngettext(singular, plural, n)


def speaker(language: str | None) -> Translator:
    """Return the translator of *language* ('fr' or 'en'; None: the run's), from cloudplan's catalogue.

    One run may so write French to one contact and English to another (the default of `plan`).
    """
    return _Speaker(language)


class Kind(StrEnum):
    """What an alert says."""

    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    STILL_OVERDUE = "still-overdue"
    CLEARED = "cleared"


class Reason(StrEnum):
    """Why a milestone is cleared."""

    DONE = "done"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    UNSCHEDULED = "unscheduled"
    REASSIGNED = "reassigned"  # its owners changed: another destination has it now
    REMOVED = "removed"


class Memo(NamedTuple):
    """What a destination was last told about a milestone (one item of the state file)."""

    status: str  # "overdue" or "due-soon"
    deadline: str | None  # ISO day
    remind: int | None = None  # the tightest due-soon threshold sent for this deadline
    sent: str | None = None  # ISO day of the last overdue or still-overdue alert


class Alert(NamedTuple):
    """One line of a message."""

    kind: Kind
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


# The colour of each kind's label in the HTML part: dark enough on white for WCAG AA (4.5:1 and more).
LABEL_COLOURS: dict[str, str] = {
    Kind.OVERDUE: "#b71c1c",
    Kind.STILL_OVERDUE: "#b71c1c",
    Kind.DUE_SOON: "#8d4e00",
    Kind.CLEARED: "#2e7d32",
}
_CELL = "padding:4px 10px 4px 0;border-bottom:1px solid #e0e0e0;vertical-align:top;text-align:left"


class Line(NamedTuple):
    """An alert's line, in the message's language: label, ref, title, the rest; owners when named.

    Its plan text is inert already (see `_message`), so the line is text to lay out, nothing more.
    """

    label: str
    ref: str
    title: str
    rest: str
    owners: str
    colon: str = ": "  # ' : ' in French
    kind: str = ""  # the alert's Kind, which colours its label in HTML

    def text(self) -> str:
        """`OVERDUE  cercle-2/ouverture  deadline 2021-Q1 (2021-03-31), 60 days late: Ouverture [DINSIC]`."""
        named = f"{self.colon}{self.title}" if self.title else ""
        owners = f" [{self.owners}]" if self.owners else ""
        return f"{self.label}  {self.ref}  {self.rest}{named}{owners}"

    def html(self, owners: bool = False) -> str:
        """The same as a row of the message's HTML table: label, title then ref, the rest, the owners (with
        *owners*); every piece of plan text escaped, each cell styled inline, as mail clients need."""
        from html import escape as esc

        colour = LABEL_COLOURS.get(self.kind, "#212121")
        label = f'<td style="{_CELL};white-space:nowrap;font-weight:bold;color:{colour}">{esc(self.label)}</td>'
        ref = f'<code style="font-size:12px;color:#555555">{esc(self.ref)}</code>'
        title = f"<strong>{esc(self.title)}</strong><br>{ref}" if self.title else ref
        cells = [label, f'<td style="{_CELL}">{title}</td>', f'<td style="{_CELL}">{esc(self.rest)}</td>']
        if owners:
            cells.append(f'<td style="{_CELL}">{esc(self.owners)}</td>')
        return f"<tr>{''.join(cells)}</tr>"


class Message(NamedTuple):
    """Everything one destination gets in one run, and what it remembers once it got it."""

    destination: str  # mailto:ADDRESS, matrix:ROOM, webhook:$NAME or webhook:URL, or stdout
    language: str | None
    alerts: tuple[Alert, ...]
    subject: str  # names the plans and the day: `cloudplan: Roadmap – 2 milestone alerts as of 2021-06-30 (...)`
    lines: tuple[Line, ...]
    memory: dict[str, Memo]  # the destination's memory after a successful send
    plans: str = ""  # the titles of the plans its alerts are about
    summary: str = ""  # `2 milestone alerts as of 2021-06-30 (1 overdue, 1 due soon)`
    headers: tuple[str, ...] = ()  # its table's column headers: alert, milestone, details, owners
    follows: str = ""  # the id of the last message this destination took ("" for none yet)

    @property
    def text(self) -> str:
        """The subject, a blank line, one line per alert."""
        return self.subject + "\n\n" + "".join(line.text() + "\n" for line in self.lines)

    @property
    def html(self) -> str:
        """The same as an HTML fragment for e-mail and Matrix: the plans and the day, then a small table whose
        cells carry their style inline (mail clients drop style sheets; Matrix clients drop styles)."""
        from html import escape

        owners = any(line.owners for line in self.lines)
        th = f"{_CELL};font-size:12px;color:#555555;font-weight:normal"
        head = "".join(f'<th style="{th}">{escape(h)}</th>' for h in self.headers[: 4 if owners else 3])
        rows = "".join(line.html(owners) for line in self.lines)
        font = "font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#212121"
        return (
            f'<p style="{font};margin:0 0 12px"><strong>{escape(self.plans)}</strong><br>{escape(self.summary)}</p>'
            f'<table style="{font};border-collapse:collapse">'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        )

    @property
    def id(self) -> str:
        """A digest of the destination, the last message it took and this one's alerts: the same on every retry.

        Matrix takes it as the transaction id, so that a send retried after a lost answer is
        not posted twice; e-mail takes it as Message-ID. It depends on what the alerts are,
        not on the day they are sent, so a retry on the next day keeps it. And as it follows
        on from the last message the destination took, no two messages ever share one, even
        when a milestone comes back to say the same again (alerted, removed, put back):
        Matrix would take the second for a retry and drop it, and a mailbox that sorts out
        doubles by Message-ID would hide it.
        """
        import hashlib

        digest = hashlib.sha256(self.destination.encode("utf-8"))
        digest.update(b"\1" + self.follows.encode("utf-8"))
        for alert in self.alerts:
            digest.update(b"\0" + alert.token.encode("utf-8"))
        return digest.hexdigest()[:32]


class Notices(NamedTuple):
    """The outcome of a run, before anything is sent."""

    messages: list[Message]  # one per destination with something to say; STDOUT last, if any
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
    translator: Callable[[str | None], Translator] = speaker,
    last: Mapping[str, str] | None = None,
) -> Notices:
    """Return the messages to send as of *as_of*, given each destination's memory in *previous*.

    *states* are every milestone's states as of that day; *language* is the default for
    contacts that set none (and for STDOUT); *translator* gives the translator of a language;
    *last* the id of the last message each destination took (see Message.id).
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
            routed, unreached = routes(key, contacts)
            found = {d for c in routed.values() for d in c.destinations}
            if unreached:
                found.add(STDOUT)
            targets = targets_of[key] = tuple(found)
        for d in targets:
            wanted.setdefault(d, {})[ref] = (s, its)
    languages.setdefault(STDOUT, language)
    messages: list[Message] = []
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
            # Days, periods and the colon follow the destination's language too (cloudplan.base.human).
            with translate.speaking(languages[d]):
                t = translator(languages[d])
                named = d == STDOUT or d in star  # the "*" contact hears of many owners' milestones
                plans = _plans(alerts, portfolio)
                message = _message(d, languages[d], alerts, after, t, named, plans, as_of)
            messages.append(message._replace(follows=last.get(d, "")))
    # A destination's last id is kept while a contact names it, whether or not it remembers a milestone.
    return Notices(messages, {d: m for d, m in memory.items() if m}, {d: i for d, i in last.items() if d in wanted})


def _one(
    s: MilestoneState, memo: Memo | None, as_of: date, thresholds: list[int], repeat: int, owners: tuple[str, ...]
) -> tuple[Alert | None, Memo | None]:
    """Return the alert (if any) about one milestone for one destination, and what it remembers after."""
    m = s.milestone
    deadline = m.due.last.isoformat() if m.due is not None else None
    if s.status is Status.OVERDUE:
        if memo is None or memo.status != Status.OVERDUE or memo.deadline != deadline:
            token = f"overdue|{m.ref}|{deadline}"
            return _alert(Kind.OVERDUE, s, owners, token), Memo("overdue", deadline, None, as_of.isoformat())
        last = date.fromisoformat(memo.sent) if memo.sent else as_of
        if repeat > 0 and as_of >= last + timedelta(days=repeat):
            token = f"still-overdue|{m.ref}|{deadline}|{memo.sent}"
            return _alert(Kind.STILL_OVERDUE, s, owners, token), memo._replace(sent=as_of.isoformat())
        return None, memo
    if s.status.is_open and s.days_left is not None:  # due soon or upcoming
        reached = [t for t in thresholds if s.days_left <= t]
        same = memo is not None and memo.status == Status.DUE_SOON and memo.deadline == deadline
        if reached:
            tightest = reached[0]
            if same and memo is not None and memo.remind is not None and memo.remind <= tightest:
                return None, memo
            token = f"due-soon|{m.ref}|{deadline}|{tightest}"
            return _alert(Kind.DUE_SOON, s, owners, token), Memo("due-soon", deadline, tightest)
        if memo is not None and not same:
            return _cleared(m.ref, memo, s, owners), None  # rescheduled away
        return None, None  # not yet within a threshold, or --remind changed: nothing to remember
    if memo is not None:
        return _cleared(m.ref, memo, s, owners), None
    return None, None


def _alert(kind: Kind, s: MilestoneState, owners: tuple[str, ...], token: str) -> Alert:
    m = s.milestone
    due = m.due
    return Alert(
        kind, m.ref, m.title, due.text if due else None, due.last if due else None, s.days_left, owners,
        token=token,
    )  # fmt: skip


def _cleared(ref: str, memo: Memo, s: MilestoneState | None, owners: tuple[str, ...]) -> Alert:
    token = f"cleared|{ref}|{memo.status}|{memo.deadline}"
    if s is None:
        return Alert(Kind.CLEARED, ref, "", None, None, None, owners, Reason.REMOVED, token=token)
    m = s.milestone
    if s.status in (Status.DONE, Status.DONE_LATE):
        reason, on = Reason.DONE, m.done
    elif s.status is Status.CANCELLED:
        reason, on = Reason.CANCELLED, m.cancelled
    elif s.status is Status.UNSCHEDULED:
        reason, on = Reason.UNSCHEDULED, None
    elif (m.due.last.isoformat() if m.due else None) != memo.deadline:
        reason, on = Reason.RESCHEDULED, None
    else:
        reason, on = Reason.REASSIGNED, None
    base = _alert(Kind.CLEARED, s, owners, token)
    return base._replace(reason=reason, on=on)


_KIND_ORDER = {Kind.OVERDUE: 0, Kind.STILL_OVERDUE: 1, Kind.DUE_SOON: 2, Kind.CLEARED: 3}


def _order(a: Alert) -> tuple[int, date, str]:
    return _KIND_ORDER[a.kind], a.deadline or date.max, a.ref


# -- the words ---------------------------------------------------------------------------------


def _plans(alerts: Sequence[Alert], portfolio: Portfolio) -> str:
    """Return the titles of the plans *alerts* speak of (every plan's when none is known), as written."""
    titles = list(dict.fromkeys(a.plan for a in alerts if a.plan)) or [p.title for p in portfolio.plans]
    return ", ".join(titles)


def _summary(alerts: Sequence[Alert], as_of: date, t: Translator) -> str:
    """Return `2 milestone alerts as of 2021-06-30 (1 overdue, 1 due soon)` in the message's language."""
    n = len(alerts)
    counts = {k: sum(1 for a in alerts if a.kind is k) for k in Kind}
    parts = []
    late = counts[Kind.OVERDUE] + counts[Kind.STILL_OVERDUE]
    if late:
        parts.append(t.ngettext("{n} overdue", "{n} overdue", late).format(n=late))
    if counts[Kind.DUE_SOON]:
        k = counts[Kind.DUE_SOON]
        parts.append(t.ngettext("{n} due soon", "{n} due soon", k).format(n=k))
    if counts[Kind.CLEARED]:
        k = counts[Kind.CLEARED]
        parts.append(t.ngettext("{n} cleared", "{n} cleared", k).format(n=k))
    head = t.ngettext("{n} milestone alert", "{n} milestone alerts", n).format(n=n)
    return t.gettext("{alerts} as of {day} ({counts})").format(
        alerts=head, day=human.day(as_of), counts=", ".join(parts)
    )


def _label(kind: Kind, t: Translator) -> str:
    return {
        Kind.OVERDUE: lambda: t.gettext("OVERDUE"),
        Kind.STILL_OVERDUE: lambda: t.gettext("STILL OVERDUE"),
        Kind.DUE_SOON: lambda: t.gettext("DUE SOON"),
        Kind.CLEARED: lambda: t.gettext("CLEARED"),
    }[kind]()


def _when(days_left: int | None, t: Translator) -> str:
    if days_left is None:
        return ""
    if days_left == 0:
        return t.gettext("due today")
    if days_left < 0:
        return t.ngettext("{n} day late", "{n} days late", -days_left).format(n=-days_left)
    return t.ngettext("{n} day left", "{n} days left", days_left).format(n=days_left)


def _deadline(a: Alert, t: Translator) -> str:
    if a.deadline is None or a.due is None:
        return t.gettext("no deadline")
    day = human.day(a.deadline)
    due = _period(a.due)
    period = due if due == day else f"{due} ({day})"
    return t.gettext("deadline {period}").format(period=period)


def _period(text: str) -> str:
    """Return a deadline's period as people read it in the language spoken (2e semestre 2019)."""
    from cloudplan.base.errors import CloudplanError
    from cloudplan.core.periods import parse_file_value

    try:
        return human.period(parse_file_value(text))
    except CloudplanError:
        return text


def line_parts(a: Alert, t: Translator) -> tuple[str, str, str, str]:
    """Return the label, ref, title and the rest (deadline, days late or left, why cleared) of an alert."""
    if a.kind is Kind.CLEARED:
        why = {
            Reason.DONE: lambda: t.gettext("done on {day}").format(day=human.day(a.on)),
            Reason.CANCELLED: lambda: t.gettext("cancelled on {day}").format(day=human.day(a.on)),
            Reason.RESCHEDULED: lambda: t.gettext("rescheduled: {deadline}").format(deadline=_deadline(a, t)),
            Reason.UNSCHEDULED: lambda: t.gettext("no longer has a deadline"),
            Reason.REASSIGNED: lambda: t.gettext("now owned by {owners}").format(owners=", ".join(a.owners)),
            Reason.REMOVED: lambda: t.gettext("removed from the plan"),
        }[a.reason or Reason.REMOVED]()
        when = _when(a.days_left, t) if a.reason is Reason.RESCHEDULED else ""
        rest = f"{why}, {when}" if when else why
    else:
        rest = f"{_deadline(a, t)}, {_when(a.days_left, t)}"
    return _label(a.kind, t), a.ref, a.title, rest


def _message(
    destination: str,
    language: str | None,
    alerts: list[Alert],
    memory: dict[str, Memo],
    t: Translator,
    named: bool,
    plans: str,
    as_of: date,
) -> Message:
    """Return the message of *alerts*: the one place where every message is put together.

    So it is where the text that comes from a plan (refs, titles, periods, owners, the
    plans' titles) or from the state file (the ref of a removed milestone) is made inert,
    once, before any line, subject or transport sees it: a title or an owner holding
    escapes, CR/LF or U+2028 reaches no terminal, mail, room or webhook as anything but
    visible symbols, and so cannot write a line of its own that reads as an alert.
    """
    alerts = [_inert(a) for a in alerts]
    plans = inert_text(plans)
    # Owners are named where a destination hears of several: the "*" contact and standard output always, any
    # other when its alerts have more than one owner.
    several = named or len({o for a in alerts for o in a.owners}) > 1
    colon = human.colon()
    lines = tuple(Line(*line_parts(a, t), ", ".join(a.owners) if several else "", colon, a.kind.value) for a in alerts)
    summary = _summary(alerts, as_of, t)
    subject = t.gettext("cloudplan: {plans} – {summary}").format(plans=plans, summary=summary)
    headers = (t.gettext("Alert"), t.gettext("Milestone"), t.gettext("Details"), t.gettext("Owners"))
    return Message(destination, language, tuple(alerts), subject, lines, memory, plans, summary, headers)


def _inert(a: Alert) -> Alert:
    """Return *a* with its plan text made inert (cloudplan.base.inert); what identifies it (token) kept."""
    owners = tuple(inert_text(o) for o in a.owners)
    due = inert_text(a.due) if a.due is not None else None
    return a._replace(ref=inert_text(a.ref), title=inert_text(a.title), due=due, owners=owners, plan=inert_text(a.plan))


# -- the state file ------------------------------------------------------------------------------


class State(NamedTuple):
    """What a state file holds."""

    memory: dict[str, dict[str, Memo]]  # per destination, what each milestone was last alerted as
    last: dict[str, str]  # per destination, the id of the last message it took (see Message.id)


def dumps(memory: Mapping[str, Mapping[str, Memo]], as_of: date, last: Mapping[str, str] | None = None) -> str:
    """Return the state file's text: per destination, what each milestone was last alerted as,
    and the id of the last message it took.

    Indented, unlike what cloudplan prints: it is read by people asking what an owner was
    told, and each run rewrites it whole, so its size does not matter.
    """
    destinations = {
        d: {ref: {k: v for k, v in memo._asdict().items() if v is not None} for ref, memo in sorted(items.items())}
        for d, items in sorted(memory.items())
        if items
    }
    document: dict[str, Any] = {"cloudplan": KIND, "version": VERSION, "as_of": as_of.isoformat(),
                                "destinations": destinations}  # fmt: skip
    if last:
        document["last_message"] = dict(sorted(last.items()))
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def loads(text: str | None, source: str, t: Translator = GATE) -> dict[str, dict[str, Memo]]:
    """Return what a state file remembers of each destination (see `read`)."""
    return read(text, source, t).memory


def read(text: str | None, source: str, t: Translator = GATE) -> State:
    """Return what a state file holds; no file (None) holds nothing.

    Raises StateInvalid for text this version of cloudplan did not write: a guess could
    send every alert again, or never. A file without `last_message` (written before it
    was kept) is read as one whose destinations took no message yet.
    """
    if text is None:
        return State({}, {})
    try:
        document: Any = json.loads(text)
    except ValueError as e:
        raise _invalid(source, t.gettext("not JSON ({why})").format(why=e), t) from None
    if not isinstance(document, dict) or document.get("cloudplan") != KIND:
        raise _invalid(source, t.gettext("not a cloudplan notify state file"), t)
    if document.get("version") != VERSION:
        why = t.gettext("version {v!r} is not supported").format(v=document.get("version"))
        raise _invalid(source, why, t)
    destinations = document.get("destinations")
    if not isinstance(destinations, dict):
        raise _invalid(source, t.gettext("'destinations' must be an object"), t)
    memory: dict[str, dict[str, Memo]] = {}
    for d, items in destinations.items():
        if not isinstance(items, dict):
            raise _invalid(source, t.gettext("the destination {d!r} is malformed").format(d=d), t)
        memory[d] = {}
        for ref, item in items.items():
            memo = _memo(item)
            if memo is None:
                raise _invalid(source, t.gettext("the item {ref!r} of {d!r} is malformed").format(ref=ref, d=d), t)
            memory[d][ref] = memo
    last = document.get("last_message", {})
    if not isinstance(last, dict) or not all(isinstance(i, str) and _ID.fullmatch(i) for i in last.values()):
        raise _invalid(source, t.gettext("'last_message' must map destinations to message ids"), t)
    return State(memory, last)


_ID = re.compile("[0-9a-f]{32}")


def _memo(item: object) -> Memo | None:
    if not isinstance(item, dict) or set(item) - set(Memo._fields):
        return None
    status, deadline, remind, sent = (item.get(k) for k in Memo._fields)
    if status not in (Status.OVERDUE, Status.DUE_SOON):
        return None
    if not all(v is None or (isinstance(v, str) and _is_day(v)) for v in (deadline, sent)):
        return None
    if remind is not None and (type(remind) is not int or remind < 0):
        return None
    return Memo(status, deadline, remind, sent)


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _invalid(source: str, why: str, t: Translator) -> StateInvalid:
    return StateInvalid(
        t.gettext("{path}: cannot use this state file: {why}").format(path=source, why=why),
        hint=t.gettext("nothing was sent; delete it to start afresh: the next run then sends every alert again"),
    )
