"""The README's test command on a machine with only Python and pip: what cannot run says so once; CI insists."""

from __future__ import annotations

import json
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


def test_ci_installs_the_gallerys_checkers() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "npm ci --prefix tests/tools --ignore-scripts" in script
    assert "default-jre-headless" in script
    assert "poppler-utils" in script
    lock = json.loads((ROOT / "tests" / "tools" / "package-lock.json").read_text(encoding="utf-8"))
    assert set(lock["packages"][""]["devDependencies"]) == {"axe-core", "vnu-jar"}
    assert "tests/tools/node_modules/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_a_missing_checker_skips_on_a_bare_machine_and_fails_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import require_file

    for name in ("CI", "CLOUDPLAN_REQUIRE_BROWSER"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(pytest.skip.Exception, match="axe-core is not installed"):
        require_file(tmp_path / "axe.min.js", "axe-core", "the accessibility checks")
    monkeypatch.setenv("CLOUDPLAN_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="required here"):
        require_file(tmp_path / "axe.min.js", "axe-core", "the accessibility checks")
    present = tmp_path / "vnu.jar"
    present.write_bytes(b"PK")
    assert require_file(present, "vnu-jar", "the Nu checks") == present


def test_every_browser_test_says_when_it_cannot_run() -> None:
    """A test that drives the browser first asks for it, so that without it the run says so instead of erroring."""
    import ast

    for path in (ROOT / "tests").glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                source = ast.unparse(node)
                if "chromium.visit" in source:
                    assert "chromium.require()" in source, f"{path.name}::{node.name}"
