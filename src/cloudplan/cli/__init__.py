"""The command line: parse, resolve today, call store -> core -> render, print, exit.

Command modules import what they need inside each command, so that a cron run of
`overdue` does not pay for Rich tables, exporters or the editing machinery.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cloudplan import __version__
from cloudplan.cli import check, read
from cloudplan.i18n import _

app = typer.Typer(
    name="cloudplan",
    help=_("Track the milestones, deadlines and indicators of a roadmap kept as TOML in git."),
    # No Rich in help and errors: start-up stays fast, and help reads the same piped.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"cloudplan {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help=_("Print the version and exit."))
    ] = False,
) -> None:
    """Track the milestones, deadlines and indicators of a roadmap kept as TOML in git."""


app.command("status")(read.status)
app.command("overdue")(read.overdue)
app.command("indicators")(read.indicators)
app.command("check")(check.check)
app.command("schema")(check.schema)


def main() -> None:
    """Run the command line; exit 0, 1 (found something) or 2 (could not), never a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("cloudplan: interrupted\n")
        sys.exit(130)
