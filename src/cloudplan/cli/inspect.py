"""The commands that look at one thing closely, or change one thing: show, set, trend; and what an edit puts at risk."""

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cloudplan.cli.common import today_in
from cloudplan.i18n import _

if TYPE_CHECKING:
    from cloudplan.edits import Edit
    from cloudplan.model import Milestone, Portfolio


def edit_with_impact(
    plan: str | None,
    make: "Callable[[Portfolio, date, str | None], Edit]",
    changed: "Callable[[Portfolio, date], Milestone]",
    dry_run: bool = False,
    warnings: "Callable[[Portfolio, date], list[str]] | None" = None,
) -> None:
    """Make an edit as `apply` does (or, with *dry_run*, only say what it would do), then print every
    milestone downstream that the change puts at risk, with the chain of dependencies that does it.

    *changed* returns the edited milestone as the edit leaves it.
    """
    from cloudplan import status
    from cloudplan.cli.edit import apply, note
    from cloudplan.render.risk import impact_lines

    found: list[status.Impact] = []

    def wrapped(portfolio: "Portfolio", today: date, into: str | None) -> "Edit":
        edit = make(portfolio, today, into)
        for line in warnings(portfolio, today) if warnings else ():
            note(line)
        if edit.changes:
            found[:] = status.impact(portfolio, changed(portfolio, today), today, portfolio.warn_days)
        return edit

    if dry_run:
        from cloudplan import store

        files = store.discover([plan] if plan else [], os.environ, Path.cwd())
        loaded = store.load(files, today_in)
        edit = wrapped(loaded.portfolio, loaded.today, None)
        note(_("dry run, nothing written: {what}").format(what=edit.message))
    else:
        apply(plan, wrapped)
    lines = impact_lines(found)
    if lines:
        note(lines[0])
        sys.stderr.write("".join(line + "\n" for line in lines[1:]))
