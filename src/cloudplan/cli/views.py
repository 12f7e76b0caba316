"""The commands that show the roadmap as pictures and files: timeline, report, export."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cloudplan.cli.common import (
    MILESTONE_STATUSES,
    AsOf,
    Filters,
    OwnerFilter,
    PlanArgs,
    ProjectFilter,
    Read,
    StatusFilter,
    TagFilter,
    Within,
    console,
    errors,
    read,
    show,
    write,
)
from cloudplan.errors import UsageError
from cloudplan.export.formats import ExportFormat
from cloudplan.i18n import _

if TYPE_CHECKING:
    from cloudplan.export.formats import Snapshot


class TimelineScale(StrEnum):
    """The unit of the timeline's axis; `auto` picks the finest that fits the width."""

    AUTO = "auto"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


def _snapshot(
    r: Read,
    project: list[str] | None,
    owner: list[str] | None,
    tag: list[str] | None,
    status: list[str] | None,
) -> Snapshot:
    """Return the filtered projects and indicators as of the day asked, under the plans' title."""
    from cloudplan.export.formats import Snapshot
    from cloudplan.status import indicator_state, project_state

    filters = Filters.of(project, owner, tag, status, MILESTONE_STATUSES)
    portfolio = r.loaded.portfolio
    projects = filters.projects_of([project_state(p, r.as_of, r.window) for p in portfolio.projects])
    indicators = filters.indicators_beside([indicator_state(i, r.as_of) for i in portfolio.indicators])
    titles = list(dict.fromkeys(p.title for p in portfolio.plans))
    return Snapshot(
        title=" · ".join(titles),
        as_of=r.as_of,
        projects=tuple(projects),
        indicators=tuple(indicators),
        sources=tuple(p.source for p in portfolio.plans),
    )


def _save(path: Path, text: str | bytes) -> None:
    from cloudplan import store

    store.write_atomic(path, text)


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
            help=_("Save the chart as an SVG picture instead."),
            metavar="FILE",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help=_("Save the chart as an HTML page instead."),
            metavar="FILE",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Draw a Gantt chart of the milestones: a bar from start to deadline, the as-of day as a line."""
    with errors():
        from cloudplan import gantt, periods
        from cloudplan.render.timeline import timeline_view

        r = read(plans, as_of, within)
        snap = _snapshot(r, project, owner, tag, status)
        first = periods.parse(start, r.loaded.today).first if start else None
        last = periods.parse(end, r.loaded.today).last if end else None
        unit = None if scale is TimelineScale.AUTO else gantt.Scale(scale.value)
        width = console().width
        view = timeline_view(list(snap.projects), r.as_of, width, first, last, unit)
        if svg is None and html is None:
            show(view)
            return
        from cloudplan.render import picture
        from cloudplan.safe import clean

        # Both pictures are made before either is written: a failure writes nothing.
        files = []
        if svg is not None:
            files.append((svg, picture.svg(view, width, clean(snap.title))))
        if html is not None:
            files.append((html, picture.html(view, width)))
        for path, text in files:
            _save(path, text)


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
    with errors():
        from cloudplan.export import html as page

        r = read(plans, as_of, within)
        compared = None
        if since is not None:
            from cloudplan.cli.changes import compare

            compared = compare(since, plans, r.loaded)
        changed = (compared.revision, compared.changes) if compared is not None else None
        _save(html, page.report(_snapshot(r, project, owner, tag, status), changed))


def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-F", help=_("What to write."), case_sensitive=False, show_default=False),
    ],
    plans: PlanArgs = None,
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
    programs (json)."""
    with errors():
        if fmt.binary and (output is None or output == "-"):
            raise UsageError(
                _("--format {fmt} writes a binary file: name it with -o FILE").format(fmt=fmt.value),
                hint=_("e.g. cloudplan export --format {fmt} -o roadmap.{fmt}").format(fmt=fmt.value),
            )
        if bom and fmt is not ExportFormat.CSV:
            raise UsageError(_("--bom applies to --format csv only"))
        if delimiter is not None:
            if fmt is not ExportFormat.CSV:
                raise UsageError(_("--delimiter applies to --format csv only"))
            if len(delimiter) != 1 or delimiter in '"\r\n':
                raise UsageError(
                    _("--delimiter takes one character, not {d!r}").format(d=delimiter),
                    hint=_("e.g. --delimiter ';' or --delimiter $'\\t'"),
                )
        r = read(plans, as_of, within)
        text = fmt.render(_snapshot(r, project, owner, tag, status), delimiter or ",")
        if bom:
            # U+FEFF as the first character: UTF-8's byte order mark, EF BB BF.
            text = "\ufeff" + (text if isinstance(text, str) else text.decode("utf-8"))
        if output is None or output == "-":
            write(text if isinstance(text, str) else text.decode("utf-8"))
            sys.stdout.flush()
        else:
            _save(Path(output), text)
