"""Status as of a day: milestones, projects and indicators (docs/plan-format.md, "Status of a milestone")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cloudplan.core.model import DEFAULT_WARN_DAYS, Indicator, Level, Measure, Milestone, Plan, Portfolio, Project, Slip
from cloudplan.core.periods import Period, parse_file_value
from cloudplan.core.status import (
    IndicatorStatus,
    Status,
    expected_value,
    indicator_state,
    milestone_state,
    project_state,
    slipped_days,
)

AS_OF = date(2021, 3, 1)
WINDOW = 30


def p(value: object) -> Period:
    return parse_file_value(value)


def ms(
    due: object = None,
    *,
    mid: str = "m",
    done: date | None = None,
    cancelled: date | None = None,
    slips: tuple[tuple[object, object], ...] = (),
) -> Milestone:
    return Milestone(
        project="proj",
        id=mid,
        title="A milestone",
        key=("project", 0, "milestone", 0),
        source="p.toml",
        due=None if due is None else p(due),
        done=done,
        cancelled=cancelled,
        slips=tuple(
            Slip(p(a), p(b), date(2020, 9, 1), "why", ("project", 0, "milestone", 0, "slip", i))
            for i, (a, b) in enumerate(slips)
        ),
    )


def status(m: Milestone, as_of: date = AS_OF, window: int = WINDOW) -> Status:
    return milestone_state(m, as_of, window).status


# -- milestones -------------------------------------------------------------------------


def test_cancelled() -> None:
    assert status(ms("2021-Q1", cancelled=date(2021, 1, 10))) is Status.CANCELLED


def test_cancelled_on_the_day_itself() -> None:
    assert status(ms("2021-Q1", cancelled=AS_OF)) is Status.CANCELLED


def test_cancelled_wins_over_an_old_deadline() -> None:
    assert status(ms("2019", cancelled=date(2021, 1, 10))) is Status.CANCELLED


def test_cancelled_without_due() -> None:
    assert status(ms(cancelled=date(2021, 1, 10))) is Status.CANCELLED


def test_done_before_the_deadline() -> None:
    assert status(ms("2021-Q1", done=date(2021, 2, 15))) is Status.DONE


def test_done_on_the_deadline_is_done() -> None:
    assert status(ms("2021-Q1", done=date(2021, 3, 31)), as_of=date(2021, 4, 1)) is Status.DONE


def test_done_within_the_period_is_not_late() -> None:
    # the deadline of a period is its last day, not its first
    assert status(ms("2021-Q1", done=date(2021, 1, 2)), as_of=date(2021, 6, 1)) is Status.DONE


def test_done_without_deadline_is_done() -> None:
    assert status(ms(done=date(2020, 1, 1))) is Status.DONE


def test_done_late() -> None:
    assert status(ms("2020-Q4", done=date(2021, 1, 1))) is Status.DONE_LATE


def test_done_on_as_of_counts() -> None:
    assert status(ms("2020-Q4", done=AS_OF)) is Status.DONE_LATE
    assert status(ms("2021-Q1", done=AS_OF)) is Status.DONE


def test_unscheduled() -> None:
    assert status(ms()) is Status.UNSCHEDULED


def test_overdue() -> None:
    assert status(ms("2020-Q4")) is Status.OVERDUE


def test_due_soon() -> None:
    assert status(ms("2021-03-15")) is Status.DUE_SOON


def test_upcoming() -> None:
    assert status(ms("2021-Q4")) is Status.UPCOMING


def test_never_overdue_on_the_deadline_day() -> None:
    m = ms("2021-Q1")
    assert status(m, as_of=date(2021, 3, 31)) is Status.DUE_SOON
    assert status(m, as_of=date(2021, 4, 1)) is Status.OVERDUE


def test_never_overdue_on_the_deadline_day_with_no_window() -> None:
    m = ms("2021-03-31")
    assert status(m, as_of=date(2021, 3, 31), window=0) is Status.DUE_SOON
    assert status(m, as_of=date(2021, 3, 30), window=0) is Status.UPCOMING
    assert status(m, as_of=date(2021, 4, 1), window=0) is Status.OVERDUE


@pytest.mark.parametrize("window", [0, 1, 7, 30, 90])
def test_window_edges(window: int) -> None:
    deadline = AS_OF + timedelta(days=window)
    assert status(ms(deadline), window=window) is Status.DUE_SOON
    assert status(ms(deadline + timedelta(days=1)), window=window) is Status.UPCOMING


def test_window_applies_to_a_period_deadline() -> None:
    # 2021-Q1 ends 2021-03-31: 30 days after 2021-03-01
    assert status(ms("2021-Q1"), window=30) is Status.DUE_SOON
    assert status(ms("2021-Q1"), window=29) is Status.UPCOMING


def test_as_of_before_done_date_is_not_done_yet() -> None:
    m = ms("2021-Q1", done=date(2021, 3, 15))
    assert status(m, as_of=date(2021, 3, 1)) is Status.DUE_SOON
    assert status(m, as_of=date(2021, 1, 1)) is Status.UPCOMING
    assert status(m, as_of=date(2021, 3, 15)) is Status.DONE


def test_as_of_before_a_late_done_date_is_overdue() -> None:
    m = ms("2020-Q4", done=date(2021, 2, 1))
    assert status(m, as_of=date(2021, 1, 15)) is Status.OVERDUE
    assert status(m, as_of=date(2021, 2, 1)) is Status.DONE_LATE


def test_as_of_before_cancelled_date_is_not_cancelled_yet() -> None:
    m = ms("2021-Q1", cancelled=date(2021, 3, 10))
    assert status(m, as_of=date(2021, 3, 9)) is Status.DUE_SOON
    assert status(m, as_of=date(2020, 1, 1)) is Status.UPCOMING
    assert status(m, as_of=date(2021, 3, 10)) is Status.CANCELLED
    assert status(ms(cancelled=date(2021, 3, 10)), as_of=date(2021, 3, 9)) is Status.UNSCHEDULED


def test_days_left_positive_zero_and_negative() -> None:
    assert milestone_state(ms("2021-03-11"), AS_OF, WINDOW).days_left == 10
    assert milestone_state(ms("2021-03-01"), AS_OF, WINDOW).days_left == 0
    assert milestone_state(ms("2021-02"), AS_OF, WINDOW).days_left == -1
    assert milestone_state(ms("2020-Q4"), AS_OF, WINDOW).days_left == -60
    assert milestone_state(ms("2021"), AS_OF, WINDOW).days_left == 305


def test_days_left_is_none_when_closed_or_unscheduled() -> None:
    assert milestone_state(ms("2021-Q1", done=date(2021, 2, 1)), AS_OF, WINDOW).days_left is None
    assert milestone_state(ms("2020-Q4", done=date(2021, 2, 1)), AS_OF, WINDOW).days_left is None
    assert milestone_state(ms("2021-Q1", cancelled=date(2021, 2, 1)), AS_OF, WINDOW).days_left is None
    assert milestone_state(ms(), AS_OF, WINDOW).days_left is None


def test_days_left_counts_before_a_future_done_date() -> None:
    state = milestone_state(ms("2021-03-11", done=date(2021, 3, 5)), AS_OF, WINDOW)
    assert (state.status, state.days_left) == (Status.DUE_SOON, 10)


def test_milestone_state_carries_the_milestone() -> None:
    m = ms("2021-Q4")
    state = milestone_state(m, AS_OF, WINDOW)
    assert state.milestone is m
    assert state.status is Status.UPCOMING


def test_slipped_days_never_slipped() -> None:
    assert slipped_days(ms("2021-Q1")) == 0
    assert milestone_state(ms("2021-Q1"), AS_OF, WINDOW).slipped_days == 0


def test_slipped_days_one_slip() -> None:
    m = ms("2021-Q1", slips=(("2020-Q4", "2021-Q1"),))
    assert slipped_days(m) == 90  # 2021-03-31 minus 2020-12-31
    assert milestone_state(m, AS_OF, WINDOW).slipped_days == 90


def test_slipped_days_counts_from_before_the_first_slip() -> None:
    m = ms("2021-Q2", slips=(("2020-Q4", "2021-Q1"), ("2021-Q1", "2021-Q2")))
    assert slipped_days(m) == (date(2021, 6, 30) - date(2020, 12, 31)).days


def test_slipped_days_negative_when_brought_forward() -> None:
    assert slipped_days(ms("2021-Q1", slips=(("2021-Q2", "2021-Q1"),))) == -91


def test_slipped_days_kept_once_done() -> None:
    m = ms("2021-Q1", done=date(2021, 2, 1), slips=(("2020-Q4", "2021-Q1"),))
    assert milestone_state(m, AS_OF, WINDOW).slipped_days == 90


def test_status_urgency_order() -> None:
    assert [s.value for s in sorted(Status, key=lambda s: s.urgency)] == [
        "overdue", "due-soon", "upcoming", "unscheduled", "done-late", "done", "cancelled",
    ]  # fmt: skip
    assert {s for s in Status if s.is_open} == {Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING, Status.UNSCHEDULED}


# -- projects -------------------------------------------------------------------------------


def project(*milestones: Milestone) -> Project:
    return Project(id="proj", title="A project", key=("project", 0), source="p.toml", milestones=milestones)


def test_project_status_is_the_most_urgent() -> None:
    # one milestone of each status, in order of urgency
    each = [
        ms("2020-Q4", mid="overdue"),
        ms("2021-03-15", mid="soon"),
        ms("2021-Q4", mid="upcoming"),
        ms(mid="unscheduled"),
        ms("2020-Q4", mid="late", done=date(2021, 1, 5)),
        ms("2021-Q1", mid="done", done=date(2021, 1, 5)),
        ms("2021-Q1", mid="cancelled", cancelled=date(2021, 1, 5)),
    ]
    expected = list(Status)
    for i in range(len(each)):
        state = project_state(project(*reversed(each[i:])), AS_OF, WINDOW)
        assert state.status is expected[i]


def test_project_state_keeps_milestone_order() -> None:
    a, b = ms("2021-Q4", mid="a"), ms("2020-Q4", mid="b")
    state = project_state(project(a, b), AS_OF, WINDOW)
    assert [s.milestone.id for s in state.milestones] == ["a", "b"]
    assert [s.status for s in state.milestones] == [Status.UPCOMING, Status.OVERDUE]
    assert state.status is Status.OVERDUE


def test_project_progress_excludes_cancelled() -> None:
    state = project_state(
        project(
            ms("2021-Q1", mid="a", done=date(2021, 1, 5)),
            ms("2020-Q4", mid="b", done=date(2021, 1, 5)),  # done late still counts as done
            ms("2021-Q4", mid="c"),
            ms(mid="d"),
            ms("2021-Q1", mid="e", cancelled=date(2021, 1, 5)),
        ),
        AS_OF,
        WINDOW,
    )
    assert (state.done, state.total) == (2, 4)


def test_project_progress_as_of_before_done() -> None:
    state = project_state(project(ms("2021-Q1", done=date(2021, 3, 15))), AS_OF, WINDOW)
    assert (state.done, state.total) == (0, 1)
    later = project_state(project(ms("2021-Q1", done=date(2021, 3, 15))), date(2021, 3, 15), WINDOW)
    assert (later.done, later.total, later.status) == (1, 1, Status.DONE)


def test_project_of_cancelled_milestones_only() -> None:
    state = project_state(project(ms("2021-Q1", cancelled=date(2021, 1, 5))), AS_OF, WINDOW)
    assert (state.status, state.done, state.total) == (Status.CANCELLED, 0, 0)


def test_project_without_milestones() -> None:
    state = project_state(project(), AS_OF, WINDOW)
    assert (state.status, state.done, state.total, state.milestones) == (Status.UNSCHEDULED, 0, 0, ())


def test_project_window_passes_to_milestones() -> None:
    state = project_state(project(ms("2021-04-10")), AS_OF, 40)
    assert state.status is Status.DUE_SOON
    assert project_state(project(ms("2021-04-10")), AS_OF, 39).status is Status.UPCOMING


# -- the window's default (model) ------------------------------------------------------------


def test_warn_days_defaults_to_30() -> None:
    assert DEFAULT_WARN_DAYS == 30
    assert Portfolio((Plan("a.toml", "A"),)).warn_days == 30


def test_warn_days_is_the_first_plan_that_sets_one() -> None:
    plans = (Plan("a.toml", "A"), Plan("b.toml", "B", warn_days=0), Plan("c.toml", "C", warn_days=14))
    assert Portfolio(plans).warn_days == 0


def test_portfolio_walks_every_plan_in_order() -> None:
    a = Plan("a.toml", "A", projects=(project(ms(mid="x")),), timezone=None)
    other = Project(id="other", title="O", key=("project", 0), source="b.toml", milestones=(ms(mid="y"),))
    b = Plan("b.toml", "B", projects=(other,), timezone="Europe/Paris")
    portfolio = Portfolio((a, b))
    assert [pr.id for pr in portfolio.projects] == ["proj", "other"]
    assert [m.id for m in portfolio.milestones] == ["x", "y"]
    assert portfolio.timezone == "Europe/Paris"
    assert ms(mid="x").ref == "proj/x"


# -- indicators -------------------------------------------------------------------------------

BASE_ON = date(2018, 12, 31)  # "2018" stands for its last day
TARGET_BY = date(2022, 12, 31)
SPAN_DAYS = (TARGET_BY - BASE_ON).days  # 1461


def indicator(*measures: tuple[date, float], base: float = 60, target: float = 200) -> Indicator:
    return Indicator(
        id="apps-cloud",
        title="Applications in the cloud",
        key=("indicator", 0),
        source="p.toml",
        baseline=Level(base, p("2018")),
        target=Level(target, p("2022")),
        measures=tuple(
            Measure(on, value, ("indicator", 0, "measure", i)) for i, (on, value) in enumerate(sorted(measures))
        ),
    )


def line(on: date, base: float = 60, target: float = 200) -> float:
    return base + (target - base) * (on - BASE_ON).days / SPAN_DAYS


def test_expected_value_on_the_line() -> None:
    ind = indicator()
    on = date(2020, 12, 31)
    assert expected_value(ind, on) == pytest.approx(60 + 140 * 731 / 1461)
    assert expected_value(ind, on) == pytest.approx(line(on))


def test_expected_value_at_the_ends_uses_last_days() -> None:
    ind = indicator()
    assert expected_value(ind, BASE_ON) == 60
    assert expected_value(ind, TARGET_BY) == 200
    # the baseline's year has not ended before its last day: still the baseline
    assert expected_value(ind, date(2018, 6, 1)) == 60
    assert expected_value(ind, date(2019, 1, 1)) == pytest.approx(60 + 140 / 1461)


def test_expected_value_is_clamped_outside_the_line() -> None:
    ind = indicator()
    assert expected_value(ind, date(2000, 1, 1)) == 60
    assert expected_value(ind, date(2030, 1, 1)) == 200


def test_expected_value_lower_is_better() -> None:
    ind = indicator(base=100, target=20)
    assert expected_value(ind, date(2020, 12, 31)) == pytest.approx(line(date(2020, 12, 31), 100, 20))
    assert expected_value(ind, date(2017, 1, 1)) == 100
    assert expected_value(ind, date(2023, 1, 1)) == 20


def test_expected_value_needs_baseline_and_target() -> None:
    ind = Indicator(id="i", title="I", key=("indicator", 0), source="p.toml", target=Level(10, p("2022")))
    assert expected_value(ind, AS_OF) is None


def test_no_data_without_measures() -> None:
    state = indicator_state(indicator(), AS_OF)
    assert state.status is IndicatorStatus.NO_DATA
    assert (state.latest, state.latest_on, state.progress) == (None, None, None)
    assert state.expected == pytest.approx(line(AS_OF))


def test_no_data_when_every_measure_is_after_as_of() -> None:
    state = indicator_state(indicator((date(2021, 6, 30), 150)), AS_OF)
    assert state.status is IndicatorStatus.NO_DATA
    assert state.latest is None


def test_measures_after_as_of_do_not_count() -> None:
    ind = indicator((date(2020, 6, 30), 130), (date(2021, 6, 30), 80))
    state = indicator_state(ind, AS_OF)
    assert (state.latest, state.latest_on) == (130, date(2020, 6, 30))
    assert state.status is IndicatorStatus.ON_TRACK


def test_achieved() -> None:
    state = indicator_state(indicator((date(2020, 6, 30), 200)), AS_OF)
    assert state.status is IndicatorStatus.ACHIEVED
    assert state.progress == pytest.approx(1.0)


def test_achieved_beyond_the_target() -> None:
    state = indicator_state(indicator((date(2020, 6, 30), 250)), AS_OF)
    assert state.status is IndicatorStatus.ACHIEVED
    assert state.progress == pytest.approx(190 / 140)


def test_achieved_stays_achieved_after_the_target_date() -> None:
    state = indicator_state(indicator((date(2022, 6, 30), 210)), date(2024, 1, 1))
    assert state.status is IndicatorStatus.ACHIEVED


def test_achieved_is_judged_on_the_latest_measure() -> None:
    # reached 200 once, then fell back: the latest value is what counts
    ind = indicator((date(2020, 1, 31), 200), (date(2020, 6, 30), 100))
    assert indicator_state(ind, AS_OF).status is not IndicatorStatus.ACHIEVED


def test_missed_after_the_target_date() -> None:
    state = indicator_state(indicator((date(2022, 6, 30), 150)), date(2023, 1, 1))
    assert state.status is IndicatorStatus.MISSED


def test_not_missed_on_the_target_day_itself() -> None:
    # the last day of "2022" is still in time; at the line's end 150 is below 200
    state = indicator_state(indicator((date(2022, 12, 31), 150)), TARGET_BY)
    assert state.status is IndicatorStatus.BEHIND


def test_on_track_above_the_line_at_the_measure_date() -> None:
    on = date(2020, 6, 30)
    assert line(on) == pytest.approx(112.4, abs=0.1)
    state = indicator_state(indicator((on, 115)), AS_OF)
    assert state.status is IndicatorStatus.ON_TRACK
    assert state.progress == pytest.approx(55 / 140)


def test_behind_below_the_line_at_the_measure_date() -> None:
    # compared with the line at the measure's date, not at as_of (where it is higher still)
    state = indicator_state(indicator((date(2020, 6, 30), 110)), AS_OF)
    assert state.status is IndicatorStatus.BEHIND
    assert state.expected == pytest.approx(line(AS_OF))


def test_judged_at_the_measure_date_not_as_of() -> None:
    # 112.5 is above the line on 2020-06-30 (112.4) but below it on as_of (~134)
    state = indicator_state(indicator((date(2020, 6, 30), 112.5)), AS_OF)
    assert state.status is IndicatorStatus.ON_TRACK
    assert state.expected is not None
    assert state.expected > 112.5


def test_on_track_exactly_on_the_line() -> None:
    # one unit a day, so that the line is a whole number 100 days after the baseline
    on = BASE_ON + timedelta(days=100)
    assert indicator_state(indicator((on, 100), base=0, target=SPAN_DAYS), AS_OF).status is IndicatorStatus.ON_TRACK
    assert indicator_state(indicator((on, 99.5), base=0, target=SPAN_DAYS), AS_OF).status is IndicatorStatus.BEHIND


def test_on_the_baseline_day_at_the_baseline_value_is_on_track() -> None:
    assert indicator_state(indicator((BASE_ON, 60)), AS_OF).status is IndicatorStatus.ON_TRACK


def test_on_track_before_the_baseline_date_at_the_baseline_value() -> None:
    state = indicator_state(indicator((date(2018, 6, 1), 60)), date(2018, 7, 1))
    assert state.status is IndicatorStatus.ON_TRACK


def test_lower_is_better_achieved() -> None:
    ind = indicator((date(2020, 6, 30), 20), base=100, target=20)
    assert indicator_state(ind, AS_OF).status is IndicatorStatus.ACHIEVED
    ind = indicator((date(2020, 6, 30), 10), base=100, target=20)
    assert indicator_state(ind, AS_OF).status is IndicatorStatus.ACHIEVED


def test_lower_is_better_on_track_and_behind() -> None:
    on = date(2020, 6, 30)
    assert line(on, 100, 20) == pytest.approx(70.05, abs=0.01)
    assert indicator_state(indicator((on, 60), base=100, target=20), AS_OF).status is IndicatorStatus.ON_TRACK
    assert indicator_state(indicator((on, 90), base=100, target=20), AS_OF).status is IndicatorStatus.BEHIND


def test_lower_is_better_missed() -> None:
    ind = indicator((date(2022, 6, 30), 50), base=100, target=20)
    assert indicator_state(ind, date(2023, 1, 1)).status is IndicatorStatus.MISSED


def test_lower_is_better_progress() -> None:
    state = indicator_state(indicator((date(2020, 6, 30), 60), base=100, target=20), AS_OF)
    assert state.progress == pytest.approx(0.5)


def test_higher_value_is_not_achieved_when_lower_is_better() -> None:
    state = indicator_state(indicator((date(2020, 6, 30), 250), base=100, target=20), AS_OF)
    assert state.status is IndicatorStatus.BEHIND


def test_latest_is_the_last_measure_by_date() -> None:
    ind = indicator((date(2019, 6, 30), 70), (date(2020, 6, 30), 115), (date(2019, 12, 31), 90))
    state = indicator_state(ind, AS_OF)
    assert (state.latest, state.latest_on) == (115, date(2020, 6, 30))
