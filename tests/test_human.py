"""Days, periods, numbers and durations as people read them (cloudplan.base.human), in English and French."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from cloudplan import language
from cloudplan.base import human, translate
from cloudplan.core import periods

NNBSP = "\u202f"


@pytest.fixture
def fr() -> Iterator[None]:
    """Speak French, from the catalogue, for the test (the autouse fixture speaks English after)."""
    language.install("fr")
    yield
    translate.use(translate.DEFAULT)


def test_french_is_the_runs_language() -> None:
    assert not human.french()
    with translate.speaking("fr"):
        assert human.french()
    assert not human.french()


def test_day_parts_say_how_a_day_is_spelled() -> None:
    assert human.day_parts() == (("y", "m", "d"), "-")
    with translate.speaking("fr"):
        assert human.day_parts() == (("d", "m", "y"), "/")


@pytest.mark.parametrize(
    ("day", "english", "french"),
    [(date(2019, 12, 31), "2019-12-31", "31/12/2019"), (date(2021, 3, 5), "2021-03-05", "05/03/2021"),
     (date(1, 1, 1), "0001-01-01", "01/01/1"), (None, "-", "-")],
)  # fmt: skip
def test_day(day: date | None, english: str, french: str) -> None:
    assert human.day(day) == english
    with translate.speaking("fr"):
        assert human.day(day) == french


@pytest.mark.parametrize(
    ("text", "short"),
    [("2019", "2019"), ("2019-H1", "S1 2019"), ("2019-H2", "S2 2019"), ("2021-Q1", "T1 2021"), ("2021-Q3", "T3 2021"),
     ("2021-Q4", "T4 2021"), ("2019-06", "06/2019"), ("2019-12", "12/2019"), ("2020-W53", "semaine 53 de 2020"),
     ("2019-12-31", "31/12/2019")],
)  # fmt: skip
def test_short_periods(text: str, short: str) -> None:
    """On an axis's title: the second half-year is S2, the quarters T1 to T4, months numbered."""
    period = periods.parse_file_value(text)
    assert human.period_short(period) == text
    with translate.speaking("fr"):
        assert human.period_short(period) == short


@pytest.mark.parametrize(
    ("text", "french"),
    [("2019-H1", "1er semestre 2019"), ("2019-H2", "2e semestre 2019"), ("2021-Q3", "3e trimestre 2021"),
     ("2021-Q4", "4e trimestre 2021"), ("2019-01", "janvier 2019"), ("2021-W01", "semaine 1 de 2021"),
     ("2020-W53", "semaine 53 de 2020")],
)  # fmt: skip
def test_periods_in_words(text: str, french: str) -> None:
    period = periods.parse_file_value(text)
    assert human.period(period) == text
    assert human.period(None) == "-"
    with translate.speaking("fr"):
        assert human.period(period) == french
        assert human.period(None) == "-"


def test_a_week_across_new_year_is_named_by_its_iso_year() -> None:
    with translate.speaking("fr"):
        assert human.period(periods.week(2021, 52)) == "semaine 52 de 2021"
        assert human.period(periods.week(2020, 1)) == "semaine 1 de 2020"  # Monday 30 December 2019


@pytest.mark.parametrize(
    ("text", "english", "french"),
    [("2021-Q1", "2021-Q1 (2021-03-31)", "1er trimestre 2021 (31/03/2021)"),
     ("2021-03-31", "2021-03-31", "31/03/2021"), ("2020", "2020 (2020-12-31)", "2020 (31/12/2020)")],
)  # fmt: skip
def test_a_deadline_says_its_last_day_when_longer_than_one(text: str, english: str, french: str) -> None:
    period = periods.parse_file_value(text)
    assert human.due(period) == english
    with translate.speaking("fr"):
        assert human.due(period) == french


def test_quarter_label() -> None:
    assert [human.quarter_label(q) for q in (1, 4)] == ["Q1", "Q4"]
    with translate.speaking("fr"):
        assert [human.quarter_label(q) for q in (1, 4)] == ["T1", "T4"]


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [(112.44, "112.4", "112,4"), (12000, "12000", f"12{NNBSP}000"), (-3, "-3", "-3"), (0.05, "0.1", "0,1"),
     (1234567.44, "1.23457e+06", f"1{NNBSP}234{NNBSP}567,4"), (None, "-", "-"), (0.04, "0", "0"),
     (999999999999999.9, "1e+15", f"999{NNBSP}999{NNBSP}999{NNBSP}999{NNBSP}999,9"),
     (1e15, "1e+15", "1e+15"), (-1e15, "-1e+15", "-1e+15"),
     (99999999999999.9, "1e+14", f"99{NNBSP}999{NNBSP}999{NNBSP}999{NNBSP}999,9"),
     (1.7976931348623157e308, "1.8e+308", "1,8e+308"), (-1.7976931348623157e308, "-1.8e+308", "-1,8e+308")],
)  # fmt: skip
def test_number(value: float | None, english: str, french: str) -> None:
    """At most one decimal; from 1e15 on, three digits and a power of ten (never three hundred digits)."""
    assert human.number(value) == english
    with translate.speaking("fr"):
        assert human.number(value) == french


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [(22.5, "22.5", "22,5"), (12000, "12000", f"12{NNBSP}000"), (12000.0, "12000", f"12{NNBSP}000"),
     (-1234.25, "-1234.25", f"-1{NNBSP}234,25"), (0.1, "0.1", "0,1"), (-0.5, "-0.5", "-0,5"),
     (9223372036854775807, "9223372036854775807", f"9{NNBSP}223{NNBSP}372{NNBSP}036{NNBSP}854{NNBSP}775{NNBSP}807"),
     (1e15, "1000000000000000", f"1{NNBSP}000{NNBSP}000{NNBSP}000{NNBSP}000{NNBSP}000"), (1e16, "1e+16", "1e+16"),
     (1.7976931348623157e308, "1.7976931348623157e+308", "1,7976931348623157e+308"),
     (-1.5e-300, "-1.5e-300", "-1,5e-300")],
)  # fmt: skip
def test_exact_keeps_every_digit_a_number_holds(value: float, english: str, french: str) -> None:
    assert human.exact(value) == english
    with translate.speaking("fr"):
        assert human.exact(value) == french


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [(33.4, "33 %", f"33{NNBSP}%"), (-12.6, "-13 %", f"-13{NNBSP}%"), (250, "250 %", f"250{NNBSP}%"),
     (0, "0 %", f"0{NNBSP}%"), (1e15, ">1e+15 %", f">1e+15{NNBSP}%"), (-1e15, "->1e+15 %", f"->1e+15{NNBSP}%"),
     (float("inf"), ">1e+15 %", f">1e+15{NNBSP}%"),
     (999999999999999.0, "999999999999999 %", f"999999999999999{NNBSP}%")],
)  # fmt: skip
def test_percent(value: float, english: str, french: str) -> None:
    assert human.percent(value) == english
    with translate.speaking("fr"):
        assert human.percent(value) == french


def test_unit_and_colon() -> None:
    assert (human.unit("apps"), human.unit(""), human.colon()) == (" apps", "", ": ")
    with translate.speaking("fr"):
        assert (human.unit("apps"), human.unit(""), human.colon()) == (f"{NNBSP}apps", "", f"{NNBSP}: ")


def test_time_of_day() -> None:
    moment = datetime(2026, 10, 20, 8, 5)
    assert human.time(moment) == "08:05"
    with translate.speaking("fr"):
        assert human.time(moment) == f"08{NNBSP}h{NNBSP}05"


def test_days_left_tells_today_from_tomorrow_and_yesterday(fr: None) -> None:
    with translate.speaking("en"):
        assert [human.days_left(n) for n in (-2, -1, 0, 1, 2, None)] == [
            "2 days late", "1 day late", "due today", "in 1 day", "in 2 days", ""]  # fmt: skip
    assert [human.days_left(n) for n in (-2, -1, 0, 1, 2, None)] == [
        "2 jours de retard", "1 jour de retard", "aujourd'hui", "dans 1 jour", "dans 2 jours", ""]  # fmt: skip
