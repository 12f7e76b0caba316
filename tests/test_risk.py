"""Time travel with slips, and milestones at risk through their dependencies: the engine and its JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from cloudplan.core import periods, risk
from cloudplan.core import status as status_module
from cloudplan.core.model import Milestone, Project, Slip
from cloudplan.core.risk import risk_chain, risks
from cloudplan.core.status import MilestoneState, Status, as_of, milestone_state

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


PROJECT = Project("p", "P", ("project", 0), "p.toml")


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


def test_an_overdue_milestone_with_dependencies_of_its_own_still_puts_its_dependants_at_risk() -> None:
    # b is overdue; what it waits for (a) is fine: c is at risk because of b.
    assert found(ms("a", "2021-Q1"), ms("b", "2020-Q4", "a"), ms("c", "2021-H2", "b")) == {
        "p/b": ("p/a",),  # a is due after b
        "p/c": ("p/b",),
    }
    # a and b both overdue: c names both, a first, once each.
    assert found(ms("a", "2020-Q3"), ms("b", "2020-Q4", "a"), ms("c", "2021-H2", "b")) == {
        "p/b": ("p/a",),
        "p/c": ("p/a", "p/b"),
    }


def test_after_a_done_cancelled_or_unknown_dependency_the_later_ones_still_count() -> None:
    done = ms("d", "2020-Q3", done=date(2020, 9, 1))
    assert found(done, ms("a", "2020-Q4"), ms("b", "2021-H2", "d", "a")) == {"p/b": ("p/a",)}
    cancelled = ms("x", "2021-Q1", cancelled=date(2020, 9, 1))
    assert found(cancelled, ms("a", "2020-Q4"), ms("b", "2021-H2", "x", "a")) == {"p/b": ("p/x", "p/a")}
    assert found(ms("a", "2020-Q4"), cancelled, ms("b", "2021-H2", "a", "x")) == {"p/b": ("p/a", "p/x")}
    # A dependency that no plan holds (refused by check) counts for nothing, and stops nothing.
    assert found(ms("a", "2020-Q4"), ms("b", "2021-H2", "ghost", "a")) == {"p/b": ("p/a",)}


def test_several_dependencies_each_with_blockers_all_appear() -> None:
    got = found(
        ms("a", "2020-Q3"), ms("b", "2020-Q4"), ms("late1", "2022"), ms("late2", "2022-Q2"),
        ms("c", "2021-H2", "a", "b", "late1", "late2"),
    )  # fmt: skip
    assert got == {"p/c": ("p/a", "p/b", "p/late1", "p/late2")}
    # Two routes up, each with its own late milestone: both named, the overdue ones first.
    got = found(
        ms("x", "2022"), ms("y", "2022-Q2"), ms("o", "2020-Q4"),
        ms("via-x", "2021-Q2", "x"), ms("via-y", "2021-Q2", "y", "o"), ms("c", "2021-H2", "via-x", "via-y"),
    )  # fmt: skip
    assert got["p/c"] == ("p/o", "p/x", "p/y")


def test_diamond_dependencies_are_listed_once() -> None:
    got = found(
        ms("a", "2020-Q4"), ms("z", "2021-Q1", cancelled=date(2020, 10, 1)),
        ms("b", "2021-Q2", "a", "z"), ms("c", "2021-Q2", "a", "z"), ms("d", "2021-H2", "b", "c", "z"),
    )  # fmt: skip
    assert got["p/d"] == ("p/a", "p/z")
    assert got["p/b"] == got["p/c"] == ("p/a", "p/z")


def test_done_and_cancelled_milestones_are_never_at_risk_whatever_they_wait_for() -> None:
    for closed in ({"done": date(2020, 11, 1)}, {"cancelled": date(2020, 11, 1)}):
        states = [
            milestone_state(m, date(2021, 1, 1), 30)
            for m in (ms("a", "2020-Q4"), ms("late", "2022"), ms("b", "2021-Q2", "a", "late", **closed))
        ]
        assert risks(states) == {}
        assert risk.with_risks([status_module.project_state_of(PROJECT, tuple(states))])[0].milestones[2] == states[
            2
        ]._replace(at_risk=False, blocked_by=())


def test_projects_with_nothing_at_risk_are_passed_on_as_they_are() -> None:
    day = date(2021, 1, 1)
    first = status_module.project_state_of(PROJECT, (milestone_state(ms("a", "2020-Q4"), day, 30),))
    b = ms("b", "2021-Q2", "a")._replace(project="q")
    second = status_module.project_state_of(PROJECT._replace(id="q"), (milestone_state(b, day, 30),))
    marked = risk.with_risks([first, second])
    assert marked[0] is first
    assert marked[1].milestones[0][4:] == (True, ("p/a",))


def test_the_chain_goes_through_open_milestones_only_and_takes_the_first_shortest_way() -> None:
    states = [
        milestone_state(m, date(2021, 1, 1), 30)
        for m in (
            ms("a", "2020-Q4"), ms("done", "2020-Q3", "a", done=date(2020, 8, 1)), ms("x", "2021-Q2", "a"),
            ms("y", "2021-Q2", "a"), ms("c", "2021-H2", "done", "x", "y"),
        )
    ]  # fmt: skip
    assert risk_chain(states, "p/c", "p/a") == ["p/c", "p/x", "p/a"]  # not through done, and x before y
    assert risk_chain(states, "p/done", "p/a") == ["p/done", "p/a"]  # from a closed one itself, its own way
    closed_only = [milestone_state(m, date(2021, 1, 1), 30)
                   for m in (ms("a", "2020-Q4"), ms("b", "2021-Q2", "a", done=date(2020, 8, 1)),
                             ms("c", "2021-H2", "b"))]  # fmt: skip
    assert risk_chain(closed_only, "p/c", "p/a") == []
    assert risk_chain(states, "p/unknown", "p/a") == []


def test_everything_downstream_is_listed_once_nearest_first() -> None:
    milestones = [ms("a", "2021-Q1"), ms("b", "2021-Q2", "a"), ms("c", "2021-Q2", "a"),
                  ms("d", "2021-H2", "b", "c"), ms("e", "2022", "d", "a")]  # fmt: skip
    assert risk.dependants(milestones, "p/a") == ["p/b", "p/c", "p/e", "p/d"]
    assert risk.dependants(milestones, "p/d") == ["p/e"]
    assert risk.dependants(milestones, "p/e") == []


def test_impact_names_what_the_change_adds_and_the_state_it_leaves() -> None:
    from cloudplan.core.model import Plan, Portfolio, Project

    milestones = (ms("old", "2020-Q4"), ms("a", "2021-Q1"), ms("b", "2021-Q2", "old", "a"), ms("c", "2021-H2", "b"))
    project = Project("p", "P", ("project", 0), "p.toml", milestones=milestones)
    portfolio = Portfolio((Plan("P", "p.toml", projects=(project,)),))
    moved = milestones[1]._replace(due=per("2022"))  # a now ends after b and c
    (b, c) = risk.impact(portfolio, moved, date(2021, 1, 1), 30)
    assert b.state.milestone.ref == "p/b"
    assert (b.state.at_risk, b.state.blocked_by) == (True, ("p/old", "p/a"))
    assert b.chains == (("p/b", "p/a"),)  # only what the change adds: p/old was there before
    assert [s.milestone.ref for s in b.blockers] == ["p/a"]
    assert (c.state.at_risk, c.state.blocked_by, c.chains) == (True, ("p/old", "p/a"), (("p/c", "p/b", "p/a"),))


def _lines_run(states: list[MilestoneState]) -> int:
    """Return how many lines of the status engine `risks(states)` runs: a count of work, not of seconds."""
    import sys

    engine = risk.__file__
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
