"""Shared fixtures: a CLI runner with a pinned terminal, plan files written by tests, golden files."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cloudplan import language
from cloudplan.base import translate
from cloudplan.cli import app

ROOT = Path(__file__).resolve().parent.parent
ROADMAP = ROOT / "plans" / "cloud-etat.toml"
GOLDEN = Path(__file__).resolve().parent / "golden"
AS_OF = date(2020, 6, 30)

# What every CLI test runs under: no colour, no terminal, 80 columns, nothing from the caller.
CLI_ENV = {
    "COLUMNS": "80",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    "CLOUDPLAN_PLAN": None,
    "CLOUDPLAN_DEBUG": None,
    "FORCE_COLOR": None,
    # English unless a test says otherwise (the shipped roadmap asks for French), whatever the caller's locale.
    "CLOUDPLAN_LANG": "en",
    "LANGUAGE": None,
    "LC_ALL": None,
    "LC_MESSAGES": None,
    "LANG": None,
}


def must_run_everything() -> bool:
    """In CI (or with CLOUDPLAN_REQUIRE_BROWSER=1) a check that cannot run fails the run rather than skipping."""
    return os.environ.get("CI", "").lower() in ("true", "1") or os.environ.get("CLOUDPLAN_REQUIRE_BROWSER") == "1"


# In CI the property tests and fuzzers draw the same examples at every run, so that a failure there is
# one that anyone reproduces (and never a draw of luck); at a developer's machine they explore afresh.
if must_run_everything():
    from hypothesis import settings

    settings.register_profile("ci", derandomize=True)
    settings.load_profile("ci")


def require_program(names: tuple[str, ...], what: str) -> str:
    """Return the path of the first of *names* found on PATH, for a test that drives a real program.

    Without it: on a machine with only Python and pip, the test is skipped with one reason that says
    what was not checked; in CI, where .ci/run installs the program, the test fails.
    """
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    reason = f"{names[0]} is not installed: {what} were not run; .ci/run installs it"
    if must_run_everything():
        pytest.fail(f"{reason} (required here: CI or CLOUDPLAN_REQUIRE_BROWSER is set)", pytrace=False)
    pytest.skip(reason)


def require_file(path: Path, package: str, what: str) -> Path:
    """Return *path*, a file that a checker of the tests needs (an npm package's, under tests/tools).

    Without it: skipped with one reason on a machine with only Python and pip; in CI, where .ci/run
    installs it (npm ci --prefix tests/tools), the test fails.
    """
    if path.is_file():
        return path
    reason = f"{package} is not installed: {what} were not run; .ci/run installs it (npm ci --prefix tests/tools)"
    if must_run_everything():
        pytest.fail(f"{reason} (required here: CI or CLOUDPLAN_REQUIRE_BROWSER is set)", pytrace=False)
    pytest.skip(reason)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite the golden files from the outputs.")


@pytest.fixture(autouse=True)
def _no_real_plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep every test off the developer's plans: run in an empty folder, with no $CLOUDPLAN_PLAN."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for name, value in CLI_ENV.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yield
    # A test that ran the CLI in French leaves the process in English for the next one.
    translate.use(translate.DEFAULT)


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Return a function that runs cloudplan with arguments and returns the result.

    The language is decided as the `cloudplan` command decides it (cloudplan.__main__), from the
    arguments (`--lang`), the environment (with *env* over it) and the plan.
    """
    runner = CliRunner()

    def invoke(*args: str | os.PathLike[str], env: dict[str, str | None] | None = None) -> Result:
        environ = {**os.environ, **(env or {})}
        argv, lang = language.decide([str(a) for a in args], {k: v for k, v in environ.items() if v is not None},
                                     Path.cwd())  # fmt: skip
        language.install(lang)
        return runner.invoke(app, argv, env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def write_plan(tmp_path: Path) -> Callable[..., Path]:
    """Return a function that writes a plan file (dedented) under the test's folder."""

    def write(text: str, name: str = "cloudplan.toml") -> Path:
        path = tmp_path / "work" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Return a function comparing a whole output with tests/golden/NAME (rewritten by --update-golden)."""
    update = request.config.getoption("--update-golden") or os.environ.get("CLOUDPLAN_UPDATE_GOLDEN") == "1"

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
        assert path.exists(), f"no golden file {path}: run pytest --update-golden"
        # Bytes, not read_text: CSV and iCalendar end their lines with CRLF, and that is part of the contract.
        assert text == path.read_bytes().decode("utf-8"), f"output differs from {path}"

    return check


MINIMAL = """\
[plan]
title = "Test plan"

[[project]]
id = "alpha"
title = "Alpha"
owners = ["DINSIC"]

  [[project.milestone]]
  id = "one"
  title = "One"
  due = "2020-Q1"

  [[project.milestone]]
  id = "two"
  title = "Two"
  due = "2020-12"
  depends_on = ["one"]
"""


@pytest.fixture
def roadmap(tmp_path: Path) -> str:
    """Return 'plans': the shipped roadmap copied under the test's folder, so outputs name it as users see it."""
    folder = tmp_path / "work" / "plans"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ROADMAP.name).write_bytes(ROADMAP.read_bytes())
    return "plans"
