"""`cloudplan report --html`: one self-contained page, checked as text and in a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import Result

from tests import chromium
from cloudplan.export import svg
from cloudplan.model import Indicator, Level, Measure
from cloudplan.periods import parse_file_value
from cloudplan.status import indicator_state
from tests.conftest import AS_OF

Cli = Callable[..., Result]
DAY = AS_OF.isoformat()

MEASURED = """\
[plan]
title = "Mesures"

[[project]]
id = "alpha"
title = "Alpha"

  [[project.milestone]]
  id = "one"
  title = "One"
  due = "2020-Q1"

    [[project.milestone.slip]]
    from = "2019-Q4"
    to = "2020-Q1"
    on = 2019-11-02
    reason = "Appel d'offres relancé"

  [[project.milestone]]
  id = "two"
  title = "Two"
  due = "2020-07"

[[indicator]]
id = "apps"
title = "Applications"
baseline = { value = 60, on = "2018" }
target = { value = 200, by = "2022" }

  [[indicator.measure]]
  on = 2019-06-30
  value = 80

  [[indicator.measure]]
  on = 2020-06-30
  value = 110
"""


class Tags(HTMLParser):
    """Every start tag and the attributes that would load something."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.sources += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action", "data")]


def report(cli: Cli, plan: object, tmp_path: Path, *args: str) -> str:
    out = tmp_path / "report.html"
    result = cli("report", plan, "--as-of", DAY, "--html", out, *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    return out.read_text(encoding="utf-8")


def test_report_holds_every_section(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    page = report(cli, roadmap, tmp_path)
    for heading in ("Summary by project", "Timeline", "Overdue and due soon", "Slips", "Indicators"):
        assert f"<h2>{heading}</h2>" in page
    assert "<h1>Feuille de route de l&#x27;État sur le cloud</h1>" in page
    assert page.count("<tr><td><strong>") == 4  # a summary row per project
    assert "cercle-2/etude" in page  # overdue as of 2020-06-30
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3  # the timeline and two indicators
    assert "No deadline has slipped." in page


def test_report_is_self_contained(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    page = report(cli, roadmap, tmp_path)
    parser = Tags()
    parser.feed(page)
    assert "script" not in parser.tags
    assert {"link", "img", "iframe", "object", "embed"} & set(parser.tags) <= {"link"}
    assert parser.sources == ["data:,"]  # the empty favicon, so the browser asks for none
    assert "@import" not in page
    assert "url(" not in page
    assert "Content-Security-Policy" in page


def test_report_shows_slips_and_measures(cli: Cli, write_plan: Callable[..., Path], tmp_path: Path) -> None:
    page = report(cli, write_plan(MEASURED), tmp_path)
    assert "Appel d&#x27;offres relancé" in page
    assert "2019-Q4" in page
    assert "<polyline" in page  # the measures, against the dashed baseline-to-target line
    assert 'stroke-dasharray="5 4"' in page
    assert "36 %" in page  # progress from 60 towards 200 at 110
    assert "<code>alpha</code></td>" in page  # no owners, no dangling separator


def test_report_is_reproducible(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    assert report(cli, roadmap, tmp_path) == report(cli, roadmap, tmp_path)


def test_report_requires_its_file(cli: Cli, roadmap: str) -> None:
    result = cli("report", roadmap)
    assert result.exit_code == 2
    assert "--html" in result.stderr


def test_indicator_chart_without_any_level_says_no_data() -> None:
    bare = Indicator("x", "X", ("indicator", 0), "p.toml")
    assert "no data" in svg.indicator(indicator_state(bare, AS_OF), AS_OF)


def test_indicator_chart_of_a_flat_target() -> None:
    flat = Indicator(
        "x", "X", ("indicator", 0), "p.toml",
        baseline=Level(5, parse_file_value("2018")), target=Level(5, parse_file_value("2022")),
        measures=(Measure(date(2019, 1, 1), 5, ("indicator", 0, "measure", 0)),),
    )  # fmt: skip
    chart = svg.indicator(indicator_state(flat, AS_OF), AS_OF)
    assert "nan" not in chart
    assert "<circle" in chart


# -- in a real browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> str:
    path = chromium.find()
    # Not a skip: a test that cannot run is a defect here. .ci/run installs Debian's chromium.
    assert path, "chromium is not installed: apt-get install chromium (.ci/run does)"
    return path


def test_report_loads_in_chromium_without_errors_and_is_not_blank(
    browser: str, cli: Cli, write_plan: Callable[..., Path], roadmap: str, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    page.write_text(report(cli, roadmap, tmp_path), encoding="utf-8")
    seen = chromium.visit(page)
    assert seen.problems == []
    assert seen.png.startswith(b"\x89PNG")
    (tmp_path / "report.png").write_bytes(seen.png)
    # A blank or unstyled page has a handful of colours; the charts and badges bring hundreds.
    assert chromium.colours(seen.png) > 50


def test_the_browser_check_does_catch_errors(browser: str, tmp_path: Path) -> None:
    """The control: a page that breaks the rules the report keeps is caught."""
    page = tmp_path / "bad.html"
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    page.write_text(
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="{csp}"></head>'
        '<body><img src="http://example.invalid/x.png"><script>console.error("boom")</script></body></html>',
        encoding="utf-8",
    )
    problems = chromium.visit(page).problems
    assert any("example.invalid" in p for p in problems)
    assert any(re.search("script", p) for p in problems)
