"""`cloudplan show`: everything about one milestone, project or indicator, on one screen."""

from __future__ import annotations

from datetime import date

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from cloudplan.base import human
from cloudplan.base.translate import _, ngettext, pgettext
from cloudplan.core.risk import MilestoneDetail
from cloudplan.core.status import IndicatorState, MilestoneState, ProjectState
from cloudplan.render.status import plain, status_cell
from cloudplan.words.risk import chain_text, reason
from cloudplan.words.theme import status_style

AT_RISK = "⚠"
RISK_STYLE = "bold yellow"


def risk_mark(state: MilestoneState) -> Text:
    """Return '⚠ at risk' for a milestone at risk, else nothing."""
    return Text(f"{AT_RISK} " + _("at risk"), style=RISK_STYLE) if state.at_risk else Text("")


def _head(name: str, title: str) -> Table:
    """Return the first line, an id and a title, the title wrapping under itself."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(plain(name, style="bold"), plain(title))
    return grid


def _facts(rows: list[tuple[str, RenderableType]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column(overflow="fold")
    for name, value in rows:
        table.add_row(name, value)
    return table


def _status_line(state: MilestoneState) -> Text:
    text = status_cell(state.status.value)
    late = human.days_left(state.days_left)
    if late:
        text.append(", " + late, style=status_style(state.status))
    if state.at_risk:
        text.append("  ")
        text.append_text(risk_mark(state))
    return text


def _others(states: tuple[MilestoneState, ...], empty: str) -> RenderableType:
    if not states:
        return Text(empty, style="dim")
    return _Others(states)


class _Others:
    """Milestones named beside another (what it depends on, what depends on it): a row each, ref, title,
    deadline and status; where the width leaves the titles less than TITLE_ROOM columns (and less than they
    need), each title goes under its row instead of being folded a syllable a line."""

    TITLE_ROOM = 24

    def __init__(self, states: tuple[MilestoneState, ...]) -> None:
        self.rows = [
            (
                plain(s.milestone.ref, style="bold"),
                plain(s.milestone.title),
                Text(human.day(s.milestone.due.last) if s.milestone.due else "-"),
                status_cell(s.status.value) + (Text(" ") + risk_mark(s) if s.at_risk else Text("")),
            )
            for s in states
        ]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        beside = [max(row[i].cell_len for row in self.rows) for i in (0, 2, 3)]
        longest = max(row[1].cell_len for row in self.rows)
        if options.max_width - sum(beside) - 2 * 3 >= min(self.TITLE_ROOM, longest):
            table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), pad_edge=False)
            for _i in range(4):
                table.add_column(overflow="fold")
            for row in self.rows:
                table.add_row(*row)
            yield table
            return
        for ref, title, day, status in self.rows:
            line = ref.copy()
            if ref.cell_len + 2 + beside[1] + 2 + beside[2] <= options.max_width:
                line.pad_right(beside[0] - ref.cell_len + 2)
            else:  # a ref too long to share its line: the deadline and status on the next one
                yield line
                line = Text("  ")
            yield line + day.copy() + Text("  ") + status
            yield Padding(title, (0, 0, 0, 2))


def milestone_view(detail: MilestoneDetail, as_of: date) -> RenderableType:
    """Return a milestone in full: facts, dependencies both ways, why it is at risk, its slips."""
    state = detail.state
    m = state.milestone
    head = _head(m.ref, m.title)
    period = Text()
    if m.start is not None:
        period.append(_("from {start} ").format(start=human.period(m.start)))
    if m.due is not None:
        period.append(_("due {due} (deadline {day})").format(due=human.period(m.due), day=human.day(m.due.last)))
    else:
        period.append(_("no deadline"))
    rows: list[tuple[str, RenderableType]] = [
        (_("Project"), plain(f"{m.project} · {detail.project.project.title}")),
        (_("Owners"), plain(", ".join(m.owners) or "-")),
        (_("Period"), period),
        (_("Status"), _status_line(state)),
    ]
    if m.slips:
        moves = ngettext("in {n} move", "in {n} moves", len(m.slips)).format(n=len(m.slips))
        rows.append((_("Slipped"), Text(_("{days:+d} days {moves}").format(days=state.slipped_days, moves=moves))))
    if m.done is not None:
        rows.append((pgettext("day", "Done"), Text(human.day(m.done))))
    if m.cancelled is not None:
        rows.append((_("Cancelled"), Text(human.day(m.cancelled))))
    rows.append((_("Notes"), plain(m.notes) if m.notes else Text("-", style="dim")))
    parts: list[RenderableType] = [
        head,
        _facts(rows),
        Text(""),
        Text(_("Depends on"), style="bold"),
        _others(detail.dependencies, _("nothing")),
        Text(""),
        Text(_("Needed by"), style="bold"),
        _others(detail.dependants, _("nothing")),
    ]
    if detail.chains:
        parts += [Text(""), Text(_("At risk because"), style="bold " + RISK_STYLE)]
        for chain, blocker in zip(detail.chains, detail.blockers, strict=True):
            # Indented as a whole: a long chain wraps under itself.
            parts.append(Padding(Text(chain_text(chain) + human.colon() + reason(blocker, state)), (0, 0, 0, 2)))
    parts += [Text(""), Text(_("Slips"), style="bold")]
    if not m.slips:
        parts.append(Text(_("it never slipped"), style="dim"))
    else:
        table = Table(box=box.SIMPLE_HEAD, padding=(0, 2, 0, 0), pad_edge=False, show_edge=False)
        for column in (_("From"), _("To"), _("On"), _("Why")):
            table.add_column(column, overflow="fold")
        for slip in m.slips:
            table.add_row(
                Text(human.period(slip.from_)),
                Text(human.period(slip.to)),
                Text(human.day(slip.on) if slip.on else "-"),
                plain(slip.reason),
            )
        parts.append(table)
    return Group(*parts)


def project_view(state: ProjectState, as_of: date) -> RenderableType:
    """Return a project in full: facts, then its milestones with status and risk."""
    from cloudplan.render.status import progress_text

    p = state.project
    head = _head(p.id, p.title)
    rows: list[tuple[str, RenderableType]] = [
        (_("Owners"), plain(", ".join(p.owners) or "-")),
        (_("Tags"), plain(", ".join(p.tags) or "-")),
        (_("Status"), status_cell(state.status.value) + Text(" · " + progress_text(state), style="dim")),
        (_("Description"), plain(p.description) if p.description else Text("-", style="dim")),
    ]
    return Group(
        head, _facts(rows), Text(""), Text(_("Milestones"), style="bold"), _others(state.milestones, _("none"))
    )


def indicator_view(state: IndicatorState, as_of: date) -> RenderableType:
    """Return an indicator in full: baseline, target, expected value, status, then every measure."""
    i = state.indicator
    unit = human.unit(i.unit)
    head = _head(i.id, i.title)
    rows: list[tuple[str, RenderableType]] = [
        (_("Project"), plain(i.project or "-")),
        (
            _("Baseline"),
            plain(f"{human.number(i.baseline.value)}{unit} ({human.period(i.baseline.when)})" if i.baseline else "-"),
        ),
        (
            _("Target"),
            plain(f"{human.number(i.target.value)}{unit} ({human.period(i.target.when)})" if i.target else "-"),
        ),
        (
            _("Expected as of {day}").format(day=human.day(as_of)),
            plain(f"{human.number(state.expected)}{unit}" if state.expected is not None else "-"),
        ),
        (_("Status"), status_cell(state.status.value)),
    ]
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 2, 0, 0), pad_edge=False, show_edge=False)
    for column in (_("Measured on"), _("Value"), _("Note")):
        table.add_column(column, overflow="fold")
    for measure in i.measures:
        style = "dim" if measure.on > as_of else ""
        value = plain(human.number(measure.value) + unit)
        table.add_row(Text(human.day(measure.on), style=style), value, plain(measure.note))
    measures: RenderableType = table if i.measures else Text(_("no measure yet"), style="dim")
    return Group(head, _facts(rows), Text(""), Text(_("Measures"), style="bold"), measures)
