"""The commands about one item: show (all there is to know about it) and history (its slips)."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from cloudplan.base.inert import inert_text
from cloudplan.base.translate import _, ngettext
from cloudplan.cli.common import display, load_plans, sources_shown, write
from cloudplan.cli.options import AsOf, PlanArgs, Ref, Within, format_option

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cloudplan.core.blame import Commit
    from cloudplan.core.model import Milestone


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
    from cloudplan.core.risk import milestone_detail
    from cloudplan.core.status import indicator_state, portfolio_state
    from cloudplan.export import item
    from cloudplan.plan import edits
    from cloudplan.render import item as view

    r = load_plans(plans, as_of, within)
    portfolio = r.loaded.portfolio
    picture: Callable[[], RenderableType]
    origin: str | None
    if "/" in target:
        origin = edits.find_milestone(portfolio, target).origin  # an unknown ref: an error with the closest one
        found = milestone_detail(portfolio_state(portfolio, r.as_of, r.window), target)
        doc, picture = item.milestone(found, r.as_of), lambda: view.milestone_view(found, r.as_of)
    elif any(p.id == target for p in portfolio.projects):
        state = next(p for p in portfolio_state(portfolio, r.as_of, r.window) if p.project.id == target)
        origin = state.project.origin
        doc, picture = item.project(state, r.as_of), lambda: view.project_view(state, r.as_of)
    elif any(i.id == target for i in portfolio.indicators):
        ind = indicator_state(edits.find_indicator(portfolio, target), r.as_of)
        origin = ind.indicator.origin
        doc, picture = item.indicator(ind, r.as_of), lambda: view.indicator_view(ind, r.as_of)
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
        display(picture(), *sources_shown(portfolio, [origin] if origin else []))


# -- history --------------------------------------------------------------------------------------------


def _history_json(m: "Milestone") -> None:
    from cloudplan.core.status import slipped_days
    from cloudplan.export import records
    from cloudplan.export.json import dumps

    slips = records.slips(m)
    recorded = _recorded(m)
    if recorded is not None:  # in a git work tree: who recorded each slip, and in which commit
        for slip, commit in zip(slips, recorded, strict=True):
            slip |= {"commit": commit.commit if commit else None, "author": commit.author if commit else None,
                     "date": commit.date if commit else None}  # fmt: skip
    doc = {"ref": m.ref, "title": m.title, "due": m.due.text if m.due else None,
           "slipped_days": slipped_days(m), "slips": slips}  # fmt: skip
    write(dumps(doc))


def _recorded(m: "Milestone") -> "list[Commit | None] | None":
    """The commit that recorded each slip of *m*, when its plan file is in a git work tree; else None."""
    from cloudplan.store import history

    found = history.slip_commits(m)
    return None if found is None else [found.get(history.slip_key(s)) for s in m.slips]


def _history_text(m: "Milestone") -> None:
    from rich.table import Table
    from rich.text import Text

    from cloudplan.base import human
    from cloudplan.core.status import slipped_days

    due = human.period(m.due) if m.due else _("no deadline")
    head = Text(inert_text(m.ref), style="bold")
    head.append("  " + inert_text(m.title))
    if not m.slips:
        display(head, Text(_("due {due}; it never slipped").format(due=due)))
        return
    moves = ngettext("in {n} move", "in {n} moves", len(m.slips)).format(n=len(m.slips))
    summary = _("due {due}, {days:+d} days from the first deadline, {moves}").format(
        due=due, days=slipped_days(m), moves=moves
    )
    table = Table(box=None, padding=(0, 2, 0, 0), pad_edge=False, show_edge=False)
    recorded = _recorded(m)
    columns = (_("From"), _("To"), _("On"), _("Why")) + ((_("Recorded by"),) if recorded is not None else ())
    for column in columns:
        table.add_column(column, no_wrap=column not in (_("Why"), _("Recorded by")), overflow="fold")
    for n, slip in enumerate(m.slips):
        cells = [human.period(slip.from_), human.period(slip.to), human.day(slip.on), slip.reason or "-"]
        if recorded is not None:
            commit = recorded[n]
            cells.append(f"{commit.name} ({commit.commit[:10]})" if commit else _("not committed yet"))
        table.add_row(*(Text(inert_text(c)) for c in cells))
    display(head, Text(summary), Text(""), table)


# `text`: the milestone, then its slips under a header (what people read); `json` for programs.
HISTORY_FORMATS: "dict[str, Callable[[Milestone], None]]" = {"text": _history_text, "json": _history_json}


def history(
    ref: Ref,
    plans: PlanArgs = None,
    as_of: AsOf = None,
    fmt: Annotated[str, format_option(HISTORY_FORMATS)] = "text",
) -> None:
    """Show a milestone's slips: from, to, when, why (with --as-of, those made by that day)."""
    from cloudplan.core import status
    from cloudplan.plan import edits

    r = load_plans(plans, as_of, None)
    HISTORY_FORMATS[fmt.lower()](status.as_of(edits.find_milestone(r.loaded.portfolio, ref), r.as_of))
