"""The merge driver's files and git: the three versions, the portfolio around them, git's own line merge
as a fallback, the conflict style, and `merge --setup` (.gitattributes and the repository's config).

Git runs the driver at the top of the work tree with `%O %A %B` (temporary files of the base,
ours and theirs) and `%P` (the file's path in the repository); the result goes to `%A`.
Git itself is run as a subprocess, never through a library, and never made to prompt.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cloudplan.base.errors import UsageError
from cloudplan.base.translate import _
from cloudplan.store.revisions import GitError, _git, work_tree

if TYPE_CHECKING:
    from cloudplan.core.model import Plan

DRIVER = "cloudplan merge %O %A %B --name %P --marker-size %L"
NAME = "cloudplan: plan files merged by meaning"  # git shows it; a setting, the same in every language
ATTRIBUTES = ("plans/*.toml merge=cloudplan", "cloudplan.toml merge=cloudplan")
STYLES = ("merge", "diff3", "zdiff3")
MAX_BYTES = 64 * 1024 * 1024  # as plan files: a version larger than that is not read


class Versions(NamedTuple):
    """The three versions' bytes, as git gave them."""

    base: bytes
    ours: bytes
    theirs: bytes


def read_versions(base: Path, ours: Path, theirs: Path) -> Versions:
    """Read the three files git passes; UsageError naming the one that cannot be read."""
    found = []
    for path in (base, ours, theirs):
        try:
            if path.stat().st_size > MAX_BYTES:
                raise UsageError(_("{path}: the file is larger than a plan can be").format(path=path))
            found.append(path.read_bytes())
        except OSError as e:
            raise UsageError(
                _("{path}: cannot read it: {why}").format(path=path, why=e.strerror or e),
                hint=_("git runs `cloudplan merge %O %A %B`: give it the three files of a merge"),
            ) from None
    return Versions(*found)


def conflict_style(cwd: Path) -> str:
    """Return git's `merge.conflictStyle` where the merge runs: merge (the default), diff3 or zdiff3."""
    try:
        done = _git(["config", "--get", "merge.conflictStyle"], cwd)
    except GitError:
        return "merge"
    style = done.stdout.decode("utf-8", "replace").strip().lower()
    return style if done.returncode == 0 and style in STYLES else "merge"


def merge_file(versions: Versions, paths: tuple[Path, Path, Path], size: int, style: str) -> tuple[bytes, int]:
    """Return git's line merge of the three files (`git merge-file`), and how many conflicts it left."""
    base, ours, theirs = paths
    args = ["merge-file", "-p", f"--marker-size={size}", "-L", "ours", "-L", "base", "-L", "theirs"]
    if style != "merge":
        args.append(f"--{style}")
    done = _git([*args, "--", str(ours.resolve()), str(base.resolve()), str(theirs.resolve())], Path.cwd())
    if done.returncode < 0 or done.returncode > 127:
        raise GitError(
            _("git merge-file failed: {why}").format(why=done.stderr.decode("utf-8", "replace").strip()),
            hint=_("nothing was written; merge the file by hand"),
        )
    return done.stdout, done.returncode


def neighbours(name: str | None, cwd: Path) -> list[Plan]:
    """The other plan files of the portfolio the merged file belongs to (a `plans/` folder), as the work tree has them.

    The merged plan is checked with them, so that a ref into another file is known. A file that
    cannot be read as a plan (another merge in progress left markers in it) is left out.
    """
    if not name:
        return []
    path = cwd / name
    if path.parent.name != "plans":
        return []
    from cloudplan.store.reader import PlanFile, read_file

    found = []
    try:
        siblings = sorted(p for p in path.parent.glob("*.toml") if p.is_file() and p.name != path.name)
    except OSError:
        return []
    for sibling in siblings:
        parsed = read_file(PlanFile(sibling, str(Path(name).parent / sibling.name)))
        if parsed.plan is not None:
            found.append(parsed.plan)
    return found


def setup(cwd: Path) -> list[str]:
    """Make git merge plan files with cloudplan in the work tree of *cwd*; return what was changed (nothing twice)."""
    top = work_tree(cwd)
    changed = []
    attributes = top / ".gitattributes"
    try:
        text = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(_("cannot read {path}: {why}").format(path=attributes, why=e)) from None
    have = {" ".join(line.split()) for line in text.splitlines()}
    missing = [line for line in ATTRIBUTES if line not in have]
    if missing:
        from cloudplan.store.writer import write_atomic

        lead = "" if not text or text.endswith("\n") else "\n"
        write_atomic(attributes, text + lead + "".join(f"{line}\n" for line in missing))
        changed += [_("{file}: added {line}").format(file=".gitattributes", line=line) for line in missing]
    for key, value in (("merge.cloudplan.name", NAME), ("merge.cloudplan.driver", DRIVER)):
        now = _git(["config", "--local", "--get", key], top)
        if now.returncode == 0 and now.stdout.decode("utf-8", "replace").rstrip("\n") == value:
            continue
        done = _git(["config", "--local", key, value], top)
        if done.returncode != 0:
            raise GitError(
                _("git config {key} failed: {why}").format(key=key, why=done.stderr.decode("utf-8", "replace").strip())
            )
        changed.append(_("git config {key} = {value}").format(key=key, value=value))
    return changed


def in_work_tree(cwd: Path) -> bool:
    """Whether *cwd* is inside a git work tree (git installed, and a repository there)."""
    try:
        done = _git(["rev-parse", "--is-inside-work-tree"], cwd)
    except GitError:
        return False
    return done.returncode == 0 and done.stdout.strip() == b"true"
