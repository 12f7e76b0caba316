"""`cloudplan fetch`: bring each source of a portfolio file into its mirror, for the read commands to read."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cloudplan.base.errors import ExitCode
from cloudplan.base.inert import inert_text
from cloudplan.base.translate import _, ngettext

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from cloudplan.store.sources import Fetched


def fetch(
    portfolios: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PORTFOLIO]...",
            help=_(
                "Portfolio files (or folders holding them). Default: $CLOUDPLAN_PLAN, else the nearest plans/ "
                "folder or cloudplan.toml, as for the plans."
            ),
            show_default=False,
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", metavar="N", min=1, max=64, help=_("Fetch this many sources at once.")),
    ] = 8,
) -> None:
    """Fetch the sources of a portfolio file into their mirrors (in your cache folder), for the read commands.

    Nothing of a source runs: bare mirrors, no hooks, no configuration of theirs, https, ssh, git and
    file only, no prompt (git's credential helpers answer). Exit 0 when every source was fetched, 1
    when some failed (each named, with git's reason; the others are updated), 2 when the portfolio is invalid.
    """
    from datetime import UTC, datetime

    from cloudplan.store import sources

    found = sources.portfolio_files(portfolios or [], os.environ, Path.cwd())
    todo = sources.tasks(found, os.environ)
    with _progress(len(todo)) as tick:
        outcomes = sources.fetch(todo, datetime.now(UTC), jobs, tick)
    several = len(found) > 1
    for o in outcomes:
        if o.failed:
            name = f"{o.portfolio}: {o.name}" if several else o.name
            sys.stderr.write(f"cloudplan: {inert_text(name)}: {inert_text(o.failed)}\n")
    failed = sum(1 for o in outcomes if o.failed)
    if sys.stderr.isatty():
        changed = sum(1 for o in outcomes if o.changed)
        done = ngettext("fetched {n} source", "fetched {n} sources", len(outcomes) - failed).format(
            n=len(outcomes) - failed
        )
        detail = ngettext("{n} changed", "{n} changed", changed).format(n=changed)
        if failed:
            detail += ", " + ngettext("{n} failed", "{n} failed", failed).format(n=failed)
        sys.stderr.write(f"cloudplan: {done} ({detail})\n")
    if failed:
        raise typer.Exit(int(ExitCode.FOUND))


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Callable[[Fetched], None] | None]:
    """Yield what advances a Rich progress line on standard error, when it is a terminal; None otherwise (cron,
    pipes: no line at all). It is called from the fetching threads, which Rich's progress allows."""
    if not sys.stderr.isatty() or total == 0:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from cloudplan.cli.common import console

    progress = Progress(
        TextColumn(_("Fetching")),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console(stderr=True),
        transient=True,
    )
    task = progress.add_task("", total=total)

    def tick(outcome: Fetched) -> None:
        progress.update(task, advance=1, description=inert_text(outcome.name))

    with progress:
        yield tick
