"""Periods: the plan file's forms, the command line's phrases, and their deadlines."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloudplan.base.errors import BadPeriod, CloudplanError, ExitCode
from cloudplan.core import periods
from cloudplan.core.periods import Period, PeriodKind, parse, parse_day, parse_file_value

TODAY = date(2021, 1, 31)  # a month's end, so that month offsets must clip


def span(p: Period) -> tuple[date, date]:
    return p.first, p.last


# -- the plan file's forms (docs/plan-format.md, "Periods") ----------------------------------


@pytest.mark.parametrize(
    ("value", "first", "last", "kind", "text"),
    [
        (2020, date(2020, 1, 1), date(2020, 12, 31), PeriodKind.YEAR, "2020"),
        ("2020", date(2020, 1, 1), date(2020, 12, 31), PeriodKind.YEAR, "2020"),
        ("2019-H1", date(2019, 1, 1), date(2019, 6, 30), PeriodKind.HALF, "2019-H1"),
        ("2019-H2", date(2019, 7, 1), date(2019, 12, 31), PeriodKind.HALF, "2019-H2"),
        ("2019-S2", date(2019, 7, 1), date(2019, 12, 31), PeriodKind.HALF, "2019-H2"),
        ("2019-S1", date(2019, 1, 1), date(2019, 6, 30), PeriodKind.HALF, "2019-H1"),
        ("2021-Q1", date(2021, 1, 1), date(2021, 3, 31), PeriodKind.QUARTER, "2021-Q1"),
        ("2021-T1", date(2021, 1, 1), date(2021, 3, 31), PeriodKind.QUARTER, "2021-Q1"),
        ("2021-Q2", date(2021, 4, 1), date(2021, 6, 30), PeriodKind.QUARTER, "2021-Q2"),
        ("2021-T3", date(2021, 7, 1), date(2021, 9, 30), PeriodKind.QUARTER, "2021-Q3"),
        ("2021-Q4", date(2021, 10, 1), date(2021, 12, 31), PeriodKind.QUARTER, "2021-Q4"),
        ("2020-02", date(2020, 2, 1), date(2020, 2, 29), PeriodKind.MONTH, "2020-02"),
        ("2020-W53", date(2020, 12, 28), date(2021, 1, 3), PeriodKind.WEEK, "2020-W53"),
        ("2021-W01", date(2021, 1, 4), date(2021, 1, 10), PeriodKind.WEEK, "2021-W01"),
        ("2020-W01", date(2019, 12, 30), date(2020, 1, 5), PeriodKind.WEEK, "2020-W01"),
        (date(2020, 5, 15), date(2020, 5, 15), date(2020, 5, 15), PeriodKind.DAY, "2020-05-15"),
        ("2020-05-15", date(2020, 5, 15), date(2020, 5, 15), PeriodKind.DAY, "2020-05-15"),
    ],
)
def test_file_forms(value: object, first: date, last: date, kind: PeriodKind, text: str) -> None:
    p = parse_file_value(value)
    assert (p.first, p.last, p.kind, p.text) == (first, last, kind, text)
    assert str(p) == text


def test_the_two_spellings_of_a_row_are_the_same_period() -> None:
    assert parse_file_value("2019-S2") == parse_file_value("2019-H2")
    assert parse_file_value("2021-T1") == parse_file_value("2021-Q1")
    assert parse_file_value(2020) == parse_file_value("2020")
    assert parse_file_value("2020-05-15") == parse_file_value(date(2020, 5, 15))


@pytest.mark.parametrize(
    ("text", "last"),
    [
        ("2020-02", date(2020, 2, 29)),  # divisible by 4
        ("2100-02", date(2100, 2, 28)),  # by 100, not by 400
        ("2000-02", date(2000, 2, 29)),  # by 400
        ("2021-02", date(2021, 2, 28)),
        ("2021-01", date(2021, 1, 31)),
        ("2021-04", date(2021, 4, 30)),
        ("2021-06", date(2021, 6, 30)),
        ("2021-09", date(2021, 9, 30)),
        ("2021-11", date(2021, 11, 30)),
        ("2021-12", date(2021, 12, 31)),
        ("2020-Q1", date(2020, 3, 31)),
        ("2020-H1", date(2020, 6, 30)),
        ("2020-Q3", date(2020, 9, 30)),
    ],
)
def test_month_quarter_and_half_ends(text: str, last: date) -> None:
    assert parse_file_value(text).last == last


def test_leap_day_is_a_day() -> None:
    assert span(parse_file_value("2020-02-29")) == (date(2020, 2, 29), date(2020, 2, 29))


def test_week_53_of_a_year_without_one_is_rejected() -> None:
    with pytest.raises(BadPeriod) as caught:
        parse_file_value("2021-W53")
    assert "2021-W53" in caught.value.message
    assert "52" in caught.value.message  # it says how many weeks 2021 has


def test_week_53_of_a_long_year_is_accepted() -> None:
    assert span(parse_file_value("2015-W53")) == (date(2015, 12, 28), date(2016, 1, 3))


@pytest.mark.parametrize(
    "value",
    [
        "2021-Q5",
        "2021-Q0",
        "2021-T5",
        "2019-H3",
        "2019-S0",
        "2021-13",
        "2021-00",
        "2021-W00",
        "2021-W54",
        "2021-02-30",
        "2019-02-29",  # not a leap year
        "2021-04-31",
        "2021-1",
        "21-Q1",
        "2021Q1",
        "Q1 2021",  # a command-line phrase, not a file form
        "2021-Q1 ",
        "",
        "soon",
        "2021-03-15T10:00",
    ],
)
def test_bad_file_strings(value: str) -> None:
    with pytest.raises(BadPeriod) as caught:
        parse_file_value(value)
    assert repr(value) in caught.value.message  # the message quotes what was written


@pytest.mark.parametrize("value", ["soon", "Q1 2021", "2021Q1"])
def test_unreadable_file_string_hints_at_the_forms(value: str) -> None:
    with pytest.raises(BadPeriod) as caught:
        parse_file_value(value)
    assert caught.value.hint is not None
    for form in ("2020", "2019-H2", "2019-S2", "2021-Q1", "2021-T1", "2020-02", "2020-W53", "2020-05-15"):
        assert form in caught.value.hint


def test_out_of_range_values_say_why() -> None:
    with pytest.raises(BadPeriod, match="four quarters"):
        parse_file_value("2021-Q5")
    with pytest.raises(BadPeriod, match="two halves"):
        parse_file_value("2019-S3")
    with pytest.raises(BadPeriod, match="01 to 12"):
        parse_file_value("2021-13")
    with pytest.raises(BadPeriod, match="not a day of the calendar"):
        parse_file_value("2021-02-30")


def test_a_bad_day_is_quoted_once() -> None:
    with pytest.raises(BadPeriod) as caught:
        parse_file_value("2021-02-30")
    assert caught.value.message.count("2021-02-30") == 1


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (True, "boolean"),
        (False, "boolean"),
        (2020.0, "float"),
        (datetime(2021, 3, 15, 10, 0), "datetime"),
        (time(10, 0), "time"),
        ([2020], "list"),
        ({"y": 2020}, "dict"),
    ],
)
def test_values_of_other_types_are_rejected(value: object, kind: str) -> None:
    with pytest.raises(BadPeriod) as caught:
        parse_file_value(value)
    assert kind in caught.value.message
    assert caught.value.hint is not None
    assert "2021-Q1" in caught.value.hint


@pytest.mark.parametrize("value", [0, 999, -2020, 10000, "0999", "9999"])
def test_years_out_of_range_are_rejected(value: object) -> None:
    with pytest.raises(BadPeriod, match="out of range"):
        parse_file_value(value)


def test_bad_period_is_a_usage_error_with_exit_code_2() -> None:
    with pytest.raises(CloudplanError) as caught:
        parse_file_value("nope")
    assert caught.value.exit_code is ExitCode.ERROR
    assert int(caught.value.exit_code) == 2


def test_periods_order_by_first_day() -> None:
    q1, q2, h1 = (parse_file_value(v) for v in ("2021-Q1", "2021-Q2", "2021-H1"))
    assert q1 < q2
    assert sorted([q2, h1, q1])[0].first == date(2021, 1, 1)


# -- the command line's phrases ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("today", TODAY, TODAY),
        ("yesterday", date(2021, 1, 30), date(2021, 1, 30)),
        ("tomorrow", date(2021, 2, 1), date(2021, 2, 1)),
        ("Today", TODAY, TODAY),
        ("  TOMORROW ", date(2021, 2, 1), date(2021, 2, 1)),
        ("aujourd'hui", TODAY, TODAY),
        ("Aujourd’hui", TODAY, TODAY),
        ("auj", TODAY, TODAY),
        ("hier", date(2021, 1, 30), date(2021, 1, 30)),
        ("demain", date(2021, 2, 1), date(2021, 2, 1)),
        ("+10d", date(2021, 2, 10), date(2021, 2, 10)),
        ("-10d", date(2021, 1, 21), date(2021, 1, 21)),
        ("+0d", TODAY, TODAY),
        ("-2w", date(2021, 1, 17), date(2021, 1, 17)),
        ("+2w", date(2021, 2, 14), date(2021, 2, 14)),
        ("+1m", date(2021, 2, 28), date(2021, 2, 28)),  # 31 January + 1 month clips to February's end
        ("+3m", date(2021, 4, 30), date(2021, 4, 30)),  # and to April's
        ("-2m", date(2020, 11, 30), date(2020, 11, 30)),
        ("+1y", date(2022, 1, 31), date(2022, 1, 31)),
        ("-1y", date(2020, 1, 31), date(2020, 1, 31)),
        ("+10D", date(2021, 2, 10), date(2021, 2, 10)),
    ],
)
def test_relative_days(text: str, first: date, last: date) -> None:
    p = parse(text, TODAY)
    assert span(p) == (first, last)
    assert p.kind is PeriodKind.DAY


def test_month_offset_clips_in_a_leap_year() -> None:
    assert parse("+1m", date(2020, 1, 31)).last == date(2020, 2, 29)
    assert parse("+1y", date(2020, 2, 29)).last == date(2021, 2, 28)


@pytest.mark.parametrize(
    ("text", "first", "last", "canonical"),
    [
        ("T1 2021", date(2021, 1, 1), date(2021, 3, 31), "2021-Q1"),
        ("Q1 2021", date(2021, 1, 1), date(2021, 3, 31), "2021-Q1"),
        ("q4 2021", date(2021, 10, 1), date(2021, 12, 31), "2021-Q4"),
        ("2021 Q2", date(2021, 4, 1), date(2021, 6, 30), "2021-Q2"),
        ("1er trimestre 2021", date(2021, 1, 1), date(2021, 3, 31), "2021-Q1"),
        ("3e trimestre 2021", date(2021, 7, 1), date(2021, 9, 30), "2021-Q3"),
        ("4ème trimestre 2021", date(2021, 10, 1), date(2021, 12, 31), "2021-Q4"),
        ("premier trimestre 2021", date(2021, 1, 1), date(2021, 3, 31), "2021-Q1"),
        ("2nd quarter 2021", date(2021, 4, 1), date(2021, 6, 30), "2021-Q2"),
        ("first quarter of 2021", date(2021, 1, 1), date(2021, 3, 31), "2021-Q1"),
        ("2nd semestre 2019", date(2019, 7, 1), date(2019, 12, 31), "2019-H2"),
        ("2nd Semestre 2019", date(2019, 7, 1), date(2019, 12, 31), "2019-H2"),
        ("1er semestre 2019", date(2019, 1, 1), date(2019, 6, 30), "2019-H1"),
        ("second half of 2019", date(2019, 7, 1), date(2019, 12, 31), "2019-H2"),
        ("S2 2019", date(2019, 7, 1), date(2019, 12, 31), "2019-H2"),
        ("H1 2019", date(2019, 1, 1), date(2019, 6, 30), "2019-H1"),
        ("mars 2021", date(2021, 3, 1), date(2021, 3, 31), "2021-03"),
        ("Mars 2021", date(2021, 3, 1), date(2021, 3, 31), "2021-03"),
        ("March 2021", date(2021, 3, 1), date(2021, 3, 31), "2021-03"),
        ("MARCH 2021", date(2021, 3, 1), date(2021, 3, 31), "2021-03"),
        ("février 2020", date(2020, 2, 1), date(2020, 2, 29), "2020-02"),
        ("fevrier 2020", date(2020, 2, 1), date(2020, 2, 29), "2020-02"),
        ("FÉVRIER 2020", date(2020, 2, 1), date(2020, 2, 29), "2020-02"),
        ("août 2021", date(2021, 8, 1), date(2021, 8, 31), "2021-08"),
        ("décembre 2021", date(2021, 12, 1), date(2021, 12, 31), "2021-12"),
        ("sept. 2021", date(2021, 9, 1), date(2021, 9, 30), "2021-09"),
        ("15 mars 2021", date(2021, 3, 15), date(2021, 3, 15), "2021-03-15"),
        ("1er mars 2021", date(2021, 3, 1), date(2021, 3, 1), "2021-03-01"),
        ("1 mars 2021", date(2021, 3, 1), date(2021, 3, 1), "2021-03-01"),
        ("29 février 2020", date(2020, 2, 29), date(2020, 2, 29), "2020-02-29"),
        ("March 15, 2021", date(2021, 3, 15), date(2021, 3, 15), "2021-03-15"),
        ("March 15 2021", date(2021, 3, 15), date(2021, 3, 15), "2021-03-15"),
        ("march 1st, 2021", date(2021, 3, 1), date(2021, 3, 1), "2021-03-01"),
        ("15 March 2021", date(2021, 3, 15), date(2021, 3, 15), "2021-03-15"),
        ("15/03/2021", date(2021, 3, 15), date(2021, 3, 15), "2021-03-15"),
        ("1/3/2021", date(2021, 3, 1), date(2021, 3, 1), "2021-03-01"),  # day first
        ("03/2021", date(2021, 3, 1), date(2021, 3, 31), "2021-03"),
        # the plan file's forms work on the command line too
        ("2021-03-15", date(2021, 3, 15), date(2021, 3, 15), "2021-03-15"),
        ("2021-Q1", date(2021, 1, 1), date(2021, 3, 31), "2021-Q1"),
        ("2021-T1", date(2021, 1, 1), date(2021, 3, 31), "2021-Q1"),
        ("2021-t1", date(2021, 1, 1), date(2021, 3, 31), "2021-Q1"),
        ("2019-S2", date(2019, 7, 1), date(2019, 12, 31), "2019-H2"),
        ("2020-w53", date(2020, 12, 28), date(2021, 1, 3), "2020-W53"),
        ("2020-02", date(2020, 2, 1), date(2020, 2, 29), "2020-02"),
        ("2020", date(2020, 1, 1), date(2020, 12, 31), "2020"),
    ],
)
def test_phrases(text: str, first: date, last: date, canonical: str) -> None:
    p = parse(text, TODAY)
    assert (p.first, p.last, p.text) == (first, last, canonical)


def test_phrases_do_not_depend_on_today() -> None:
    assert parse("T1 2021", date(2000, 6, 1)) == parse("T1 2021", date(2030, 6, 1))


@pytest.mark.parametrize(
    ("text", "last"),
    [
        ("today", TODAY),
        ("+10d", date(2021, 2, 10)),
        ("2021-Q1", date(2021, 3, 31)),
        ("T1 2021", date(2021, 3, 31)),
        ("2nd semestre 2019", date(2019, 12, 31)),
        ("mars 2021", date(2021, 3, 31)),
        ("février 2100", date(2100, 2, 28)),
        ("2020", date(2020, 12, 31)),
        ("2020-W53", date(2021, 1, 3)),
        ("15/03/2021", date(2021, 3, 15)),
    ],
)
def test_parse_day_is_the_last_day(text: str, last: date) -> None:
    assert parse_day(text, TODAY) == last


@pytest.mark.parametrize(
    "text",
    [
        "someday",
        "",
        "   ",
        "next week",
        "10d",  # an offset needs its sign
        "+10x",
        "Q5 2021",
        "S3 2019",
        "5e trimestre 2021",
        "troisieme semestre 2021",
        "zorglub trimestre 2021",
        "brumaire 2021",
        "32 mars 2021",
        "31/02/2021",
        "15/13/2021",
        "13/2021",
        "2021-Q5",
        "2021-W53",
        "2021-02-30",
        "+99999y",
        "-9999y",
        "15/03/0500",
        "2021/03/15",
    ],
)
def test_errors_quote_the_input_and_list_the_forms(text: str) -> None:
    with pytest.raises(BadPeriod) as caught:
        parse(text, TODAY)
    assert repr(text) in caught.value.message
    assert caught.value.hint is not None
    for form in ("today", "+10d", "T1 2021", "1er trimestre 2021", "mars 2021", "15/03/2021", "2021-Q1"):
        assert form in caught.value.hint


def test_parse_day_errors_too() -> None:
    with pytest.raises(BadPeriod, match="someday"):
        parse_day("someday", TODAY)


def test_an_out_of_range_phrase_says_why() -> None:
    with pytest.raises(BadPeriod, match="four quarters"):
        parse("2021-Q5", TODAY)
    with pytest.raises(BadPeriod, match="two halves"):
        parse("S3 2019", TODAY)
    with pytest.raises(BadPeriod, match="not a day of the calendar"):
        parse("31/02/2021", TODAY)
    with pytest.raises(BadPeriod, match="leaves the calendar"):
        parse("+99999y", TODAY)


# -- properties ------------------------------------------------------------------------------

years = st.integers(periods.MIN_YEAR, periods.MAX_YEAR)


@st.composite
def any_period(draw: st.DrawFn) -> Period:
    y = draw(years)
    which = draw(st.sampled_from(list(PeriodKind)))
    if which is PeriodKind.YEAR:
        return periods.year(y)
    if which is PeriodKind.HALF:
        return periods.half(y, draw(st.integers(1, 2)))
    if which is PeriodKind.QUARTER:
        return periods.quarter(y, draw(st.integers(1, 4)))
    if which is PeriodKind.MONTH:
        return periods.month(y, draw(st.integers(1, 12)))
    if which is PeriodKind.WEEK:
        last_week = date(y, 12, 28).isocalendar().week
        return periods.week(y, draw(st.integers(1, last_week)))
    return periods.day(draw(st.dates(date(y, 1, 1), date(y, 12, 31))))


@st.composite
def file_spelling(draw: st.DrawFn) -> str:
    y = draw(years)
    return draw(
        st.sampled_from(
            [
                f"{y}",
                f"{y}-{draw(st.sampled_from('HS'))}{draw(st.integers(1, 2))}",
                f"{y}-{draw(st.sampled_from('QT'))}{draw(st.integers(1, 4))}",
                f"{y}-{draw(st.integers(1, 12)):02d}",
                f"{y}-W{draw(st.integers(1, date(y, 12, 28).isocalendar().week)):02d}",
            ]
        )
    )


@given(any_period())
def test_first_is_never_after_last(p: Period) -> None:
    assert p.first <= p.last


@given(file_spelling())
def test_every_file_spelling_spans_whole_days(text: str) -> None:
    p = parse_file_value(text)
    assert p.first <= p.last
    assert parse_file_value(p.text) == p  # the canonical spelling reads back the same


@given(st.dates())
def test_any_date_is_its_own_period(d: date) -> None:
    assert span(parse_file_value(d)) == (d, d)
    assert span(parse(d.isoformat(), TODAY)) == (d, d)
    assert parse(d.isoformat(), TODAY).kind is PeriodKind.DAY
    assert parse_day(d.isoformat(), TODAY) == d


@given(any_period(), st.dates())
def test_canonical_text_round_trips(p: Period, today: date) -> None:
    assert parse(p.text, today) == p
    assert parse_file_value(p.text) == p


@given(st.dates(date(1500, 1, 1), date(9000, 12, 31)))
def test_numeric_day_first_is_the_iso_day(d: date) -> None:
    assert parse(f"{d.day}/{d.month}/{d.year}", TODAY) == periods.day(d)
    assert parse(f"{d.day:02d}/{d.month:02d}/{d.year}", TODAY) == periods.day(d)


@given(st.dates(date(1500, 1, 1), date(9000, 12, 31)), st.integers(-3000, 3000))
def test_day_offsets(today: date, n: int) -> None:
    sign = "+" if n >= 0 else "-"
    assert parse(f"{sign}{abs(n)}d", today).last.toordinal() - today.toordinal() == n


# -- the calendar's edges -------------------------------------------------------------------


def test_shift_moves_a_day_and_stops_at_the_calendars_edges() -> None:
    assert periods.shift(date(2020, 2, 28), 1) == date(2020, 2, 29)
    assert periods.shift(date(2020, 3, 1), -1) == date(2020, 2, 29)
    assert periods.shift(date(2020, 1, 1), 0) == date(2020, 1, 1)
    assert periods.shift(date.max, 1) == date.max
    assert periods.shift(date(9999, 12, 30), 1) == date.max
    assert periods.shift(date(9999, 12, 30), 2) == date.max
    assert periods.shift(date.min, -1) == date.min
    assert periods.shift(date(1, 1, 2), -1) == date.min
    assert periods.shift(date(1, 3, 1), -90) == date.min


@pytest.mark.parametrize(
    ("day", "kind", "text", "first", "last"),
    [
        (date(1, 1, 1), PeriodKind.YEAR, "0001", date(1, 1, 1), date(1, 12, 31)),
        (date(9999, 12, 31), PeriodKind.YEAR, "9999", date(9999, 1, 1), date(9999, 12, 31)),
        (date(9999, 12, 31), PeriodKind.HALF, "9999-H2", date(9999, 7, 1), date(9999, 12, 31)),
        (date(1, 6, 30), PeriodKind.HALF, "0001-H1", date(1, 1, 1), date(1, 6, 30)),
        (date(9999, 12, 31), PeriodKind.QUARTER, "9999-Q4", date(9999, 10, 1), date(9999, 12, 31)),
        (date(2021, 5, 15), PeriodKind.QUARTER, "2021-Q2", date(2021, 4, 1), date(2021, 6, 30)),
        (date(9999, 12, 31), PeriodKind.MONTH, "9999-12", date(9999, 12, 1), date(9999, 12, 31)),
        (date(2020, 2, 10), PeriodKind.MONTH, "2020-02", date(2020, 2, 1), date(2020, 2, 29)),
        (date(1, 1, 1), PeriodKind.MONTH, "0001-01", date(1, 1, 1), date(1, 1, 31)),
    ],
)
def test_holding_gives_the_unit_of_any_day(day: date, kind: PeriodKind, text: str, first: date, last: date) -> None:
    assert periods.holding(day, kind) == periods.Period(first, last, kind, text)


def test_holding_agrees_with_the_plans_periods() -> None:
    for day in (date(2020, 1, 1), date(2020, 6, 30), date(2020, 7, 1), date(2021, 12, 31), date(2024, 2, 29)):
        assert periods.holding(day, PeriodKind.YEAR) == periods.year(day.year)
        assert periods.holding(day, PeriodKind.HALF) == periods.half(day.year, (day.month + 5) // 6)
        assert periods.holding(day, PeriodKind.QUARTER) == periods.quarter(day.year, (day.month + 2) // 3)
        assert periods.holding(day, PeriodKind.MONTH) == periods.month(day.year, day.month)


@pytest.mark.parametrize(("word", "today"), [("tomorrow", date.max), ("demain", date.max), ("yesterday", date.min),
                                             ("hier", date.min)])  # fmt: skip
def test_a_relative_day_off_the_calendar_is_an_error(word: str, today: date) -> None:
    with pytest.raises(BadPeriod, match="leaves the calendar"):
        periods.parse(word, today)


# -- what each refusal says, whole -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [("2019-H3", "'2019-H3': a year has two halves, not 3"), ("2019-S0", "'2019-S0': a year has two halves, not 0"),
     ("2021-Q5", "'2021-Q5': a year has four quarters, not 5"),
     ("2021-T0", "'2021-T0': a year has four quarters, not 0"),
     ("2021-13", "'2021-13': a month is 01 to 12, not 13"), ("2021-00", "'2021-00': a month is 01 to 12, not 00"),
     ("2021-W53", "'2021-W53': 2021 has ISO weeks 01 to 52, not 53"),
     ("2021-W00", "'2021-W00': 2021 has ISO weeks 01 to 52, not 00"),
     ("0999", "'0999': year 999 is out of range (1000 to 9998)"),
     ("9999-Q4", "'9999-Q4': year 9999 is out of range (1000 to 9998)"),
     ("2021-13-01", "'2021-13-01': not a day of the calendar: there is no month 13"),
     ("2021-00-10", "'2021-00-10': not a day of the calendar: there is no month 0"),
     ("2021-01-32", "'2021-01-32': not a day of the calendar: month 1 of 2021 has 31 days"),
     ("2021-12-32", "'2021-12-32': not a day of the calendar: month 12 of 2021 has 31 days"),
     ("2021-02-29", "'2021-02-29': not a day of the calendar: month 2 of 2021 has 28 days")],
)  # fmt: skip
def test_a_period_that_does_not_exist_says_why(value: str, message: str) -> None:
    with pytest.raises(BadPeriod) as caught:
        parse_file_value(value)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("text", "today"),
    [("+99999y", TODAY), ("-99999y", TODAY), ("+99999m", TODAY), ("+99999w", date(9000, 1, 1)),
     ("-99999d", date(100, 1, 1)),
     ("+1d", date.max), ("-1w", date.min)],
)  # fmt: skip
def test_an_offset_off_the_calendar_says_so(text: str, today: date) -> None:
    with pytest.raises(BadPeriod) as caught:
        parse(text, today)
    assert caught.value.message == f"cannot read {text!r}: the offset leaves the calendar"


def test_same_span_is_the_same_days_whatever_the_spelling() -> None:
    q1 = parse_file_value("2021-Q1")
    assert q1.same_span(parse("T1 2021", TODAY))
    assert q1.same_span(Period(date(2021, 1, 1), date(2021, 3, 31), PeriodKind.DAY, "x"))
    assert not q1.same_span(parse_file_value("2021-Q2"))
    assert not q1.same_span(Period(date(2021, 1, 1), date(2021, 3, 30), PeriodKind.QUARTER, "2021-Q1"))
    assert not q1.same_span(Period(date(2021, 1, 2), date(2021, 3, 31), PeriodKind.QUARTER, "2021-Q1"))
    assert not q1.same_span(None)


def test_a_period_pickles_to_itself() -> None:
    import pickle

    for text in ("2021-Q1", "2019-H2", "2020-W53", "2020-05-15"):
        period = parse_file_value(text)
        again = pickle.loads(pickle.dumps(period))
        assert again == period
        assert type(again) is Period
        assert again.kind is period.kind


@pytest.mark.parametrize(
    ("text", "first", "last", "canonical"),
    [("2019 S2", date(2019, 7, 1), date(2019, 12, 31), "2019-H2"), ("2019 H1", date(2019, 1, 1), date(2019, 6, 30),
     "2019-H1"), ("2021 T3", date(2021, 7, 1), date(2021, 9, 30), "2021-Q3"),
     ("Q3 of 2021", date(2021, 7, 1), date(2021, 9, 30), "2021-Q3"),
     ("fin 2020", date(2020, 1, 1), date(2020, 12, 31), "2020"),
     ("fin juin 2027", date(2027, 6, 1), date(2027, 6, 30), "2027-06"),
     ("fin de juin 2027", date(2027, 6, 1), date(2027, 6, 30), "2027-06"),
     ("end of 2nd quarter 2021", date(2021, 4, 1), date(2021, 6, 30), "2021-Q2"),
     ("End March 2021", date(2021, 3, 1), date(2021, 3, 31), "2021-03"),
     ("début 2021", date(2021, 1, 1), date(2021, 1, 1), "2021-01-01"),
     ("Début de juin 2027", date(2027, 6, 1), date(2027, 6, 1), "2027-06-01"),
     ("start of S2 2019", date(2019, 7, 1), date(2019, 7, 1), "2019-07-01"),
     ("beginning of 2021-Q4", date(2021, 10, 1), date(2021, 10, 1), "2021-10-01"),
     ("early 2022", date(2022, 1, 1), date(2022, 1, 1), "2022-01-01"),
     ("fin demain", date(2021, 2, 1), date(2021, 2, 1), "2021-02-01"),
     ("début +1m", date(2021, 2, 28), date(2021, 2, 28), "2021-02-28")],
)  # fmt: skip
def test_more_phrases(text: str, first: date, last: date, canonical: str) -> None:
    """The start and end words wrap any phrase; the letter of a half or quarter may follow the year."""
    p = parse(text, TODAY)
    assert (p.first, p.last, p.text) == (first, last, canonical)


@pytest.mark.parametrize(
    ("text", "day"),
    [("+10j", date(2021, 2, 10)), ("-2s", date(2021, 1, 17)), ("+1a", date(2022, 1, 31)), ("-1a", date(2020, 1, 31)),
     ("+3J", date(2021, 2, 3)), ("+1s", date(2021, 2, 7))],
)  # fmt: skip
def test_french_offsets(text: str, day: date) -> None:
    """jours, semaines, années: j, s, a."""
    assert parse(text, TODAY) == periods.day(day)


@pytest.mark.parametrize("text", ["début nope", "fin nope", "start of the year", "nope 2021 Q1", "zeroth quarter 2021"])
def test_phrases_that_are_not_dates_are_refused_whole(text: str) -> None:
    with pytest.raises(BadPeriod) as caught:
        parse(text, TODAY)
    assert caught.value.message == f"cannot read {text!r} as a date or period"
    assert caught.value.hint == f"accepted forms: {periods.CLI_FORMS}"


def test_a_refusal_on_the_command_line_quotes_the_input_and_lists_the_forms() -> None:
    with pytest.raises(BadPeriod) as caught:
        parse("2021-Q5", TODAY)
    assert caught.value.message == "cannot read '2021-Q5': a year has four quarters, not 5"
    assert caught.value.hint == f"accepted forms: {periods.CLI_FORMS}"


def test_the_refusals_of_values_of_other_types_are_whole() -> None:
    with pytest.raises(BadPeriod) as caught:
        parse_file_value(True)
    assert (caught.value.message, caught.value.hint) == ("expected a date or period, got a boolean", periods.FILE_FORMS)
    with pytest.raises(BadPeriod) as caught:
        parse_file_value(2020.5)
    assert caught.value.message == "expected a date or period, got float"
    assert caught.value.hint == f"write one of: {periods.FILE_FORMS}"
    with pytest.raises(BadPeriod) as caught:
        parse_file_value("2021/03")
    assert caught.value.message == "'2021/03' is not a period"
    assert caught.value.hint == f"write one of: {periods.FILE_FORMS}"
