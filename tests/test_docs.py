"""Conventions that live in tests: every command has help and a README entry; the shipped plans agree."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import typer.main

from cloudplan.cli import app
from tests.conftest import ROADMAP, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, object]]:
    group = typer.main.get_group(app)
    found = []
    for name in group.list_commands(typer.Context(group)):
        command = group.get_command(typer.Context(group), name)
        sub = getattr(command, "commands", None)
        if sub:
            found += [(f"{name} {n}", c) for n, c in sub.items()]
        else:
            found.append((name, command))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(), ids=[n for n, _ in _commands()])
def test_every_command_has_help_and_a_readme_entry(name: str, command: object) -> None:
    assert getattr(command, "help", None), f"{name} has no help text"
    assert f"`cloudplan {name}" in README, f"{name} is missing from the README's command list"


def test_readme_opens_with_the_two_setup_commands() -> None:
    block = README.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert block == ["pip install . && cloudplan status", "pip install '.[test]' && python -m pytest"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "pip install '.[test]' && python -m pytest" in (ROOT / ".ci" / "run").read_text()


def test_packaged_example_is_the_shipped_roadmap() -> None:
    packaged = ROOT / "src" / "cloudplan" / "data" / "cloud-etat.toml"
    assert packaged.read_bytes() == ROADMAP.read_bytes()


def test_changelog_keeps_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text
    assert "keepachangelog.com" in text


def test_docs_exist() -> None:
    for name in ("plan-format.md", "files.md"):
        assert (Path(ROOT) / "docs" / name).exists(), name


def test_the_docs_stand_alone() -> None:
    """Nothing in the repository sends a reader to a document that is not in it."""
    pointer = re.compile(r"\b" + "SP" + r"EC\b|\.\./" + "shared")
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md", ROOT / ".ci" / "run"]
    for folder in ("docs", "src", "tests", "bench"):
        files += [p for p in (ROOT / folder).rglob("*") if p.suffix in (".md", ".py", ".po", ".toml", ".yaml")]
    leaks = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        if "golden" not in path.parts and "toml-test" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if pointer.search(line)
    ]
    assert leaks == []


def _console_examples() -> list[tuple[str, str]]:
    """The README's `$ cloudplan ...` examples that only read, with the output shown under each."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        for command, output in re.findall(r"^\$ (cloudplan [^\n]*)\n(.*?)(?=^\$ |\Z)", block, flags=re.S | re.M):
            if ";" in command or "--svg" in command or "--html" in command or "trend" in command:
                continue  # these write files, or need the reschedules the README describes first
            if "reschedule" in command and "--dry-run" not in command:
                continue
            examples.append((command, output))
    return examples


@pytest.mark.parametrize(("command", "output"), _console_examples(), ids=[c for c, _ in _console_examples()])
def test_the_readme_shows_what_the_commands_print(cli: Callable[..., object], command: str, output: str) -> None:
    import shlex

    result = cli(*shlex.split(command)[1:], env={"CLOUDPLAN_PLAN": str(ROADMAP)})
    assert result.stdout + result.stderr == output  # type: ignore[attr-defined]


def test_the_committee_commands_work_from_a_fresh_clone(tmp_path: Path) -> None:
    """The README's way to try the committee's commands on a fresh clone, run by sh (dash) as written."""
    import os
    import shutil
    import subprocess
    import sys

    (block,) = [b for b in re.findall(r"```sh\n(.*?)```", README, flags=re.S) if "git init -q copil" in b]
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    prelude = f'cloudplan() {{ "{sys.executable}" -m cloudplan "$@"; }}\nset -e\n'
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "src"), "HOME": str(tmp_path),
           "CLOUDPLAN_LANG": "en", "XDG_CACHE_HOME": str(tmp_path / "cache")}  # fmt: skip
    done = subprocess.run(["sh", "-c", prelude + block], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    minutes = (tmp_path / "copil" / "minutes.md").read_text(encoding="utf-8")
    assert "rescheduled from 2021-Q1 to 2021-06 on 2020-09-01: Appel d'offres relancé" in minutes
    assert (tmp_path / "copil" / "annexe.xlsx").stat().st_size > 0
    assert 'id="changes"' in (tmp_path / "copil" / "report.html").read_text(encoding="utf-8")


def test_changes_since_a_day_before_the_history_says_when_it_starts(cli: Callable[..., object], tmp_path: Path) -> None:
    """On a fresh clone the roadmap's history starts long after 2020: the error names the first commit's day."""
    import os
    import subprocess

    work = tmp_path / "clone"
    (work / "plans").mkdir(parents=True)
    (work / "plans" / "roadmap.toml").write_text(ROADMAP.read_text(encoding="utf-8"), encoding="utf-8")
    git = ["git", "-C", str(work), "-c", "user.name=x", "-c", "user.email=x@example.org"]
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    subprocess.run([*git, "add", "plans"], check=True)
    env = {"GIT_AUTHOR_DATE": "2026-11-29T10:00:00", "GIT_COMMITTER_DATE": "2026-11-29T10:00:00"}
    subprocess.run([*git, "commit", "-q", "-m", "first"], check=True, env={**os.environ, **env})
    result = cli("changes", work / "plans", "--since", "fin juin 2020")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.stderr.splitlines() == [  # type: ignore[attr-defined]
        "cloudplan: no commit on or before 2020-06-30: the plans' history starts later",
        "  the first commit is of 2026-11-29: give a later day, or a revision (HEAD~1, a tag)",
    ]
