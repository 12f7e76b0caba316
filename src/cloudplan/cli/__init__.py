"""The command line: parse, resolve today, call store -> core -> render, print, exit.

Typer turns every registered command's signature into Click objects on each run,
which costs about 5 ms a command. A run builds only the command it runs: commands are
registered here by name, as "module:function", and imported on demand, so that a cron
run of `overdue` neither builds nor imports the others (see docs/performance.md).
"""

import gc
import importlib
import os
import sys
from typing import Annotated, Any

import typer

from cloudplan import __version__
from cloudplan.i18n import _

HELP = _("Track the milestones, deadlines and indicators of a roadmap kept as TOML in git.")

# Each command: its name on the command line, and where its function lives.
COMMANDS: dict[str, str] = {
    "status": "cloudplan.cli.read:status",
    "overdue": "cloudplan.cli.read:overdue",
    "indicators": "cloudplan.cli.read:indicators",
    "timeline": "cloudplan.cli.views:timeline",
    "report": "cloudplan.cli.views:report",
    "export": "cloudplan.cli.views:export",
    "changes": "cloudplan.cli.changes:changes",
    "check": "cloudplan.cli.check:check",
    "schema": "cloudplan.cli.check:schema",
    "history": "cloudplan.cli.edit:history",
    "init": "cloudplan.cli.edit:init",
    "done": "cloudplan.cli.edit:done",
    "reopen": "cloudplan.cli.edit:reopen",
    "cancel": "cloudplan.cli.edit:cancel",
    "reschedule": "cloudplan.cli.edit:reschedule",
    "remove": "cloudplan.cli.edit:remove",
    "measure": "cloudplan.cli.edit:measure",
}
# Each group of commands (`cloudplan add project`): its name, and where its Typer app lives.
GROUPS: dict[str, str] = {"add": "cloudplan.cli.edit:add"}
# Click settings of commands that need them: `measure ID -5` takes -5 as a value, not an option.
SETTINGS: dict[str, dict[str, Any]] = {"measure": {"ignore_unknown_options": True}}


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"cloudplan {__version__}\n")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help=_("Print the version and exit."))
    ] = False,
) -> None:
    """Track the milestones, deadlines and indicators of a roadmap kept as TOML in git."""


def _load(target: str) -> Any:
    module, _sep, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


def make_app(only: str | None = None) -> typer.Typer:
    """Return the Typer app with every command, or with only the command or group named *only*."""
    new = typer.Typer(
        name="cloudplan",
        help=HELP,
        # No Rich in help and errors: start-up stays fast, and help reads the same piped.
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        add_completion=False,
        no_args_is_help=True,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    new.callback()(_root)
    for name, target in COMMANDS.items():
        if only is None or only == name:
            new.command(name, context_settings=SETTINGS.get(name))(_load(target))
    for name, target in GROUPS.items():
        if only is None or only == name:
            new.add_typer(_load(target), name=name)
    return new


def __getattr__(name: str) -> typer.Typer:
    """Build `app`, the Typer app with every command (for --help, the tests, the docs), when asked."""
    if name == "app":
        return make_app()
    raise AttributeError(name)


def _command_name(args: list[str]) -> str | None:
    """Return the command a command line runs, when it names one before any option."""
    if args and not args[0].startswith("-") and (args[0] in COMMANDS or args[0] in GROUPS):
        return args[0]
    return None


def main() -> None:
    """Run the command line; exit 0, 1 (found something) or 2 (could not), never a traceback."""
    # A run is short and builds no reference cycles worth collecting, while the cyclic
    # collector would walk the growing model again and again: a third of `overdue` on
    # 10,000 milestones. Reference counting still frees what is dropped.
    gc.disable()
    name = _command_name(sys.argv[1:])
    try:
        make_app(name)()
    except KeyboardInterrupt:
        sys.stderr.write("cloudplan: interrupted\n")
        code: object = 130
    except SystemExit as done:
        code = done.code
    else:  # pragma: no cover - Typer always exits through SystemExit
        code = 0
    _exit(code)


def _exit(code: object) -> None:
    """Exit now, without tearing down the interpreter.

    Every file cloudplan writes is closed by then, and standard output and error are
    flushed here; freeing a national portfolio's model object by object at exit would
    only add time (a tenth of a large run). A flush that fails (a closed pipe) exits 2.
    """
    status = code if isinstance(code, int) else (0 if code is None else 2)
    if not isinstance(code, int | None):
        sys.stderr.write(f"{code}\n")
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        status = 2
    os._exit(status)
