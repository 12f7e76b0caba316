"""The options the commands share, declared once: plans, day, window, filters, formats, refs.

`view_options` gives a command the seven options of every view of the roadmap (PLAN...,
--as-of, --within, --project, --owner, --tag, --status) as one `view` argument, so that
status, overdue, timeline, report and export declare them in one place.
"""

import functools
import inspect
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, TypeVar

import typer

from cloudplan.base.translate import _
from cloudplan.cli.framework import Choice
from cloudplan.core.status import IndicatorStatus, Status

if TYPE_CHECKING:
    from cloudplan.cli.common import Filters, PlansAsOf
    from cloudplan.export.formats import PortfolioView

F = TypeVar("F", bound=Callable[..., None])


def complete(name: str) -> Callable[[typer.Context, str], list[str]]:
    """Return a completion function that loads cloudplan.cli.completion only when a shell asks."""

    def answer(ctx: typer.Context, incomplete: str) -> list[str]:
        from cloudplan.cli import completion

        found: list[str] = getattr(completion, name)(ctx, incomplete)
        return found

    return answer


def format_option(names: Iterable[str], help: str | None = None) -> Any:
    """Return the --format/-F option offering exactly *names* (a command's format registry), any case."""
    return typer.Option(
        "--format",
        "-F",
        click_type=Choice(list(names), case_sensitive=False),
        help=help or _("Output format."),
    )


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
Ref = Annotated[
    str,
    typer.Argument(metavar="REF", help=_("The milestone, as PROJECT/MILESTONE."), show_default=False,
                   autocompletion=complete("milestone_refs")),
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
    list[str] | None,
    typer.Option("--project", "-p", metavar="ID", help=_("Only this project (repeatable)."),
                 autocompletion=complete("project_ids")),
]  # fmt: skip
OwnerFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--owner", metavar="TEXT",
        help=_("Only milestones with an owner containing TEXT, regardless of case and accents (repeatable)."),
    ),
]  # fmt: skip
TagFilter = Annotated[
    list[str] | None,
    typer.Option("--tag", metavar="TAG", help=_("Only projects with this tag (repeatable)."),
                 autocompletion=complete("tags")),
]  # fmt: skip
StatusFilter = Annotated[
    list[Status] | None,
    typer.Option("--status", help=_("Only milestones with this status (repeatable)."), case_sensitive=False),
]
IndicatorStatusFilter = Annotated[
    list[IndicatorStatus] | None,
    typer.Option("--status", help=_("Only indicators with this status (repeatable)."), case_sensitive=False),
]


class ViewOptions(NamedTuple):
    """What the views of the roadmap share on the command line: the plans, the day, the window, the filters."""

    plans: list[str] | None = None
    as_of: str | None = None
    within: int | None = None
    project: list[str] | None = None
    owner: list[str] | None = None
    tag: list[str] | None = None
    status: list[Status] | None = None

    def load(self) -> "PlansAsOf":
        """Discover and load the plans, and resolve the day and the window."""
        from cloudplan.cli.common import load_plans

        return load_plans(self.plans, self.as_of, self.within)

    def filters(self, plans: "PlansAsOf", slipped: bool = False) -> "Filters":
        """Return the filters asked for, each name checked against the plans."""
        from cloudplan.cli.common import Filters

        return Filters.of(plans.loaded.portfolio, self.project, self.owner, self.tag, self.status, slipped)

    def view(self, plans: "PlansAsOf") -> "PortfolioView":
        """Return what the view shows: the filtered projects and indicators."""
        from cloudplan.cli.common import portfolio_view

        return portfolio_view(plans, self.filters(plans))


_SHARED: dict[str, Any] = {
    "plans": PlanArgs,
    "as_of": AsOf,
    "within": Within,
    "project": ProjectFilter,
    "owner": OwnerFilter,
    "tag": TagFilter,
    "status": StatusFilter,
}


def view_options(*, plans: bool = True, status: bool = True) -> Callable[[F], F]:
    """Give a command the shared options of the views, where its `view: ViewOptions` parameter stands.

    Typer reads a command's signature: the wrapper shows it the shared options in place of `view`
    (without PLAN... or --status where the command has its own), and hands the command one ViewOptions.
    """
    names = [n for n in _SHARED if (plans or n != "plans") and (status or n != "status")]

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        shared = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=_SHARED[n])
                  for n in names]  # fmt: skip
        parameters = []
        for p in signature.parameters.values():
            parameters += shared if p.name == "view" else [p.replace(kind=inspect.Parameter.KEYWORD_ONLY)]

        @functools.wraps(command)
        def run(**given: Any) -> None:
            command(view=ViewOptions(**{n: given.pop(n) for n in names}), **given)

        run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": None}
        return run  # type: ignore[return-value]

    return decorate
