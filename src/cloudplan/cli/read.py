"""The read commands: status, overdue, indicators; each with the registry of the formats it offers.

`table` is a table and `text` plain lines, one per milestone (the `overdue` lines, stable
for mail and grep); `json`, `csv` and `markdown` of `status` are the entries of
`cloudplan export`, so both commands print the same documents.
"""

import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cloudplan.base.errors import ExitCode, UsageError
from cloudplan.base.translate import _
from cloudplan.cli.common import Filters, console, display, keep, load_plans, portfolio_view, sources_shown, write
from cloudplan.cli.framework import Choice
from cloudplan.cli.options import (
    AsOf,
    IndicatorStatusFilter,
    PlanArgs,
    ProjectFilter,
    ViewOptions,
    format_option,
    view_options,
)
from cloudplan.core.status import Status

# The statuses `overdue` lists.
LISTED = (Status.OVERDUE.value, Status.DUE_SOON.value)


if TYPE_CHECKING:
    from cloudplan.core.alerts import Changes
    from cloudplan.core.model import Portfolio
    from cloudplan.core.status import IndicatorState, MilestoneState
    from cloudplan.export.formats import PortfolioView


class FailOn(StrEnum):
    """The lowest status that makes `overdue` exit 1."""

    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    NEVER = "never"


# -- status -------------------------------------------------------------------------------------


def _status_table(view: "PortfolioView", summary: bool) -> None:
    from rich.text import Text

    from cloudplan.render.status import count_line, status_view, summary_view

    states = list(view.projects)
    shown = summary_view(states, view.as_of) if summary else status_view(states, view.as_of)
    extra = []
    if view.snapshots:
        from cloudplan.render.sources import sources_view

        extra.append(sources_view(view.snapshots, view.now))
    display(shown, Text(count_line(states), style="dim"), *extra)


def _status_text(view: "PortfolioView", summary: bool) -> None:
    _print_items([s for p in view.projects for s in p.milestones])


def _exported(name: str) -> "Callable[[PortfolioView, bool], None]":
    def export(view: "PortfolioView", summary: bool) -> None:
        from cloudplan.export.formats import render

        write(render(name, view))

    return export


STATUS_FORMATS: "dict[str, Callable[[PortfolioView, bool], None]]" = {
    "table": _status_table,
    "text": _status_text,
    **{name: _exported(name) for name in ("json", "csv", "markdown")},
}


@view_options()
def status(
    view: ViewOptions,
    fmt: Annotated[str, format_option(STATUS_FORMATS)] = "table",
    summary: Annotated[bool, typer.Option("--summary", "-s", help=_("One row per project."))] = False,
    slipped: Annotated[
        bool, typer.Option("--slipped", help=_("Only milestones whose deadline moved (see `cloudplan history`)."))
    ] = False,
) -> None:
    """Show where the roadmap stands: milestones by project, with status and days left."""
    r = view.load()
    STATUS_FORMATS[fmt.lower()](portfolio_view(r, view.filters(r, slipped)), summary)


# -- overdue ------------------------------------------------------------------------------------


def _items_json(items: "list[MilestoneState]", as_of: date, window: int) -> None:
    from cloudplan.export import json

    write(json.overdue(items, as_of, window))


# With nothing to list, CSV and Markdown print nothing at all, not even a header: cron mails nothing.


def _items_csv(items: "list[MilestoneState]", as_of: date, window: int) -> None:
    from cloudplan.export import csv

    if items:
        write(csv.milestones(items))


def _items_markdown(items: "list[MilestoneState]", as_of: date, window: int) -> None:
    from cloudplan.export import markdown

    if items:
        write(markdown.milestones(items, as_of))


def _items_table(items: "list[MilestoneState]", as_of: date, window: int) -> None:
    if items:
        from cloudplan.render.status import milestones_table

        display(milestones_table(items))


def _items_text(items: "list[MilestoneState]", as_of: date, window: int) -> None:
    _print_items(items)


OVERDUE_FORMATS: "dict[str, Callable[[list[MilestoneState], date, int], None]]" = {
    "text": _items_text,
    "table": _items_table,
    "json": _items_json,
    "csv": _items_csv,
    "markdown": _items_markdown,
}
# With --state, the formats that also say which milestones left the list.
STATE_FORMATS = ("text", "json")


@view_options(status=False)
def overdue(
    view: ViewOptions,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            click_type=Choice(list(LISTED), case_sensitive=False),
            help=_("Only this status (repeatable)."),
        ),
    ] = None,
    fmt: Annotated[str, format_option(OVERDUE_FORMATS)] = "text",
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
    from cloudplan.core.status import portfolio_state, project_state

    fmt = fmt.lower()
    if state is not None and fmt not in STATE_FORMATS:
        raise UsageError(
            _("--state works with --format text or json, not {fmt}").format(fmt=fmt),
            hint=_("a table, CSV or Markdown list has no place for the milestones that left it"),
        )
    view = view._replace(status=[Status(s.lower()) for s in status or ()])
    r = view.load()
    filters = view.filters(r)
    wanted = {Status.OVERDUE}
    if view.within is not None or fail_on is FailOn.DUE_SOON:
        wanted.add(Status.DUE_SOON)
    portfolio = r.loaded.portfolio
    # Only JSON says which milestones are at risk: the lines cron mails need not work it out.
    every = keep(
        portfolio_state(portfolio, r.as_of, r.window)
        if fmt == "json"
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
            OVERDUE_FORMATS[fmt](items, r.as_of, r.window)
    else:
        from cloudplan import store
        from cloudplan.core import alerts

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


def _print_changes(changes: "Changes", fmt: str, as_of: date, window: int) -> None:
    if fmt == "json":
        from cloudplan.export import json

        write(json.overdue_changes(changes, as_of, window))
        return
    _print_items(changes.new)
    if changes.cleared:
        from cloudplan.render.lines import cleared_line

        _print_lines([(*cleared_line(c), "green") for c in changes.cleared])


def _print_items(items: "list[MilestoneState]") -> None:
    if items:
        from cloudplan.render.lines import milestone_line
        from cloudplan.words.theme import status_style

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


# -- indicators ---------------------------------------------------------------------------------


def _indicators_table(states: "list[IndicatorState]", as_of: date, portfolio: "Portfolio") -> None:
    from cloudplan.render.indicators import indicators_view

    display(indicators_view(states, as_of), *sources_shown(portfolio))


def _indicators_json(states: "list[IndicatorState]", as_of: date, portfolio: "Portfolio") -> None:
    from cloudplan.export import json

    write(json.indicators(states, as_of))


def _indicators_csv(states: "list[IndicatorState]", as_of: date, portfolio: "Portfolio") -> None:
    from cloudplan.export import csv

    write(csv.indicators(states))


def _indicators_markdown(states: "list[IndicatorState]", as_of: date, portfolio: "Portfolio") -> None:
    from cloudplan.export import markdown

    write(markdown.indicators(states, as_of))


INDICATOR_FORMATS: "dict[str, Callable[[list[IndicatorState], date, Portfolio], None]]" = {
    "table": _indicators_table,
    "json": _indicators_json,
    "csv": _indicators_csv,
    "markdown": _indicators_markdown,
}


def indicators(
    plans: PlanArgs = None,
    as_of: AsOf = None,
    project: ProjectFilter = None,
    status: IndicatorStatusFilter = None,
    fmt: Annotated[str, format_option(INDICATOR_FORMATS)] = "table",
) -> None:
    """Show each indicator: baseline, target, latest measure, the value expected today, status."""
    from cloudplan.core.status import indicator_state

    r = load_plans(plans, as_of, None)
    filters = Filters.of(r.loaded.portfolio, project, statuses=status)
    states = filters.indicators_of([indicator_state(i, r.as_of) for i in r.loaded.portfolio.indicators])
    INDICATOR_FORMATS[fmt.lower()](states, r.as_of, r.loaded.portfolio)
