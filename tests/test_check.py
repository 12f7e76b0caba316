"""`cloudplan check`: every finding code, at its line, in every output format (docs/checks.md, issue 3)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from cloudplan.base.findings import CODES, Severity, error, warning
from cloudplan.export import findings as out
from tests.conftest import MINIMAL, ROADMAP, ROOT
from tests.test_findings import BROKEN, CHECK_AS_OF, PLANS, expected

VALID = PLANS / "valid"
DOCS = ROOT / "docs" / "checks.md"

Cli = Callable[..., Result]


@pytest.mark.parametrize("path", sorted(BROKEN.glob("*.toml")), ids=lambda p: p.stem)
def test_each_broken_file_through_the_command_line(cli: Cli, path: Path) -> None:
    code, line = expected(path)
    result = cli("check", "--as-of", CHECK_AS_OF.isoformat(), path)
    severity = CODES[code]
    assert re.fullmatch(rf"{re.escape(str(path))}:{line}:\d+: {severity} {code}: .+\n", result.stdout)
    assert result.exit_code == (1 if severity is Severity.ERROR else 0)
    assert result.stderr.startswith("cloudplan: 1 ")
    if severity is Severity.WARNING:
        assert cli("check", "--strict", "--as-of", CHECK_AS_OF.isoformat(), path).exit_code == 1


# -- docs/checks.md: every code documented, every example true ----------------------------------------


def documented() -> dict[str, tuple[str | None, str]]:
    """Return each documented code's example: the plan (None when described) and the finding line."""
    sections = re.split(r"^#### `([a-z0-9-]+)`\n", DOCS.read_text(encoding="utf-8"), flags=re.M)[1:]
    examples = {}
    for code, body in zip(sections[::2], sections[1::2], strict=True):
        plan = re.search(r"```toml\n(.*?)```", body, re.S)
        finding = re.search(r"```text\n(.*?)```", body, re.S)
        assert finding, f"{code}: no example finding in docs/checks.md"
        examples[code] = (plan[1] if plan else None, finding[1])
    return examples


def test_every_code_is_documented_once() -> None:
    assert sorted(documented()) == sorted(CODES)


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_documented_example_gives_its_finding(
    code: str, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, finding = documented()[code]
    path = tmp_path / "work" / "plan.toml"
    if code == "not-utf8":
        assert plan is not None
        path.write_bytes(plan.encode("latin-1"))
    elif code == "too-deep":
        path.write_text('[plan]\ntitle = "Plan"\nnotes = ' + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    elif code == "too-large":
        with path.open("wb") as f:
            f.truncate(80 * 2**20)
    elif code == "unreadable":
        path.write_text(MINIMAL, encoding="utf-8")
        monkeypatch.setattr(
            Path, "read_bytes", lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
        )
    else:
        assert plan is not None, f"{code}: the docs need a ```toml example"
        path.write_text(plan, encoding="utf-8")
    result = cli("check", "--as-of", CHECK_AS_OF.isoformat(), "plan.toml")
    assert result.stdout == finding
    assert f" {CODES[code]} {code}: " in finding


# -- the command ----------------------------------------------------------------------------------


def test_a_number_that_is_not_finite_is_a_wrong_type(cli: Cli, write_plan: Callable[..., Path]) -> None:
    """TOML allows inf and nan: no measure, and no number of JSON (they made `export xlsx` fail, and JSON
    outputs hold NaN). The schema cannot see them: JSON has no such numbers."""
    plan = write_plan(
        '[plan]\ntitle = "P"\n\n[[indicator]]\nid = "apps"\ntitle = "Apps"\n'
        'baseline = { value = 60, on = "2018" }\ntarget = { value = inf, by = "2022" }\n\n'
        "  [[indicator.measure]]\n  on = 2020-06-30\n  value = nan\n"
    )
    result = cli("check", plan, "--as-of", CHECK_AS_OF)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{plan}:8:12: error wrong-type: 'value' must be a finite number, not inf",
        f"{plan}:12:3: error wrong-type: 'value' must be a finite number, not nan",
    ]


def test_a_valid_plan_prints_nothing_and_exits_0(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(MINIMAL)
    result = cli("check")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "cloudplan: no findings in 1 file\n"


def test_the_shipped_roadmap_is_valid(cli: Cli) -> None:
    result = cli("check", "--strict", ROADMAP)
    assert (result.exit_code, result.stdout) == (0, "")


@pytest.mark.parametrize("path", sorted(VALID.glob("*.toml")), ids=lambda p: p.stem)
def test_the_valid_fixtures_have_no_finding(cli: Cli, path: Path) -> None:
    result = cli("check", "--strict", "--as-of", CHECK_AS_OF.isoformat(), path)
    assert (result.exit_code, result.stdout) == (0, "")


def test_a_missing_file_is_exit_2(cli: Cli) -> None:
    result = cli("check", "nowhere.toml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "nowhere.toml: no such file or folder" in result.stderr


def test_an_unknown_format_is_exit_2(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(MINIMAL)
    assert cli("check", "--format", "sarif").exit_code == 2


def test_warnings_pass_unless_strict(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(MINIMAL + '\n[[project]]\nid = "beta"\ntitle = "Beta"\n')
    result = cli("check")
    assert result.exit_code == 0
    assert result.stdout == (
        "cloudplan.toml:20:1: warning empty-project: project 'beta' has no milestones: "
        "add one with [[project.milestone]]\n"
    )
    assert result.stderr == "cloudplan: 1 warning in 1 file\n"
    assert cli("check", "--strict").exit_code == 1


def test_several_files_are_one_portfolio(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(MINIMAL, "plans/a.toml")
    write_plan(
        """\
        [plan]
        title = "B"

        [[project]]
        id = "beta"
        title = "Beta"

          [[project.milestone]]
          id = "uses-alpha"
          title = "Uses alpha"
          due = "2021"
          depends_on = ["alpha/two"]
        """,
        "plans/b.toml",
    )
    assert cli("check", "plans/a.toml", "plans/b.toml").exit_code == 0
    # b.toml alone cannot see alpha/two: that is why the pre-commit hook checks the whole folder.
    alone = cli("check", "plans/b.toml")
    assert "error unknown-ref" in alone.stdout
    # A file named twice is read once, not reported as a duplicate of itself.
    twice = cli("check", "plans/a.toml", "plans", "./plans/b.toml")
    assert (twice.exit_code, twice.stdout) == (0, "")
    assert twice.stderr == "cloudplan: no findings in 2 files\n"


def test_duplicate_ids_across_files(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(MINIMAL, "plans/a.toml")
    write_plan(MINIMAL.replace('title = "Test plan"', 'title = "Copy"'), "plans/b.toml")
    result = cli("check", "plans")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "plans/b.toml:5:1: error duplicate-id: project id 'alpha' is already used in plans/a.toml: "
        "ids are unique across the plan files read together; rename one"
    ]
    assert result.stderr == "cloudplan: 1 error in 2 files\n"


def test_findings_of_several_files_are_in_file_then_line_order(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan('[plan]\ntitle = "A"\nowner = 1\ntimezone = "Mars/Olympus"\n', "plans/a.toml")
    write_plan('[plan]\nowner = "B"\n', "plans/b.toml")
    result = cli("check", "plans", "--format", "json")
    found = [(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)]
    assert found == [
        ("plans/a.toml", 3, "wrong-type"),
        ("plans/a.toml", 4, "unknown-timezone"),
        ("plans/b.toml", 1, "missing-key"),
    ]
    assert result.stderr == "cloudplan: 3 errors in 2 files\n"


def test_the_summary_counts_errors_warnings_and_files() -> None:
    e, w = error("a", (), "bad-slug", "x"), warning("a", (), "empty-project", "y")
    assert out.summary([], 1) == "no findings in 1 file"
    assert out.summary([e, e, w], 3) == "2 errors, 1 warning in 3 files"
    assert out.summary([w, w], 1) == "2 warnings in 1 file"
    assert out.summary([e], 2) == "1 error in 2 files"


def test_python_dash_m_runs_check_as_a_real_process(tmp_path: Path) -> None:
    plan = BROKEN / "unknown-key-milestone.toml"
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "40"}
    env.pop("CLOUDPLAN_PLAN", None)
    run = subprocess.run(
        [sys.executable, "-m", "cloudplan", "check", "--format", "github", plan.name],
        cwd=BROKEN, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 1
    # One annotation, one line, however narrow the terminal: machine formats are never wrapped.
    assert run.stdout == (
        "::error file=unknown-key-milestone.toml,line=12,col=3,title=cloudplan unknown-key::"
        "unknown key 'deu'; did you mean 'due'? (allowed: id, title, start, due, done, cancelled, owners, "
        "depends_on, notes, slip)\n"
    )
    assert run.stderr == "cloudplan: 1 error in 1 file\n"
    valid = subprocess.run(
        [sys.executable, "-m", "cloudplan", "check", str(ROADMAP)],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (valid.returncode, valid.stdout) == (0, "")


# -- the output formats -------------------------------------------------------------------------------

SAMPLE = [
    error("plans/a,b:c.toml", ("project", 0, "milestone", 1, "deu"), "unknown-key", "100% sure:\nline two,\rthree"),
    warning("./plans/a.toml", ("project", 1), "empty-project", "project 'beta' has no milestones"),
]
SAMPLE = [SAMPLE[0].at(12, 3), SAMPLE[1].at(20, 1)]


@pytest.mark.parametrize("fmt", list(out.FORMATS))
def test_every_format_renders_findings_and_nothing(fmt: str) -> None:
    empty = out.render(fmt, [])
    assert empty == ("[]\n" if fmt in ("json", "gitlab") else "")
    text = out.render(fmt, SAMPLE)
    assert text.endswith("\n")
    if fmt in ("json", "gitlab"):
        assert len(json.loads(text)) == 2
    else:
        assert len(text.splitlines()) == 2


def test_github_annotations_are_escaped_as_actions_toolkit_does() -> None:
    assert out.escape_data("100% a:b,c\r\nd") == "100%25 a:b,c%0D%0Ad"
    assert out.escape_property("100% a:b,c\r\nd") == "100%25 a%3Ab%2Cc%0D%0Ad"
    assert out.github(SAMPLE) == (
        "::error file=plans/a%2Cb%3Ac.toml,line=12,col=3,title=cloudplan unknown-key::100%25 sure:␊line two,␍three\n"
        "::warning file=plans/a.toml,line=20,col=1,title=cloudplan empty-project::project 'beta' has no milestones\n"
    )


def test_text_lines_neutralise_control_characters() -> None:
    assert out.text(SAMPLE).splitlines()[0] == "plans/a,b:c.toml:12:3: error unknown-key: 100% sure:␊line two,␍three"


def test_gitlab_report_has_the_required_fields() -> None:
    report = json.loads(out.gitlab(SAMPLE))
    assert report[0] == {
        "description": "unknown-key: 100% sure:\nline two,\rthree",
        "check_name": "unknown-key",
        "fingerprint": report[0]["fingerprint"],
        "severity": "major",
        "location": {"path": "plans/a,b:c.toml", "lines": {"begin": 12}},
    }
    assert report[1]["severity"] == "minor"
    assert report[1]["location"]["path"] == "plans/a.toml"  # no ./ prefix
    assert re.fullmatch(r"[0-9a-f]{64}", report[0]["fingerprint"])


def test_gitlab_fingerprints_survive_lines_added_above(cli: Cli, write_plan: Callable[..., Path]) -> None:
    broken = MINIMAL.replace('  due = "2020-Q1"', '  deu = "2020-Q1"')
    write_plan(broken)
    before = json.loads(cli("check", "-F", "gitlab").stdout)
    write_plan("# A comment\n# and another\n" + broken)
    after = json.loads(cli("check", "-F", "gitlab").stdout)
    assert before[0]["location"]["lines"]["begin"] + 2 == after[0]["location"]["lines"]["begin"]
    assert before[0]["fingerprint"] == after[0]["fingerprint"]


def test_gitlab_fingerprints_are_unique_for_findings_on_the_same_key() -> None:
    same = [error("p.toml", ("project", 0, "depends_on"), "unknown-ref", m).at(3, 1) for m in ("a", "b", "c")]
    prints = out.fingerprints(same)
    assert len(set(prints)) == 3
    assert prints[0] == out.fingerprints(same[:1])[0]


def test_json_findings(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(MINIMAL.replace('  due = "2020-12"', '  due = "2020-13"'))
    result = cli("check", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "path": "cloudplan.toml",
            "line": 17,
            "col": 3,
            "severity": "error",
            "code": "bad-period",
            "message": "'due': '2020-13': a month is 01 to 12, not 13",
            "key": ["project", 0, "milestone", 1, "due"],
        }
    ]


def test_whole_outputs(cli: Cli, golden: Callable[[str, str], None], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BROKEN.parent)  # a relative path, as CI passes it: fingerprints hash the path
    for fmt in out.FORMATS:
        result = cli("check", "--as-of", CHECK_AS_OF.isoformat(), "--format", fmt, "several-findings.toml")
        assert result.exit_code == 1
        golden(f"check-{fmt}.txt", result.stdout)


def test_every_command_has_help_and_a_readme_entry(cli: Cli) -> None:
    from cloudplan.cli import COMMANDS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(COMMANDS) > 10
    for name in COMMANDS:
        assert f"`cloudplan {name}" in readme, f"README has no entry for `cloudplan {name}`"
        help_text = cli(name, "--help").stdout
        assert len(help_text.split("\n\n")) > 2, f"`cloudplan {name} --help` has no description"
