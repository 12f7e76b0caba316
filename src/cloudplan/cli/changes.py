"""`cloudplan changes --since REV|DATE`: what changed in the portfolio since a git revision or a day."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

from cloudplan.base.errors import BadPeriod
from cloudplan.base.translate import _
from cloudplan.cli.common import display, load_plans, write
from cloudplan.cli.options import PlanArgs, format_option

if TYPE_CHECKING:
    from datetime import date

    from cloudplan.core.changes import Change, Revision, SourceRevision
    from cloudplan.core.model import Plan
    from cloudplan.store import Loaded, PlanFile


SinceOption = Annotated[
    str,
    typer.Option(
        "--since",
        metavar="REV|DATE",
        help=_("A git revision (HEAD~3, a tag, a commit), or a day: the last commit on or before it "
               "(2020-06-30, \"fin juin 2020\")."),
        show_default=False,
    ),
]  # fmt: skip


class Compared(NamedTuple):
    """The revision compared with, what changed since, and each source of a portfolio file compared."""

    revision: Revision
    changes: list[Change]
    sources: tuple[SourceRevision, ...] = ()


# "fin juin 2020", "end of June 2020": a month stands for its last day anyway.
_END_OF = re.compile(r"^\s*(?:fin\s+(?:de\s+|d['’]\s*)?|(?:the\s+)?end\s+of\s+)", re.IGNORECASE)


def compare(since: str, plans: list[str] | None, loaded: Loaded) -> Compared:
    """Return what changed in the plans (as *loaded* from the work tree) since the revision or day *since*.

    The sources of portfolio files are compared with their own history, in their mirrors.
    """
    from cloudplan import store
    from cloudplan.core.changes import Revision, diff
    from cloudplan.core.model import Portfolio

    files = store.discover(plans or [], os.environ, Path.cwd())
    local = [f for f in files if f.origin is None]
    if len(local) == len(files):
        revision, plans_then = _then(since, plans, loaded, files)
        return Compared(revision, diff(Portfolio(tuple(plans_then)), loaded.portfolio))
    from cloudplan.store import revisions, sources

    try:
        day = _day(since, loaded)
        stamp = revisions.day_end(day, loaded.portfolio.timezone)
    except BadPeriod:
        stamp = None
    compared, plans_sources = sources.history(files, since, stamp)
    revision, plans_then = _then(since, plans, loaded, local) if local else (Revision(since, "", None), [])
    then = Portfolio(tuple(plans_then + plans_sources), loaded.portfolio.snapshots)
    return Compared(revision, diff(then, loaded.portfolio), tuple(compared))


def _day(since: str, loaded: Loaded) -> date:
    """Return the day *since* means (raise BadPeriod when it means none)."""
    from cloudplan.core import periods

    return periods.parse_day(_END_OF.sub("", since), loaded.today)


def _then(since: str, plans: list[str] | None, loaded: Loaded, files: list[PlanFile]) -> tuple[Revision, list[Plan]]:
    """Return the commit of the work tree's history that *since* names, and the local plan *files* as they were."""
    from cloudplan.base import human
    from cloudplan.store import revisions
    from cloudplan.store.reader import parse_cached
    from cloudplan.store.sources import is_portfolio_text

    where = files[0].path.resolve().parent
    revisions.work_tree(where)
    revision = revisions.resolve(since, where)
    if revision is None:
        try:
            day = _day(since, loaded)
        except BadPeriod:
            raise revisions.GitError(
                _("{rev!r} is neither a git revision nor a date").format(rev=since),
                hint=_("give a commit, a tag, HEAD~3, or a day such as 2020-06-30"),
            ) from None
        revision = revisions.last_before(day, loaded.portfolio.timezone, since, where)
        if revision is None:
            start = revisions.first_day(where)
            raise revisions.GitError(
                _("no commit on or before {day}: the plans' history starts later").format(day=human.day(day)),
                hint=_("the first commit is of {first}: give a later day, or a revision (HEAD~1, a tag)").format(
                    first=human.day(start)
                )
                if start
                else None,
            )
    names = [f.name for f in files]
    paths = [f.path for f in files]
    for folder, shown in _folders(plans):
        for name in revisions.listed_at(revision.commit, folder):
            label = str(Path(shown) / name)
            if label not in names:  # a file removed since: its projects are removed
                names.append(label)
                paths.append(folder / name)
    plans_then = []
    for name, data in zip(names, revisions.read_at(revision.commit, [p.resolve() for p in paths]), strict=True):
        if isinstance(data, revisions.TooLarge):  # as a file of the work tree would be: not read at all
            from cloudplan.store.reader import MAX_BYTES

            why = _("the file is {mb} MB; plan files are limited to {max} MB").format(
                mb=data.size // 2**20, max=MAX_BYTES // 2**20
            )
            raise revisions.GitError(
                _("{name} at {commit} cannot be read: {why}").format(name=name, commit=revision.commit[:12], why=why),
                hint=_("choose another revision"),
            )
        if data is None or is_portfolio_text(data):
            continue  # a file added since: everything in it is new; a portfolio file: its sources have their own
        parsed = parse_cached(data, name)
        if parsed.plan is None:
            first = parsed.findings[0] if parsed.findings else name
            raise revisions.GitError(
                _("{name} at {commit} cannot be read: {why}").format(
                    name=name, commit=revision.commit[:12], why=getattr(first, "message", first)
                ),
                hint=_("choose another revision"),
            )
        plans_then.append(parsed.plan)
    return revision, plans_then


def _folders(plans: list[str] | None) -> list[tuple[Path, str]]:
    """Return the folders among the plans read (named, or found by default), whose `*.toml` files make the portfolio."""
    from cloudplan import store

    return [(Path(a).resolve(), a) for a in store.plan_args(plans or [], os.environ, Path.cwd()) if Path(a).is_dir()]


def _table(found: Compared) -> None:
    if found.changes:
        from cloudplan.render.changes import changes_view

        display(changes_view(found.revision, found.changes, found.sources))


def _json(found: Compared) -> None:
    if found.changes:  # nothing changed: no output in any format, as for cron's silence
        from cloudplan.export import changes as out

        write(out.json_doc(found.revision, found.changes, found.sources))


def _markdown(found: Compared) -> None:
    if found.changes:
        from cloudplan.export import changes as out

        write(out.markdown(found.revision, found.changes, found.sources))


# `table` for people, `json` for programs, `markdown` for the minutes of a steering committee.
CHANGES_FORMATS = {"table": _table, "json": _json, "markdown": _markdown}


def changes(
    since: SinceOption,
    plans: PlanArgs = None,
    fmt: Annotated[str, format_option(CHANGES_FORMATS)] = "table",
) -> None:
    """List what changed since a git revision or a day: items added or removed, milestones done, reopened,
    cancelled, rescheduled, retitled or re-owned, measures recorded.

    The plans in the work tree are compared with the same files at that revision (a file that
    did not exist then is new). Prints nothing when nothing changed.
    """
    r = load_plans(plans, None, None)
    CHANGES_FORMATS[fmt.lower()](compare(since, plans, r.loaded))
    sys.stdout.flush()
