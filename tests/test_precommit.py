"""The pre-commit hook that the repository provides (issue 3)."""

from __future__ import annotations

import re
import subprocess
import sys

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
