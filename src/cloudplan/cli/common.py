"""What every command shares: options, format choices, consoles, loading and filtering.

Errors are not handled here: commands raise CloudplanError, and `cloudplan.cli.Root`
turns it into a message and an exit code, in one place.
"""

import os
import sys
from collections.abc import Iterable
from datetime import UTC, date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from cloudplan.base.errors import UsageError
from cloudplan.base.inert import inert_text
from cloudplan.base.translate import _
from cloudplan.cli import framework
from cloudplan.core.status import IndicatorStatus, Status

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console, RenderableType

    from cloudplan.core.model import Portfolio
    from cloudplan.core.status import IndicatorState, ProjectState
    from cloudplan.export.formats import PortfolioView
    from cloudplan.store import Loaded

T = TypeVar("T")


# -- output ----------------------------------------------------------------------------------


def console(stderr: bool = False) -> "Console":
    """Return a console for this call: colours only on a terminal without NO_COLOR, width from COLUMNS.

    Made per call, not at import, so that the environment of each run takes effect.
    """
    from rich.console import Console

    framework.rich_keeps_no_break_spaces()
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


def display(*renderables: "RenderableType") -> None:
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


def write(text: str | bytes) -> None:
    """Write machine output (JSON, CSV, lines for mail; bytes for binary formats) as it is: Rich would wrap lines."""
    if isinstance(text, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(text)
    else:
        sys.stdout.write(text)


def save(name: "str | os.PathLike[str]", data: str | bytes) -> None:
    """Write an output the user named (`-` is standard output) through the store, and confirm a file on stderr."""
    from cloudplan import store

    if store.write_output(name, data):
        wrote = _("wrote {file}").format(file=os.fspath(name))
        sys.stderr.write(f"cloudplan: {inert_text(wrote)}\n")


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
            sys.stderr.write(f"cloudplan: {inert_text(message.format(tz=os.environ.get('TZ', '')))}\n")
        return instant.date()


_WARNED: list[bool] = []  # the time-zone warning is given once a run


class PlansAsOf(NamedTuple):
    """The plans found and loaded, the day to show them as of, and the due-soon window."""

    loaded: "Loaded"
    as_of: date
    window: int


def keep(value: T) -> T:
    """Return *value*, kept alive until a real run exits (`cli.main`): the model of a national
    portfolio, freed object by object when the command returns, would cost some 10 ms that the
    exit, which frees nothing, spares. Commands run in a longer process keep nothing."""
    from cloudplan import cli

    if cli.KEPT is not None:
        cli.KEPT.append(value)
    return value


def load_plans(plans: list[str] | None, as_of: str | None, within: int | None) -> PlansAsOf:
    """Discover and load the plans (refusing invalid ones), and resolve --as-of and the window."""
    from cloudplan import store
    from cloudplan.core import periods

    files = store.discover(plans or [], os.environ, Path.cwd())
    loaded = keep(store.load(files, today_in))
    day = periods.parse_day(as_of, loaded.today) if as_of else loaded.today
    window = within if within is not None else loaded.portfolio.warn_days
    return PlansAsOf(loaded, day, window)


def _unknown(message: str, value: str, choices: Iterable[str]) -> UsageError:
    """Return the error for a filter *value* that names nothing: *message*, and the closest name or the names."""
    from cloudplan.base.suggest import closest, did_you_mean

    options = list(dict.fromkeys(choices))
    hint = did_you_mean(closest(value, options)) or (
        _("the plans have: {names}").format(names=", ".join(options)) if options else _("the plans have none")
    )
    return UsageError(message.format(value=value), hint=hint)


class Filters(NamedTuple):
    """The read commands' filters; empty means everything.

    A --project, --tag or --owner that names nothing in the portfolio is an error (with
    the closest name): a typo in a cron line must not silence its alerts for good.
    Owners and tags match regardless of case and accents; an owner matches a part of a name.
    """

    projects: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()  # folded
    tags: tuple[str, ...] = ()  # folded
    statuses: tuple[str, ...] = ()
    slipped: bool = False  # only milestones whose deadline moved

    @classmethod
    def of(
        cls,
        portfolio: "Portfolio",
        projects: list[str] | None = None,
        owners: list[str] | None = None,
        tags: list[str] | None = None,
        statuses: "Iterable[Status | IndicatorStatus] | None" = None,
        slipped: bool = False,
    ) -> "Filters":
        """Return the filters of the command line, checking each name against *portfolio*."""
        if not (projects or owners or tags):
            return cls(statuses=tuple(s.value for s in statuses or ()), slipped=slipped)
        from cloudplan.base.suggest import fold

        if projects:
            ids = [p.id for p in portfolio.projects]
            for project in projects:
                if project not in ids:
                    raise _unknown(_("no project {value!r} in the plans"), project, ids)
        if tags:
            every_tag = [t for p in portfolio.projects for t in p.tags]
            known = {fold(t) for t in every_tag}
            for tag in tags:
                if fold(tag) not in known:
                    raise _unknown(_("no tag {value!r} in the plans"), tag, every_tag)
        if owners:
            every_owner = [o for p in portfolio.projects for o in p.owners]
            every_owner += [o for m in portfolio.milestones for o in m.owners]
            folded = {fold(o) for o in every_owner}
            for owner in owners:
                if not any(fold(owner) in o for o in folded):
                    raise _unknown(_("no owner {value!r} in the plans"), owner, every_owner)
        return cls(
            tuple(projects or ()),
            tuple(fold(o) for o in owners or ()),
            tuple(fold(t) for t in tags or ()),
            tuple(s.value for s in statuses or ()),
            slipped,
        )

    def projects_of(self, states: "list[ProjectState]") -> "list[ProjectState]":
        """Return the projects and milestones that pass; a project whose milestones all fail is left out.

        A project keeps the status and progress of all its milestones: the filter narrows the view only.
        """
        if not (self.projects or self.tags or self.owners or self.statuses or self.slipped):
            return states
        from cloudplan.base.suggest import fold

        kept = []
        for state in states:
            p = state.project
            if self.projects and p.id not in self.projects:
                continue
            if self.tags and not any(fold(t) in self.tags for t in p.tags):
                continue
            if not (self.owners or self.statuses or self.slipped):
                kept.append(state)
                continue
            milestones = tuple(
                s
                for s in state.milestones
                if (not self.statuses or s.status.value in self.statuses)
                and (not self.slipped or s.milestone.slips)
                and (not self.owners or any(o in fold(owner) for o in self.owners for owner in s.milestone.owners))
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


def portfolio_view(plans: PlansAsOf, filters: Filters) -> "PortfolioView":
    """Return what a view shows: the filtered projects and indicators as of the day asked, under the plans' title."""
    from cloudplan.core.status import indicator_state, portfolio_state
    from cloudplan.export.formats import PortfolioView

    portfolio = plans.loaded.portfolio
    projects = filters.projects_of(keep(portfolio_state(portfolio, plans.as_of, plans.window)))
    indicators = filters.indicators_beside([indicator_state(i, plans.as_of) for i in portfolio.indicators])
    return PortfolioView(
        title=portfolio.title or " · ".join(dict.fromkeys(p.title for p in portfolio.plans)),
        as_of=plans.as_of,
        projects=tuple(projects),
        indicators=tuple(indicators),
        sources=tuple(p.source for p in portfolio.plans),
        snapshots=portfolio.snapshots,
        now=_now() if portfolio.snapshots else None,
    )


def _now() -> "datetime":
    from datetime import datetime

    return datetime.now(UTC)


def sources_shown(portfolio: "Portfolio", names: "Iterable[str] | None" = None) -> "list[RenderableType]":
    """Return what a view for people adds when it was read through a portfolio file: each source (of *names*,
    when given), its commit and how old its data is; nothing for local plan files."""
    snapshots = [s for s in portfolio.snapshots if names is None or s.name in names]
    if not snapshots:
        return []
    from cloudplan.render.sources import sources_view

    return [sources_view(snapshots, _now())]
