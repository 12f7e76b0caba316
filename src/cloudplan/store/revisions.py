"""Plan files as they stood at a git revision, read with git itself (a subprocess, never a library)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import NamedTuple

from cloudplan.base.errors import CloudplanError
from cloudplan.base.translate import _
from cloudplan.core.changes import Revision


class GitError(CloudplanError):
    """Git is missing, the plans are not in a work tree, or the revision is unknown."""


def _git(args: Sequence[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    # Git reads no configuration that could run a program here (no pager, no external diff,
    # no textconv: `cat-file --batch` and `rev-parse` use none), and prompts for nothing.
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"}
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, env=env, check=False)
    except FileNotFoundError:
        raise GitError(
            _("git is not installed: `--since` reads earlier versions of the plans with git"),
            hint=_("install git, or leave out --since"),
        ) from None


def work_tree(folder: Path) -> Path:
    """Return the top of the git work tree that holds *folder*; raise GitError outside one."""
    done = _git(["rev-parse", "--show-toplevel"], folder)
    if done.returncode != 0 or not done.stdout.strip():
        raise GitError(
            _("{folder} is not in a git work tree: there is no earlier version of the plans to compare with").format(
                folder=folder
            ),
            hint=_("run `git init` and commit the plans, or run the command inside their repository"),
        )
    return Path(os.fsdecode(done.stdout.strip()))


def resolve(rev: str, folder: Path) -> Revision | None:
    """Return the commit that *rev* names in the repository of *folder*, or None when it names none."""
    if not rev or rev.startswith("-"):
        return None  # never an option for git
    done = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], folder)
    if done.returncode != 0:
        return None
    return _describe(rev, done.stdout.decode().strip(), folder)


_GIT_FIRST, _GIT_LAST = date(1970, 1, 1), date(2099, 12, 31)


def day_end(day: date, timezone: str | None) -> str:
    """Return the last second of *day* in *timezone* (else the machine's), as git's --before reads it."""
    from zoneinfo import ZoneInfo

    end = datetime.combine(day, time(23, 59, 59))
    end = end.replace(tzinfo=ZoneInfo(timezone)) if timezone else end.astimezone()
    return end.strftime("%Y-%m-%d %H:%M:%S %z")


def last_before(day: date, timezone: str | None, rev: str, folder: Path) -> Revision | None:
    """Return the last commit of HEAD's history made on or before *day* (in *timezone*), or None."""
    if day < _GIT_FIRST:  # no commit is older than 1970: none before, and no time to give git
        return None
    # git reads dates up to 2099 (a later one matches nothing): a later day asks for the last commit.
    stamp = day_end(min(day, _GIT_LAST), timezone)
    done = _git(["rev-list", "-1", f"--before={stamp}", "HEAD", "--"], folder)
    commit = done.stdout.decode().strip()
    if done.returncode != 0 or not commit:
        return None
    return _describe(rev, commit, folder)


def first_day(folder: Path) -> date | None:
    """Return the day of the first commit of HEAD's history (where `--since` a day can start), or None."""
    done = _git(["log", "--reverse", "--no-show-signature", "--format=%cI", "HEAD", "--"], folder)
    first = done.stdout.decode().partition("\n")[0].strip()
    if done.returncode != 0 or not first:
        return None
    return datetime.fromisoformat(first).date()


def _describe(rev: str, commit: str, folder: Path) -> Revision:
    done = _git(["show", "-s", "--no-show-signature", "--format=%cI", commit, "--"], folder)
    when = datetime.fromisoformat(done.stdout.decode().strip())
    return Revision(rev, commit, when)


class TooLarge(NamedTuple):
    """A file whose version at a commit is larger than the limit: its size, and it is not read."""

    size: int


def read_at(commit: str, paths: Sequence[Path], limit: int | None = None) -> list[bytes | TooLarge | None]:
    """Return each file's bytes at *commit*, None for a file that did not exist then.

    A version over *limit* bytes (the limit of plan files, `reader.MAX_BYTES`, unless
    given) is not read: TooLarge says its size. Per folder, one `git cat-file --batch-check`
    says what each file is and its size, then one `git cat-file --batch` reads those
    within the limit: two processes, not one a file, and never a byte of a file too large.
    """
    from cloudplan.store.reader import MAX_BYTES

    limit = MAX_BYTES if limit is None else limit
    found: list[bytes | TooLarge | None] = [None] * len(paths)
    by_folder: dict[Path, list[int]] = {}
    for i, path in enumerate(paths):
        by_folder.setdefault(path.parent, []).append(i)
    for folder, indexes in by_folder.items():
        names = [paths[i].name for i in indexes]
        if any("\n" in n for n in names):
            raise GitError(_("a plan file's name holds a line break; git cannot be asked for it"))
        request = "".join(f"{commit}:./{n}\n" for n in names).encode("utf-8", "surrogateescape")
        wanted: list[tuple[int, bytes]] = []  # (index, object id) of the blobs to read
        for i, line in zip(indexes, _cat_file("--batch-check", folder, commit, request).split(b"\n"), strict=False):
            # "NAME missing": a file that did not exist then. A found object is "SHA TYPE SIZE":
            # a folder of that name (a tree) is skipped, as no file.
            header = line.split()
            if len(header) == 3 and header[1] == b"blob" and header[2].isdigit():
                size = int(header[2])
                if size > limit:
                    found[i] = TooLarge(size)
                else:
                    wanted.append((i, header[0]))
        if not wanted:
            continue
        out, at = _cat_file("--batch", folder, commit, b"".join(sha + b"\n" for _i, sha in wanted)), 0
        for i, _sha in wanted:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            at = end + 1
            if len(header) == 3 and header[2].isdigit():
                size = int(header[2])
                found[i] = out[at : at + size]
                at += size + 1
    return found


def _cat_file(mode: str, folder: Path, commit: str, request: bytes) -> bytes:
    done = _git(["cat-file", mode], folder, request)
    if done.returncode != 0:
        raise GitError(
            _("git could not read the plans at {commit}: {why}").format(
                commit=commit[:12], why=done.stderr.decode(errors="replace").strip()
            )
        )
    return done.stdout


def listed_at(commit: str, folder: Path) -> list[str]:
    """Return the names of the `*.toml` files directly inside *folder* at *commit*, in name order."""
    done = _git(["ls-tree", "-z", "--name-only", commit, "--", "./"], folder)
    if done.returncode != 0:
        return []
    names = [os.fsdecode(n) for n in done.stdout.split(b"\0") if n]
    return sorted(n for n in names if n.endswith(".toml") and "/" not in n)
