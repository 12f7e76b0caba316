"""Checks across a portfolio: refs, cycles, dates, consistency (validate.validate)."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from cloudplan.base.findings import Finding, Severity, error, warning
from cloudplan.core import validate
from cloudplan.core.model import Plan, Portfolio
from cloudplan.plan import decode

TODAY = date(2021, 3, 1)

HEAD = '[plan]\ntitle = "P"\n'


def plan(text: str, source: str = "p.toml") -> Plan:
    built, found = decode.build(tomllib.loads(text), source)
    assert found == [], found  # these plans are well-formed; only validate should object
    return built


def check(*texts: str, today: date = TODAY) -> list[Finding]:
    plans = tuple(plan(text, f"p{i}.toml" if i else "p.toml") for i, text in enumerate(texts))
    return validate.validate(Portfolio(plans), today)


def codes(*texts: str, today: date = TODAY) -> list[str]:
    return [f.code for f in check(*texts, today=today)]


def only(text: str, code: str, today: date = TODAY) -> Finding:
    found = check(text, today=today)
    assert [f.code for f in found] == [code], found
    return found[0]


def milestone(mid: str, *lines: str) -> str:
    return f'[[project.milestone]]\nid = "{mid}"\ntitle = "{mid.title()}"\n' + "".join(f"{x}\n" for x in lines)


def project(pid: str, *milestones: str) -> str:
    return f'[[project]]\nid = "{pid}"\ntitle = "{pid.title()}"\n' + "".join(milestones)


def indicator(*lines: str, iid: str = "i") -> str:
    return f'[[indicator]]\nid = "{iid}"\ntitle = "I"\n' + "".join(f"{x}\n" for x in lines)


LEVELS = ('baseline = { value = 60, on = "2018" }', 'target = { value = 200, by = "2022" }')

VALID = (
    "version = 1\n"
    + HEAD
    + project(
        "cercle-1",
        milestone("finalisation", 'due = "2019"', "done = 2019-12-20"),
        milestone("extension", 'start = "2020"', 'due = "2021-H1"', 'depends_on = ["finalisation"]'),
    )
    + project(
        "cercle-2",
        milestone("etude", 'due = "2020-Q4"', "cancelled = 2020-10-01"),
        milestone(
            "ouverture",
            'due = "2021-T3"',
            'depends_on = ["cercle-1/extension"]',
            "[[project.milestone.slip]]",
            'from = "2021-Q1"',
            'to = "2021-Q2"',
            "on = 2020-09-01",
            "[[project.milestone.slip]]",
            'from = "2021-T2"',  # the other spelling of the same quarter
            'to = "2021-Q3"',
            "on = 2021-01-15",
        ),
        milestone("bilan"),
    )
    + indicator(*LEVELS, 'project = "cercle-1"', "[[indicator.measure]]", "on = 2020-06-30", "value = 110")
)


def test_valid_plan_has_no_finding() -> None:
    assert check(VALID) == []


def test_valid_plans_together_have_no_finding() -> None:
    other = HEAD + project("cercle-3", milestone("x", 'due = "2022"', 'depends_on = ["cercle-2/ouverture"]'))
    assert check(VALID, other) == []


def test_findings_carry_their_source() -> None:
    found = check(VALID, HEAD + project("other", milestone("a", 'due = "2021-Q1"', "done = 2021-03-02")))
    assert [(f.source, f.code) for f in found] == [("p1.toml", "done-in-future")]


# -- refs --------------------------------------------------------------------------------


def test_unknown_ref() -> None:
    text = HEAD + project("p", milestone("a", 'depends_on = ["b"]'))
    f = only(text, "unknown-ref")
    assert f.severity is Severity.ERROR
    assert f.key == ("project", 0, "milestone", 0, "depends_on")
    assert "'p/b'" in f.message


def test_unknown_ref_suggests_a_close_one() -> None:
    text = HEAD + project("p", milestone("extension"), milestone("b", 'depends_on = ["extensoin"]'))
    f = only(text, "unknown-ref")
    assert "did you mean 'p/extension'?" in f.message


def test_unknown_ref_in_another_project() -> None:
    text = HEAD + project("p", milestone("a", 'depends_on = ["q/a"]')) + project("q", milestone("b"))
    f = only(text, "unknown-ref")
    assert "'q/a'" in f.message


def test_refs_resolve_across_plan_files() -> None:
    first = HEAD + project("p", milestone("a", 'depends_on = ["q/b"]'))
    second = HEAD + project("q", milestone("b"))
    assert check(first, second) == []
    assert codes(first) == ["unknown-ref"]


def test_indicator_names_an_unknown_project() -> None:
    text = HEAD + project("p", milestone("a")) + indicator(*LEVELS, 'project = "q"')
    f = only(text, "unknown-ref")
    assert f.key == ("indicator", 0, "project")
    assert "'q'" in f.message


# -- cycles ------------------------------------------------------------------------------


def test_dependency_cycle_names_the_cycle() -> None:
    text = HEAD + project(
        "p",
        milestone("a", 'depends_on = ["b"]'),
        milestone("b", 'depends_on = ["c"]'),
        milestone("c", 'depends_on = ["a"]'),
    )
    f = only(text, "dependency-cycle")
    assert f.severity is Severity.ERROR
    assert "p/a -> p/b -> p/c -> p/a" in f.message
    assert f.key == ("project", 0, "milestone", 0, "depends_on")


def test_self_dependency_is_a_cycle() -> None:
    f = only(HEAD + project("p", milestone("a", 'depends_on = ["a"]')), "dependency-cycle")
    assert "p/a -> p/a" in f.message


def test_cycle_across_projects_and_files() -> None:
    first = HEAD + project("p", milestone("a", 'depends_on = ["q/b"]'))
    second = HEAD + project("q", milestone("b", 'depends_on = ["p/a"]'))
    found = check(first, second)
    assert [f.code for f in found] == ["dependency-cycle"]
    assert "p/a -> q/b -> p/a" in found[0].message
    assert found[0].source == "p.toml"


def test_a_cycle_is_reported_once() -> None:
    text = HEAD + project(
        "p",
        milestone("x", 'depends_on = ["a"]'),
        milestone("a", 'depends_on = ["b"]'),
        milestone("b", 'depends_on = ["a"]'),
        milestone("y", 'depends_on = ["b"]'),
    )
    found = check(text)
    assert [f.code for f in found] == ["dependency-cycle"]
    assert "p/a -> p/b -> p/a" in found[0].message


def test_two_separate_cycles() -> None:
    text = HEAD + project(
        "p",
        milestone("a", 'depends_on = ["b"]'),
        milestone("b", 'depends_on = ["a"]'),
        milestone("c", 'depends_on = ["d"]'),
        milestone("d", 'depends_on = ["c"]'),
    )
    messages = [f.message for f in check(text) if f.code == "dependency-cycle"]
    assert len(messages) == 2
    assert any("p/a -> p/b -> p/a" in m for m in messages)
    assert any("p/c -> p/d -> p/c" in m for m in messages)


def test_diamond_is_not_a_cycle() -> None:
    text = HEAD + project(
        "p",
        milestone("top", 'depends_on = ["left", "right"]'),
        milestone("left", 'depends_on = ["bottom"]'),
        milestone("right", 'depends_on = ["bottom"]'),
        milestone("bottom"),
    )
    assert check(text) == []


def test_long_chain_is_not_a_cycle() -> None:
    chain = [milestone(f"m{i}", f'depends_on = ["m{i + 1}"]') for i in range(2000)] + [milestone("m2000")]
    assert check(HEAD + project("p", *chain)) == []


def test_unknown_ref_does_not_break_cycle_search() -> None:
    text = HEAD + project("p", milestone("a", 'depends_on = ["ghost", "b"]'), milestone("b", 'depends_on = ["a"]'))
    assert sorted(codes(text)) == ["dependency-cycle", "unknown-ref"]


# -- dates -------------------------------------------------------------------------------


def test_done_and_cancelled() -> None:
    f = only(HEAD + project("p", milestone("a", "done = 2021-01-01", "cancelled = 2021-01-02")), "done-and-cancelled")
    assert f.severity is Severity.ERROR
    assert f.key == ("project", 0, "milestone", 0, "cancelled")
    assert "p/a" in f.message


def test_start_after_due() -> None:
    f = only(HEAD + project("p", milestone("a", 'start = "2021-Q2"', 'due = "2021-Q1"')), "start-after-due")
    assert f.severity is Severity.ERROR
    assert f.key == ("project", 0, "milestone", 0, "start")
    assert "2021-Q2" in f.message
    assert "2021-Q1" in f.message


@pytest.mark.parametrize(("start", "due"), [("2021-03", "2021-Q1"), ("2021", "2021-Q1"), ("2021-03-31", "2021-Q1")])
def test_start_within_or_around_the_deadline_period_is_fine(start: str, due: str) -> None:
    # a period starts on its first day, a deadline is the due period's last day
    assert check(HEAD + project("p", milestone("a", f'start = "{start}"', f'due = "{due}"'))) == []


def test_start_the_day_after_the_deadline() -> None:
    text = HEAD + project("p", milestone("a", 'start = "2021-04-01"', 'due = "2021-Q1"'))
    assert codes(text) == ["start-after-due"]


def test_done_in_future_is_a_warning() -> None:
    f = only(HEAD + project("p", milestone("a", 'due = "2021-Q1"', "done = 2021-03-02")), "done-in-future")
    assert f.severity is Severity.WARNING
    assert f.key == ("project", 0, "milestone", 0, "done")
    assert "2021-03-02" in f.message


def test_done_today_is_not_in_the_future() -> None:
    assert check(HEAD + project("p", milestone("a", 'due = "2021-Q1"', "done = 2021-03-01"))) == []


def test_due_before_dependency_is_a_warning() -> None:
    text = HEAD + project(
        "p", milestone("a", 'due = "2021-Q4"'), milestone("b", 'due = "2021-Q2"', 'depends_on = ["a"]')
    )
    f = only(text, "due-before-dependency")
    assert f.severity is Severity.WARNING
    assert f.key == ("project", 0, "milestone", 1, "due")
    assert "p/b" in f.message
    assert "p/a" in f.message


def test_due_with_its_dependency_is_fine() -> None:
    text = HEAD + project(
        "p", milestone("a", 'due = "2021-06"'), milestone("b", 'due = "2021-Q2"', 'depends_on = ["a"]')
    )
    assert check(text) == []


def test_unscheduled_dependency_is_fine() -> None:
    text = HEAD + project("p", milestone("a"), milestone("b", 'due = "2021-Q2"', 'depends_on = ["a"]'))
    assert check(text) == []


def test_empty_project_is_a_warning() -> None:
    # schema gives it, with the other findings on one file's keys; validate does not repeat it
    built, found = decode.build(tomllib.loads(HEAD + project("p")), "p.toml")
    assert [f.code for f in found] == ["empty-project"]
    f = found[0]
    assert f.severity is Severity.WARNING
    assert f.key == ("project", 0)
    assert "'p'" in f.message
    assert validate.validate(Portfolio((built,)), TODAY) == []


# -- slips -------------------------------------------------------------------------------


def slip(frm: str, to: str, on: str = "2020-09-01") -> tuple[str, ...]:
    return ("[[project.milestone.slip]]", f'from = "{frm}"', f'to = "{to}"', f"on = {on}")


def test_slip_chain_broken_between_slips() -> None:
    text = HEAD + project(
        "p", milestone("a", 'due = "2021-Q3"', *slip("2021-Q1", "2021-Q2"), *slip("2021-Q1", "2021-Q3"))
    )
    f = only(text, "slip-chain")
    assert f.severity is Severity.ERROR
    assert f.key == ("project", 0, "milestone", 0, "slip", 1, "from")
    assert "2021-Q2" in f.message


def test_last_slip_must_end_at_due() -> None:
    text = HEAD + project("p", milestone("a", 'due = "2021-Q3"', *slip("2021-Q1", "2021-Q2")))
    f = only(text, "slip-chain")
    assert f.key == ("project", 0, "milestone", 0, "slip", 0, "to")
    assert "2021-Q2" in f.message
    assert "2021-Q3" in f.message


def test_last_slip_without_due() -> None:
    text = HEAD + project("p", milestone("a", *slip("2021-Q1", "2021-Q2")))
    f = only(text, "slip-chain")
    assert f.key == ("project", 0, "milestone", 0, "slip", 0, "to")


def test_slip_chain_compares_days_not_spellings() -> None:
    text = HEAD + project(
        "p", milestone("a", 'due = "2021-T3"', *slip("2021-S1", "2021-Q2"), *slip("2021-T2", "2021-Q3"))
    )
    assert check(text) == []


def test_slip_to_a_different_period_ending_the_same_day_is_broken() -> None:
    # 2021-Q2 and 2021-H1 both end on 30 June, but they are not the same period
    text = HEAD + project("p", milestone("a", 'due = "2021-H1"', *slip("2021-Q1", "2021-Q2")))
    assert codes(text) == ["slip-chain"]


# -- indicators --------------------------------------------------------------------------


def test_target_before_baseline() -> None:
    text = HEAD + indicator('baseline = { value = 60, on = "2022" }', 'target = { value = 200, by = "2018" }')
    f = only(text, "target-before-baseline")
    assert f.severity is Severity.ERROR
    assert f.key == ("indicator", 0, "target")


def test_target_on_the_baseline_day() -> None:
    # a target by "2022" and a baseline on 2022-12-31 share their day: no line to draw
    text = HEAD + indicator("baseline = { value = 60, on = 2022-12-31 }", 'target = { value = 200, by = "2022" }')
    assert codes(text) == ["target-before-baseline"]


def test_stale_indicator() -> None:
    text = HEAD + indicator(*LEVELS, "[[indicator.measure]]", "on = 2019-06-30", "value = 80",
                            "[[indicator.measure]]", "on = 2020-01-15", "value = 90")  # fmt: skip
    f = only(text, "stale-indicator")
    assert f.severity is Severity.WARNING
    assert f.key == ("indicator", 0, "measure", 1, "on")  # the day of the latest measure
    assert "2020-01-15" in f.message


def test_recent_measure_is_not_stale() -> None:
    text = HEAD + indicator(*LEVELS, "[[indicator.measure]]", "on = 2020-03-01", "value = 80")
    assert check(text) == []


def test_no_stale_warning_once_the_target_date_passed() -> None:
    text = HEAD + indicator(*LEVELS, "[[indicator.measure]]", "on = 2019-06-30", "value = 80")
    assert codes(text, today=date(2023, 6, 1)) == []


def test_indicator_without_measures_is_not_stale() -> None:
    assert check(HEAD + indicator(*LEVELS)) == []


# -- duplicates across the portfolio ---------------------------------------------------------


def test_duplicate_project_across_files() -> None:
    first = HEAD + project("p", milestone("a"))
    second = HEAD + project("p", milestone("b"))
    found = check(first, second)
    assert [(f.code, f.source, f.key) for f in found] == [("duplicate-id", "p1.toml", ("project", 0, "id"))]
    assert "p.toml" in found[0].message  # it says where the first one is


def test_duplicate_project_in_one_file() -> None:
    text = HEAD + project("p", milestone("a")) + project("p", milestone("b"))
    found = check(text)
    assert [(f.code, f.key) for f in found] == [("duplicate-id", ("project", 1, "id"))]


def test_duplicate_indicator() -> None:
    first = HEAD + indicator(*LEVELS)
    second = HEAD + indicator(*LEVELS)
    found = check(first, second)
    assert [(f.code, f.source, f.key) for f in found] == [("duplicate-id", "p1.toml", ("indicator", 0, "id"))]


def test_project_and_indicator_may_share_an_id() -> None:
    text = HEAD + project("apps", milestone("a")) + indicator(*LEVELS, iid="apps")
    assert check(text) == []


def test_every_problem_at_once() -> None:
    text = HEAD + project(
        "p",
        milestone("a", 'start = "2022"', 'due = "2021"', "done = 2021-01-01", "cancelled = 2021-01-02",
                  'depends_on = ["ghost"]'),
        milestone("b", "done = 2022-01-01"),
    ) + project("empty")  # fmt: skip
    # the empty project is schema's to report now; it stops none of validate's findings
    built, found = decode.build(tomllib.loads(text), "p.toml")
    assert [(f.code, f.key) for f in found] == [("empty-project", ("project", 1))]
    assert sorted(f.code for f in validate.validate(Portfolio((built,)), TODAY)) == [
        "done-and-cancelled", "done-in-future", "start-after-due", "unknown-ref",
    ]  # fmt: skip


# -- findings ---------------------------------------------------------------------------------


def test_finding_line_format() -> None:
    f = error("plans/a.toml", ("project", 0, "id"), "bad-slug", "'X' is not a valid id").at(12, 3)
    assert str(f) == "plans/a.toml:12:3: error bad-slug: 'X' is not a valid id"
    w = warning("a.toml", (), "empty-project", "no milestones")
    assert (w.line, w.col) == (0, 0)
    assert str(w.at(1, 1)) == "a.toml:1:1: warning empty-project: no milestones"
    assert w.severity is Severity.WARNING
    assert str(w.severity) == "warning"


def test_finding_at_does_not_change_the_original() -> None:
    f = error("a.toml", (), "x", "y")
    moved = f.at(3, 4)
    assert (f.line, f.col, moved.line, moved.col) == (0, 0, 3, 4)
    assert moved.key == f.key
    assert moved.code == f.code
