"""The `status` view: a table of milestones per project, or one row per project."""

from __future__ import annotations

from datetime import date

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from cloudplan.i18n import _, ngettext
from cloudplan.render.theme import status_style
from cloudplan.safe import clean
from cloudplan.status import MilestoneState, ProjectState


def plain(text: str, style: str = "") -> Text:
    """Return plan text as an inert Rich Text: never markup, control characters shown."""
    return Text(clean(text), style=style)


def status_cell(status: str) -> Text:
    """Return a status, styled by its meaning."""
    return Text(status, style=status_style(status))


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


WIDE = 110  # below this many columns, a milestone's title goes under its ref


class StatusView:
    """A table of milestones for each project, under a line with its status and progress.

    Laid out when rendered: in a wide console, ref, title and owners have columns of their
    own; in a narrow one (80 columns), the title and owners go under the ref.
    """

    def __init__(self, states: list[ProjectState], as_of: date) -> None:
        self.states = states
        self.as_of = as_of

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        wide = options.max_width >= WIDE
        yield Text(_("Roadmap as of {day}").format(day=self.as_of.isoformat()), style="bold")
        for state in self.states:
            yield Text("")
            yield _project_head(state)
            yield _milestone_table(state, wide)


def status_view(states: list[ProjectState], as_of: date) -> RenderableType:
    """Return the `status` view of *states* as of *as_of*."""
    return StatusView(states, as_of)


def _project_head(state: ProjectState) -> Text:
    project = state.project
    head = Text()
    head.append(clean(project.id), style="bold")
    head.append("  ")
    head.append(clean(project.title))
    head.append("\n")
    if project.owners:
        head.append(clean(", ".join(project.owners)), style="dim")
        head.append(" · ", style="dim")
    head.append(state.status.value, style=status_style(state.status))
    head.append(" · " + progress_text(state), style="dim")
    return head


def _milestone_table(state: ProjectState, wide: bool) -> Table:
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, show_edge=False, expand=True)
    if wide:
        table.add_column(_("Ref"), no_wrap=True)
        table.add_column(_("Title"), ratio=3, overflow="fold")
        table.add_column(_("Owners"), ratio=1, overflow="fold")
    else:
        table.add_column(_("Milestone"), ratio=1, overflow="fold")
    # Fixed widths, so that the tables of all projects line up.
    table.add_column(_("Due"), no_wrap=True, min_width=7)
    table.add_column(_("Deadline"), no_wrap=True, min_width=10)
    table.add_column(_("Status"), no_wrap=True, min_width=11)
    table.add_column(_("Days"), justify="right", no_wrap=True, min_width=4)
    project_owners = state.project.owners
    for ms in state.milestones:
        m = ms.milestone
        owners = ", ".join(m.owners)
        if wide:
            cells: list[RenderableType] = [plain(m.ref, style="bold"), plain(m.title), plain(owners, style="dim")]
        else:
            cell = plain(m.ref, style="bold")
            cell.append("\n")
            cell.append_text(plain(m.title, style="italic"))
            if m.owners != project_owners and owners:
                cell.append("\n")
                cell.append_text(plain(owners, style="dim"))
            cells = [cell]
        table.add_row(
            *cells,
            Text(m.due.text if m.due else "-"),
            Text(m.due.last.isoformat() if m.due else ""),
            risk_cell(ms),
            days_cell(ms),
        )
    if not state.milestones:
        table.add_row(Text(_("no milestones"), style="dim"), *[""] * (len(table.columns) - 1))
    return table


def summary_view(states: list[ProjectState], as_of: date) -> RenderableType:
    """Return one row per project: status, progress, overdue count, next deadline."""
    table = Table(
        title=_("Roadmap as of {day}").format(day=as_of.isoformat()),
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
        show_edge=False,
        expand=True,
    )
    table.add_column(_("Project"), ratio=1, overflow="fold")
    table.add_column(_("Status"), no_wrap=True)
    table.add_column(_("Progress"), no_wrap=True)
    table.add_column(_("Overdue"), justify="right", no_wrap=True)
    table.add_column(_("Next deadline"), no_wrap=True)
    for state in states:
        late = sum(1 for s in state.milestones if s.status == "overdue")
        ahead = [s.milestone for s in state.milestones if s.status in ("due-soon", "upcoming")]
        nxt = min(ahead, key=lambda m: m.due.last if m.due else date.max, default=None)
        name = plain(state.project.id, style="bold")
        name.append("\n")
        name.append_text(plain(state.project.title, style="italic"))
        following = Text("-")
        if nxt is not None and nxt.due is not None:
            following = Text(nxt.due.last.isoformat() + "\n")
            following.append_text(plain(nxt.id, style="dim"))
        table.add_row(
            name,
            status_cell(state.status),
            Text(progress_text(state)),
            Text(str(late), style="bold red" if late else "dim"),
            following,
        )
    return table


def count_line(states: list[ProjectState]) -> str:
    """Return e.g. '4 projects, 15 milestones: 5 overdue, 3 upcoming'."""
    counts: dict[str, int] = {}
    total = 0
    for state in states:
        for s in state.milestones:
            counts[s.status.value] = counts.get(s.status.value, 0) + 1
            total += 1
    detail = ", ".join(f"{n} {status}" for status, n in counts.items())
    risky = sum(1 for state in states for s in state.milestones if s.at_risk)
    if risky:
        detail += "; " + _("{n} {mark} at risk").format(n=risky, mark=AT_RISK)
    projects = ngettext("{n} project", "{n} projects", len(states)).format(n=len(states))
    milestones = ngettext("{n} milestone", "{n} milestones", total).format(n=total)
    return f"{projects}, {milestones}" + (f": {detail}" if detail else "")
