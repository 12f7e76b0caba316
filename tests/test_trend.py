"""Milestone trend analysis: the deadline in force over time, as JSON, in the terminal, as SVG, in the report
(checked in a real browser, with the at-risk marks)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from tests import chromium
from tests.test_risk import MESSAGERIE

Cli = Callable[..., Result]


def _slips(cli: Cli) -> None:
    for args in (
        ("cercle-2/ouverture", "T2 2021", "--reason", "Appel d'offres relancé", "--on", "2020-09-01"),
        ("cercle-2/ouverture", "S2 2021", "--reason", "Recours", "--on", "2021-02-01"),
        ("cercle-2/construction", "T1 2021", "--reason", "Retard industriel", "--on", "2020-10-15"),
    ):
        assert cli("reschedule", *args).exit_code == 0


def test_trend_json_has_the_deadlines_in_force(cli: Cli, roadmap: str) -> None:
    _slips(cli)
    doc = json.loads(cli("trend", "--format", "json", "--as-of", "2021-06-30").stdout)
    assert doc["as_of"] == "2021-06-30"
    assert [m["ref"] for m in doc["milestones"]] == ["cercle-2/construction", "cercle-2/ouverture"]
    ouverture = doc["milestones"][1]
    assert ouverture == {
        "ref": "cercle-2/ouverture",
        "title": "Déployer l'offre de service (État, collectivités territoriales)",
        "status": "upcoming",
        "deadlines": [
            {"since": None, "period": "2021-Q1", "deadline": "2021-03-31"},
            {"since": "2020-09-01", "period": "2021-Q2", "deadline": "2021-06-30"},
            {"since": "2021-02-01", "period": "2021-H2", "deadline": "2021-12-31"},
        ],
    }
    # As of a day between the two slips of ouverture: the second had not happened.
    before = json.loads(cli("trend", "--format", "json", "--as-of", "2020-12-31").stdout)
    assert [d["period"] for d in before["milestones"][1]["deadlines"]] == ["2021-Q1", "2021-Q2"]
    # A REF names what to draw, slipped or not; plans and refs mix.
    named = json.loads(cli("trend", roadmap, "cercle-2/etude", "--format", "json").stdout)
    assert named["milestones"] == [{
        "ref": "cercle-2/etude", "title": "Réaliser une étude technico-économique", "status": "overdue",
        "deadlines": [{"since": None, "period": "2019-H2", "deadline": "2019-12-31"}],
    }]  # fmt: skip
    assert cli("trend", "cercle-2/etud").exit_code == 2


def test_trend_in_the_terminal(cli: Cli, roadmap: str) -> None:
    assert "No deadline has slipped." in cli("trend").stdout
    _slips(cli)
    out = cli("trend", "--as-of", "2021-06-30").stdout
    assert out.startswith("Milestone trend analysis as of 2021-06-30")
    assert "1 cercle-2/construction" in out
    assert "2021-Q1 → 2021-Q2 → 2021-H2" in " ".join(out.split())
    assert "·" in out  # the diagonal
    assert "2020" in out
    assert "2021" in out


def test_trend_svg_is_a_picture_with_a_legend_of_titles(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    _slips(cli)
    out = tmp_path / "trend.svg"
    result = cli("trend", "--svg", out, "--as-of", "2021-06-30")
    assert result.exit_code == 0
    assert result.stdout == ""
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert len(root.findall(f".//{ns}polyline")) == 2
    texts = [t.text or "" for t in root.iter(f"{ns}text")]
    assert any("Construire le cloud cercle 2" in t for t in texts)
    assert "deadline = report date" in texts
    assert any(line.get("stroke-dasharray") == "6 4" for line in root.iter(f"{ns}line"))  # the diagonal


LAYOUT = """JSON.stringify({
  trend: [...document.querySelectorAll('svg.trend-chart')].map(s => {
    const r = s.getBoundingClientRect();
    return {w: r.width, h: r.height, lines: s.querySelectorAll('g.trend-line polyline').length,
            longest: Math.max(...[...s.querySelectorAll('g.trend-line polyline')].map(p => p.getTotalLength()))};
  }),
  marks: [...document.querySelectorAll('span.at-risk')].map(e => {
    const r = e.getBoundingClientRect(); const c = getComputedStyle(e).color;
    return {w: r.width, h: r.height, colour: c, text: e.textContent};
  }),
  timelineMarks: [...document.querySelectorAll('text.at-risk')].map(e => e.getBBox().width),
})"""


def test_report_trend_and_risk_marks_in_chromium(cli: Cli, write_plan: Callable[..., Path], tmp_path: Path) -> None:
    chromium.require()
    write_plan(MESSAGERIE)
    cli("reschedule", "messagerie/etude", "2027-Q1", "--reason", "Marché infructueux", "--on", "2026-09-01")
    cli("reschedule", "messagerie/pilote", "2027-Q3", "--reason", "Suite", "--on", "2026-10-01")
    page = tmp_path / "report.html"
    assert cli("report", "--html", page, "--as-of", "2027-04-15").exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert "<h2>Milestone trend analysis</h2>" in html
    assert "<h2>At risk through dependencies</h2>" in html
    assert "messagerie/generalisation → messagerie/pilote → messagerie/etude: overdue since 2027-03-31" in html
    seen = chromium.visit(page, width=1280, height=3000, script=LAYOUT)
    assert seen.problems == []
    layout = json.loads(seen.value)
    [trend] = layout["trend"]
    assert trend["w"] > 600
    assert trend["h"] > 300
    assert trend["lines"] == 2
    assert trend["longest"] > 300  # drawn across the chart, not collapsed in a corner
    assert layout["marks"]
    for mark in layout["marks"]:
        assert mark["w"] > 10
        assert mark["h"] > 5
        assert mark["colour"] == "rgb(191, 54, 12)"  # AT_RISK_COLOUR, #bf360c: 5.6:1 on white
        assert "at risk" in mark["text"]
    assert len(layout["timelineMarks"]) == 3  # pilote, generalisation, bilan
    assert all(width > 4 for width in layout["timelineMarks"])
    assert chromium.colours(seen.png) > 50


def _picture(cli: Cli, tmp_path: Path, *args: str) -> ET.Element:
    _slips(cli)
    out = tmp_path / "trend.svg"
    assert cli("trend", "--svg", out, "--as-of", "2021-06-30", *args).exit_code == 0
    return ET.fromstring(out.read_bytes())


def test_trend_axes_run_to_the_last_report_and_tell_months_apart(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    """Report dates stop at the as-of day (no empty year after it); deadlines are read by month, not only by year."""
    root = _picture(cli, tmp_path, "--lang", "fr")
    ns = "{http://www.w3.org/2000/svg}"
    [frame] = [r for r in root.iter(f"{ns}rect") if r.get("fill") == "none"]
    left, width = float(frame.get("x", 0)), float(frame.get("width", 0))
    [now] = [float(e.get("x1", 0)) for e in root.iter(f"{ns}line") if e.get("stroke-dasharray") == "3 3"]
    assert left + width * 0.9 < now <= left + width + 0.5
    texts = list(root.iter(f"{ns}text"))
    beside = [t.text or "" for t in texts if float(t.get("x", 0)) < left and t.get("text-anchor") == "end"]
    assert "12/2020" in beside  # the first deadline's month
    assert "12/2021" in beside  # the last one's
    under = [t.text or "" for t in texts if t.get("text-anchor") == "middle"]
    assert {"2020", "2021", "06", "12"} <= set(under)


def test_trend_chart_labels_are_whole_apart_and_clear_of_the_diagonal(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    """Two lines starting together once had their numbers on top of each other; the "as of" label ran
    past the right edge; the diagonal crossed its own name."""
    chromium.require()
    _slips(cli)
    for lang in ("fr", "en"):
        out = tmp_path / f"trend-{lang}.svg"
        assert cli("trend", "--svg", out, "--as-of", "2021-06-30", "--lang", lang).exit_code == 0
        seen = chromium.visit(out, width=1000, height=700, script=chromium.PICTURES)
        assert seen.problems == []
        [picture] = json.loads(seen.value)
        assert (picture["cut"], picture["over"], picture["crossed"]) == ([], [], [])
