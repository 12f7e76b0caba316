"""Time travel with slips, and milestones at risk through their dependencies: the engine and its JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from cloudplan.core import periods
from cloudplan.core import status as status_module
from cloudplan.core.model import Milestone, Slip
from cloudplan.core.status import MilestoneState, Status, as_of, milestone_state, risk_chain, risks

Cli = Callable[..., Result]

MESSAGERIE = """\
[plan]
title = "Messagerie"

[[project]]
id = "messagerie"
title = "Messagerie de l'État"
owners = ["DINUM"]

  [[project.milestone]]
  id = "etude"
  title = "Étude"
  due = "2026-Q4"

  [[project.milestone]]
  id = "pilote"
  title = "Pilote"
  due = "2027-Q2"
  depends_on = ["etude"]

  [[project.milestone]]
  id = "generalisation"
  title = "Généralisation"
  due = "2027-H2"
  depends_on = ["pilote"]
  notes = "Tous les ministères"

  [[project.milestone]]
  id = "bilan"
  title = "Bilan"
  due = "2028"
  depends_on = ["generalisation"]
"""


def per(text: str) -> periods.Period:
    return periods.parse(text, date(2020, 1, 1))


def ms(mid: str, due: str | None, *deps: str, done: date | None = None, cancelled: date | None = None) -> Milestone:
    return Milestone(
        "p", mid, mid.title(), ("project", 0, "milestone", 0), "p.toml",
        due=periods.parse(due, date(2020, 1, 1)) if due else None, done=done, cancelled=cancelled,
        depends_on=tuple(f"p/{d}" for d in deps),
    )  # fmt: skip


def found(*milestones: Milestone, day: date = date(2021, 1, 1)) -> dict[str, tuple[str, ...]]:
    return risks(milestone_state(m, day, 30) for m in milestones)


# -- the deadline in force on a day --------------------------------------------------------------------


def test_as_of_undoes_later_slips() -> None:
    key = ("project", 0, "milestone", 0, "slip", 0)
    m = Milestone(
        "p", "m", "M", ("project", 0), "p.toml", due=per("2021-H2"),
        slips=(Slip(per("2021-Q1"), per("2021-Q2"), date(2020, 9, 1), "a", key),
               Slip(per("2021-Q2"), per("2021-H2"), date(2021, 2, 1), "b", key)),
    )  # fmt: skip
    assert as_of(m, date(2021, 3, 1)) is m
    then = as_of(m, date(2021, 1, 1))
    assert then.due is not None
    assert then.due.text == "2021-Q2"
    assert len(then.slips) == 1
    before = as_of(m, date(2020, 1, 1))
    assert before.due is not None
    assert before.due.text == "2021-Q1"
    assert before.slips == ()
    assert milestone_state(m, date(2021, 1, 1), 30).slipped_days == 91
    assert milestone_state(m, date(2020, 1, 1), 30).slipped_days == 0


def test_as_of_hides_done_and_cancelled_after_the_day() -> None:
    m = ms("m", "2021-Q1", done=date(2021, 3, 1))
    assert as_of(m, date(2021, 1, 1)).done is None
    assert as_of(m, date(2021, 3, 1)).done == date(2021, 3, 1)


def test_the_issue_example(cli: Cli, roadmap: str) -> None:
    moved = cli("reschedule", "cercle-2/ouverture", "T3 2021", "--reason", "Recours", "--on", "15/02/2021")
    assert moved.exit_code == 0, moved.stderr
    doc = json.loads(cli("status", "--as-of", "2021-01-31", "--format", "json").stdout)
    ouverture = next(m for p in doc["projects"] for m in p["milestones"] if m["ref"] == "cercle-2/ouverture")
    assert (ouverture["due"], ouverture["deadline"], ouverture["slipped_days"]) == ("2021-Q1", "2021-03-31", 0)
    table = cli("status", "--as-of", "2021-01-31", "--project", "cercle-2").stdout
    assert "2021-03-31" in table
    assert "2021-09-30" not in table
    assert "slip" not in table
    later = json.loads(cli("status", "--as-of", "2021-02-15", "--format", "json").stdout)
    now = next(m for p in later["projects"] for m in p["milestones"] if m["ref"] == "cercle-2/ouverture")
    assert (now["due"], now["slipped_days"]) == ("2021-Q3", 183)
    page = Path("old.html")
    assert cli("report", "--html", page, "--as-of", "2020-06-30").exit_code == 0
    assert "2021-02-15" not in page.read_text(encoding="utf-8")
    assert cli("report", "--html", page, "--as-of", "2021-06-30").exit_code == 0
    assert "2021-02-15" in page.read_text(encoding="utf-8")
    history = json.loads(cli("history", "cercle-2/ouverture", "--as-of", "2021-01-31", "--format", "json").stdout)
    assert history["slips"] == []
    assert history["due"] == "2021-Q1"


# -- at risk ----------------------------------------------------------------------------------------------


def test_an_overdue_dependency_puts_the_whole_chain_at_risk() -> None:
    chain = found(ms("a", "2020-Q4"), ms("b", "2021-Q2", "a"), ms("c", "2021-H2", "b"))
    assert chain == {"p/b": ("p/a",), "p/c": ("p/a",)}


def test_dependencies_further_down_the_file_count_the_same() -> None:
    chain = found(ms("c", "2021-H2", "b"), ms("b", "2021-Q2", "a"), ms("a", "2020-Q4"), ms("d", "2021-H2", "c"))
    assert chain == {"p/b": ("p/a",), "p/c": ("p/a",), "p/d": ("p/a",)}
    cycle = found(ms("x", "2020-Q4", "y"), ms("y", "2021-Q2", "x"))  # refused by check; no crash, no hang
    assert cycle in ({"p/y": ("p/x",)}, {"p/x": ("p/y",)})


def test_a_done_dependency_is_met() -> None:
    assert found(ms("a", "2020-Q4", done=date(2020, 12, 1)), ms("b", "2021-Q2", "a"), ms("c", "2021-H2", "b")) == {}
    # Done late, after an overdue dependency of its own: what comes after is no longer at risk.
    assert found(ms("z", "2020-Q3"), ms("a", "2020-Q4", "z", done=date(2020, 12, 1)), ms("b", "2021-Q2", "a")) == {}


def test_a_cancelled_dependency_puts_it_at_risk() -> None:
    got = found(ms("a", "2021-Q4", cancelled=date(2020, 12, 1)), ms("b", "2021-Q2", "a"), ms("c", "2021-H2", "b"))
    assert got == {"p/b": ("p/a",), "p/c": ("p/a",)}
    # Cancelled after the day asked: not yet.
    assert found(ms("a", "2021-Q1", cancelled=date(2021, 2, 1)), ms("b", "2021-Q2", "a")) == {}


def test_a_dependency_due_after_it_directly_or_through_others() -> None:
    got = found(ms("a", "2022"), ms("b", "2022", "a"), ms("c", "2021-H2", "b"))
    assert got == {"p/c": ("p/b",)}  # b (and a, due as late) end after c's deadline
    got = found(ms("a", "2022-Q2"), ms("b", "2021-Q2", "a"), ms("c", "2021-H2", "b"))
    assert got == {"p/b": ("p/a",), "p/c": ("p/a",)}  # a, two steps up, is due after both


def test_closed_milestones_are_never_at_risk() -> None:
    assert found(ms("a", "2020-Q4"), ms("b", "2021-Q2", "a", done=date(2020, 11, 1))) == {}
    assert found(ms("a", "2020-Q4"), ms("b", "2021-Q2", "a", cancelled=date(2020, 11, 1))) == {}


def test_the_chain_that_puts_it_at_risk() -> None:
    states = [milestone_state(m, date(2021, 1, 1), 30)
              for m in (ms("a", "2020-Q4"), ms("b", "2021-Q2", "a"), ms("c", "2021-H2", "b"))]  # fmt: skip
    assert risk_chain(states, "p/c", "p/a") == ["p/c", "p/b", "p/a"]
    assert risk_chain(states, "p/a", "p/c") == []
    assert states[0].status is Status.OVERDUE


def _lines_run(states: list[MilestoneState]) -> int:
    """Return how many lines of the status engine `risks(states)` runs: a count of work, not of seconds."""
    import sys

    engine = status_module.__file__
    count = 0

    def tracer(frame: Any, event: str, arg: object) -> Any:
        nonlocal count
        if frame.f_code.co_filename != engine:
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        risks(states)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("order", ["dependencies first", "dependants first"])
def test_a_long_chain_is_linear(order: str) -> None:
    def chain(n: int) -> list[MilestoneState]:
        milestones = [ms("m0", "2020-Q4")] + [ms(f"m{i}", "2021-H2", f"m{i - 1}") for i in range(1, n)]
        states = [milestone_state(m, date(2021, 1, 1), 30) for m in milestones]
        return states if order == "dependencies first" else states[::-1]

    long, short = chain(2_000), chain(200)
    got = risks(long)
    assert len(got) == 1_999
    assert got["p/m1999"] == ("p/m0",)
    # Ten times the milestones, about ten times the work (a quadratic walk would do a hundred times).
    assert _lines_run(long) < 12 * _lines_run(short)


def test_json_has_dependencies_notes_and_risk(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(MESSAGERIE)
    doc = json.loads(cli("status", "--as-of", "2027-01-15", "--format", "json").stdout)
    by_ref = {m["ref"]: m for p in doc["projects"] for m in p["milestones"]}
    assert by_ref["messagerie/etude"]["status"] == "overdue"
    assert by_ref["messagerie/etude"]["at_risk"] is False
    assert by_ref["messagerie/pilote"]["depends_on"] == ["messagerie/etude"]
    assert by_ref["messagerie/generalisation"]["notes"] == "Tous les ministères"
    for ref in ("messagerie/pilote", "messagerie/generalisation", "messagerie/bilan"):
        assert by_ref[ref]["at_risk"] is True
        assert by_ref[ref]["blocked_by"] == ["messagerie/etude"]
    early = json.loads(cli("overdue", "--as-of", "2027-01-15", "--format", "json").stdout)
    assert early["items"][0]["ref"] == "messagerie/etude"
    fine = json.loads(cli("status", "--as-of", "2026-06-30", "--format", "json").stdout)
    assert not any(m["at_risk"] for p in fine["projects"] for m in p["milestones"])


# -- what an edit puts at risk -------------------------------------------------------------------------------


def test_cancel_names_every_milestone_downstream_put_at_risk(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(MESSAGERIE)
    result = cli("cancel", "messagerie/pilote", "--on", "2026-11-30", "--reason", "Abandon")
    assert result.exit_code == 0, result.stderr
    assert "this puts 2 milestones downstream at risk" in result.stderr
    assert "messagerie/generalisation → messagerie/pilote: cancelled on 2026-11-30" in result.stderr
    assert "messagerie/bilan → messagerie/generalisation → messagerie/pilote: cancelled on 2026-11-30" in result.stderr
    check = cli("check", "--format", "json")
    assert [f["code"] for f in json.loads(check.stdout)] == ["depends-on-cancelled"]


def test_reschedule_dry_run_writes_nothing_and_says_what_it_puts_at_risk(
    cli: Cli, write_plan: Callable[..., Path]
) -> None:
    path = write_plan(MESSAGERIE)
    result = cli("reschedule", "messagerie/etude", "2028-Q2", "--reason", "Marché infructueux", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert path.read_text(encoding="utf-8") == MESSAGERIE
    assert "dry run, nothing written: messagerie/etude moved from 2026-Q4 to 2028-Q2" in result.stderr
    lines = result.stderr.splitlines()
    assert "this puts 2 milestones downstream at risk:" in lines[1]
    assert (
        "    messagerie/bilan → messagerie/generalisation → messagerie/pilote → messagerie/etude: "
        "due 2028-06-30, after 2028-12-31" not in lines
    )  # bilan is due after etude: not at risk
    assert (
        "    messagerie/generalisation → messagerie/pilote → messagerie/etude: due 2028-06-30, after 2027-12-31"
        in lines
    )
    real = cli("reschedule", "messagerie/etude", "2028-Q2", "--reason", "Marché infructueux")
    assert real.exit_code == 0
    assert "this puts 2 milestones downstream at risk:" in real.stderr
    assert 'due = "2028-Q2"' in path.read_text(encoding="utf-8")


def test_reschedule_warns_of_a_past_deadline_and_of_a_done_milestone(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(MESSAGERIE)
    result = cli("reschedule", "messagerie/etude", "2020", "--reason", "Erreur de saisie")
    assert "already past" in result.stderr
    assert "--on DATE" in result.stderr
    cli("done", "messagerie/etude", "--on", "2020-06-01")
    result = cli("reschedule", "messagerie/etude", "2021", "--reason", "x", "--on", "2020-05-01")
    assert result.exit_code == 0
    assert "already done on 2020-06-01" in result.stderr
    assert "already past" not in result.stderr


def test_remove_refusal_names_cloudplan_set(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(MESSAGERIE)
    result = cli("remove", "messagerie/pilote")
    assert result.exit_code == 2
    assert "cloudplan set messagerie/generalisation depends_on=" in result.stderr
