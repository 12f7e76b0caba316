"""cloudplan as cron and CI run it: a real process, real pipes, an empty environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROADMAP, ROOT


def run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "cloudplan", *args],
        cwd=cwd, env={**base, **(env or {})}, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )  # fmt: skip


def test_overdue_in_the_repository_root_as_of_mid_2020() -> None:
    result = run("overdue", "--as-of", "2020-06-30")
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 5
    assert result.stderr == ""


def test_overdue_in_the_repository_root_before_any_deadline_is_silent() -> None:
    result = run("overdue", "--as-of", "2019-01-01")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_cron_like_empty_environment_gives_plain_80_column_text(tmp_path: Path) -> None:
    """Under cron: no TERM, no COLUMNS, no LANG, output to a pipe."""
    result = run("status", "--as-of", "2020-06-30", str(ROADMAP), cwd=tmp_path)
    assert result.returncode == 0
    assert "\x1b" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "cercle-2/ouverture" in result.stdout


def test_status_piped_into_a_file_reads_well(tmp_path: Path) -> None:
    out = tmp_path / "status.txt"
    with out.open("w", encoding="utf-8") as f:
        code = subprocess.call(
            [sys.executable, "-m", "cloudplan", "status", "--as-of", "2020-06-30", str(ROADMAP)],
            stdout=f, env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "100"},
        )  # fmt: skip
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert "\x1b" not in text
    assert max(len(line) for line in text.splitlines()) <= 100
    assert all(line == line.rstrip() for line in text.splitlines())


def test_no_color_on_a_forced_terminal_has_no_escape_sequences(tmp_path: Path) -> None:
    result = run("status", "--as-of", "2020-06-30", str(ROADMAP), env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in result.stdout


def test_invalid_plan_in_a_subprocess_is_one_clear_line(tmp_path: Path) -> None:
    plan = tmp_path / "cloudplan.toml"
    plan.write_text('[plan]\ntitle = "x"\n\n[[project]]\nid = "Bad Id"\ntitle = "t"\n', encoding="utf-8")
    result = run("status", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("cloudplan: cloudplan.toml:5:1: error bad-slug:")
    assert "Traceback" not in result.stderr


def test_python_dash_m_and_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("cloudplan ")


def test_console_script_is_installed() -> None:
    script = shutil.which("cloudplan", path=str(Path(sys.executable).parent))
    assert script, "the cloudplan console script is installed beside the interpreter"
    result = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
