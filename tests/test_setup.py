"""The README's test command on a machine with only Python and pip: what cannot run says so once; CI insists."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHECK = "tests/test_report.py::test_the_browser_check_does_catch_errors"
REASON = "chromium is not installed: the browser checks of the report were not run; .ci/run installs it"


def _pytest_without_programs(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the browser check as a user would, with a PATH that holds Python and nothing else."""
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "python").symlink_to(sys.executable)
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "CLOUDPLAN_REQUIRE_BROWSER", "PYTEST_ADDOPTS")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", CHECK],
        cwd=ROOT, env={**clean, "PATH": str(bare), **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_without_chromium_the_browser_checks_are_skipped_with_one_reason(tmp_path: Path) -> None:
    run = _pytest_without_programs(tmp_path)
    assert run.returncode == 0, run.stdout
    assert run.stdout.count(REASON) == 1
    assert "1 skipped" in run.stdout


@pytest.mark.parametrize("setting", [{"CI": "true"}, {"CLOUDPLAN_REQUIRE_BROWSER": "1"}])
def test_in_ci_without_chromium_the_run_fails(tmp_path: Path, setting: dict[str, str]) -> None:
    run = _pytest_without_programs(tmp_path, **setting)
    assert run.returncode == 1, run.stdout
    assert REASON in run.stdout
    assert "skipped" not in run.stdout


def test_ci_requires_the_browser_and_libreoffice_checks() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "export CLOUDPLAN_REQUIRE_BROWSER=1" in script
    assert "apt-get install -y -qq chromium" in script
    assert "libreoffice-calc-nogui" in script


def test_every_browser_test_says_when_it_cannot_run() -> None:
    """A test that drives the browser first asks for it, so that without it the run says so instead of erroring."""
    import ast

    for path in (ROOT / "tests").glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                source = ast.unparse(node)
                if "chromium.visit" in source:
                    assert "chromium.require()" in source, f"{path.name}::{node.name}"
