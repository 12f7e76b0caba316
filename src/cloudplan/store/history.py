"""A plan file's history, read with git itself (a subprocess, never a library): the commits that touched it,
with their authors, dates and signatures, and the file as each left it; `blame` and `history` use it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from cloudplan.base.translate import _
from cloudplan.core.blame import KEYS
from cloudplan.store.revisions import GitError, _git, work_tree

if TYPE_CHECKING:
    from cloudplan.core.blame import Commit, Field
    from cloudplan.core.model import Milestone

# %G?: G a good signature by a trusted key (ssh: one in gpg.ssh.allowedSignersFile); anything else from a
# signed commit is not good: U (a key git does not trust, as an ssh key outside the allowed signers), B bad,
# X/Y expired, R revoked, E cannot be checked; N no signature git could check: "none" only if the commit has
# no signature at all (git says N for an ssh signature when no allowed-signers file is set).
SIGNATURES = {"G": "good", "N": "none"}


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


def versions(path: Path, found: list[Commit]) -> tuple[list[Commit], list[bytes | None]]:
    """Return the commits (a signed one that git could not check marked "bad") and the file as each left it.

    One `git cat-file --batch` reads each commit object (a signature is a `gpgsig` header) and each version.
    """
    if "\n" in path.name:
        raise GitError(_("a plan file's name holds a line break; git cannot be asked for it"))
    request = "".join(f"{c.commit}\n{c.commit}:./{path.name}\n" for c in found).encode("utf-8", "surrogateescape")
    done = _git(["cat-file", "--batch"], path.parent, request)
    if done.returncode != 0:
        raise GitError(
            _("git could not read the history of {file}: {why}").format(
                file=path.name, why=done.stderr.decode("utf-8", "replace").strip()
            )
        )
    out, at = done.stdout, 0

    def next_object() -> tuple[bytes, bytes | None]:
        nonlocal at
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3 or not header[2].isdigit():  # "NAME missing": no such file then
            return b"missing", None
        size = int(header[2])
        data = out[at : at + size]
        at += size + 1
        return header[1], data

    commits, datas = [], []
    for c in found:
        _kind, raw = next_object()
        head = (raw or b"").split(b"\n\n", 1)[0]
        signed = b"\ngpgsig " in head or b"\ngpgsig-sha256 " in head
        commits.append(c._replace(signature="bad") if signed and c.signature == "none" else c)
        kind, data = next_object()
        datas.append(data if kind == b"blob" else None)
    return commits, datas


def blame(milestone: Milestone, path: Path) -> list[Field]:
    """Return who set each key of *milestone* (and each of its slips), from the history of its plan file *path*."""
    from cloudplan.core import blame as core
    from cloudplan.plan.mergetext import MILESTONE, SLIP, meaning
    from cloudplan.plan.units import Reader, milestone_in

    work_tree(path.parent)
    history, datas = versions(path, commits(path))
    reader = Reader()

    def table(data: bytes | None) -> dict[str, object] | None:
        if data is None:
            return None
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            return None
        return milestone_in(reader.project(text, milestone.project), milestone.id)

    tables = [table(d) for d in datas]
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
    from cloudplan.plan.mergetext import day_meaning, period_meaning

    if isinstance(slip, Slip):
        spans = tuple((p.first, p.last) if p else None for p in (slip.from_, slip.to))
        return (*spans, slip.on, slip.reason)
    assert isinstance(slip, dict)
    return (
        *(period_meaning(slip[k]) if k in slip else None for k in ("from", "to")),
        day_meaning(slip["on"]) if "on" in slip else None,
        slip.get("reason") or "",
    )
