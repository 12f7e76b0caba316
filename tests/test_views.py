"""The terminal views as a user sees them at 80 and 200 columns: status, its summary, indicators, timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cloudplan.core.model import Milestone, Project
from cloudplan.core.periods import parse_file_value
from cloudplan.core.status import next_deadline, project_state
from tests.conftest import AS_OF

Cli = Callable[..., Result]
DAY = AS_OF.isoformat()

LONG = """\
[plan]
title = "Messagerie"

[[project]]
id = "messagerie"
title = "Messagerie collaborative interministérielle"
owners = ["DINUM"]

  [[project.milestone]]
  id = "generalisation"
  title = "Généraliser la messagerie collaborative à l'ensemble des agents des ministères et des opérateurs de l'État"
  due = "2021-Q2"

  [[project.milestone]]
  id = "pilote"
  title = "Pilote"
  due = "2020-Q1"
  done = 2020-03-02

[[indicator]]
id = "applications-cloud"
title = "Applications hébergées en mode cloud"
unit = "applications"
baseline = { value = 60, on = "2018" }
target = { value = 200, by = "2022" }

  [[indicator.measure]]
  on = 2020-12-31
  value = 140
"""


def run(cli: Cli, columns: int, *args: object) -> list[str]:
    result = cli(*args, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns
    return lines


# -- the next deadline ------------------------------------------------------------------------


def ms(mid: str, due: str | None, **kw: object) -> Milestone:
    return Milestone(
        project="p", id=mid, title=mid.title(), key=("project", 0, "milestone", 0), source="p.toml",
        due=None if due is None else parse_file_value(due), **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_next_deadline_is_the_earliest_open_one_overdue_included() -> None:
    project = Project(
        "p", "P", ("project", 0), "p.toml",
        milestones=(
            ms("later", "2021"), ms("late", "2019-H2"), ms("finished", "2019-Q1", done=date(2019, 3, 1)),
            ms("undated", None), ms("also-late", "2019-12"),
        ),
    )  # fmt: skip
    nxt = next_deadline(project_state(project, AS_OF, 30))
    assert nxt is not None
    assert nxt.milestone.id == "late"  # overdue, still owed; the first in the plan among equal deadlines
    done = project_state(
        Project("p", "P", ("project", 0), "p.toml", milestones=(ms("x", "2019", done=AS_OF),)), AS_OF, 30
    )
    assert next_deadline(done) is None


@pytest.mark.parametrize("columns", [80, 200])
def test_summary_gives_the_overdue_deadline_as_the_next(cli: Cli, roadmap: str, columns: int) -> None:
    lines = run(cli, columns, "status", "--summary", roadmap, "--as-of", DAY)
    row = next(line for line in lines if line.startswith("cercle-2"))
    assert row.endswith("2019-12-31 etude")
    today = run(cli, columns, "status", "--summary", roadmap)  # years later: still the first deadline owed
    assert next(line for line in today if line.startswith("cercle-2")).endswith("2019-12-31 etude")


# -- tables that use the width they have ------------------------------------------------------


def test_status_at_80_columns_keeps_refs_whole_and_titles_short(cli: Cli, write_plan: Callable[..., Path]) -> None:
    lines = run(cli, 80, "status", write_plan(LONG), "--as-of", DAY)
    assert any(line.startswith("messagerie/generalisation  2021-Q2  2021-06-30  upcoming") for line in lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("messagerie/generalisation"))
    title = lines[start + 1 : next(i for i in range(start + 1, len(lines)) if lines[i].startswith("messagerie/"))]
    assert len(title) == 2  # 111 characters, across the width, not five lines of a narrow column
    assert " ".join(t.strip() for t in title).startswith("Généraliser la messagerie collaborative")


def test_status_at_200_columns_puts_titles_beside_refs(cli: Cli, roadmap: str) -> None:
    lines = run(cli, 200, "status", roadmap, "--as-of", DAY)
    header = next(line for line in lines if line.startswith("Ref"))
    assert header.split() == ["Ref", "Title", "Owners", "Due", "Deadline", "Status", "Days"]
    row = next(line for line in lines if line.startswith("cercle-2/etude"))
    assert "Réaliser une étude technico-économique" in row
    assert "2019-12-31  overdue" in row


def test_summary_at_200_columns_is_one_line_a_project_without_padding(cli: Cli, roadmap: str) -> None:
    lines = run(cli, 200, "status", "--summary", roadmap, "--as-of", DAY)
    rows = [line for line in lines if line.split()[0] in ("cercle-1", "cercle-2", "saas-agents", "cloud-souverain")]
    assert len(rows) == 4
    assert "Cloud dédié à l'État (cercle 2)" in rows[1]  # the title beside its id, not on a line of its own
    header = next(line for line in lines if line.startswith("Project"))
    assert header.index("Title") == len("cloud-souverain  ")  # no column padded out to fill the terminal
    assert max(len(line) for line in lines) < 150


def test_summary_at_80_columns_puts_the_title_under_its_row(cli: Cli, roadmap: str) -> None:
    lines = run(cli, 80, "status", "--summary", roadmap, "--as-of", DAY)
    i = next(n for n, line in enumerate(lines) if line.startswith("saas-agents"))
    assert lines[i + 1] == "  Outils et applications SaaS de nouvelle génération pour les agents"


def test_indicators_at_200_columns_is_one_line_an_indicator(cli: Cli, roadmap: str) -> None:
    lines = run(cli, 200, "indicators", roadmap, "--as-of", DAY)
    row = next(line for line in lines if line.startswith("applications-cloud"))
    assert "Applications hébergées en mode cloud (applications)" in row
    assert "60 (2018)" in row
    header = next(line for line in lines if line.startswith("Indicator "))
    assert header.index("Title") == len("applications-cloud  ")


def test_indicators_show_what_the_status_is_judged_against(
    cli: Cli, write_plan: Callable[..., Path], golden: Callable[[str, str], None]
) -> None:
    # As of 2021-12-31 the line expects 165; the status judges the latest measure, 140 on
    # 2020-12-31, against the line on that day, 130: on track. The table shows 130.
    plan = write_plan(LONG)
    for columns in (80, 200):
        lines = run(cli, columns, "indicators", plan, "--as-of", "2021-12-31")
        golden(f"indicators-{columns}.txt", "\n".join(lines) + "\n")
        text = "\n".join(lines)
        assert "on-track" in text
        assert "165" not in text
        assert "judged against" in text
    wide = next(line for line in run(cli, 200, "indicators", plan, "--as-of", "2021-12-31") if line[:4] == "appl")
    assert wide.split()[-6:-3] == ["(2020-12-31)", "130", "█████▊░░░░"]


@pytest.mark.parametrize("columns", [80, 200])
def test_summary_golden(cli: Cli, roadmap: str, columns: int, golden: Callable[[str, str], None]) -> None:
    lines = run(cli, columns, "status", "--summary", roadmap, "--as-of", DAY)
    golden(f"summary-{columns}.txt", "\n".join(lines) + "\n")


# -- the timeline's axis ----------------------------------------------------------------------


def test_timeline_axis_fits_the_milestones_not_today(cli: Cli, roadmap: str) -> None:
    lines = run(cli, 80, "timeline", roadmap)  # today, years after the last deadline
    assert "2019-Q1 to 2021-Q1" in lines[0]
    assert "2026" not in lines[2]
    assert "as of" not in lines[-1]  # no as-of line to explain: the day lies beyond the axis


@pytest.mark.parametrize("columns", [59, 40, 24])
def test_timeline_in_a_narrow_terminal_still_draws(cli: Cli, roadmap: str, columns: int) -> None:
    lines = run(cli, columns, "timeline", roadmap, "--as-of", DAY)
    assert any("2019" in line for line in lines[:6])
    assert any("!" in line for line in lines)  # the overdue marks


def test_timeline_by_month_labels_months_readably(cli: Cli, roadmap: str) -> None:
    lines = run(cli, 80, "timeline", roadmap, "--as-of", DAY, "--scale", "month")
    months = lines[3].split()
    assert months[:4] == ["01", "04", "07", "10"]  # every third month where all twelve would run together
    assert "0102" not in lines[3]
    wide = run(cli, 120, "timeline", roadmap, "--as-of", DAY, "--scale", "month")
    assert wide[3].split()[:12] == [f"{m:02d}" for m in range(1, 13)]
