"""`cloudplan timeline`: the chart in the terminal, and saved as SVG and HTML."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import Result

from cloudplan.export.html import CSP
from tests import chromium
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


SVG_NS = "{http://www.w3.org/2000/svg}"


def _texts(root: ElementTree.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]


def test_svg_is_the_reports_chart_standing_alone_fit_for_a_slide(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    out = tmp_path / "t.svg"
    result = cli("timeline", roadmap, "--as-of", DAY, "--svg", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    picture = out.read_text(encoding="utf-8")
    root = ElementTree.fromstring(picture.encode())  # a well-formed file of its own, that opens alone
    assert root.tag == f"{SVG_NS}svg"
    assert (root.get("width"), root.get("viewBox", "").split()[2]) == ("1040", "1040")  # a slide's width
    texts = _texts(root)
    assert "Feuille de route de l'État sur le cloud" in texts  # the plan's title heads it
    assert "Réaliser une étude technico-économique" in texts  # milestones by their titles
    assert "Cloud dédié à l'État (cercle 2)" in texts
    assert "as of 2020-06-30" in texts  # the as-of line's label, and again in the legend
    assert texts.count("as of 2020-06-30") == 2
    assert {"overdue", "upcoming", "no deadline"} <= set(texts)  # the legend
    sizes = [int(e.get("font-size", "12")) for e in root.iter() if e.get("font-size")]
    assert min(sizes) >= 11  # readable once pasted
    # Not a picture of a terminal: white, no window, no monospace font, nothing fetched.
    background = root.find(f"{SVG_NS}rect")
    assert background is not None
    assert background.get("fill") == "#fff"
    assert "rich-terminal" not in picture
    assert "monospace" not in picture
    assert set(re.findall(r"https?://[^\s\"')]+", picture)) == {"http://www.w3.org/2000/svg"}


def test_html_is_the_same_chart_on_a_page_with_the_reports_policy(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    svg, html = tmp_path / "t.svg", tmp_path / "t.html"
    result = cli("timeline", roadmap, "--as-of", DAY, "--svg", svg, "--html", html)
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert f'content="{CSP}"' in page
    assert "<pre" not in page  # a chart, not a dump of the terminal
    chart = re.search(r"<svg .*</svg>", page, re.S)
    assert chart is not None
    assert chart.group(0) in svg.read_text(encoding="utf-8")  # the very chart of --svg
    assert "http:" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https:" not in page


def test_svg_and_html_follow_the_axis_options(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    out = tmp_path / "t.svg"
    args = ("--from", "2020", "--to", "2020", "--scale", "quarter")
    assert cli("timeline", roadmap, "--as-of", DAY, "--svg", out, *args).exit_code == 0
    root = ElementTree.fromstring(out.read_bytes())
    assert [t for t in _texts(root) if t.startswith("Q")] == ["Q1", "Q2", "Q3", "Q4"]
    years = [t.text for t in root.iter(f"{SVG_NS}text") if t.get("font-weight") == "bold" and (t.text or "").isdigit()]
    assert years == ["2020"]
    assert "2019" in _texts(root)  # a 2019 deadline, off the axis, still says when it was


def test_svg_and_html_open_cleanly_in_a_browser(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    chromium.require()
    svg, html = tmp_path / "t.svg", tmp_path / "t.html"
    assert cli("timeline", roadmap, "--as-of", DAY, "--svg", svg, "--html", html).exit_code == 0
    for path in (svg, html):
        seen = chromium.visit(path, width=1100, height=800)
        assert seen.problems == [], path
        assert chromium.colours(seen.png) > 50, path  # bars, marks, text: drawn, not blank


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


CANCELLED_AND_DONE = """\
[plan]
title = "Feuille de route"

[[project]]
id = "alpha"
title = "Alpha"

  [[project.milestone]]
  id = "annule"
  title = "Annulé"
  due = "2026-09"
  cancelled = 2026-05-20

  [[project.milestone]]
  id = "en-avance"
  title = "Réalisé en avance"
  due = "2027-Q1"
  done = 2026-11-11

  [[project.milestone]]
  id = "ouvert"
  title = "Ouvert"
  start = "2026-Q3"
  due = "2027-Q3"
"""


def test_a_cancelled_milestone_leaves_the_svg_well_formed(
    cli: Cli, write_plan: Callable[..., Path], tmp_path: Path
) -> None:
    """A cancelled bar once carried fill-opacity twice: not XML, and browsers stop drawing at that row."""
    plan, svg, html = write_plan(CANCELLED_AND_DONE), tmp_path / "t.svg", tmp_path / "t.html"
    assert cli("timeline", plan, "--as-of", "2026-12-06", "--svg", svg, "--html", html).exit_code == 0
    root = ElementTree.fromstring(svg.read_bytes())
    assert "Annulé" in _texts(root)
    [inline] = re.findall(r"<svg .*</svg>", html.read_text(encoding="utf-8"), re.S)
    ElementTree.fromstring(inline)


def test_a_done_milestone_is_drawn_on_the_day_it_was_done(
    cli: Cli, write_plan: Callable[..., Path], tmp_path: Path
) -> None:
    """Done on 11/11/2026, due in March 2027: its mark sits before the as-of line, not in March next year."""
    plan, svg = write_plan(CANCELLED_AND_DONE), tmp_path / "t.svg"
    assert cli("timeline", plan, "--as-of", "2026-12-06", "--svg", svg).exit_code == 0
    root = ElementTree.fromstring(svg.read_bytes())
    [now] = [float(e.get("x1", 0)) for e in root.iter(f"{SVG_NS}line") if e.get("stroke-dasharray") == "5 3"][:1]
    rows = {"".join(g.itertext()).split(" (")[0]: g for g in root.iter(f"{SVG_NS}g")}
    done = rows["alpha/en-avance: Réalisé en avance"]
    [mark] = done.iter(f"{SVG_NS}circle")
    assert float(mark.get("cx", 0)) < now
    assert "done on 2026-11-11" in _texts(done)
    opened = rows["alpha/ouvert: Ouvert"]
    assert min(float(p.split(",")[0]) for p in next(opened.iter(f"{SVG_NS}polygon")).get("points", "").split()) > now


def test_french_quarters_are_t1_to_t4(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    out = tmp_path / "t.svg"
    args = ("--from", "2020", "--to", "2020", "--scale", "quarter", "--lang", "fr")
    assert cli("timeline", roadmap, "--as-of", DAY, "--svg", out, *args).exit_code == 0
    texts = _texts(ElementTree.fromstring(out.read_bytes()))
    assert [t for t in texts if re.fullmatch("[QT][1-4]", t)] == ["T1", "T2", "T3", "T4"]
