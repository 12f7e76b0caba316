"""`cloudplan changes --since`: against a real git repository made here, commits with fixed dates."""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cloudplan.core.changes import Change, ChangeKind, diff
from cloudplan.core.model import Portfolio
from cloudplan.plan import decode
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


# -- the diff itself, in-process: each kind of change with every field it carries ---------------------


def portfolio(text: str) -> Portfolio:
    plan, findings = decode.build(tomllib.loads(text), "plans/plan.toml")
    assert [f for f in findings if f.severity == "error"] == []
    return Portfolio((plan,))


def changed(before: str, after: str) -> list[Change]:
    return diff(portfolio(before), portfolio(after))


BETA = """
[[project]]
id = "beta"
title = "Beta"
owners = ["DGFiP"]

  [[project.milestone]]
  id = "b1"
  title = "B1"
  due = "2021-Q2"

  [[project.milestone]]
  id = "b2"
  title = "B2"
"""


def test_a_new_project_is_added_with_each_milestone_and_its_deadline() -> None:
    assert changed(PLAN, PLAN + BETA) == [
        Change(ChangeKind.ADDED, "project", "beta", "Beta"),
        Change(ChangeKind.ADDED, "milestone", "beta/b1", "B1", after="2021-Q2"),
        Change(ChangeKind.ADDED, "milestone", "beta/b2", "B2", after=None),
    ]
    assert changed(PLAN + BETA, PLAN) == [
        Change(ChangeKind.REMOVED, "project", "beta", "Beta"),
        Change(ChangeKind.REMOVED, "milestone", "beta/b1", "B1"),
        Change(ChangeKind.REMOVED, "milestone", "beta/b2", "B2"),
    ]
    assert [c.record() for c in changed(PLAN, PLAN + BETA)][:2] == [
        {"kind": "added", "type": "project", "ref": "beta", "title": "Beta"},
        {"kind": "added", "type": "milestone", "ref": "beta/b1", "title": "B1"},
    ]


def test_a_project_retitled_and_given_to_others_with_a_milestone_added_and_one_removed() -> None:
    after = PLAN.replace('title = "Alpha"', 'title = "Alpha, renamed"').replace(
        'owners = ["DINUM"]', 'owners = ["ANSSI"]'
    )
    after = after.replace('  id = "two"\n  title = "Two"\n  due = "2020-12"\n',
                          '  id = "four"\n  title = "Four"\n  due = "2021-06-30"\n')  # fmt: skip
    found = changed(PLAN, after)
    assert found == [
        Change(ChangeKind.RETITLED, "project", "alpha", "Alpha, renamed", before="Alpha", after="Alpha, renamed"),
        Change(ChangeKind.OWNERS, "project", "alpha", "Alpha, renamed", before=("DINUM",), after=("ANSSI",)),
        Change(ChangeKind.ADDED, "milestone", "alpha/four", "Four", after="2021-06-30"),
        Change(ChangeKind.REMOVED, "milestone", "alpha/two", "Two"),
    ]  # the milestones that take their project's owners are not each a change
    assert [c.record() for c in found[:2]] == [
        {"kind": "retitled", "type": "project", "ref": "alpha", "title": "Alpha, renamed",
         "from": "Alpha", "to": "Alpha, renamed"},
        {"kind": "owners", "type": "project", "ref": "alpha", "title": "Alpha, renamed",
         "from": ["DINUM"], "to": ["ANSSI"]},
    ]  # fmt: skip


def test_a_milestone_added_without_a_deadline_to_an_existing_project() -> None:
    after = PLAN.replace(
        '  id = "two"\n', '  id = "undated"\n  title = "Undated"\n\n  [[project.milestone]]\n  id = "two"\n', 1
    )
    assert changed(PLAN, after) == [Change(ChangeKind.ADDED, "milestone", "alpha/undated", "Undated", after=None)]


def test_a_milestone_given_owners_of_its_own_is_a_change_of_its_own() -> None:
    after = PLAN.replace('  title = "One"\n', '  title = "One"\n  owners = ["ANSSI"]\n')
    assert changed(PLAN, after) == [
        Change(ChangeKind.OWNERS, "milestone", "alpha/one", "One", before=("DINUM",), after=("ANSSI",))
    ]
    # Its project changing hands at the same time: still its own change, from what it had.
    both = after.replace('owners = ["DINUM"]', 'owners = ["DGFiP"]')
    assert changed(PLAN, both)[1:] == [
        Change(ChangeKind.OWNERS, "milestone", "alpha/one", "One", before=("DINUM",), after=("ANSSI",))
    ]


@pytest.mark.parametrize(
    ("then", "now", "expected"),
    [
        ("", "  done = 2020-07-01\n", Change(ChangeKind.DONE, "milestone", "alpha/one", "One", on=date(2020, 7, 1))),
        ("", "  cancelled = 2020-07-02\n",
         Change(ChangeKind.CANCELLED, "milestone", "alpha/one", "One", on=date(2020, 7, 2))),
        ("  cancelled = 2020-05-02\n", "",
         Change(ChangeKind.REOPENED, "milestone", "alpha/one", "One", on=date(2020, 5, 2), before="cancelled")),
        ("  done = 2020-05-03\n", "",
         Change(ChangeKind.REOPENED, "milestone", "alpha/one", "One", on=date(2020, 5, 3), before="done")),
        ("  cancelled = 2020-05-02\n", "  done = 2020-07-01\n",
         Change(ChangeKind.DONE, "milestone", "alpha/one", "One", on=date(2020, 7, 1), before="cancelled")),
        ("  done = 2020-05-03\n", "  cancelled = 2020-07-02\n",
         Change(ChangeKind.CANCELLED, "milestone", "alpha/one", "One", on=date(2020, 7, 2), before="done")),
        ("  done = 2020-05-03\n", "  done = 2020-05-04\n",
         Change(ChangeKind.DONE, "milestone", "alpha/one", "One", on=date(2020, 5, 4), before="done")),
    ],
)  # fmt: skip
def test_closing_and_reopening(then: str, now: str, expected: Change) -> None:
    one = '  title = "One"\n  due = "2020-Q3"\n'
    assert changed(PLAN.replace(one, one + then), PLAN.replace(one, one + now)) == [expected]


def test_what_the_record_of_each_closing_says() -> None:
    one = '  title = "One"\n  due = "2020-Q3"\n'
    reopened, done = (
        changed(PLAN.replace(one, one + "  cancelled = 2020-05-02\n"), PLAN)[0],
        changed(PLAN, PLAN.replace(one, one + "  done = 2020-07-01\n"))[0],
    )
    base = {"type": "milestone", "ref": "alpha/one", "title": "One"}
    assert reopened.record() == {"kind": "reopened", **base, "was": "cancelled", "on": "2020-05-02"}
    assert done.record() == {"kind": "done", **base, "on": "2020-07-01"}
    cancelled = changed(PLAN, PLAN.replace(one, one + "  cancelled = 2020-07-02\n"))[0]
    assert cancelled.record() == {"kind": "cancelled", **base, "on": "2020-07-02"}


def test_a_first_deadline_set_by_hand_and_one_taken_away() -> None:
    undated = PLAN.replace('  title = "One"\n  due = "2020-Q3"\n', '  title = "One"\n')
    first = changed(undated, PLAN)
    assert first == [Change(ChangeKind.RESCHEDULED, "milestone", "alpha/one", "One", before=None, after="2020-Q3")]
    assert first[0].record() == {"kind": "rescheduled", "type": "milestone", "ref": "alpha/one", "title": "One",
                                 "from": None, "to": "2020-Q3", "on": None, "reason": None}  # fmt: skip
    assert changed(PLAN, undated) == [
        Change(ChangeKind.RESCHEDULED, "milestone", "alpha/one", "One", before="2020-Q3", after=None)
    ]


def test_a_slip_is_its_change_and_the_deadline_it_moved_is_not_another() -> None:
    one = '  title = "One"\n  due = "2020-Q3"\n'
    slip = '{ from = "2020-Q3", to = "2020-Q4", on = 2020-07-01, reason = "Late" }'
    slipped = f'  title = "One"\n  due = "2020-Q4"\n  slip = [{slip}]\n'
    after = PLAN.replace(one, slipped)
    found = changed(PLAN, after)
    assert found == [
        Change(ChangeKind.RESCHEDULED, "milestone", "alpha/one", "One", on=date(2020, 7, 1), before="2020-Q3",
               after="2020-Q4", reason="Late")
    ]  # fmt: skip
    assert found[0].record()["reason"] == "Late"
    assert changed(after, after) == []  # a slip already there is no change


def test_an_indicator_retitled_measured_remeasured_and_annotated() -> None:
    measured = PLAN + "\n[[indicator.measure]]\non = 2020-03-31\nvalue = 80\n"
    after = measured.replace('title = "Apps"', 'title = "Applications"').replace("value = 80", "value = 85")
    after += '\n[[indicator.measure]]\non = 2020-06-30\nvalue = 110\nnote = "After the sprint"\n'
    found = changed(measured, after)
    assert found == [
        Change(ChangeKind.RETITLED, "indicator", "apps", "Applications", before="Apps", after="Applications"),
        Change(ChangeKind.MEASURED, "indicator", "apps", "Applications", on=date(2020, 3, 31), before=80, after=85),
        Change(ChangeKind.MEASURED, "indicator", "apps", "Applications", on=date(2020, 6, 30), before=None, after=110,
               reason="After the sprint"),
    ]  # fmt: skip
    assert [c.record() for c in found[1:]] == [
        {"kind": "measured", "type": "indicator", "ref": "apps", "title": "Applications", "on": "2020-03-31",
         "value": 85, "previous": 80, "note": None},
        {"kind": "measured", "type": "indicator", "ref": "apps", "title": "Applications", "on": "2020-06-30",
         "value": 110, "previous": None, "note": "After the sprint"},
    ]  # fmt: skip
    noted = measured.replace("value = 80\n", 'value = 80\nnote = "Recounted"\n')
    assert changed(measured, noted) == [
        Change(ChangeKind.MEASURED, "indicator", "apps", "Apps", on=date(2020, 3, 31), before=80, after=80,
               reason="Recounted")
    ]  # fmt: skip
    assert changed(measured, PLAN) == []  # a measure taken out is not a measure


def test_an_indicator_added_and_removed() -> None:
    other = PLAN.replace('id = "apps"', 'id = "sites"').replace('title = "Apps"', 'title = "Sites"')
    assert changed(PLAN, other) == [
        Change(ChangeKind.ADDED, "indicator", "sites", "Sites"),
        Change(ChangeKind.REMOVED, "indicator", "apps", "Apps"),
    ]


def test_changes_read_through_a_portfolio_file_name_their_source() -> None:
    from datetime import UTC, datetime

    from cloudplan.core.model import Snapshot

    def sourced(text: str, snapshots: tuple[Snapshot, ...]) -> Portfolio:
        (plan,) = portfolio(text).plans
        projects = tuple(p._replace(origin="dinum" if p.id == "alpha" else None) for p in plan.projects)
        indicators = tuple(i._replace(origin="insee") for i in plan.indicators)
        return Portfolio((plan._replace(projects=projects, indicators=indicators),), snapshots)

    snap = (Snapshot("dinum", "https://git.example/dinum.git", "a" * 40, datetime(2021, 1, 1, tzinfo=UTC)),)
    after = PLAN.replace('title = "Alpha"', 'title = "Alpha 2"').replace('title = "Apps"', 'title = "Apps 2"')
    after = after.replace('title = "One"', 'title = "One 2"') + BETA
    for then, now in ((snap, snap), ((), snap), (snap, ())):
        found = diff(sourced(PLAN, then), sourced(after, now))
        assert [(c.kind.value, c.ref, c.source) for c in found] == [
            ("retitled", "alpha", "dinum"), ("retitled", "alpha/one", "dinum"), ("added", "beta", None),
            ("added", "beta/b1", None), ("added", "beta/b2", None), ("retitled", "apps", "insee"),
        ]  # fmt: skip
        assert found[0].record()["source"] == "dinum"
        assert "source" not in found[2].record()
    # Plans read from files alone: no source at all.
    assert {c.source for c in diff(sourced(PLAN, ()), sourced(after, ()))} == {None}
