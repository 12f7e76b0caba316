"""`cloudplan report --html`: one self-contained page, checked as text and in a real browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import Result

from cloudplan.core.model import Indicator, Level, Measure
from cloudplan.core.periods import parse_file_value
from cloudplan.core.status import indicator_state
from cloudplan.export import svg
from tests import chromium
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


def test_timeline_rows_carry_the_milestones_titles(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    page = report(cli, roadmap, tmp_path)
    chart = page[page.index('<section class="whole">') :]
    assert ">Réaliser une étude technico-économique</text>" in chart
    assert ">Cloud dédié à l&#x27;État (cercle 2)</text>" in chart


def test_the_next_deadline_is_the_same_in_the_report_and_the_summary(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    # As of 2020-06-30 cercle-2's study is overdue since 2019-12-31: it is still what the project owes next.
    page = report(cli, roadmap, tmp_path)
    row = next(line for line in page.splitlines() if "<code>cercle-2</code>" in line)
    assert '<span class="date">2019-12-31</span> <span class="status s-overdue">overdue</span>' in row
    summary = cli("status", "--summary", roadmap, "--as-of", DAY, env={"COLUMNS": "200"}).stdout
    assert "cercle-2" in summary
    line = next(line for line in summary.splitlines() if line.startswith("cercle-2"))
    assert "2019-12-31 etude" in line


SVG_NS = "{http://www.w3.org/2000/svg}"


def _indicator_chart(cli: Cli, plan: Path, tmp_path: Path, as_of: str = DAY) -> ElementTree.Element:
    out = tmp_path / "report.html"
    assert cli("report", plan, "--as-of", as_of, "--html", out).exit_code == 0
    page = out.read_text(encoding="utf-8")
    card = page[page.index('<div class="card">') :]
    return ElementTree.fromstring(card[card.index("<svg") : card.index("</svg>") + 6])


def test_indicator_levels_sit_under_the_label_of_their_year(
    cli: Cli, write_plan: Callable[..., Path], tmp_path: Path
) -> None:
    chart = _indicator_chart(cli, write_plan(MEASURED), tmp_path)
    years = {t.text: float(t.get("x", "0")) for t in chart.iter(f"{SVG_NS}text") if (t.text or "").isdigit()}
    levels = {
        "".join(g.itertext()).split()[0]: float(c.get("cx", "0"))
        for g in chart.iter(f"{SVG_NS}g")
        for c in g.iter(f"{SVG_NS}circle")
    }
    assert levels["baseline"] == pytest.approx(years["2018"], abs=1)  # not at the 2019 tick any more
    assert levels["target"] == pytest.approx(years["2022"], abs=1)  # nor the 2022 target at 2023
    # A measure keeps its day: 2019-06-30 lies halfway through the 2019 band.
    measure = next(c for c in chart.iter(f"{SVG_NS}circle") if "2019-06-30" in "".join(c.itertext()))
    assert float(measure.get("cx", "0")) == pytest.approx(years["2019"], abs=2)


def test_no_measure_yet_is_said_below_the_plot_not_over_the_target(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    chart = _indicator_chart(cli, Path(roadmap), tmp_path)
    words = next(t for t in chart.iter(f"{SVG_NS}text") if t.text == "no measure yet")
    lowest_mark = max(float(c.get("cy", "0")) for c in chart.iter(f"{SVG_NS}circle"))
    year_labels = [float(t.get("y", "0")) for t in chart.iter(f"{SVG_NS}text") if (t.text or "").isdigit()]
    assert float(words.get("y", "0")) > max(year_labels) > lowest_mark


def test_indicator_card_shows_what_the_status_was_judged_against(
    cli: Cli, write_plan: Callable[..., Path], tmp_path: Path
) -> None:
    page = report(cli, write_plan(MEASURED), tmp_path)
    # The latest measure, 110 on 2020-06-30, against the line on that day: 60 + 140 * 547 / 1461.
    assert "<dt>Expected on 2020-06-30</dt><dd>112.4</dd>" not in page  # as of that very day: said once
    assert "<dt>Expected as of 2020-06-30</dt><dd>112.4</dd>" in page
    later = tmp_path / "later.html"
    assert cli("report", write_plan(MEASURED), "--as-of", "2021-12-31", "--html", later).exit_code == 0
    text = later.read_text(encoding="utf-8")
    assert "<dt>Expected on 2020-06-30</dt><dd>112.4</dd>" in text
    assert "<dt>Expected as of 2021-12-31</dt><dd>165</dd>" in text


def test_dates_are_kept_whole(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    page = report(cli, roadmap, tmp_path)
    assert '<span class="date">2019-H2</span> <span class="date">(2019-12-31)</span>' in page
    assert ".date { white-space: nowrap; }" in page


def test_the_report_is_a_list_of_sections_others_can_extend(roadmap: str) -> None:
    from cloudplan.export import html
    from cloudplan.export.formats import PortfolioView

    def extra(snapshot: PortfolioView) -> str:
        return f"<h2>Extra</h2><p>{len(snapshot.projects)}</p>"

    snapshot = PortfolioView("T", AS_OF, (), ())
    page = html.report(snapshot, (*html.SECTIONS[:1], extra, *html.SECTIONS[1:]))
    assert page.index("Summary by project") < page.index("<h2>Extra</h2><p>0</p>") < page.index("Timeline")


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


def test_report_loads_in_chromium_without_errors_and_is_not_blank(
    cli: Cli, write_plan: Callable[..., Path], roadmap: str, tmp_path: Path
) -> None:
    chromium.require()
    page = tmp_path / "report.html"
    page.write_text(report(cli, roadmap, tmp_path), encoding="utf-8")
    seen = chromium.visit(page)
    assert seen.problems == []
    assert seen.png.startswith(b"\x89PNG")
    (tmp_path / "report.png").write_bytes(seen.png)
    # A blank or unstyled page has a handful of colours; the charts and badges bring hundreds.
    assert chromium.colours(seen.png) > 50


# What a reader sees: laid out by the browser, measured from outside the page.
LAYOUT = """(() => {
  const svg = document.querySelector('.chart svg'), box = svg.getBoundingClientRect();
  const now = [...svg.querySelectorAll('line')].find(l => l.getAttribute('stroke') === '#8e24aa');
  const broken = [...document.querySelectorAll('.date, code')].filter(e => e.getClientRects().length > 1);
  return {chart: [box.left, box.right, box.height], now: now.getBoundingClientRect().left,
          width: document.documentElement.clientWidth, scroll: document.documentElement.scrollWidth,
          broken: broken.map(e => e.textContent)};
})()"""


@pytest.mark.parametrize("width", [800, 1280])
def test_report_fits_the_window_with_the_as_of_line_in_view(cli: Cli, roadmap: str, tmp_path: Path, width: int) -> None:
    chromium.require()
    page = tmp_path / "report.html"
    page.write_text(report(cli, roadmap, tmp_path), encoding="utf-8")
    seen = chromium.visit(page, width=width, height=2400, script=LAYOUT)
    (tmp_path / f"report-{width}.png").write_bytes(seen.png)
    layout = seen.value
    assert layout["scroll"] <= layout["width"]  # nothing sticks out sideways
    left, right, _height = layout["chart"]
    assert 0 <= left < layout["now"] < right <= layout["width"]  # the as-of line, inside the chart, in view
    assert layout["broken"] == []  # no date or ref cut over two lines


def test_report_prints_to_a_clean_a4_landscape_pdf(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    chromium.require()
    page = tmp_path / "report.html"
    page.write_text(report(cli, roadmap, tmp_path), encoding="utf-8")
    seen = chromium.visit(page, pdf=True, media="print", script=LAYOUT)
    (tmp_path / "report.pdf").write_bytes(seen.pdf)
    pages = chromium.pdf_pages(seen.pdf)
    assert 2 <= len(pages) <= 5
    for width, height in pages:  # A4 landscape: 297 x 210 mm
        assert width == pytest.approx(297 / 25.4 * 72, abs=1)
        assert height == pytest.approx(210 / 25.4 * 72, abs=1)
    # The timeline fits one page (184 mm of height inside the margins, at 96 px an inch).
    assert seen.value["chart"][2] <= 184 / 25.4 * 96


def test_the_browser_check_does_catch_errors(tmp_path: Path) -> None:
    """The control: a page that breaks the rules the report keeps is caught."""
    chromium.require()
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


def _contrast(colour: str, other: str = "#ffffff") -> float:
    """Return the WCAG 2.1 contrast ratio of two colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(colour), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_colour_that_carries_words_meets_wcag_aa_on_white() -> None:
    """White words on each status badge, the at-risk mark and the trend lines' numbers on white: 4.5:1 at
    least (WCAG 2.1 AA), which #b26a00, #558b2f, #9e9e9e and #e65100 missed."""
    from cloudplan.export.trendsvg import PALETTE
    from cloudplan.words.theme import AS_OF_COLOUR, AT_RISK_COLOUR, STATUS_COLOURS

    for name, colour in [*STATUS_COLOURS.items(), ("at risk", AT_RISK_COLOUR), ("as of", AS_OF_COLOUR),
                         *((f"trend line {i + 1}", c) for i, c in enumerate(PALETTE))]:  # fmt: skip
        assert _contrast(colour) >= 4.5, (name, colour, round(_contrast(colour), 2))
    assert round(_contrast("#e65100"), 2) == 3.79  # the measure agrees with axe-core's on the old orange
