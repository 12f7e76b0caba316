"""The edit commands: init, add, done, reopen, cancel, reschedule, remove, measure, set."""

import os
from pathlib import Path
from typing import Annotated

import typer

from cloudplan.base.translate import _
from cloudplan.cli.apply import PlanOption, apply, note
from cloudplan.cli.common import today_in
from cloudplan.cli.options import Ref, complete

On = Annotated[
    str | None,
    typer.Option("--on", metavar="DATE", help=_("The day it happened (default: today)."), show_default=False),
]
Title = Annotated[str, typer.Option("--title", "-t", metavar="TEXT", help=_("Its title."), show_default=False)]


# -- init ---------------------------------------------------------------------------------------------


def init(
    path: Annotated[
        str, typer.Argument(metavar="[PATH]", help=_("Where to write it (a folder: its cloudplan.toml)."))
    ] = "cloudplan.toml",
    example: Annotated[
        bool, typer.Option("--example", help=_("Write the French State's 2019 cloud roadmap instead."))
    ] = False,
    title: Annotated[
        str | None, typer.Option("--title", "-t", metavar="TEXT", help=_("The plan's title (default: Roadmap)."))
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=_("Overwrite the file if it exists."))] = False,
) -> None:
    """Write a new, valid, commented plan file; never over an existing one without --force."""
    from cloudplan import store
    from cloudplan.base.errors import PlanInvalid
    from cloudplan.core import validate
    from cloudplan.core.model import Portfolio
    from cloudplan.plan import edits

    target = Path(path)
    if target.is_dir():
        target = target / store.PLAN_FILE
    if example:
        from importlib.resources import files

        text = edits.with_schema_line((files("cloudplan") / "data" / "cloud-etat.toml").read_text(encoding="utf-8"))
    else:
        text = edits.skeleton(title or "Roadmap")
    # Nothing invalid is written, not even by init.
    plan, findings, *_rest = store.parse(text.encode("utf-8"), str(target))
    if plan is not None:
        findings += validate.validate(Portfolio((plan,)), today_in(plan.timezone))
    from cloudplan.base.findings import Severity

    problems = [f for f in findings if f.severity is Severity.ERROR]
    if plan is None or problems:
        raise PlanInvalid(_("internal error: the new plan is not valid: {f}").format(f=problems[:1]))
    store.create(target, text, force, str(target))
    note(_("wrote {file}").format(file=target))
    # The plan's first line names the schema beside it: write it there unless one is there already.
    schema_file = target.parent / edits.SCHEMA_FILE
    if not os.path.lexists(schema_file):
        from cloudplan.plan import schema

        store.create(schema_file, schema.dumps(), False, str(schema_file))
        note(_("wrote {file}").format(file=schema_file))


# -- add ----------------------------------------------------------------------------------------------

add = typer.Typer(
    name="add",
    help=_("Add a project, a milestone or an indicator."),
    rich_markup_mode=None,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@add.command("project")
def add_project(
    id: Annotated[str, typer.Argument(metavar="ID", help=_("The project's id, e.g. cercle-2."), show_default=False)],
    title: Title,
    owner: Annotated[
        list[str] | None, typer.Option("--owner", metavar="TEXT", help=_("An owner (repeatable)."))
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", metavar="TAG", help=_("A tag (repeatable)."))] = None,
    description: Annotated[str | None, typer.Option("--description", metavar="TEXT", help=_("What it is for."))] = None,
    plan: PlanOption = None,
) -> None:
    """Add a project after the last one."""
    from cloudplan.plan import edits

    apply(plan, lambda p, _today, into: edits.add_project(
        p, id, title, owners=owner or (), tags=tag or (), description=description, into=into))  # fmt: skip


@add.command("milestone")
def add_milestone(
    ref: Ref,
    title: Title,
    due: Annotated[
        str | None, typer.Option("--due", metavar="PERIOD", help=_("Its deadline: a day or a period."))
    ] = None,
    start: Annotated[str | None, typer.Option("--start", metavar="PERIOD", help=_("When work starts."))] = None,
    owner: Annotated[
        list[str] | None,
        typer.Option("--owner", metavar="TEXT", help=_("An owner, if not the project's (repeatable).")),
    ] = None,
    depends_on: Annotated[
        list[str] | None,
        typer.Option("--depends-on", metavar="REF", help=_("A milestone it waits for (repeatable).")),
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", metavar="TEXT", help=_("Notes."))] = None,
    plan: PlanOption = None,
) -> None:
    """Add a milestone at the end of its project."""
    from cloudplan.plan import edits

    apply(plan, lambda p, today, _into: edits.add_milestone(
        p, ref, title, today, due=due, start=start, owners=owner or (), depends_on=depends_on or (),
        notes=notes))  # fmt: skip


@add.command("indicator")
def add_indicator(
    id: Annotated[str, typer.Argument(metavar="ID", help=_("The indicator's id."), show_default=False)],
    title: Title,
    unit: Annotated[str | None, typer.Option("--unit", metavar="TEXT", help=_("What it counts."))] = None,
    baseline: Annotated[
        str | None, typer.Option("--baseline", metavar="VALUE", help=_("The value at the start."))
    ] = None,
    baseline_on: Annotated[
        str | None, typer.Option("--baseline-on", metavar="PERIOD", help=_("When the baseline was measured."))
    ] = None,
    target: Annotated[str | None, typer.Option("--target", metavar="VALUE", help=_("The value to reach."))] = None,
    target_by: Annotated[
        str | None, typer.Option("--target-by", metavar="PERIOD", help=_("When the target is due."))
    ] = None,
    project: Annotated[
        str | None,
        typer.Option(
            "--project", metavar="ID", help=_("The project it measures."), autocompletion=complete("project_ids")
        ),
    ] = None,
    plan: PlanOption = None,
) -> None:
    """Add an indicator, with a baseline and a target."""
    from cloudplan.plan import edits

    apply(plan, lambda p, today, into: edits.add_indicator(
        p, id, title, today, unit=unit, baseline=baseline, baseline_on=baseline_on,
        target=target, target_by=target_by, project=project, into=into))  # fmt: skip


# -- milestones ---------------------------------------------------------------------------------------


def done(ref: Ref, on: On = None, plan: PlanOption = None) -> None:
    """Mark a milestone done (today, or --on DATE)."""
    from cloudplan.plan import edits

    apply(plan, lambda p, today, _into: edits.done(p, ref, on, today))


def reopen(ref: Ref, plan: PlanOption = None) -> None:
    """Clear a milestone's done or cancelled date."""
    from cloudplan.plan import edits

    apply(plan, lambda p, _today, _into: edits.reopen(p, ref))


def cancel(
    ref: Ref,
    on: On = None,
    reason: Annotated[
        str | None, typer.Option("--reason", metavar="TEXT", help=_("Why; added to the milestone's notes."))
    ] = None,
    plan: PlanOption = None,
) -> None:
    """Cancel a milestone; the reason, if given, is added to its notes."""
    from cloudplan.cli.apply import edit_with_impact
    from cloudplan.plan import edits

    edit_with_impact(
        plan,
        lambda p, today, _into: edits.cancel(p, ref, on, reason, today),
        lambda p, today: edits.changed_milestone(p, ref, today, cancelled=on, cancel=True),
        on=on,
    )


def reschedule(
    ref: Ref,
    period: Annotated[str, typer.Argument(metavar="PERIOD", help=_("The new deadline: a day or a period."))],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help=_("Why it moves (required)."))],
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help=_("When it was decided (default: today)."), show_default=False),
    ] = None,
    plan: PlanOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help=_("Say what would change and what it puts at risk; write nothing."))
    ] = False,
) -> None:
    """Move a milestone's deadline, record the move (a slip: from, to, on, reason), and say what it puts at risk."""
    from cloudplan.cli.apply import edit_with_impact
    from cloudplan.plan import edits

    edit_with_impact(
        plan,
        lambda p, today, _into: edits.reschedule(p, ref, period, reason, on, today),
        lambda p, today: edits.changed_milestone(p, ref, today, due=period),
        dry_run,
        lambda p, today: edits.reschedule_warnings(p, ref, period, on, today),
        on=on,
    )


def remove(
    ref: Annotated[
        str,
        typer.Argument(
            metavar="REF",
            help=_("A milestone (PROJECT/MILESTONE) or a project (PROJECT)."),
            autocompletion=complete("refs_and_projects"),
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help=_("Remove a project even with its milestones."))] = False,
    plan: PlanOption = None,
) -> None:
    """Remove a milestone, or a project (--yes when it has milestones); refuse when something depends on it."""
    from cloudplan.plan import edits

    apply(plan, lambda p, _today, _into: edits.remove(p, ref, yes))


def measure(
    id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help=_("The indicator."), show_default=False, autocompletion=complete("indicator_ids")
        ),
    ],
    value: Annotated[str, typer.Argument(metavar="VALUE", help=_("The value measured."), show_default=False)],
    on: On = None,
    note_: Annotated[str | None, typer.Option("--note", metavar="TEXT", help=_("Where it comes from."))] = None,
    plan: PlanOption = None,
) -> None:
    """Record a measure of an indicator (a second one on the same day replaces the first)."""
    from cloudplan.plan import edits

    apply(plan, lambda p, today, _into: edits.measure(p, id, value, on, note_, today))


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
