"""What `cloudplan notify` says to each destination: one message holding its alerts, in its language.

The routing (cloudplan.core.routing) decides who is told what; this module puts it in
words: a subject that names the plans and the day, one line per alert (label, ref, title,
deadline, days late or left, why cleared), the same as a small HTML table for e-mail and
Matrix, and an id that stays the same when a send is retried. It is where plan text is
made inert, once, before any transport sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import NamedTuple

from cloudplan.base import human, translate
from cloudplan.base.inert import inert_text
from cloudplan.base.translate import Translator, speaker
from cloudplan.core import routing
from cloudplan.core.alerts import Memo, Reason
from cloudplan.core.model import Portfolio
from cloudplan.core.routing import DEFAULT_REMIND, DEFAULT_REPEAT, STDOUT, Alert, AlertKind, Routed
from cloudplan.core.status import MilestoneState

__all__ = ["STDOUT", "Line", "Message", "Notices", "notices"]


# The colour of each kind's label in the HTML part: dark enough on white for WCAG AA (4.5:1 and more).
LABEL_COLOURS: dict[str, str] = {
    AlertKind.OVERDUE: "#b71c1c",
    AlertKind.STILL_OVERDUE: "#b71c1c",
    AlertKind.DUE_SOON: "#8d4e00",
    AlertKind.CLEARED: "#2e7d32",
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
    kind: str = ""  # the alert's AlertKind, which colours its label in HTML

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


def notices(
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

    As cloudplan.core.routing.plan routes them, each put in words in its destination's
    language: *translator* gives the translator of a language (the gate speaking it).
    """
    routes = routing.plan(portfolio, states, as_of, previous, remind, repeat, language, last)
    messages = []
    for r in routes.routed:
        # Days, periods and the colon follow the destination's language too (cloudplan.base.human).
        with translate.speaking(r.language):
            message = _message(r, translator(r.language), _plans(r.alerts, portfolio), as_of)
        messages.append(message._replace(follows=(last or {}).get(r.destination, "")))
    return Notices(messages, routes.memory, routes.last)


def _plans(alerts: Sequence[Alert], portfolio: Portfolio) -> str:
    """Return the titles of the plans *alerts* speak of (every plan's when none is known), as written."""
    titles = list(dict.fromkeys(a.plan for a in alerts if a.plan)) or [p.title for p in portfolio.plans]
    return ", ".join(titles)


def _summary(alerts: Sequence[Alert], as_of: date, t: Translator) -> str:
    """Return `2 milestone alerts as of 2021-06-30 (1 overdue, 1 due soon)` in the message's language."""
    n = len(alerts)
    counts = {k: sum(1 for a in alerts if a.kind is k) for k in AlertKind}
    parts = []
    late = counts[AlertKind.OVERDUE] + counts[AlertKind.STILL_OVERDUE]
    if late:
        parts.append(t.ngettext("{n} overdue", "{n} overdue", late).format(n=late))
    if counts[AlertKind.DUE_SOON]:
        k = counts[AlertKind.DUE_SOON]
        parts.append(t.ngettext("{n} due soon", "{n} due soon", k).format(n=k))
    if counts[AlertKind.CLEARED]:
        k = counts[AlertKind.CLEARED]
        parts.append(t.ngettext("{n} cleared", "{n} cleared", k).format(n=k))
    head = t.ngettext("{n} milestone alert", "{n} milestone alerts", n).format(n=n)
    return t.gettext("{alerts} as of {day} ({counts})").format(
        alerts=head, day=human.day(as_of), counts=", ".join(parts)
    )


def _label(kind: AlertKind, t: Translator) -> str:
    return {
        AlertKind.OVERDUE: lambda: t.gettext("OVERDUE"),
        AlertKind.STILL_OVERDUE: lambda: t.gettext("STILL OVERDUE"),
        AlertKind.DUE_SOON: lambda: t.gettext("DUE SOON"),
        AlertKind.CLEARED: lambda: t.gettext("CLEARED"),
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
    if a.kind is AlertKind.CLEARED:
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


def _message(routed: Routed, t: Translator, plans: str, as_of: date) -> Message:
    """Return the message of what one destination is told: the one place where every message is put together.

    So it is where the text that comes from a plan (refs, titles, periods, owners, the
    plans' titles) or from the state file (the ref of a removed milestone) is made inert,
    once, before any line, subject or transport sees it: a title or an owner holding
    escapes, CR/LF or U+2028 reaches no terminal, mail, room or webhook as anything but
    visible symbols, and so cannot write a line of its own that reads as an alert.
    """
    alerts = [_inert(a) for a in routed.alerts]
    plans = inert_text(plans)
    # Owners are named where a destination hears of several: the "*" contact and standard output always, any
    # other when its alerts have more than one owner.
    several = routed.named or len({o for a in alerts for o in a.owners}) > 1
    colon = human.colon()
    lines = tuple(Line(*line_parts(a, t), ", ".join(a.owners) if several else "", colon, a.kind.value) for a in alerts)
    summary = _summary(alerts, as_of, t)
    subject = t.gettext("cloudplan: {plans} – {summary}").format(plans=plans, summary=summary)
    headers = (t.gettext("Alert"), t.gettext("Milestone"), t.gettext("Details"), t.gettext("Owners"))
    return Message(
        routed.destination, routed.language, tuple(alerts), subject, lines, routed.memory, plans, summary, headers
    )


def _inert(a: Alert) -> Alert:
    """Return *a* with its plan text made inert (cloudplan.base.inert); what identifies it (token) kept."""
    owners = tuple(inert_text(o) for o in a.owners)
    due = inert_text(a.due) if a.due is not None else None
    return a._replace(ref=inert_text(a.ref), title=inert_text(a.title), due=due, owners=owners, plan=inert_text(a.plan))
