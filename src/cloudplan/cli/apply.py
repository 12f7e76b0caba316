"""How every edit command runs: the files it reads, the lock, the proved edit, the write, what it reports.

The edit commands (cli/edit.py, `set` in cli/inspect.py) pass a function that makes their
edit from the portfolio; everything else is here, once.
"""

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cloudplan.base.inert import inert_text
from cloudplan.base.translate import _
from cloudplan.cli.common import today_in

if TYPE_CHECKING:
    from cloudplan.core.model import Milestone, Portfolio
    from cloudplan.plan.edits import Edit
    from cloudplan.store import PlanFile

PlanOption = Annotated[
    str | None,
    typer.Option(
        "--plan", "-f", metavar="FILE",
        help=_("The plan file (or folder) to edit. Default: $CLOUDPLAN_PLAN, else the nearest plans/ folder or "
               "cloudplan.toml; among several files, the one that holds the project named."),
        show_default=False,
    ),
]  # fmt: skip


def note(message: str) -> None:
    """Tell the user what was done, on standard error: standard output is for data."""
    sys.stderr.write(f"cloudplan: {inert_text(message)}\n")


def apply(plan: str | None, make: "Callable[[Portfolio, date, str | None], Edit]", dry_run: bool = False) -> None:
    """Lock, read and validate the plans, make the edit, prove and check the result, write it atomically, report.

    *make* gets the portfolio, today, and the file --plan named when it is one file of several.
    With *dry_run*, everything but the lock and the write: the edit is made and proved all the same.
    """
    import contextlib

    from cloudplan import store
    from cloudplan.base.errors import UsageError

    files, chosen = _files(plan)
    with contextlib.nullcontext() if dry_run else store.locked(files):
        plans = store.open_for_edit(files, today_in)
        edit = make(plans.loaded.portfolio, plans.loaded.today, chosen)
        if chosen is not None and edit.source != chosen:
            raise UsageError(
                _("that is in {file}, not in {chosen}").format(file=edit.source, chosen=chosen),
                hint=_("name {file} with --plan, or leave --plan out").format(file=edit.source),
            )
        if not edit.changes:
            note(edit.message)
            return
        applied = plans.apply(edit.source, edit.changes)
        if dry_run:
            note(_("dry run, nothing written: {what}").format(what=edit.message))
            return
        applied.document.write()
    note(_("{what} ({file})").format(what=edit.message, file=edit.source))
    for finding in applied.warnings:
        note(str(finding))


def _files(plan: str | None) -> "tuple[list[PlanFile], str | None]":
    """The files to read, and the one --plan chose among them.

    A --plan file that belongs to the portfolio found by default ($CLOUDPLAN_PLAN, the
    nearest plans/ folder) is edited within it, so that ids and refs are checked across
    every file read together; any other --plan is read alone.
    """
    from cloudplan.base.errors import PlanNotFound
    from cloudplan.store.reader import discover
    from cloudplan.store.sources import ReadOnly, refuse_portfolios

    cwd = Path.cwd()
    # A portfolio file's plans live in their sources' repositories: the office reads them, never writes them.
    if plan is None:
        files = discover([], os.environ, cwd)
        refuse_portfolios(files, os.environ, _named())
        return files, None
    files = discover([plan], os.environ, cwd)
    refuse_portfolios(files, os.environ, _named())
    if len(files) != 1:
        return files, None
    try:
        portfolio = discover([], os.environ, cwd)
        refuse_portfolios(portfolio, os.environ)  # --plan is then read alone
    except (PlanNotFound, ReadOnly):
        return files, None
    for file in portfolio:
        if os.path.realpath(file.path) == os.path.realpath(files[0].path):
            return portfolio, file.name
    return files, None


def _named() -> list[str]:
    """Return the values the edit command was given (its REF, ID or TARGET among them), to say where that lives."""
    from cloudplan.cli.framework import command_values

    return command_values()


def edit_with_impact(
    plan: str | None,
    make: "Callable[[Portfolio, date, str | None], Edit]",
    changed: "Callable[[Portfolio, date], Milestone]",
    dry_run: bool = False,
    warnings: "Callable[[Portfolio, date], list[str]] | None" = None,
    on: str | None = None,
) -> None:
    """Make an edit as `apply` does (or, with *dry_run*, only say what it would do), then print every
    milestone downstream that the change puts at risk, with the chain of dependencies that does it.

    *changed* returns the edited milestone as the edit leaves it. The risk is judged as of the
    day the change happens: *on* (the command's --on), else today.
    """
    from cloudplan.core import risk
    from cloudplan.words.risk import impact_lines

    found: list[risk.Impact] = []

    def wrapped(portfolio: "Portfolio", today: date, into: str | None) -> "Edit":
        edit = make(portfolio, today, into)
        for line in warnings(portfolio, today) if warnings else ():
            note(line)
        if edit.changes:
            from cloudplan.core import periods

            day = periods.parse_day(on, today) if on else today
            found[:] = risk.impact(portfolio, changed(portfolio, today), day, portfolio.warn_days)
        return edit

    apply(plan, wrapped, dry_run)
    lines = impact_lines(found)
    if lines:
        note(lines[0])
        sys.stderr.write("".join(line + "\n" for line in lines[1:]))
