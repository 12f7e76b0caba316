"""What every command shares: options, the error boundary, consoles, loading and filtering."""

import contextlib
import os
import sys
from collections.abc import Iterator
from datetime import UTC, date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple, NoReturn

import typer

from cloudplan.errors import CloudplanError, ExitCode, UsageError
from cloudplan.i18n import _
from cloudplan.safe import clean

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console, RenderableType

    from cloudplan.status import IndicatorState, ProjectState
    from cloudplan.store import Loaded


# The values of status.Status, spelled here so that parsing options needs not import the engine.
MILESTONE_STATUSES = ("overdue", "due-soon", "upcoming", "unscheduled", "done-late", "done", "cancelled")


class Format(StrEnum):
    """Output formats of the read commands (`table` and `text` are the same: for people)."""

    TABLE = "table"
    TEXT = "text"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


# -- options shared by the read commands -----------------------------------------------

PlanArgs = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[PLAN]...",
        help=_("Plan files or folders (every *.toml inside). Default: $CLOUDPLAN_PLAN, else the nearest "
               "plans/ folder or cloudplan.toml."),
        show_default=False,
    ),
]  # fmt: skip
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help=_("Show the plan as it stood on this day (default: today)."),
                 show_default=False),
]  # fmt: skip
Within = Annotated[
    int | None,
    typer.Option("--within", metavar="DAYS", min=0,
                 help=_("Due-soon window in days (default: the plan's warn_days, else 30)."), show_default=False),
]  # fmt: skip
ProjectFilter = Annotated[
    list[str] | None, typer.Option("--project", "-p", metavar="ID", help=_("Only this project (repeatable)."))
]
OwnerFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--owner", metavar="TEXT", help=_("Only milestones with an owner containing TEXT, any case (repeatable).")
    ),
]
TagFilter = Annotated[
    list[str] | None, typer.Option("--tag", metavar="TAG", help=_("Only projects with this tag (repeatable)."))
]
StatusFilter = Annotated[
    list[str] | None, typer.Option("--status", metavar="STATUS", help=_("Only this status (repeatable)."))
]
FormatOption = Annotated[Format, typer.Option("--format", "-F", help=_("Output format."), case_sensitive=False)]


# -- the error boundary ------------------------------------------------------------------


def fail(message: str, hint: str | None = None, code: ExitCode = ExitCode.ERROR) -> NoReturn:
    """Print an error for people on standard error and exit with *code*."""
    sys.stderr.write(f"cloudplan: {clean(message)}\n")
    if hint:
        sys.stderr.write(f"  {clean(hint)}\n")
    raise typer.Exit(int(code))


@contextlib.contextmanager
def errors() -> Iterator[None]:
    """Turn cloudplan's errors into a message and exit 2; an unexpected exception too, as an internal error.

    Exit 1 means "found something" to cron and CI, so nothing unexpected may ever exit 1.
    """
    try:
        yield
    except CloudplanError as e:
        fail(e.message, e.hint, e.exit_code)
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        # The reader went away (`cloudplan status | head`): nothing more to say to it.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit
        raise typer.Exit(int(ExitCode.ERROR)) from None
    except Exception as e:
        if os.environ.get("CLOUDPLAN_DEBUG"):
            import traceback

            traceback.print_exc()
        fail(
            _("internal error: {kind}: {e}").format(kind=type(e).__name__, e=e),
            _("this is a bug in cloudplan; set CLOUDPLAN_DEBUG=1 to see the traceback, and report it"),
        )


# -- output ----------------------------------------------------------------------------------


def console(stderr: bool = False) -> "Console":
    """Return a console for this call: colours only on a terminal without NO_COLOR, width from COLUMNS.

    Made per call, not at import, so that the environment of each run takes effect.
    """
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None
    if not stream.isatty():
        # Piped or under cron: the same width whatever terminal the parent process has.
        width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else 80
    no_color = bool(os.environ.get("NO_COLOR"))
    return Console(
        file=stream,
        width=width,
        highlight=False,
        markup=False,
        emoji=False,
        color_system=None if no_color else "auto",
    )


def show(*renderables: "RenderableType") -> None:
    """Print renderables for people on standard output.

    Piped or under cron, lines lose the trailing spaces that Rich pads tables with,
    so that mail and files read clean.
    """
    out = console()
    if out.is_terminal:
        for renderable in renderables:
            out.print(renderable)
        return
    with out.capture() as captured:
        for renderable in renderables:
            out.print(renderable)
    write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def write(text: str) -> None:
    """Write machine output (JSON, CSV, lines for mail) as it is: Rich would wrap long lines."""
    sys.stdout.write(text)


def save(name: "str | os.PathLike[str]", data: str | bytes) -> None:
    """Write an output the user named (`-` is standard output) through the store, and confirm a file on stderr."""
    from cloudplan import store

    if store.write_output(name, data):
        sys.stderr.write(f"cloudplan: {clean(_('wrote {file}').format(file=os.fspath(name)))}\n")


# -- loading ----------------------------------------------------------------------------------


def today_in(timezone: str | None, now: "datetime | None" = None) -> date:
    """Return the date in *timezone* (an IANA name) at the instant *now* (default: this instant).

    Without a time zone, the date is the machine's local one.
    """
    from datetime import datetime
    from zoneinfo import ZoneInfo

    instant = now or datetime.now(UTC)
    if timezone:
        return instant.astimezone(ZoneInfo(timezone)).date()
    try:
        return instant.astimezone().date()
    except (ValueError, OverflowError, OSError):  # a TZ such as UTC+24, beyond what datetime allows
        if not _WARNED:
            _WARNED.append(True)
            message = _("warning: the machine's time zone (TZ={tz}) is not usable; today is taken in UTC "
                        "(set `timezone` in the plan to choose)")  # fmt: skip
            sys.stderr.write(f"cloudplan: {clean(message.format(tz=os.environ.get('TZ', '')))}\n")
        return instant.date()


_WARNED: list[bool] = []  # the time-zone warning is given once a run


class Read(NamedTuple):
    """A loaded portfolio and the day to show it as of."""

    loaded: "Loaded"
    as_of: date
    window: int


def read(plans: list[str] | None, as_of: str | None, within: int | None) -> Read:
    """Discover and load the plans, refuse invalid ones, and resolve --as-of and the window."""
    from cloudplan import periods, store

    files = store.discover(plans or [], os.environ, Path.cwd())
    loaded = store.load(files, today_in)
    day = periods.parse_day(as_of, loaded.today) if as_of else loaded.today
    window = within if within is not None else loaded.portfolio.warn_days
    return Read(loaded, day, window)


class Filters(NamedTuple):
    """The read commands' filters; empty means everything."""

    projects: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    slipped: bool = False  # only milestones whose deadline moved

    @classmethod
    def of(
        cls,
        projects: list[str] | None,
        owners: list[str] | None,
        tags: list[str] | None,
        statuses: list[str] | None,
        allowed: tuple[str, ...],
        slipped: bool = False,
    ) -> "Filters":
        """Return the filters of the command line, checking the statuses against *allowed*."""
        for status in statuses or ():
            if status not in allowed:
                raise UsageError(
                    _("unknown status {s!r}").format(s=status),
                    hint=_("use one of: {allowed}").format(allowed=", ".join(allowed)),
                )
        return cls(
            tuple(projects or ()),
            tuple(o.casefold() for o in owners or ()),
            tuple(t.casefold() for t in tags or ()),
            tuple(statuses or ()),
            slipped,
        )

    def projects_of(self, states: "list[ProjectState]") -> "list[ProjectState]":
        """Return the projects and milestones that pass; a project whose milestones all fail is left out.

        A project keeps the status and progress of all its milestones: the filter narrows the view only.
        """
        kept = []
        for state in states:
            p = state.project
            if self.projects and p.id not in self.projects:
                continue
            if self.tags and not any(t.casefold() in self.tags for t in p.tags):
                continue
            if not (self.owners or self.statuses or self.slipped):
                kept.append(state)
                continue
            milestones = tuple(
                s
                for s in state.milestones
                if (not self.statuses or s.status.value in self.statuses)
                and (not self.slipped or s.milestone.slips)
                and (not self.owners or any(o in owner.casefold() for o in self.owners for owner in s.milestone.owners))
            )
            if milestones:
                kept.append(state._replace(milestones=milestones))
        return kept

    def indicators_beside(self, states: "list[IndicatorState]") -> "list[IndicatorState]":
        """Return the indicators a view of milestones shows too (status JSON, export, report).

        Those of the projects asked for; none when the milestones are narrowed by owner,
        tag, status or slip, filters that say nothing of indicators.
        """
        if self.owners or self.tags or self.statuses or self.slipped:
            return []
        return self.indicators_of(states)

    def indicators_of(self, states: "list[IndicatorState]") -> "list[IndicatorState]":
        """Return the indicators that pass the project and status filters."""
        return [
            s
            for s in states
            if (not self.projects or s.indicator.project in self.projects)
            and (not self.statuses or s.status.value in self.statuses)
        ]
