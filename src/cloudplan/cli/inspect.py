"""The commands that look at one thing closely, or change one thing: show, set, trend."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cloudplan.base.translate import _
from cloudplan.cli.apply import PlanOption, apply
from cloudplan.cli.common import AsOf, PlanArgs, Within, format_option, load_plans, save, sources_shown, write
from cloudplan.cli.common import show as print_

if TYPE_CHECKING:
    from rich.console import RenderableType


# -- show ----------------------------------------------------------------------------------------------

# `text`: one screen for people; `json`: the same facts for programs.
SHOW_FORMATS = ("text", "json")


def show(
    target: Annotated[
        str,
        typer.Argument(
            metavar="REF|PROJECT|INDICATOR",
            help=_("A milestone (PROJECT/MILESTONE), a project or an indicator."),
            show_default=False,
        ),
    ],
    plans: PlanArgs = None,
    as_of: AsOf = None,
    within: Within = None,
    fmt: Annotated[str, format_option(SHOW_FORMATS)] = "text",
) -> None:
    """Show everything about one milestone, project or indicator: dates, status, notes, dependencies both ways,
    why it is at risk, slips; a project's milestones; an indicator's measures."""
    from cloudplan.core.status import indicator_state, portfolio_state
    from cloudplan.export import detail
    from cloudplan.plan import edits
    from cloudplan.render import show as view

    r = load_plans(plans, as_of, within)
    portfolio = r.loaded.portfolio
    picture: Callable[[], RenderableType]
    origin: str | None
    if "/" in target:
        origin = edits.find_milestone(portfolio, target).origin  # an unknown ref: an error with the closest one
        found = detail.milestone_detail(portfolio_state(portfolio, r.as_of, r.window), target)
        doc, picture = detail.milestone(found, r.as_of), lambda: view.milestone_view(found, r.as_of)
    elif any(p.id == target for p in portfolio.projects):
        state = next(p for p in portfolio_state(portfolio, r.as_of, r.window) if p.project.id == target)
        origin = state.project.origin
        doc, picture = detail.project(state, r.as_of), lambda: view.project_view(state, r.as_of)
    elif any(i.id == target for i in portfolio.indicators):
        ind = indicator_state(edits.find_indicator(portfolio, target), r.as_of)
        origin = ind.indicator.origin
        doc, picture = detail.indicator(ind, r.as_of), lambda: view.indicator_view(ind, r.as_of)
    else:
        from cloudplan.base.errors import UnknownRef

        names = [p.id for p in portfolio.projects] + [i.id for i in portfolio.indicators]
        raise UnknownRef(
            _("no project or indicator {id!r} in the plan").format(id=target),
            hint=edits.close_match(target, names) or _("a milestone is named PROJECT/MILESTONE"),
        )
    if fmt.lower() == "json":
        from cloudplan.export.json import dumps

        write(dumps(doc))
    else:
        print_(picture(), *sources_shown(portfolio, [origin] if origin else []))


# -- set -------------------------------------------------------------------------------------------------


def set_(
    target: Annotated[
        str,
        typer.Argument(
            metavar="TARGET",
            help=_("A milestone (PROJECT/MILESTONE), a project, or with --indicator an indicator."),
            show_default=False,
        ),
    ],
    pairs: Annotated[
        list[str],
        typer.Argument(
            metavar="KEY=VALUE...",
            help=_(
                "What to change. Milestone: title, start, owners, depends_on, notes; project: title, description, "
                "owners, tags; indicator: title, unit, project. Lists are comma-separated; KEY= removes the key."
            ),
            show_default=False,
        ),
    ],
    indicator: Annotated[bool, typer.Option("--indicator", help=_("TARGET is an indicator."))] = False,
    plan: PlanOption = None,
) -> None:
    """Change a title, owners, start, dependencies, notes, tags, description or unit; the rest of the file is kept."""
    from cloudplan.plan import edits

    apply(plan, lambda p, today, _into: edits.set_keys(p, target, pairs, today, indicator=indicator))


# -- trend -------------------------------------------------------------------------------------------------

# `text`: the chart in the terminal; `json`: the deadlines in force, for programs (`--svg` saves a picture).
TREND_FORMATS = ("text", "json")


def trend(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PLAN]... [REF]...",
            help=_(
                "Plan files or folders (as for status), and the milestones to draw (PROJECT/MILESTONE); "
                "default: every milestone that slipped."
            ),
            show_default=False,
        ),
    ] = None,
    as_of: AsOf = None,
    fmt: Annotated[str, format_option(TREND_FORMATS)] = "text",
    svg: Annotated[
        Path | None,
        typer.Option(
            "--svg",
            metavar="FILE",
            dir_okay=False,
            show_default=False,
            help=_("Save the chart as an SVG picture, to paste in a slide."),
        ),
    ] = None,
) -> None:
    """Milestone trend analysis (the slip chart): the deadline in force of each milestone over time."""
    from cloudplan.core.status import milestone_state
    from cloudplan.core.trend import trends
    from cloudplan.plan import edits

    plans = [a for a in args or () if os.path.exists(a) or "/" not in a]
    refs = [a for a in args or () if a not in plans]
    r = load_plans(plans, as_of, None)
    portfolio = r.loaded.portfolio
    for ref in refs:
        edits.find_milestone(portfolio, ref)
    if refs:
        wanted = set(refs)
        pool = [milestone_state(m, r.as_of, r.window) for m in portfolio.milestones if m.ref in wanted]
    else:
        pool = [milestone_state(m, r.as_of, r.window) for m in portfolio.milestones if m.slips]
    found = trends(pool, refs)
    if svg is not None:
        from cloudplan.export.trendsvg import chart

        save(svg, chart(found, r.as_of) + "\n")
        return
    if fmt.lower() == "json":
        from cloudplan.core.trend import document
        from cloudplan.export.json import dumps

        write(dumps(document(found, r.as_of)))
        return
    from cloudplan.cli.common import console
    from cloudplan.render.trend import trend_view

    print_(trend_view(found, r.as_of, console().width), *sources_shown(portfolio))
