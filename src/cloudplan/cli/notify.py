"""`cloudplan notify`: alerts to each owner's contacts, by e-mail, Matrix and webhooks."""

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cloudplan.base.errors import ExitCode, UsageError
from cloudplan.base.translate import _
from cloudplan.cli.common import load_plans, write
from cloudplan.cli.options import AsOf, PlanArgs

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date

    from cloudplan.cli.common import PlansAsOf
    from cloudplan.core.alerts import Memo
    from cloudplan.core.model import Portfolio
    from cloudplan.core.status import MilestoneState
    from cloudplan.notify.messages import Message, Notices


def notify(
    plans: PlanArgs = None,
    state: Annotated[
        Path,
        typer.Option(
            "--state",
            metavar="FILE",
            dir_okay=False,
            show_default=False,
            help=_("What each destination was already sent; updated after each send."),
        ),
    ] = ...,  # type: ignore[assignment]  # Typer: required
    as_of: AsOf = None,
    remind: Annotated[
        str,
        typer.Option(
            "--remind",
            metavar="DAYS,...",
            help=_("Remind owners this many days before a deadline, each once."),
        ),
    ] = "30,7,1",
    repeat: Annotated[
        int,
        typer.Option(
            "--repeat",
            metavar="DAYS",
            min=0,
            help=_("Repeat an overdue alert every DAYS days while it stays overdue; 0: never."),
        ),
    ] = 7,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Print every message it would send; send nothing, write nothing."))
    ] = False,
) -> None:
    """Send each owner the alerts on its milestones: overdue, due soon, still overdue, cleared.

    Exit 0 when everything due was sent, 1 when some alerts reach nobody (printed), 2 when a send failed.
    """
    from cloudplan import store
    from cloudplan.core import alerts, routing

    days = _thresholds(remind)
    r = load_plans(plans, as_of, None)
    if dry_run:  # reads the state as it is, takes no lock and writes nothing
        held = alerts.read_sent(store.read_state(state), str(state))
        outcome = _plan(r, held.memory, days, repeat, held.last)
        write("".join(_preview(m) for m in outcome.messages))
        _warn_of(r.loaded.portfolio)
        if any(m.destination == routing.STDOUT for m in outcome.messages):
            raise typer.Exit(int(ExitCode.FOUND))
        return
    from cloudplan import notify as transports
    from cloudplan.base.inert import inert_text

    def save(memory: "Mapping[str, Mapping[str, Memo]]", last: "Mapping[str, str]") -> None:
        store.write_atomic(state, alerts.dumps_sent(memory, r.as_of, last))

    # Two runs sharing the state file take turns: the second reads what the first sent, and
    # so sends nothing twice (waiting a bounded time; see docs/notify.md).
    with store.state_locked(state):
        previous = alerts.read_sent(store.read_state(state), str(state))
        outcome = _plan(r, previous.memory, days, repeat, previous.last)
        report = transports.deliver(outcome, previous.memory, os.environ, save, _show)
    for failure in report.failed:
        sys.stderr.write(f"cloudplan: {inert_text(failure.why)}\n")
    if report.failed:
        sys.stderr.write(_("  the next run sends these again; the other destinations will not get theirs twice") + "\n")
        raise typer.Exit(int(ExitCode.ERROR))
    if report.unreached is not None:
        raise typer.Exit(int(ExitCode.FOUND))


def _plan(
    r: "PlansAsOf",
    previous: "Mapping[str, Mapping[str, Memo]]",
    days: tuple[int, ...],
    repeat: int,
    last: "Mapping[str, str]",
) -> "Notices":
    """Return the messages of this run, given what each destination was sent before."""
    from cloudplan.base.translate import speaker
    from cloudplan.notify.messages import notices

    portfolio = r.loaded.portfolio
    return notices(
        portfolio,
        _states(portfolio, r.as_of, r.window),
        r.as_of,
        previous,
        days,
        repeat,
        # For contacts without `language` (and what reaches nobody): the plan's, else English; whatever the run speaks.
        language=portfolio.language or "en",
        translator=speaker,  # a language -> cloudplan's catalogue speaking it
        last=last,
    )


def _warn_of(portfolio: "Portfolio") -> None:
    """Say on stderr what a real run would miss to reach the contacts' destinations (a dry run sends nothing)."""
    from cloudplan import notify as transports
    from cloudplan.base.inert import inert_text

    destinations = [d for c in portfolio.contacts for d in c.destinations]
    for problem in transports.preflight(destinations, os.environ):
        sys.stderr.write("cloudplan: " + _("warning: {problem}").format(problem=inert_text(problem)) + "\n")


def _thresholds(text: str) -> tuple[int, ...]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise UsageError(
            _("--remind {text!r}: give days before the deadline, separated by commas").format(text=text),
            hint=_("e.g. --remind 30,7,1, or --remind '' for no reminder"),
        )
    return tuple(int(p) for p in parts)


def _states(portfolio: "Portfolio", as_of: "date", window: int) -> "list[MilestoneState]":
    from cloudplan.core.status import milestone_state

    return [milestone_state(m, as_of, window) for m in portfolio.milestones]


def _show(message: "Message") -> None:
    """Print the alerts that reach nobody, for cron's mail, before the state remembers them."""
    write(message.text)
    sys.stdout.flush()


def _preview(message: "Message") -> str:
    from cloudplan.base.inert import inert_text
    from cloudplan.core.routing import STDOUT

    # A destination is a contact's value, from a plan: shown inert, as the message's own text is.
    d = message.destination
    to = _("(reaches nobody: printed on standard output)") if d == STDOUT else inert_text(d)
    return (
        _("To: {to}").format(to=to)
        + "\n"
        + _("Subject: {s}").format(s=message.subject)
        + "\n\n"
        + (message.text.split("\n\n", 1)[1])
        + "\n"
    )
