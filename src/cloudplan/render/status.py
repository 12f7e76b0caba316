"""The `status` view: a table of milestones per project, or one row per project."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text

from cloudplan.base import human
from cloudplan.base.inert import inert_text
from cloudplan.base.translate import _, ngettext
from cloudplan.core.status import MilestoneState, ProjectState, Status, next_deadline
from cloudplan.render.grid import GAP, Column, Grid, Layout, Row
from cloudplan.words import statuses
from cloudplan.words.theme import status_style


def plain(text: str, style: str = "") -> Text:
    """Return plan text as an inert Rich Text: never markup, control characters shown."""
    return Text(inert_text(text), style=style)


def status_cell(status: str) -> Text:
    """Return a status's label in the language of the run, styled by its meaning."""
    return Text(statuses.label(status), style=status_style(status))


AT_RISK = "⚠"  # a dependency, directly or through others, is overdue, cancelled or due after it


def risk_cell(state: MilestoneState) -> Text:
    """Return the status, with the at-risk mark when a dependency puts the milestone at risk."""
    cell = status_cell(state.status)
    if state.at_risk:
        cell.append(" " + AT_RISK, style="bold yellow")
    return cell


def days_cell(state: MilestoneState) -> Text:
    """Return the days left (negative when late), and the days slipped when any."""
    text = Text()
    if state.days_left is not None:
        text.append(f"{state.days_left:+d}" if state.days_left else "0", style=status_style(state.status))
    if state.slipped_days:
        if text:
            text.append(" ")
        text.append(_("slip {n:+d}").format(n=state.slipped_days), style="magenta")
    return text


def progress_text(state: ProjectState) -> str:
    """Return e.g. '1/4 done (25 %)'."""
    if not state.total:
        return _("nothing to do")
    percent = round(100 * state.done / state.total)
    return _("{done}/{total} done ({percent} %)").format(done=state.done, total=state.total, percent=percent)


class StatusView:
    """A table of milestones for each project, under a line with its status and progress.

    Laid out when rendered: in a wide console, ref, title and owners have columns of their
    own; in a narrower one, each milestone's line holds its ref, due period, deadline, status
    and days, and its title goes under it across the whole width. The tables of all projects
    line up.
    """

    def __init__(self, states: list[ProjectState], as_of: date) -> None:
        self.states = states
        self.as_of = as_of

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(_("Roadmap as of {day}").format(day=human.day(self.as_of)), style="bold")
        rows = [_milestone_rows(state) or [_nothing()] for state in self.states]
        # One layout for every project, the widest that fits all, with the same column widths
        # (measured once over all the rows), so that the projects' tables line up.
        every = [row for project_rows in rows for row in project_rows]
        # Laid out and measured one layout after the other, until one fits (each reads every row); the
        # narrow layouts put a long ref on a line of its own: beside the rest, it needs only its header's room.
        last = len(_columns()) - 1
        for choice in range(last + 1):
            chosen = _layout(every, (), choice)
            if choice == last or (chosen.fit(options.max_width) is not None if choice < 2 else
                                  _fits_beside_refs(chosen, options.max_width)):  # fmt: skip
                break
        widths = chosen.widths()
        for state, project_rows in zip(self.states, rows, strict=True):
            yield Text("")
            yield _project_head(state)
            yield Grid([_layout(project_rows, widths, choice)])


def _fits_beside_refs(layout: Layout, width: int) -> bool:
    """Whether *layout* fits *width* with its first column (refs) as narrow as its header."""
    widths = layout.widths()
    return len(layout.columns[0].header) + sum(widths[1:]) + len(GAP) * (len(widths) - 1) <= width


def status_view(states: list[ProjectState], as_of: date) -> RenderableType:
    """Return the `status` view of *states* as of *as_of*."""
    return StatusView(states, as_of)


def _project_head(state: ProjectState) -> Text:
    project = state.project
    head = Text()
    head.append(inert_text(project.id), style="bold")
    head.append("  ")
    head.append(inert_text(project.title))
    if project.origin is not None:  # read through a portfolio file
        head.append("  ")
        head.append(inert_text(_("(source {name})").format(name=project.origin)), style="dim")
    head.append("\n")
    if project.owners:
        head.append(inert_text(", ".join(project.owners)), style="dim")
        head.append(" · ", style="dim")
    head.append(statuses.label(state.status.value), style=status_style(state.status))
    head.append(" · " + progress_text(state), style="dim")
    return head


_DATE_COLUMNS = 4


def _columns() -> list[list[Column]]:
    """Return the layouts' columns, from the widest: title and owners in columns of their own; owners
    under the title; the title (and owners) under the row's line across the whole width.

    Made when a table is, not on import: the headers are in the language spoken then.
    """
    ref, title, owners = Column(_("Ref")), Column(_("Title"), flex=True), Column(_("Owners"))
    dates = [Column(_("Due")), Column(_("Deadline")), Column(_("Status")), Column(_("Days"), right=True)]
    # The narrowest (60 columns, French periods): the deadline's day without its period, so that the
    # status and the days left stay whole rather than end in "…".
    return [[ref, title, owners, *dates], [ref, title, *dates], [Column(_("Milestone")), *dates],
            [Column(_("Milestone")), *dates[1:]]]  # fmt: skip


def _layout(rows: list[_Cells], least: Sequence[int], n: int) -> Layout:
    """Return layout *n* of `_columns()` for *rows* (made alone: each costs a pass over every row)."""

    def shaped(cells: _Cells) -> Row:
        ref, title, owners, dates = cells
        if n == 0:
            return Row([ref, title, owners, *dates])
        if n == 1:
            return Row([ref, title + ("\n" if owners else "") + owners, *dates])
        under = [title + (plain(" · ", style="dim") if owners else "") + owners]
        return Row([ref, *dates], under) if n == 2 else Row([ref, *dates[1:]], under)

    return Layout(_columns()[n], [shaped(c) for c in rows], least)


_Cells = tuple[Text, Text, Text, list[Text]]


def _nothing() -> _Cells:
    return (Text(_("no milestones"), style="dim"), Text(""), Text(""), [Text("")] * _DATE_COLUMNS)


def _milestone_rows(state: ProjectState) -> list[_Cells]:
    """Return each milestone's ref, title, owners (when not the project's) and dates, status and days."""
    rows = []
    for ms in state.milestones:
        m = ms.milestone
        owners = plain(", ".join(m.owners), style="dim") if m.owners and m.owners != state.project.owners else Text()
        dates = [
            Text(human.period(m.due)),
            Text(human.day(m.due.last) if m.due else ""),
            risk_cell(ms),
            days_cell(ms),
        ]
        rows.append((plain(m.ref, style="bold"), plain(m.title, style="italic"), owners, dates))
    return rows


def next_deadline_cell(state: ProjectState) -> Text:
    """Return the project's next deadline (see status.next_deadline) and its milestone, e.g. '2019-12-31 etude'."""
    nxt = next_deadline(state)
    if nxt is None or nxt.milestone.due is None:
        return Text("-")
    text = Text(human.day(nxt.milestone.due.last), style=status_style(nxt.status))
    text.append(" ")
    text.append_text(plain(nxt.milestone.id, style="dim"))
    return text


def summary_view(states: list[ProjectState], as_of: date) -> RenderableType:
    """Return one row per project: status, progress, overdue count, next deadline.

    The next deadline is the earliest one still open, overdue included (the report says the same).
    """
    head = [Column(_("Project")), Column(_("Status")), Column(_("Progress")), Column(_("Overdue"), right=True)]
    tail = [Column(_("Next deadline"))]
    beside, under, narrow = [], [], []
    for state in states:
        late = sum(1 for s in state.milestones if s.status is Status.OVERDUE)
        name = plain(state.project.id, style="bold")
        title = plain(state.project.title, style="italic")
        cells = [
            name,
            status_cell(state.status),
            Text(progress_text(state)),
            Text(str(late), style="bold red" if late else "dim"),
            next_deadline_cell(state),
        ]
        beside.append(Row([cells[0], title, *cells[1:]]))
        under.append(Row(cells, [title]))
        # Narrowest: the next deadline under the row too, before the title, whole.
        following = plain(_("Next deadline") + human.colon(), style="dim") + cells[4]
        narrow.append(Row(cells[:4], [following, title]))
    return Grid(
        [
            Layout([head[0], Column(_("Title"), flex=True), *head[1:], *tail], beside),
            Layout([*head, *tail], under),
            Layout(head, narrow),
        ],
        title=Text(_("Roadmap as of {day}").format(day=human.day(as_of)), style="bold"),
        beside=1,  # once the titles go under the rows, a long id may go above its row too
    )


def count_line(states: list[ProjectState]) -> str:
    """Return e.g. '4 projects, 15 milestones: 5 overdue, 3 upcoming'."""
    counts: dict[str, int] = {}
    total = 0
    for state in states:
        for s in state.milestones:
            counts[s.status.value] = counts.get(s.status.value, 0) + 1
            total += 1
    detail = ", ".join(statuses.counted(status, n) for status, n in counts.items())
    risky = sum(1 for state in states for s in state.milestones if s.at_risk)
    if risky:
        detail += ("\u202f; " if human.french() else "; ") + _("{n} {mark} at risk").format(n=risky, mark=AT_RISK)
    projects = ngettext("{n} project", "{n} projects", len(states)).format(n=len(states))
    milestones = ngettext("{n} milestone", "{n} milestones", total).format(n=total)
    return f"{projects}, {milestones}" + (f"{human.colon()}{detail}" if detail else "")


def milestones_table(items: list[MilestoneState]) -> RenderableType:
    """Return a table of milestones of any projects (`overdue --format table`): status, milestone, deadline, days."""
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, show_edge=False, expand=True)
    table.add_column(_("Status"), no_wrap=True)
    table.add_column(_("Milestone"), ratio=3, overflow="fold")
    table.add_column(_("Deadline"), no_wrap=True)
    table.add_column(_("Days"), justify="right", no_wrap=True)
    for s in items:
        m = s.milestone
        cell = plain(m.ref, style="bold")
        cell.append("\n")
        cell.append_text(plain(m.title, style="italic"))
        table.add_row(status_cell(s.status), cell, Text(human.day(m.due.last) if m.due else "-"), days_cell(s))
    return table
