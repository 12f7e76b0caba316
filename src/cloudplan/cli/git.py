"""The commands that work with git: merge (git's merge driver for plan files) and blame (who set each key)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cloudplan.base.errors import CloudplanError, ExitCode, UsageError
from cloudplan.base.translate import _, ngettext
from cloudplan.cli.apply import note
from cloudplan.cli.common import today_in, write
from cloudplan.cli.options import PlanArgs, format_option

if TYPE_CHECKING:
    from cloudplan.plan.merge import Markers, Merged
    from cloudplan.store.merging import Versions

# -- merge ----------------------------------------------------------------------------------------------


class FellBack(CloudplanError):
    """The plans could not be merged by meaning: git's line merge was written instead."""


def merge(
    base: Annotated[Path | None, typer.Argument(metavar="BASE", help=_("The common ancestor (git's %O)."),
                                                show_default=False, dir_okay=False)] = None,
    ours: Annotated[Path | None, typer.Argument(metavar="OURS", help=_("Our version (git's %A); the result is "
                                                "written there."), show_default=False, dir_okay=False)] = None,
    theirs: Annotated[Path | None, typer.Argument(metavar="THEIRS", help=_("Their version (git's %B)."),
                                                  show_default=False, dir_okay=False)] = None,
    name: Annotated[str | None, typer.Option("--name", metavar="PATH", show_default=False,
                                             help=_("The file's path in the repository (git's %P)."))] = None,
    marker_size: Annotated[int, typer.Option("--marker-size", metavar="N", min=1, max=1000,
                                             help=_("Length of the conflict markers (git's %L)."))] = 7,
    setup: Annotated[bool, typer.Option("--setup", help=_("Make git merge this repository's plan files with "
                                        "cloudplan (.gitattributes and the repository's config), then exit."))] = False,
) -> None:  # fmt: skip
    """Merge three versions of a plan file by meaning, as git's merge driver: exit 0 merged, 1 conflicts left
    between markers in OURS, 2 could not merge (git's own line merge is written to OURS instead).

    `cloudplan merge --setup` in a work tree makes git use it for plans/*.toml and cloudplan.toml.
    """
    if setup:
        if base or ours or theirs:
            raise UsageError(_("--setup takes no files"), hint=_("run `cloudplan merge --setup` in the work tree"))
        from cloudplan.store import merging

        changed = merging.setup(Path.cwd())
        for line in changed:
            note(line)
        note(
            _("git now merges plan files with `cloudplan merge`") if changed else _("already set up: nothing to change")
        )
        return
    if base is None or ours is None or theirs is None:
        raise UsageError(
            _("give the three versions of the file: BASE OURS THEIRS"),
            hint=_("git passes them (%O %A %B) once `cloudplan merge --setup` has configured it"),
        )
    from cloudplan.plan.merge import Markers, Unmergeable
    from cloudplan.store import merging

    shown = name or str(ours)
    versions = merging.read_versions(base, ours, theirs)
    style = merging.conflict_style(Path.cwd())
    try:
        merged = _merged(versions, shown, name, Markers(marker_size, style != "merge"))
    except Unmergeable as e:
        _fall_back(versions, (base, ours, theirs), shown, marker_size, style, e.message)
    bom = "\ufeff" if versions.ours.startswith(b"\xef\xbb\xbf") else ""
    from cloudplan.store.writer import replace_file

    replace_file(ours, (bom + merged.text).encode("utf-8"), shown)
    if not merged.conflicts:
        return
    from cloudplan.plan.merge import conflict_lines

    for line in conflict_lines(merged.conflicts):
        note(_("{file}: conflict: {what}").format(file=shown, what=line))
    n = len(merged.conflicts)
    note(ngettext("{n} conflict left between the markers in {file}: keep one side of it, then `cloudplan check`",
                  "{n} conflicts left between the markers in {file}: keep one side of each, then `cloudplan check`",
                  n).format(n=n, file=shown))  # fmt: skip
    raise typer.Exit(int(ExitCode.FOUND))


def _merged(versions: Versions, shown: str, name: str | None, markers: Markers) -> Merged:
    from cloudplan.base.findings import Severity
    from cloudplan.plan.merge import Unmergeable, merge_plans
    from cloudplan.store import merging
    from cloudplan.store.reader import parse_cached

    texts = []
    for data, side in zip(versions, (_("the base"), _("ours"), _("theirs")), strict=True):
        try:
            texts.append(data.decode("utf-8").removeprefix("\ufeff"))
        except UnicodeDecodeError:
            raise Unmergeable(_("{side} is not UTF-8").format(side=side)) from None
    parsed = parse_cached(versions.ours, shown)
    errors = [f for f in parsed.findings if f.severity is Severity.ERROR]
    if parsed.plan is None or errors:
        raise Unmergeable(_("ours is not a valid plan: {why}").format(why=errors[0].message if errors else "?"))
    plan = parsed.plan
    others = merging.neighbours(name, Path.cwd())
    return merge_plans(*texts, name=shown, ours_plan=plan, others=others, today=today_in(plan.timezone),
                       markers=markers)  # fmt: skip


def _fall_back(versions: Versions, paths: tuple[Path, Path, Path], shown: str, size: int, style: str, why: str) -> None:
    """Write git's own line merge to OURS, so the user still sees both sides, and say why (exit 2)."""
    from cloudplan.store import merging
    from cloudplan.store.writer import replace_file

    data, conflicts = merging.merge_file(versions, paths, size, style)
    replace_file(paths[1], data, shown)
    if conflicts:
        left = ngettext("git's line merge is written instead, with {n} conflict: resolve it by hand",
                        "git's line merge is written instead, with {n} conflicts: resolve them by hand",
                        conflicts).format(n=conflicts)  # fmt: skip
    else:
        left = _("git's line merge is written instead; check the result with `cloudplan check` before committing")
    raise FellBack(_("{file}: cannot merge by meaning: {why}").format(file=shown, why=why), hint=left)


# -- blame ----------------------------------------------------------------------------------------------

BLAME_FORMATS = ("text", "json")


def blame(
    ref: Annotated[str, typer.Argument(metavar="REF", help=_("The milestone, as PROJECT/MILESTONE."),
                                       show_default=False)],
    plans: PlanArgs = None,
    fmt: Annotated[str, format_option(BLAME_FORMATS)] = "text",
) -> None:  # fmt: skip
    """For each key of a milestone (title, due, start, done, cancelled, owners, depends_on, notes, each slip),
    the commit that last set it: its author, date and signature (good, bad or none), read from git history."""
    from cloudplan.cli.common import load_plans
    from cloudplan.plan import edits
    from cloudplan.store import history

    r = load_plans(plans, None, None)
    milestone = edits.find_milestone(r.loaded.portfolio, ref)
    fields = history.blame(milestone, history.shown(milestone.source))
    if fmt.lower() == "json":
        from cloudplan.core.blame import document
        from cloudplan.export.json import dumps

        write(dumps(document(milestone.ref, fields)))
        return
    from cloudplan.cli.common import display
    from cloudplan.render.blame import blame_view

    display(blame_view(milestone.ref, milestone.title, fields))
