"""`cloudplan indicators`: progress towards each target as a bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cloudplan.core.model import Indicator, Level, Measure
from cloudplan.core.periods import parse_file_value
from cloudplan.core.status import indicator_state
from cloudplan.render.indicators import EMPTY, FULL, progress_bar
from tests.test_report import MEASURED

AS_OF = date(2020, 6, 30)


def indicator(value: float | None, base: float = 60, target: float = 200) -> Indicator:
    measures = () if value is None else (Measure(date(2020, 1, 1), value, ("indicator", 0, "measure", 0)),)
    return Indicator(
        "x", "X", ("indicator", 0), "p.toml",
        baseline=Level(base, parse_file_value("2018")), target=Level(target, parse_file_value("2022")),
        measures=measures,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "bar", "percent"),
    [
        (60, EMPTY * 10, "0 %"),
        (130, FULL * 5 + EMPTY * 5, "50 %"),
        (200, FULL * 10, "100 %"),
        (340, FULL * 10, "200 %"),  # beyond the target: the bar stops full, the figure says it
        (30, EMPTY * 10, "-21 %"),  # the wrong way
    ],
)
def test_progress_bar(value: float, bar: str, percent: str) -> None:
    text = progress_bar(indicator_state(indicator(value), AS_OF)).plain
    assert text == f"{bar} {percent}"


def test_progress_bar_draws_eighths() -> None:
    text = progress_bar(indicator_state(indicator(110), AS_OF)).plain  # 50/140 of the way: 35.7 %
    assert text.startswith(FULL * 3 + "▋")  # 3.57 cells: three full, five eighths
    assert len(text.split()[0]) == 10


def test_progress_bar_lower_is_better() -> None:
    text = progress_bar(indicator_state(indicator(80, base=100, target=60), AS_OF)).plain
    assert text.endswith(" 50 %")


def test_no_measure_no_bar() -> None:
    assert progress_bar(indicator_state(indicator(None), AS_OF)).plain == "-"


@pytest.mark.parametrize("columns", ["80", "120"])
def test_indicators_table_keeps_the_bar_and_the_status_in_the_width(
    cli: Callable[..., Result], write_plan: Callable[..., Path], columns: str
) -> None:
    result = cli("indicators", write_plan(MEASURED), "--as-of", "2020-06-30", env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= int(columns)
    assert any(part in result.stdout for part in "▏▎▍▌▋▊▉")
    assert "36 %" in result.stdout
    assert "behind" in result.stdout
