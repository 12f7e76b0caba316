"""`cloudplan timeline`: the chart in the terminal, and saved as SVG and HTML."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.conftest import AS_OF, MINIMAL

Cli = Callable[..., Result]
DAY = AS_OF.isoformat()


def test_timeline_of_the_roadmap_at_80_columns(cli: Cli, roadmap: str, golden: Callable[[str, str], None]) -> None:
    result = cli("timeline", roadmap, "--as-of", DAY)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    golden("timeline-80.txt", result.stdout)


def test_timeline_of_the_roadmap_at_120_columns_is_by_month(
    cli: Cli, roadmap: str, golden: Callable[[str, str], None]
) -> None:
    result = cli("timeline", roadmap, "--as-of", DAY, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "by month" in result.stdout.splitlines()[0]
    golden("timeline-120.txt", result.stdout)


def test_timeline_without_colour_has_no_escape_sequences(cli: Cli, roadmap: str) -> None:
    result = cli("timeline", roadmap, "--as-of", DAY)
    assert "\x1b" not in result.stdout
    assert "▓▓! overdue" in result.stdout  # the legend tells statuses apart by their characters


@pytest.mark.parametrize(("scale", "head"), [("month", "2020-01 to 2020-12"), ("year", "2020 to 2020")])
def test_scale_and_range_from_the_command_line(cli: Cli, roadmap: str, scale: str, head: str) -> None:
    result = cli("timeline", roadmap, "--as-of", DAY, "--from", "T1 2020", "--to", "décembre 2020", "--scale", scale)
    assert result.exit_code == 0, result.output
    assert head in result.stdout.splitlines()[0]


def test_from_alone_runs_to_the_last_deadline(cli: Cli, roadmap: str) -> None:
    result = cli("timeline", roadmap, "--as-of", DAY, "--from", "2020-H2")
    assert "2020-07 to 2021-03" in result.stdout.splitlines()[0]


def test_filters_narrow_the_chart(cli: Cli, roadmap: str) -> None:
    result = cli("timeline", roadmap, "--as-of", DAY, "--project", "cercle-2", "--status", "overdue")
    assert result.exit_code == 0, result.output
    assert "cercle-2" in result.stdout
    assert "cercle-1" not in result.stdout
    assert "construction" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2021", "--to", "2019"), "ends"),
        (("--from", "someday"), "cannot read 'someday'"),
        (("--from", "1000", "--to", "9000"), "does not fit"),
        (("--scale", "week"), "week"),
    ],
)
def test_bad_ranges_exit_2_with_a_message(cli: Cli, roadmap: str, args: tuple[str, ...], message: str) -> None:
    result = cli("timeline", roadmap, "--as-of", DAY, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_svg_and_html_save_the_picture_and_print_nothing(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    svg, html = tmp_path / "t.svg", tmp_path / "t.html"
    result = cli("timeline", roadmap, "--as-of", DAY, "--svg", svg, "--html", html)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    picture = svg.read_text(encoding="utf-8")
    assert picture.startswith("<svg")
    assert "finalisation" in picture
    # Nothing fetched: no font from a CDN, the only address is the SVG namespace.
    assert set(re.findall(r"https?://[^\s\"')]+", picture)) == {"http://www.w3.org/2000/svg"}
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "finalisation" in page
    assert "http:" not in page
    assert "https:" not in page
    assert "color: #" in page or "color:#" in page  # colours even though NO_COLOR is set for the terminal


def test_a_picture_that_cannot_be_written_exits_2_and_writes_nothing(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    good = tmp_path / "t.html"
    result = cli("timeline", roadmap, "--svg", tmp_path / "missing" / "t.svg", "--html", good)
    assert result.exit_code == 2
    assert "cannot write" in result.stderr
    assert not good.exists()


def test_timeline_of_a_plan_without_dates(cli: Cli, write_plan: Callable[..., Path]) -> None:
    plan = write_plan(MINIMAL.replace('due = "2020-Q1"', "").replace('due = "2020-12"', ""))
    result = cli("timeline", plan, "--as-of", DAY)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("? no deadline") == 2
