"""Conventions that live in tests: every command has help and a README entry; the shipped plans agree."""

from __future__ import annotations

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
