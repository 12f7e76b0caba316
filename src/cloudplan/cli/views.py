"""The commands that show the roadmap as pictures and files: timeline, trend, report, export."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cloudplan.base.errors import UsageError
from cloudplan.base.translate import _
from cloudplan.cli.common import console, display, load_plans, save, sources_shown, write
from cloudplan.cli.options import (
    AsOf,
    ViewOptions,
    complete,
    format_option,
    view_options,
)
from cloudplan.export.formats import BINARY, DELIMITED, EXPORTERS


class TimelineScale(StrEnum):
    """The unit of the timeline's axis; `auto` picks the finest that fits the width."""

    AUTO = "auto"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@view_options()
def timeline(
    view: ViewOptions,
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

    r = view.load()
    snap = view.view(r)
    first = periods.parse(start, r.loaded.today).first if start else None
    last = periods.parse(end, r.loaded.today).last if end else None
    unit = None if scale is TimelineScale.AUTO else gantt.Scale(scale.value)
    if svg is None and html is None:
        display(timeline_view(list(snap.projects), r.as_of, console().width, first, last, unit),
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


@view_options()
def report(
    html: Annotated[Path, typer.Option("--html", help=_("The page to write."), metavar="FILE", dir_okay=False)],
    view: ViewOptions,
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

    r = view.load()
    changed = None
    if since is not None:
        from cloudplan.cli.changes import compare

        compared = compare(since, view.plans, r.loaded)
        changed = (compared.revision, compared.changes, compared.sources)
    save(html, page.report(view.view(r), changed=changed))


@view_options(plans=False)
def export(
    words: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FORMAT] [PLAN]...",
            # The formats written out, not filled in: a help text made here is translated again when the command
            # is built, in the run's language, which needs the very words the catalogue holds.
            help=_(
                "The format (json, csv, ics, markdown, mermaid, xlsx, ods) unless --format gives it, "
                "then plan files or folders."
            ),
            show_default=False,
            autocompletion=complete("export_words"),
        ),
    ] = None,
    fmt: Annotated[str | None, format_option(EXPORTERS, _("What to write (or give it as the first argument)."))] = None,
    *,
    view: ViewOptions,
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

    r = view._replace(plans=plans).load()
    text = render(fmt, view.view(r), delimiter or ",")
    if bom and isinstance(text, str):
        text = "\ufeff" + text  # U+FEFF first: UTF-8's byte order mark, EF BB BF
    save(output or "-", text)


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
    from cloudplan.render.trend import trend_view

    display(trend_view(found, r.as_of, console().width), *sources_shown(portfolio))
