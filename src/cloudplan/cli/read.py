"""The read commands: status, overdue, indicators."""

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cloudplan.cli.common import (
    MILESTONE_STATUSES,
    AsOf,
    Filters,
    Format,
    FormatOption,
    OwnerFilter,
    PlanArgs,
    ProjectFilter,
    StatusFilter,
    TagFilter,
    Within,
    console,
    errors,
    read,
    show,
    write,
)
from cloudplan.errors import ExitCode, UsageError
from cloudplan.i18n import _

if TYPE_CHECKING:
    from cloudplan.alerts import Changes
    from cloudplan.status import MilestoneState

INDICATOR_STATUSES = ("no-data", "achieved", "missed", "on-track", "behind")


class FailOn(StrEnum):
    """The lowest status that makes `overdue` exit 1."""

    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    NEVER = "never"


def status(
    plans: PlanArgs = None,
    as_of: AsOf = None,
    within: Within = None,
    project: ProjectFilter = None,
    owner: OwnerFilter = None,
    tag: TagFilter = None,
    status: StatusFilter = None,
    fmt: FormatOption = Format.TABLE,
    summary: Annotated[bool, typer.Option("--summary", "-s", help=_("One row per project."))] = False,
    slipped: Annotated[
        bool, typer.Option("--slipped", help=_("Only milestones whose deadline moved (see `cloudplan history`)."))
    ] = False,
) -> None:
    """Show where the roadmap stands: milestones by project, with status and days left."""
    with errors():
        from cloudplan.status import indicator_state, portfolio_state

        r = read(plans, as_of, within)
        filters = Filters.of(project, owner, tag, status, MILESTONE_STATUSES, slipped)
        portfolio = r.loaded.portfolio
        states = filters.projects_of(portfolio_state(portfolio, r.as_of, r.window))
        if fmt is Format.JSON:
            from cloudplan.export import json

            indicators = filters.indicators_beside([indicator_state(i, r.as_of) for i in portfolio.indicators])
            write(json.status(states, indicators, r.as_of))
        elif fmt is Format.CSV:
            from cloudplan.export import csv

            write(csv.milestones(s for p in states for s in p.milestones))
        elif fmt is Format.MARKDOWN:
            from cloudplan.export import markdown

            write(markdown.status(states, r.as_of))
        else:
            from rich.text import Text

            from cloudplan.render.status import count_line, status_view, summary_view

            view = summary_view(states, r.as_of) if summary else status_view(states, r.as_of)
            show(view, Text(count_line(states), style="dim"))


def overdue(
    plans: PlanArgs = None,
    as_of: AsOf = None,
    within: Within = None,
    project: ProjectFilter = None,
    owner: OwnerFilter = None,
    tag: TagFilter = None,
    status: StatusFilter = None,
    fmt: FormatOption = Format.TEXT,
    fail_on: Annotated[
        FailOn,
        typer.Option("--fail-on", help=_("Exit 1 when a milestone is at least this late."), case_sensitive=False),
    ] = FailOn.OVERDUE,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_("Print nothing; only the exit code tells."))] = False,
    state: Annotated[
        Path | None,
        typer.Option(
            "--state",
            metavar="FILE",
            dir_okay=False,
            show_default=False,
            help=_(
                "For cron: report only what changed since the run that last wrote FILE (new items, and a "
                "CLEARED line for each that left the list), then update FILE. Exit 1 only for something new."
            ),
        ),
    ] = None,
) -> None:
    """List overdue milestones (and, with --within, those due soon); silent when there are none.

    Exit 1 when something is overdue (see --fail-on), 0 otherwise: made for cron.
    """
    with errors():
        from cloudplan.status import Status, portfolio_state, project_state

        if state is not None and fmt not in (Format.TEXT, Format.TABLE, Format.JSON):
            raise UsageError(
                _("--state works with --format text or json, not {fmt}").format(fmt=fmt.value),
                hint=_("a CSV or Markdown list has no place for the milestones that left it"),
            )
        r = read(plans, as_of, within)
        filters = Filters.of(project, owner, tag, status, ("overdue", "due-soon"))
        wanted = {Status.OVERDUE}
        if within is not None or fail_on is FailOn.DUE_SOON:
            wanted.add(Status.DUE_SOON)
        portfolio = r.loaded.portfolio
        # Only JSON says which milestones are at risk: the lines cron mails need not work it out.
        every = (
            portfolio_state(portfolio, r.as_of, r.window)
            if fmt is Format.JSON
            else [project_state(p, r.as_of, r.window) for p in portfolio.projects]
        )
        states = filters.projects_of(every)
        items = sorted(
            (s for p in states for s in p.milestones if s.status in wanted),
            key=lambda s: (s.milestone.due.last if s.milestone.due else r.as_of, s.milestone.ref),
        )
        bar = {FailOn.OVERDUE: {Status.OVERDUE}, FailOn.DUE_SOON: {Status.OVERDUE, Status.DUE_SOON}}.get(fail_on, set())
        if state is None:
            found = any(s.status in bar for s in items)
            if not quiet:
                _print_items(items, fmt, r.as_of, r.window)
        else:
            from cloudplan import alerts, store

            previous = alerts.loads(store.read_state(state), str(state))
            changes = alerts.diff(previous, items, {s.milestone.ref: s for p in every for s in p.milestones})
            found = any(s.status in bar for s in changes.new)
            if not quiet:
                _print_changes(changes, fmt, r.as_of, r.window)
            # Written once the report is out: if printing fails, the next run reports it all again.
            sys.stdout.flush()
            store.write_atomic(state, alerts.dumps(items, r.as_of))
        if found:
            raise typer.Exit(int(ExitCode.FOUND))


def _print_changes(changes: "Changes", fmt: Format, as_of: date, window: int) -> None:
    if fmt is Format.JSON:
        from cloudplan.export import json

        write(json.overdue_changes(changes, as_of, window))
        return
    _print_items(changes.new, fmt, as_of, window)
    if changes.cleared:
        from cloudplan.render.lines import cleared_line

        _print_lines([(*cleared_line(c), "green") for c in changes.cleared])


def _print_items(items: "list[MilestoneState]", fmt: Format, as_of: date, window: int) -> None:
    if fmt is Format.JSON:
        from cloudplan.export import json

        write(json.overdue(items, as_of, window))
    elif fmt is Format.CSV:
        from cloudplan.export import csv

        if items:
            write(csv.milestones(items))
    elif fmt is Format.MARKDOWN:
        from cloudplan.export import markdown

        if items:
            write(markdown.milestones(items, as_of))
    elif items:
        from cloudplan.render.lines import milestone_line
        from cloudplan.render.theme import status_style

        _print_lines([(*milestone_line(s), status_style(s.status)) for s in items])


def _print_lines(lines: list[tuple[str, str, str]]) -> None:
    """Print (label, rest, label style) lines: coloured on a terminal, plain and unwrapped otherwise."""
    if not sys.stdout.isatty():
        write("".join(f"{label}{rest}\n" for label, rest, _style in lines))
        return
    from rich.text import Text

    out = console()
    for label, rest, style in lines:
        out.print(Text(label, style=style) + Text(rest), soft_wrap=True)


def indicators(
    plans: PlanArgs = None,
    as_of: AsOf = None,
    project: ProjectFilter = None,
    status: StatusFilter = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Show each indicator: baseline, target, latest measure, the value expected today, status."""
    with errors():
        from cloudplan.status import indicator_state

        r = read(plans, as_of, None)
        filters = Filters.of(project, None, None, status, INDICATOR_STATUSES)
        states = filters.indicators_of([indicator_state(i, r.as_of) for i in r.loaded.portfolio.indicators])
        if fmt is Format.JSON:
            from cloudplan.export import json

            write(json.indicators(states, r.as_of))
        elif fmt is Format.CSV:
            from cloudplan.export import csv

            write(csv.indicators(states))
        elif fmt is Format.MARKDOWN:
            from cloudplan.export import markdown

            write(markdown.indicators(states, r.as_of))
        else:
            from cloudplan.render.indicators import indicators_view

            show(indicators_view(states, r.as_of))
