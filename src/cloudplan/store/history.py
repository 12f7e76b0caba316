"""A plan file's history, read with git itself (a subprocess, never a library): the commits that touched it,
with their authors, dates and signatures, and the file as each left it; `blame` and `history` use it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from cloudplan.base.translate import _
from cloudplan.store.revisions import GitError, _git, work_tree

if TYPE_CHECKING:
    from cloudplan.core.blame import Commit, Field
    from cloudplan.core.model import Milestone

# %G?: G good, U good (a key of unknown trust); B bad, X/Y expired signature or key, R revoked key,
# E cannot be checked (no key, no allowed-signers file); N none.
SIGNATURES = {"G": "good", "U": "good", "B": "bad", "X": "bad", "Y": "bad", "R": "bad", "E": "bad", "N": "none"}
KEYS = ("title", "start", "due", "done", "cancelled", "owners", "depends_on", "notes")


def commits(path: Path) -> list[Commit]:
    """Return the commits of HEAD's history that touched *path*, newest first, each with the parents that did too."""
    from cloudplan.core.blame import Commit

    done = _git(
        ["log", "--no-show-signature", "--parents", "--format=%x1e%H%x1f%P%x1f%an <%ae>%x1f%aI%x1f%G?", "--",
         f"./{path.name}"],
        path.parent,
    )  # fmt: skip
    if done.returncode != 0:
        raise GitError(
            _("git could not list the history of {file}: {why}").format(
                file=path.name, why=done.stderr.decode("utf-8", "replace").strip()
            )
        )
    found = []
    for record in done.stdout.decode("utf-8", "replace").split("\x1e")[1:]:
        commit, parents, author, date, signature = record.strip("\n").split("\x1f")
        found.append(Commit(commit, tuple(parents.split()), author, date, SIGNATURES.get(signature.strip(), "bad")))
    return found


def versions(path: Path, found: list[Commit]) -> list[bytes | None]:
    """Return the file as each commit left it (None where it was not a file), read by one `git cat-file --batch`."""
    if "\n" in path.name:
        raise GitError(_("a plan file's name holds a line break; git cannot be asked for it"))
    request = "".join(f"{c.commit}:./{path.name}\n" for c in found).encode("utf-8", "surrogateescape")
    done = _git(["cat-file", "--batch"], path.parent, request)
    if done.returncode != 0:
        raise GitError(
            _("git could not read the history of {file}: {why}").format(
                file=path.name, why=done.stderr.decode("utf-8", "replace").strip()
            )
        )
    out, at = done.stdout, 0
    datas: list[bytes | None] = []
    for _c in found:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        data = None
        if len(header) == 3 and header[2].isdigit():
            size = int(header[2])
            if header[1] == b"blob":
                data = out[at : at + size]
            at += size + 1
        datas.append(data)
    return datas


def blame(milestone: Milestone, path: Path) -> list[Field]:
    """Return who set each key of *milestone* (and each of its slips), from the history of its plan file *path*."""
    from cloudplan.core import blame as core
    from cloudplan.plan.merge import MILESTONE, SLIP, meaning
    from cloudplan.plan.units import Reader, milestone_in

    work_tree(path.parent)
    history = commits(path)
    reader = Reader()

    def table(data: bytes | None) -> dict[str, object] | None:
        if data is None:
            return None
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            return None
        return milestone_in(reader.project(text, milestone.project), milestone.id)

    tables = [table(d) for d in versions(path, history)]
    try:
        now = table(path.read_bytes())
    except OSError as e:
        raise GitError(_("cannot read {file}: {why}").format(file=path, why=e.strerror or e)) from None
    where = (("project", (milestone.project,)),)
    return core.blame(
        KEYS,
        list(zip(history, tables, strict=True)),
        now,
        lambda key, value: meaning(MILESTONE, key, value, where),
        lambda slip: tuple(meaning(SLIP, k, slip.get(k), where) if k in slip else None for k in SLIP.keys),
    )


def tracked(path: Path) -> bool:
    """Whether *path* is a file of a git work tree that git tracks (so that it has a history)."""
    try:
        done = _git(["ls-files", "--error-unmatch", "--", f"./{path.name}"], path.parent)
    except GitError:
        return False
    return done.returncode == 0


def shown(path: str) -> Path:
    """The plan file a source name stands for, as an absolute path."""
    return Path(os.path.abspath(path))


def slip_commits(milestone: Milestone) -> dict[tuple[object, ...], Commit | None] | None:
    """The commit that recorded each slip of *milestone*, by `slip_key`; None when its plan file has no git history."""
    path = shown(milestone.source)
    if not tracked(path):
        return None
    return {slip_key(f.value): f.commit for f in blame(milestone, path) if f.key == "slip"}


def slip_key(slip: object) -> tuple[object, ...]:
    """What identifies a slip, from its table (a dict) or its record (core.model.Slip): its spans, day and reason."""
    from cloudplan.core.model import Slip
    from cloudplan.plan.merge import _day, _period

    if isinstance(slip, Slip):
        spans = tuple((p.first, p.last) if p else None for p in (slip.from_, slip.to))
        return (*spans, slip.on, slip.reason)
    assert isinstance(slip, dict)
    return (
        *(_period(slip[k]) if k in slip else None for k in ("from", "to")),
        _day(slip["on"]) if "on" in slip else None,
        slip.get("reason") or "",
    )
