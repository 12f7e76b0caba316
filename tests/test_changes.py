"""`cloudplan changes --since`: against a real git repository made here, commits with fixed dates."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.conftest import ROADMAP

Cli = Callable[..., Result]

PLAN = """\
[plan]
title = "Committee plan"
timezone = "Europe/Paris"

[[project]]
id = "alpha"
title = "Alpha"
owners = ["DINUM"]

  [[project.milestone]]
  id = "one"
  title = "One"
  due = "2020-Q3"

  [[project.milestone]]
  id = "two"
  title = "Two"
  due = "2020-12"

  [[project.milestone]]
  id = "three"
  title = "Three"
  due = "2021"
  done = 2020-05-01

[[indicator]]
id = "apps"
title = "Apps"
baseline = { value = 60, on = "2018" }
target = { value = 200, by = "2022" }
"""


class Repo:
    """A git repository under the test's work folder, with a plans/ folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "plans").mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: str = "2020-06-01T10:00:00+02:00") -> str:
        env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "t",
               "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
               "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}  # fmt: skip
        done = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def write(self, text: str, name: str = "plans/plan.toml") -> None:
        (self.root / name).write_text(text, encoding="utf-8")

    def commit(self, when: str, message: str = "step") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, when=when)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo(tmp_path / "work")
    r.write(PLAN)
    r.commit("2020-06-01T10:00:00+02:00", "first")
    return r


def changes(cli: Cli, *args: str) -> Result:
    return cli("changes", *args)


def doc(cli: Cli, *args: str) -> dict[str, object]:
    result = changes(cli, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def kinds(d: dict[str, object]) -> list[tuple[str, str]]:
    return [(c["kind"], c["ref"]) for c in d["changes"]]  # type: ignore[attr-defined,index]


def test_nothing_changed_prints_nothing_and_exits_0(cli: Cli, repo: Repo) -> None:
    for fmt in ("table", "markdown", "json"):
        result = changes(cli, "--since", "HEAD", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert result.stdout == ""


def test_every_kind_of_milestone_change(cli: Cli, repo: Repo) -> None:
    text = PLAN.replace('title = "One"', 'title = "One, renamed"')
    text = text.replace('due = "2020-12"', 'due = "2021-Q1"\n  done = 2020-07-15\n  owners = ["DGFiP"]', 1)
    text = text.replace("  done = 2020-05-01\n", "")  # three: reopened
    repo.write(text)
    d = doc(cli, "--since", "HEAD")
    assert kinds(d) == [
        ("retitled", "alpha/one"),
        ("owners", "alpha/two"),
        ("done", "alpha/two"),
        ("rescheduled", "alpha/two"),
        ("reopened", "alpha/three"),
    ]
    by = {(c["kind"], c["ref"]): c for c in d["changes"]}  # type: ignore[attr-defined]
    assert by["retitled", "alpha/one"] == {
        "kind": "retitled", "type": "milestone", "ref": "alpha/one", "title": "One, renamed",
        "from": "One", "to": "One, renamed",
    }  # fmt: skip
    assert by["owners", "alpha/two"]["from"] == ["DINUM"]
    assert by["owners", "alpha/two"]["to"] == ["DGFiP"]
    assert by["done", "alpha/two"]["on"] == "2020-07-15"
    # Moved by hand, without a slip record: no day, no reason.
    moved = by["rescheduled", "alpha/two"]
    assert {k: moved[k] for k in ("from", "to", "on", "reason")} == {
        "from": "2020-12", "to": "2021-Q1", "on": None, "reason": None,
    }  # fmt: skip
    assert by["reopened", "alpha/three"]["was"] == "done"
    assert by["reopened", "alpha/three"]["on"] == "2020-05-01"


def test_edits_in_one_commit_keep_their_own_days(cli: Cli, repo: Repo) -> None:
    """Two slips and two measures land in one commit: four changes, each on the day the plan gives."""
    plan = str(repo.root / "plans" / "plan.toml")
    for args in (
        ("reschedule", "alpha/one", "2020-Q4", "--reason", "Tender relaunched", "--on", "2020-07-01"),
        ("reschedule", "alpha/one", "2021-Q1", "--reason", '=HYPERLINK("x")', "--on", "2020-08-01"),
        ("measure", "apps", "110", "--on", "2020-06-30"),
        ("measure", "apps", "120", "--on", "2020-07-31", "--note", "a | b"),
        ("cancel", "alpha/two", "--on", "2020-09-01"),
    ):
        assert cli(*args, "--plan", plan).exit_code == 0
    repo.commit("2020-09-02T09:00:00+02:00", "committee prep")
    d = doc(cli, "--since", "HEAD~1")
    assert kinds(d) == [
        ("rescheduled", "alpha/one"),
        ("rescheduled", "alpha/one"),
        ("cancelled", "alpha/two"),
        ("measured", "apps"),
        ("measured", "apps"),
    ]
    slips = [c for c in d["changes"] if c["kind"] == "rescheduled"]  # type: ignore[attr-defined]
    assert [(s["from"], s["to"], s["on"]) for s in slips] == [
        ("2020-Q3", "2020-Q4", "2020-07-01"),
        ("2020-Q4", "2021-Q1", "2020-08-01"),
    ]
    assert slips[0]["reason"] == "Tender relaunched"
    measures = [c for c in d["changes"] if c["kind"] == "measured"]  # type: ignore[attr-defined]
    assert [(m["on"], m["value"], m["note"]) for m in measures] == [
        ("2020-06-30", 110, None),
        ("2020-07-31", 120, "a | b"),
    ]
    assert d["since"]["rev"] == "HEAD~1"  # type: ignore[index]
    assert d["since"]["date"] == "2020-06-01T10:00:00+02:00"  # type: ignore[index]
    assert d["since"]["commit"] == repo.git("rev-parse", "HEAD~1")  # type: ignore[index]
    # Markdown for the minutes: cells escaped, one row per change.
    md = changes(cli, "--since", "HEAD~1", "--format", "markdown").stdout
    assert md.startswith("# Changes since HEAD\\~1 (commit ")
    assert "a \\| b" in md
    assert md.count("\n| `alpha/one` |") == 2
    table = changes(cli, "--since", "HEAD~1").stdout
    assert "rescheduled from 2020-Q3 to 2020-Q4 on 2020-07-01: Tender relaunched" in " ".join(table.split())


@pytest.mark.parametrize("named", ["found", "argument", "environment"])
def test_a_file_added_since_is_new_and_a_file_removed_is_gone(cli: Cli, repo: Repo, named: str) -> None:
    """Whichever way the folder is named, its files of then are read: a file gone is a removal."""
    repo.write(PLAN.replace('id = "alpha"', 'id = "beta"').replace('id = "apps"', 'id = "apps2"'), "plans/b.toml")
    repo.commit("2020-06-10T10:00:00+02:00")
    (repo.root / "plans" / "plan.toml").unlink()
    if named == "environment":
        result = cli("changes", "--format", "json", "--since", "HEAD~1", env={"CLOUDPLAN_PLAN": "plans"})
        assert result.exit_code == 0, result.output
        d = json.loads(result.stdout)
    else:
        d = doc(cli, "--since", "HEAD~1", *(["plans"] if named == "argument" else []))
    added = [(c["kind"], c["type"], c["ref"]) for c in d["changes"] if c["kind"] == "added"]  # type: ignore[attr-defined]
    removed = [(c["kind"], c["type"], c["ref"]) for c in d["changes"] if c["kind"] == "removed"]  # type: ignore[attr-defined]
    assert added == [
        ("added", "project", "beta"),
        ("added", "milestone", "beta/one"),
        ("added", "milestone", "beta/two"),
        ("added", "milestone", "beta/three"),
        ("added", "indicator", "apps2"),
    ]
    assert ("removed", "project", "alpha") in removed
    assert ("removed", "indicator", "apps") in removed


def test_a_date_or_a_date_phrase_means_the_last_commit_on_or_before_that_day(cli: Cli, repo: Repo) -> None:
    first = repo.git("rev-parse", "HEAD")
    repo.write(PLAN.replace('title = "Two"', 'title = "Deux"'))
    second = repo.commit("2020-07-10T10:00:00+02:00")
    repo.write(PLAN.replace('title = "Two"', 'title = "Zwei"'))
    # A commit late on 30 June in Paris is still 30 June, though it is 1 July nowhere else.
    third = repo.commit("2020-07-31T23:30:00+02:00")
    repo.write(PLAN.replace('title = "Two"', 'title = "Dos"'))
    for since, commit in (
        ("2020-06-30", first),
        ("fin juin 2020", first),
        ("juin 2020", first),
        ("30/06/2020", first),
        ("2020-07-10", second),
        ("juillet 2020", third),
        ("HEAD~2", first),
        (second[:10], second),
    ):
        assert doc(cli, "--since", since)["since"]["commit"] == commit, since  # type: ignore[index]
    retitled = doc(cli, "--since", "fin juin 2020")["changes"]
    assert [(c["from"], c["to"]) for c in retitled] == [("Two", "Dos")]  # type: ignore[index]


@pytest.mark.parametrize("since", ["nope", "HEAD~9", "-2x", "--all"])
def test_an_unknown_revision_exits_2(cli: Cli, repo: Repo, since: str) -> None:
    result = changes(cli, "--since", since)
    assert result.exit_code == 2
    assert "neither a git revision nor a date" in result.stderr
    assert "Traceback" not in result.output


def test_a_day_before_the_first_commit_exits_2(cli: Cli, repo: Repo) -> None:
    result = changes(cli, "--since", "2019-12-31")
    assert result.exit_code == 2
    assert "no commit on or before 2019-12-31" in result.stderr


def test_outside_a_git_work_tree_exits_2(cli: Cli, tmp_path: Path) -> None:
    outside = tmp_path / "work" / "plans"
    outside.mkdir(parents=True)
    (outside / "plan.toml").write_text(PLAN, encoding="utf-8")
    result = cli("changes", "--since", "HEAD", env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert result.exit_code == 2
    assert "not in a git work tree" in result.stderr


def test_a_project_that_changes_hands_is_one_change(cli: Cli, repo: Repo) -> None:
    repo.write(PLAN.replace('owners = ["DINUM"]', 'owners = ["DINUM", "ANSSI"]'))
    d = doc(cli, "--since", "HEAD")
    assert kinds(d) == [("owners", "alpha")]


def test_the_report_has_a_changes_section(cli: Cli, repo: Repo) -> None:
    repo.write(PLAN.replace('title = "Two"', 'title = "<b>Two</b>"'))
    out = repo.root / "report.html"
    result = cli("report", "--html", out, "--since", "HEAD", "--as-of", "2020-06-30")
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert 'id="changes"' in page
    assert "&lt;b&gt;Two&lt;/b&gt;" in page
    assert "<b>Two" not in page
    plain = cli("report", "--html", repo.root / "plain.html", "--as-of", "2020-06-30")
    assert plain.exit_code == 0
    assert 'id="changes"' not in (repo.root / "plain.html").read_text(encoding="utf-8")


def test_the_shipped_roadmap_through_the_edit_commands(cli: Cli, repo: Repo) -> None:
    (repo.root / "plans" / "plan.toml").unlink()
    (repo.root / "plans" / "cloud-etat.toml").write_bytes(ROADMAP.read_bytes())
    repo.commit("2020-06-05T10:00:00+02:00")
    assert cli("done", "cercle-2/etude", "--on", "2020-07-15").exit_code == 0
    d = doc(cli, "--since", "HEAD")
    assert kinds(d) == [("done", "cercle-2/etude")]


def test_a_report_with_an_unknown_revision_writes_nothing(cli: Cli, repo: Repo) -> None:
    out = repo.root / "report.html"
    result = cli("report", "--html", out, "--since", "no-such-tag")
    assert result.exit_code == 2
    assert "neither a git revision nor a date" in result.stderr
    assert not out.exists()
