"""A git repository for tests: real git, no user or system configuration, cloudplan on the PATH git runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def git_env(when: str = "2020-06-01T10:00:00+02:00", who: str = "Alice Martin") -> dict[str, str]:
    """The environment of every git command: this cloudplan first on PATH, fixed identity and dates."""
    email = who.split()[0].lower() + "@example.org"
    return {
        **os.environ,
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": who,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": who,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_MERGE_AUTOEDIT": "no",
    }


class Repo:
    """A work tree at *root*, on branch main."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        # The tests' cache folder ($XDG_CACHE_HOME, tmp_path/cache) may lie in the work tree: never committed.
        (root / ".git" / "info").mkdir(parents=True, exist_ok=True)
        with (root / ".git" / "info" / "exclude").open("a", encoding="utf-8") as exclude:
            exclude.write("/cache/\n")

    def git(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        """Run git in the work tree; with check, fail the test on a non-zero exit, showing git's words."""
        done = subprocess.run(
            ["git", *args], cwd=self.root, env={**git_env(), **env}, capture_output=True, text=True, check=False
        )
        if check and done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def cloudplan(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the real cloudplan command in the work tree, as git or a user would."""
        return subprocess.run(
            [sys.executable, "-m", "cloudplan", *args], cwd=self.root, env=git_env(), capture_output=True, text=True,
            check=False,
        )  # fmt: skip

    def commit(self, message: str, when: str = "2020-06-01T10:00:00+02:00", who: str = "Alice Martin") -> str:
        """Commit everything in the work tree; return the commit's hash."""
        env = git_env(when, who)
        subprocess.run(["git", "add", "-A"], cwd=self.root, env=env, check=True, capture_output=True)
        subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", message], cwd=self.root, env=env, check=True,
                       capture_output=True)  # fmt: skip
        return self.git("rev-parse", "HEAD").stdout.strip()
