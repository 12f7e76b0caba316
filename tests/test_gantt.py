"""The timeline's axis and spans (pure), and the terminal chart drawn from them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from rich.console import Console

from cloudplan.base.errors import UsageError
from cloudplan.core.gantt import Axis, Scale, axis, count, extent, span, unit_of
from cloudplan.core.model import Milestone, Project
from cloudplan.core.periods import parse_file_value
from cloudplan.core.status import MilestoneState, ProjectState, Status, project_state
from cloudplan.render.timeline import AFTER, AS_OF_MARK, BEFORE, MARKS, timeline_view

AS_OF = date(2020, 6, 30)


def ms(mid: str = "m", due: object = None, start: object = None, **kw: object) -> Milestone:
    return Milestone(
        project="p",
        id=mid,
        title=f"Title of {mid}",
        key=("project", 0, "milestone", 0),
        source="p.toml",
        due=None if due is None else parse_file_value(due),
        start=None if start is None else parse_file_value(start),
        **kw,  # type: ignore[arg-type]
    )


def state(m: Milestone, status: Status = Status.UPCOMING) -> MilestoneState:
    return MilestoneState(m, status, None, 0)


def project(*milestones: Milestone, as_of: date = AS_OF) -> ProjectState:
    return project_state(Project("p", "Projet P", ("project", 0), "p.toml", milestones=milestones), as_of, 30)


def draw(projects: list[ProjectState], width: int = 80, **kw: object) -> list[str]:
    out = Console(width=width, no_color=True, record=True, file=io.StringIO())
    out.print(timeline_view(projects, AS_OF, width, **kw))  # type: ignore[arg-type]
    return out.export_text().splitlines()


# -- the axis -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "scale", "text"),
    [
        (date(2020, 2, 29), Scale.MONTH, "2020-02"),
        (date(2020, 12, 31), Scale.QUARTER, "2020-Q4"),
        (date(2020, 4, 1), Scale.QUARTER, "2020-Q2"),
        (date(2020, 7, 1), Scale.YEAR, "2020"),
    ],
)
def test_unit_of_a_day(day: date, scale: Scale, text: str) -> None:
    assert unit_of(day, scale).text == text


def test_count_of_units_touched() -> None:
    assert count(date(2019, 1, 1), date(2021, 3, 31), Scale.MONTH) == 27
    assert count(date(2019, 1, 1), date(2021, 3, 31), Scale.QUARTER) == 9
    assert count(date(2019, 12, 31), date(2020, 1, 1), Scale.YEAR) == 2


def test_axis_takes_the_finest_scale_that_fits() -> None:
    first, last = date(2019, 1, 1), date(2021, 3, 31)
    assert axis(first, last, 53).scale is Scale.QUARTER  # 27 months need 81 columns
    assert axis(first, last, 93).scale is Scale.MONTH
    assert axis(first, last, 20).scale is Scale.YEAR


def test_axis_units_are_whole_and_consecutive() -> None:
    ax = axis(date(2019, 5, 17), date(2020, 2, 3), 60, Scale.QUARTER)
    assert [u.text for u in ax.units] == ["2019-Q2", "2019-Q3", "2019-Q4", "2020-Q1"]
    assert ax.first == date(2019, 4, 1)
    assert ax.last == date(2020, 3, 31)
    assert ax.per_unit == 15
    assert ax.width == 60


def test_axis_columns_and_positions() -> None:
    ax = Axis(Scale.YEAR, tuple(parse_file_value(y) for y in (2019, 2020)), 10)
    assert ax.column(date(2019, 1, 1)) == 0
    assert ax.column(date(2019, 12, 31)) == 9
    assert ax.column(date(2020, 1, 1)) == 10
    assert ax.column(date(2018, 12, 31)) == -1
    assert ax.column(date(2021, 1, 1)) == ax.width
    assert ax.position(date(2018, 1, 1)) == 0.0
    assert ax.position(date(2022, 1, 1)) == 2.0
    assert ax.position(date(2020, 7, 2)) == pytest.approx(1.5, abs=0.01)


def test_a_forced_scale_may_use_one_column_a_unit() -> None:
    ax = axis(date(2019, 1, 1), date(2021, 3, 31), 30, Scale.MONTH)
    assert ax.per_unit == 1


@pytest.mark.parametrize("scale", [None, Scale.MONTH])
def test_a_range_that_cannot_fit_is_a_usage_error(scale: Scale | None) -> None:
    with pytest.raises(UsageError, match="does not fit in 10 columns"):
        axis(date(1900, 1, 1), date(2100, 1, 1), 10, scale)


def test_an_axis_that_ends_before_it_starts_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="ends"):
        axis(date(2021, 1, 1), date(2020, 1, 1), 80)


def test_an_axis_may_end_in_the_last_year_there_is() -> None:
    assert axis(date(9998, 1, 1), date(9998, 12, 31), 40).units[-1].text == "9998-12"


# -- spans ------------------------------------------------------------------------------------


def test_span_runs_from_start_to_deadline() -> None:
    s = span(state(ms(due="2021-Q1", start="2020")))
    assert (s.start, s.deadline) == (date(2020, 1, 1), date(2021, 3, 31))


def test_span_without_start_begins_with_its_due_period() -> None:
    s = span(state(ms(due="2019-H2")))
    assert (s.start, s.deadline) == (date(2019, 7, 1), date(2019, 12, 31))


def test_span_of_a_start_after_the_deadline_is_the_deadline_alone() -> None:
    s = span(state(ms(due="2019-03", start="2020")))
    assert s.start == s.deadline == date(2019, 3, 31)


def test_a_done_milestone_ends_on_its_done_day_early_or_late() -> None:
    early = span(state(ms(due="2021-Q1", done=date(2020, 11, 11)), Status.DONE))
    assert (early.start, early.deadline, early.end) == (date(2020, 11, 11), date(2021, 3, 31), date(2020, 11, 11))
    late = span(state(ms(due="2020-06", start="2020-01", done=date(2020, 7, 15)), Status.DONE_LATE))
    assert (late.start, late.end) == (date(2020, 1, 1), date(2020, 7, 15))
    # Done after the chart's day: not done yet on that day, so drawn on its deadline.
    later = span(state(ms(due="2021-Q1", done=date(2021, 1, 5)), Status.UPCOMING))
    assert later.end == date(2021, 3, 31)
    unscheduled = span(state(ms(done=date(2020, 5, 2)), Status.DONE))
    assert (unscheduled.start, unscheduled.deadline, unscheduled.end) == (date(2020, 5, 2), None, date(2020, 5, 2))


def test_the_terminal_timeline_draws_a_done_milestone_on_its_done_day() -> None:
    done = ms("early", due="2021-Q1", done=date(2020, 6, 1))
    [row] = [line for line in draw([project(done)], 80, scale=Scale.MONTH) if line.startswith("  early")]
    assert row.index(MARKS[Status.DONE][1]) < row.index(AS_OF_MARK)  # done in June, before the as-of day


def test_span_of_an_unscheduled_milestone_has_no_deadline() -> None:
    assert span(state(ms(start="2020"))).deadline is None
    assert span(state(ms())) == span(state(ms()))


def test_extent_covers_spans_and_the_as_of_day() -> None:
    states = [state(ms("a", due="2019-H2")), state(ms("b", due="2021-Q1", start="2020")), state(ms("c"))]
    assert extent(states, AS_OF) == (date(2019, 7, 1), date(2021, 3, 31))
    assert extent([], AS_OF) == (AS_OF, AS_OF)


# -- the terminal chart -----------------------------------------------------------------------


def test_chart_fits_the_width_it_is_given() -> None:
    p = project(ms("a", due="2019-H2"), ms("b", due="2021-Q1", start="2020"), ms("c"))
    for width in (40, 80, 120, 200):
        assert max(len(line) for line in draw([p], width)) <= width


def test_each_status_has_its_own_bar_and_mark() -> None:
    fills = [f for f, _m in MARKS.values() if f]
    marks = [m for _f, m in MARKS.values()]
    assert len(set(marks)) == len(marks)
    assert set(MARKS) == set(Status)
    assert len(set(fills)) >= 5


def test_bar_runs_to_a_mark_on_the_deadline() -> None:
    p = project(ms("late", due="2019-H2"), ms("ahead", due="2021-Q1", start="2020"))
    lines = draw([p])
    late = next(line for line in lines if line.strip().startswith("late"))
    ahead = next(line for line in lines if line.strip().startswith("ahead"))
    fill, mark = MARKS[Status.OVERDUE]
    assert f"{fill}{mark}" in late
    assert ahead.rstrip().endswith(MARKS[Status.UPCOMING][1])
    # The as-of line crosses the open bar that spans it.
    assert AS_OF_MARK in ahead


def test_spans_outside_the_axis_show_as_arrows() -> None:
    p = project(ms("before", due="2019"), ms("after", due="2022"), ms("inside", due="2020-Q3"))
    lines = draw([p], first=date(2020, 1, 1), last=date(2020, 12, 31))
    before = next(line for line in lines if "before" in line)
    assert before.split()[1] == BEFORE
    assert next(line for line in lines if "after" in line).rstrip().endswith(AFTER)
    assert "outside the axis" in lines[-1]


def test_unscheduled_milestones_say_so_where_they_start() -> None:
    p = project(ms("someday"), ms("from-2020", start="2020"), ms("anchor", due="2019"))
    lines = draw([p])
    someday = next(line for line in lines if "someday" in line)
    later = next(line for line in lines if "from-2020" in line)
    assert "? no deadline" in someday
    assert later.index("?") > someday.index("?")


def test_no_milestones_says_so() -> None:
    lines = draw([project()])
    assert "no milestones" in lines


def test_long_ids_are_cut_to_the_label_column() -> None:
    long_id = "a-very-long-milestone-identifier-that-goes-on"
    lines = draw([project(ms(long_id, due="2020"))], 80)
    row = next(line for line in lines if line.startswith("  a-very"))
    assert "…" in row
    assert long_id not in row
