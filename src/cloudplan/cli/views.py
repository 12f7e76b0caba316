"""The commands that show the roadmap as pictures and files: timeline, report, export."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cloudplan.base.errors import UsageError
from cloudplan.base.translate import _
from cloudplan.cli.common import (
    AsOf,
    Filters,
    OwnerFilter,
    PlanArgs,
    PlansAsOf,
    ProjectFilter,
    StatusFilter,
    TagFilter,
    Within,
    complete,
    console,
    format_option,
    load_plans,
    portfolio_view,
    save,
    show,
    sources_shown,
)
from cloudplan.export.formats import BINARY, DELIMITED, EXPORTERS

if TYPE_CHECKING:
    from cloudplan.core.status import Status
    from cloudplan.export.formats import PortfolioView


class TimelineScale(StrEnum):
    """The unit of the timeline's axis; `auto` picks the finest that fits the width."""

    AUTO = "auto"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


def _view(
    r: PlansAsOf,
    project: list[str] | None,
    owner: list[str] | None,
    tag: list[str] | None,
    status: list[Status] | None,
) -> PortfolioView:
    return portfolio_view(r, Filters.of(r.loaded.portfolio, project, owner, tag, status))


def timeline(
    plans: PlanArgs = None,
    as_of: AsOf = None,
    within: Within = None,
    project: ProjectFilter = None,
    owner: OwnerFilter = None,
    tag: TagFilter = None,
    status: StatusFilter = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="PERIOD",
            help=_("Start the axis at this date or period (default: the first start or deadline)."),
            show_default=False,
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="PERIOD",
            help=_("End the axis at this date or period (default: the last deadline)."),
            show_default=False,
        ),
    ] = None,
    scale: Annotated[
        TimelineScale,
        typer.Option("--scale", case_sensitive=False, help=_("Axis unit; auto: the finest that fits the width.")),
    ] = TimelineScale.AUTO,
    svg: Annotated[
        Path | None,
        typer.Option(
            "--svg",
            help=_("Save the chart as a standalone SVG picture (for a slide) instead."),
            metavar="FILE",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help=_("Save the chart as an HTML page (the report's chart alone) instead."),
            metavar="FILE",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Draw a Gantt chart of the milestones: a bar from start to deadline, the as-of day as a line."""
    from cloudplan.core import gantt, periods
    from cloudplan.render.timeline import timeline_view

    r = load_plans(plans, as_of, within)
    snap = _view(r, project, owner, tag, status)
    first = periods.parse(start, r.loaded.today).first if start else None
    last = periods.parse(end, r.loaded.today).last if end else None
    unit = None if scale is TimelineScale.AUTO else gantt.Scale(scale.value)
    if svg is None and html is None:
        show(timeline_view(list(snap.projects), r.as_of, console().width, first, last, unit),
             *sources_shown(r.loaded.portfolio))  # fmt: skip
        return
    from cloudplan.base.inert import inert_text
    from cloudplan.export import html as page
    from cloudplan.export import svg as chart

    # The chart the report draws, at a slide's width whatever the terminal's; both files
    # are made before either is written: a failure writes nothing.
    picture = chart.timeline(list(snap.projects), r.as_of, caption=inert_text(snap.title), first=first, last=last,
                             scale=unit)  # fmt: skip
    files = []
    if svg is not None:
        files.append((svg, '<?xml version="1.0" encoding="UTF-8"?>\n' + picture + "\n"))
    if html is not None:
        files.append((html, page.timeline_page(snap, picture)))
    for path, text in files:
        save(path, text)


def report(
    html: Annotated[Path, typer.Option("--html", help=_("The page to write."), metavar="FILE", dir_okay=False)],
    plans: PlanArgs = None,
    as_of: AsOf = None,
    within: Within = None,
    project: ProjectFilter = None,
    owner: OwnerFilter = None,
    tag: TagFilter = None,
    status: StatusFilter = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="REV|DATE",
            help=_("Add a section of what changed since this git revision or day (see `cloudplan changes`)."),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a one-page HTML report: summary, timeline, overdue and due soon, slips, indicators.

    The page is self-contained (no script, nothing fetched): open it in a browser or attach it to a mail.
    """
    from cloudplan.export import html as page

    r = load_plans(plans, as_of, within)
    changed = None
    if since is not None:
        from cloudplan.cli.changes import compare

        compared = compare(since, plans, r.loaded)
        changed = (compared.revision, compared.changes, compared.sources)
    save(html, page.report(_view(r, project, owner, tag, status), changed=changed))


def export(
    words: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FORMAT] [PLAN]...",
            help=_("The format ({names}) unless --format gives it, then plan files or folders.").format(
                names=", ".join(EXPORTERS)
            ),
            show_default=False,
            autocompletion=complete("export_words"),
        ),
    ] = None,
    fmt: Annotated[str | None, format_option(EXPORTERS, _("What to write (or give it as the first argument)."))] = None,
    as_of: AsOf = None,
    within: Within = None,
    project: ProjectFilter = None,
    owner: OwnerFilter = None,
    tag: TagFilter = None,
    status: StatusFilter = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help=_("Write to FILE (default: standard output)."), show_default=False
        ),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(
            "--delimiter",
            "-d",
            metavar="CHAR",
            help=_("CSV cell separator (default ','; ';' for French spreadsheets)."),
            show_default=False,
        ),
    ] = None,
    bom: Annotated[
        bool,
        typer.Option("--bom", help=_("Start CSV with a UTF-8 byte order mark, for spreadsheets that need it.")),
    ] = False,
) -> None:
    """Export the milestones for calendars (ics), spreadsheets (xlsx, ods, csv), docs (markdown, mermaid) or
    programs (json).

    `cloudplan export ics` and `cloudplan export --format ics` are the same.
    """
    plans = list(words or [])
    if fmt is None and plans and plans[0].lower() in EXPORTERS:
        fmt = plans.pop(0)
    if fmt is None:
        raise UsageError(
            _("say which format to export"),
            hint=_("e.g. `cloudplan export ics` or `cloudplan export --format ics`; the formats: {names}").format(
                names=", ".join(EXPORTERS)
            ),
        )
    fmt = fmt.lower()
    if fmt in BINARY and (output is None or output == "-"):
        raise UsageError(
            _("--format {fmt} writes a binary file: name it with -o FILE").format(fmt=fmt),
            hint=_("e.g. cloudplan export --format {fmt} -o roadmap.{fmt}").format(fmt=fmt),
        )
    if bom and fmt not in DELIMITED:
        raise UsageError(_("--bom applies to --format csv only"))
    if delimiter is not None:
        if fmt not in DELIMITED:
            raise UsageError(_("--delimiter applies to --format csv only"))
        if len(delimiter) != 1 or delimiter in '"\r\n':
            raise UsageError(
                _("--delimiter takes one character, not {d!r}").format(d=delimiter),
                hint=_("e.g. --delimiter ';' or --delimiter $'\\t'"),
            )
    from cloudplan.export.formats import render

    r = load_plans(plans, as_of, within)
    text = render(fmt, _view(r, project, owner, tag, status), delimiter or ",")
    if bom and isinstance(text, str):
        text = "\ufeff" + text  # U+FEFF first: UTF-8's byte order mark, EF BB BF
    save(output or "-", text)
