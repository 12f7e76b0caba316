"""`overdue --state FILE`: only what changed since the last cron run (docs/output.md, issue 3)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cloudplan import store
from cloudplan.base.errors import StateInvalid, WriteFailed
from cloudplan.core import alerts
from cloudplan.core.model import Milestone
from cloudplan.core.periods import parse_file_value
from cloudplan.core.status import MilestoneState, milestone_state

Cli = Callable[..., Result]

PLAN = """\
[plan]
title = "Plan"

[[project]]
id = "alpha"
title = "Alpha"
owners = ["DINSIC"]

  [[project.milestone]]
  id = "one"
  title = "One"
  due = "2021-Q1"

  [[project.milestone]]
  id = "two"
  title = "Two"
  due = "2021-04"

  [[project.milestone]]
  id = "three"
  title = "Three"
  due = "2021-06-30"
"""


def ms(mid: str, due: object = None, done: date | None = None, cancelled: date | None = None) -> Milestone:
    return Milestone(
        project="p", id=mid, title=mid.title(), key=(), source="p.toml",
        due=None if due is None else parse_file_value(due), done=done, cancelled=cancelled,
    )  # fmt: skip


def st(m: Milestone, as_of: date = date(2021, 5, 1)) -> MilestoneState:
    return milestone_state(m, as_of, 30)


# -- the pure diff -----------------------------------------------------------------------------------


def test_with_no_state_everything_listed_is_new() -> None:
    listed = [st(ms("a", "2021-Q1")), st(ms("b", "2021-05"))]
    changes = alerts.diff(alerts.loads(None, "s.json"), listed, {})
    assert changes.new == listed
    assert changes.cleared == []


def test_what_the_last_run_listed_the_same_way_is_not_reported_again() -> None:
    listed = [st(ms("a", "2021-Q1"))]
    previous = alerts.loads(alerts.dumps(listed, date(2021, 4, 30)), "s.json")
    assert alerts.diff(previous, [st(ms("a", "2021-Q1"), date(2021, 5, 1))], {}) == alerts.Changes([], [])


def test_due_soon_then_overdue_is_new() -> None:
    before = [st(ms("a", "2021-05"), date(2021, 5, 20))]
    assert before[0].status.value == "due-soon"
    after = [st(ms("a", "2021-05"), date(2021, 6, 1))]
    changes = alerts.diff(alerts.loads(alerts.dumps(before, date(2021, 5, 20)), "s"), after, {})
    assert [s.status.value for s in changes.new] == ["overdue"]


def test_rescheduled_and_late_again_is_new() -> None:
    before = [st(ms("a", "2021-Q1"))]
    after = [st(ms("a", "2021-04"))]
    changes = alerts.diff(alerts.loads(alerts.dumps(before, date(2021, 5, 1)), "s"), after, {})
    assert changes.new == after


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        (ms("a", "2021-Q1", done=date(2021, 4, 2)), alerts.Reason.DONE),
        (ms("a", "2021-Q1", cancelled=date(2021, 4, 2)), alerts.Reason.CANCELLED),
        (ms("a", "2021-Q4"), alerts.Reason.RESCHEDULED),
        (ms("a"), alerts.Reason.UNSCHEDULED),
        (ms("a", "2021-Q1"), alerts.Reason.NOT_LISTED),  # still overdue, but filtered out this time
        (None, alerts.Reason.REMOVED),
    ],
)
def test_each_reason_to_leave_the_list(now: Milestone | None, reason: alerts.Reason) -> None:
    previous = alerts.loads(alerts.dumps([st(ms("a", "2021-Q1"))], date(2021, 5, 1)), "s")
    every = {} if now is None else {"p/a": st(now)}
    (cleared,) = alerts.diff(previous, [], every).cleared
    assert (cleared.ref, cleared.was.status, cleared.reason) == ("p/a", "overdue", reason)


def test_out_of_the_window_with_the_same_deadline_is_not_due_soon() -> None:
    before = [st(ms("a", "2021-05"), date(2021, 5, 1))]  # due soon within 30 days
    after = milestone_state(ms("a", "2021-05"), date(2021, 5, 1), 10)  # a narrower window
    (cleared,) = alerts.diff(alerts.loads(alerts.dumps(before, date(2021, 5, 1)), "s"), [], {"p/a": after}).cleared
    assert cleared.reason is alerts.Reason.NOT_DUE_SOON


def test_the_state_file_round_trips() -> None:
    listed = [st(ms("a", "2021-Q1")), st(ms("b", "2021-05"))]
    text = alerts.dumps(listed, date(2021, 5, 1))
    assert json.loads(text) == {
        "cloudplan": "overdue-state",
        "version": 1,
        "as_of": "2021-05-01",
        "items": {
            "p/a": {"status": "overdue", "deadline": "2021-03-31"},
            "p/b": {"status": "due-soon", "deadline": "2021-05-31"},
        },
    }
    assert alerts.loads(text, "s") == {
        "p/a": alerts.Seen("overdue", "2021-03-31"),
        "p/b": alerts.Seen("due-soon", "2021-05-31"),
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "[]",
        '{"cloudplan": "something-else", "version": 1, "items": {}}',
        '{"cloudplan": "overdue-state", "version": 2, "items": {}}',
        '{"cloudplan": "overdue-state", "version": 1, "items": []}',
        '{"cloudplan": "overdue-state", "version": 1, "items": {"p/a": {"status": "done", "deadline": null}}}',
        '{"cloudplan": "overdue-state", "version": 1, "items": {"p/a": {"status": "overdue", "deadline": 5}}}',
        '{"cloudplan": "overdue-state", "version": 1, "items": {"p/a": "overdue"}}',
    ],
)
def test_a_corrupt_state_file_is_refused_not_guessed(text: str) -> None:
    with pytest.raises(StateInvalid, match="cannot use this state file"):
        alerts.loads(text, "s.json")


# -- the command ------------------------------------------------------------------------------------


def run(cli: Cli, day: str, *more: str) -> Result:
    return cli("overdue", "--as-of", day, "--state", "state.json", *more)


def test_a_daily_cron_job_reports_each_change_once(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(PLAN)
    first = run(cli, "2021-04-15")
    assert first.exit_code == 1
    assert first.stdout == "OVERDUE  alpha/one  due 2021-Q1 (2021-03-31), 15 days late: One [DINSIC]\n"
    assert Path("state.json").exists()

    same = run(cli, "2021-04-16")  # nothing changed: silent, exit 0, as cron wants
    assert (same.exit_code, same.stdout, same.stderr) == (0, "", "")

    newly = run(cli, "2021-05-01")
    assert newly.exit_code == 1
    assert newly.stdout == "OVERDUE  alpha/two  due 2021-04 (2021-04-30), 1 day late: Two [DINSIC]\n"

    write_plan(PLAN.replace('  due = "2021-Q1"\n', '  due = "2021-Q1"\n  done = 2021-05-02\n'))
    cleared = run(cli, "2021-05-03")
    assert cleared.exit_code == 0  # only something new fails the job
    assert cleared.stdout == "CLEARED  alpha/one  done on 2021-05-02, was overdue: One [DINSIC]\n"
    assert run(cli, "2021-05-04").stdout == ""


def test_due_soon_with_within_and_fail_on(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(PLAN)
    soon = run(cli, "2021-06-10", "--within", "30")
    assert soon.stdout.splitlines() == [
        "OVERDUE  alpha/one  due 2021-Q1 (2021-03-31), 71 days late: One [DINSIC]",
        "OVERDUE  alpha/two  due 2021-04 (2021-04-30), 41 days late: Two [DINSIC]",
        "DUE-SOON  alpha/three  due 2021-06-30, in 20 days: Three [DINSIC]",
    ]
    assert soon.exit_code == 1
    write_plan(PLAN.replace('due = "2021-06-30"', 'due = "2021-06-30"\ndone = 2021-06-11'))
    gone = run(cli, "2021-06-12", "--within", "30", "--fail-on", "due-soon")
    assert gone.stdout == "CLEARED  alpha/three  done on 2021-06-11, was due-soon: Three [DINSIC]\n"
    assert gone.exit_code == 0


def test_only_new_items_at_the_bar_fail(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(PLAN)
    assert run(cli, "2021-06-10", "--within", "30", "--fail-on", "never").exit_code == 0
    write_plan(PLAN.replace('due = "2021-06-30"', 'due = "2021-07-02"'))
    moved = run(cli, "2021-06-10", "--within", "30")  # three is due soon again, with a new deadline
    assert moved.stdout == "DUE-SOON  alpha/three  due 2021-07-02, in 22 days: Three [DINSIC]\n"
    assert moved.exit_code == 0  # due soon is under the default bar (overdue)


def test_json_with_state_has_the_new_and_the_cleared(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(PLAN)
    run(cli, "2021-05-01")
    write_plan(PLAN.replace('  id = "one"\n  title = "One"\n  due = "2021-Q1"\n', '  id = "one"\n  title = "One"\n'))
    result = run(cli, "2021-06-01", "--format", "json")
    document = json.loads(result.stdout)
    assert document["as_of"] == "2021-06-01"
    assert [i["ref"] for i in document["items"]] == []
    assert [(c["ref"], c["was"], c["reason"]) for c in document["cleared"]] == [("alpha/one", "overdue", "unscheduled")]
    assert document["cleared"][0]["milestone"]["status"] == "unscheduled"
    write_plan(PLAN.replace('due = "2021-06-30"', 'due = "2021-05-15"'))
    again = json.loads(run(cli, "2021-06-01", "--format", "json").stdout)
    assert [(i["ref"], i["status"]) for i in again["items"]] == [("alpha/one", "overdue"), ("alpha/three", "overdue")]
    assert again["cleared"] == []


def test_a_milestone_removed_from_the_plan(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(PLAN)
    run(cli, "2021-05-01")
    write_plan(PLAN.replace('  [[project.milestone]]\n  id = "one"\n  title = "One"\n  due = "2021-Q1"\n', ""))
    assert run(cli, "2021-05-02").stdout == "CLEARED  alpha/one  removed from the plan, was overdue\n"


def test_quiet_still_updates_the_state(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(PLAN)
    quiet = run(cli, "2021-05-01", "-q")
    assert (quiet.exit_code, quiet.stdout) == (1, "")
    assert run(cli, "2021-05-02").exit_code == 0


def test_a_corrupt_state_file_is_exit_2_and_left_alone(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(PLAN)
    Path("state.json").write_text("not json", encoding="utf-8")
    result = run(cli, "2021-05-01")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("cloudplan: state.json: cannot use this state file: not JSON")
    assert "delete it to start afresh" in result.stderr
    assert Path("state.json").read_text(encoding="utf-8") == "not json"


def test_state_refuses_csv_and_markdown(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(PLAN)
    for fmt in ("csv", "markdown", "table"):
        result = run(cli, "2021-05-01", "--format", fmt)
        assert result.exit_code == 2
        assert "--state works with --format text or json" in result.stderr
    assert not Path("state.json").exists()


def test_a_state_file_in_a_missing_folder_is_exit_2(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(PLAN)
    result = cli("overdue", "--as-of", "2021-05-01", "--state", "nowhere/state.json")
    assert result.exit_code == 2
    assert "cannot write nowhere/state.json: No such file or directory" in result.stderr


# -- writing the state file atomically -----------------------------------------------------------------


def test_write_atomic_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "state"
    folder.mkdir()
    path = folder / "state.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o600)
    store.write_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == ["state.json"]


def test_write_atomic_gives_a_new_file_the_usual_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        store.write_atomic(tmp_path / "state.json", "new")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "state.json").stat().st_mode) == 0o644


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "state"
    folder.mkdir()
    path = folder / "state.json"
    path.write_text("old", encoding="utf-8")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(WriteFailed, match="No space left on device"):
        store.write_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in folder.iterdir()) == ["state.json"]  # no temporary file left behind
