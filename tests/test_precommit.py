"""The pre-commit hook that the repository provides (issue 3)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml  # pre-commit's own dependency, with it in the test extra

from tests.conftest import ROOT

MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def test_the_manifest_is_valid_for_pre_commit() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_hook_runs_cloudplan_check_on_plan_files() -> None:
    (hook,) = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert hook["id"] == "cloudplan-check"
    assert hook["entry"] == "cloudplan check"
    assert hook["language"] == "python"
    assert hook["types"] == ["toml"]
    # The whole portfolio is checked: refs and ids cross files (see the manifest's comment).
    assert hook["pass_filenames"] is False


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("plans/cloud-etat.toml", True),
        ("roadmap/plans/cloud-etat.toml", True),
        ("cloudplan.toml", True),
        ("team/cloudplan.toml", True),
        ("pyproject.toml", False),
        ("plans/old/2019.toml", False),
        ("myplans/a.toml", False),
        ("not-cloudplan.toml", False),
    ],
)
def test_the_hook_runs_for_plan_files_only(path: str, runs: bool) -> None:
    (hook,) = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert bool(re.search(hook["files"], path)) is runs  # pre-commit matches with re.search


def _documented_configs() -> list[str]:
    """Every `.pre-commit-config.yaml` the README and docs/ci.md show (the yaml blocks that start with `repos:`)."""
    found = []
    for doc in (ROOT / "README.md", ROOT / "docs" / "ci.md"):
        for block in re.findall(r"```yaml\n(.*?)```", doc.read_text(encoding="utf-8"), flags=re.S):
            if block.startswith("repos:"):
                found.append(block)
    return found


def test_the_documented_configurations_are_valid_and_need_no_tag(tmp_path: Path) -> None:
    configs = _documented_configs()
    assert len(configs) >= 3
    for number, config in enumerate(configs):
        # The repository has no release tag and is on no package index: nothing may depend on one.
        assert "rev:" not in config
        path = tmp_path / f"config-{number}.yaml"
        path.write_text(config, encoding="utf-8")
        run = subprocess.run(
            [sys.executable, "-m", "pre_commit", "validate-config", str(path)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert run.returncode == 0, config + run.stdout + run.stderr


def test_the_documented_installs_name_a_source_that_exists() -> None:
    for doc in (ROOT / "README.md", ROOT / "docs" / "ci.md"):
        text = doc.read_text(encoding="utf-8")
        assert not re.search(r"pip install cloudplan\b", text), doc.name  # not on any package index
        assert "cloudplan @ git+https://" in text


def test_the_system_hook_checks_the_plans_on_commit(tmp_path: Path) -> None:
    """The `language: system` configuration of docs/ci.md, run by pre-commit in a real repository."""
    (config,) = [c for c in _documented_configs() if "language: system" in c]
    repo = tmp_path / "roadmap"
    (repo / "plans").mkdir(parents=True)
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    plan = repo / "plans" / "a.toml"
    plan.write_text('[plan]\ntitle = "A"\n', encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}  # fmt: skip

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, timeout=120, check=False)

    assert run("git", "init", "-q").returncode == 0
    assert run("git", "add", "-A").returncode == 0
    hook = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    passed = run(*hook)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    plan.write_text('[plan]\ntitle = "A"\ndeu = 1\n', encoding="utf-8")
    failed = run(*hook)
    assert failed.returncode == 1
    assert "unknown-key" in failed.stdout
