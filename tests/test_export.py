"""`cloudplan export`: every format, whole outputs, parsed back and compared with the plan."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import Result

from cloudplan import store
from cloudplan.base.errors import CloudplanError
from cloudplan.export.formats import BINARY, EXPORTERS, PortfolioView, render
from cloudplan.export.records import MILESTONE_FIELDS
from tests.conftest import AS_OF, GOLDEN, ROADMAP, ROOT

Cli = Callable[..., Result]
DAY = AS_OF.isoformat()


def _roadmap_milestones() -> list[dict[str, object]]:
    """The roadmap's milestones, read the way any program would: from the TOML file."""
    import tomllib

    doc = tomllib.loads(ROADMAP.read_text(encoding="utf-8"))
    return [dict(m, project=p["id"]) for p in doc["project"] for m in p.get("milestone", [])]


def export(cli: Cli, roadmap: str, fmt: str, *args: str) -> str:
    result = cli("export", roadmap, "--as-of", DAY, "--format", fmt, *args)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")  # .stdout would turn CRLF into LF


# -- every format ------------------------------------------------------------------------------


TEXT_FORMATS = [f for f in EXPORTERS if f not in BINARY]  # xlsx and ods: tests/test_spreadsheets.py


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_every_format_of_the_roadmap_against_its_golden_file(
    cli: Cli, roadmap: str, golden: Callable[[str, str], None], fmt: str
) -> None:
    golden(f"export.{fmt}", export(cli, roadmap, fmt))


def test_no_format_lacks_an_exporter_a_golden_file_or_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    empty = PortfolioView("t", AS_OF, (), ())
    for fmt in EXPORTERS:
        assert isinstance(render(fmt, empty), bytes if fmt in BINARY else str), fmt
        assert fmt in BINARY or (GOLDEN / f"export.{fmt}").is_file(), f"no golden file for {fmt}"
        assert f"`{fmt}`" in readme, f"README does not document --format {fmt}"


def test_formats_are_case_insensitive_and_closed(cli: Cli, roadmap: str) -> None:
    assert cli("export", roadmap, "-F", "JSON").exit_code == 0
    result = cli("export", roadmap, "--format", "pdf")
    assert result.exit_code == 2
    assert "pdf" in result.stderr


def test_format_is_required(cli: Cli, roadmap: str) -> None:
    result = cli("export", roadmap)
    assert result.exit_code == 2
    assert "--format" in result.stderr


# -- parsed back ------------------------------------------------------------------------------------


def test_json_is_the_status_document(cli: Cli, roadmap: str) -> None:
    doc = json.loads(export(cli, roadmap, "json"))
    assert doc["as_of"] == DAY
    milestones = [m for p in doc["projects"] for m in p["milestones"]]
    plan = _roadmap_milestones()
    assert [m["id"] for m in milestones] == [m["id"] for m in plan]
    assert [m["title"] for m in milestones] == [m["title"] for m in plan]
    ouverture = next(m for m in milestones if m["ref"] == "cercle-2/ouverture")
    assert ouverture["due"] == "2021-Q1"
    assert ouverture["deadline"] == "2021-03-31"
    assert ouverture["status"] == "upcoming"
    assert ouverture["plan"] == "plans/cloud-etat.toml"
    assert set(ouverture) >= set(MILESTONE_FIELDS)
    assert [i["id"] for i in doc["indicators"]] == ["applications-cloud", "agents-mobilite"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_has_a_fixed_header_and_a_row_per_milestone(cli: Cli, roadmap: str, delimiter: str) -> None:
    args = () if delimiter == "," else ("--delimiter", delimiter)
    text = export(cli, roadmap, "csv", *args)
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert tuple(rows[0]) == MILESTONE_FIELDS
    plan = _roadmap_milestones()
    assert [(r["project"], r["id"], r["title"]) for r in rows] == [(m["project"], m["id"], m["title"]) for m in plan]
    due = {r["ref"]: r["due"] for r in rows}
    assert due["cercle-2/etude"] == "2019-H2"
    assert due["saas-agents/tchap"] == ""
    owners = {r["ref"]: r["owners"] for r in rows}
    assert owners["cercle-2/etude"] == "Ministère des Armées; DINSIC"


def test_ics_parses_back_to_an_all_day_event_per_scheduled_milestone(cli: Cli, roadmap: str) -> None:
    from icalendar import Calendar

    text = export(cli, roadmap, "ics")
    assert text.endswith("\r\n")
    cal = Calendar.from_ical(text)
    assert "UID" not in cal  # no random calendar UID: the same plan gives the same bytes
    events = list(cal.walk("VEVENT"))
    scheduled = [m for m in _roadmap_milestones() if "due" in m]
    assert [str(e["UID"]) for e in events] == [f"{m['project']}.{m['id']}@cloudplan" for m in scheduled]
    for event, m in zip(events, scheduled, strict=True):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date  # VALUE=DATE: all day
        assert end == start + timedelta(days=1)
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert event.decoded("DTSTAMP").date() == AS_OF
        assert str(m["title"]) in str(event["SUMMARY"])
    assert "DTSTART;VALUE=DATE:20210331" in text
    assert "DTEND;VALUE=DATE:20210401" in text


def test_ics_is_reproducible(cli: Cli, roadmap: str) -> None:
    assert export(cli, roadmap, "ics") == export(cli, roadmap, "ics")


def test_markdown_has_a_table_per_project(cli: Cli, roadmap: str) -> None:
    text = export(cli, roadmap, "markdown")
    assert text.count("| Ref | Title |") == 4
    assert "| `cercle-2/ouverture` |" in text


def test_mermaid_is_a_gantt_with_a_section_per_project(cli: Cli, roadmap: str) -> None:
    text = export(cli, roadmap, "mermaid")
    lines = text.splitlines()
    assert lines[0] == "gantt"
    assert sum(line.strip().startswith("section ") for line in lines) == 4
    tasks = [line for line in lines if ":milestone," in line]
    assert len(tasks) == len([m for m in _roadmap_milestones() if "due" in m])
    for task in tasks:
        assert re.fullmatch(
            r"    [^:;#%]+ :milestone, (?:(?:done|crit|active), )?[A-Za-z0-9_]+, \d{4}-\d\d-\d\d, 0d", task
        )
    assert any(t.startswith("    Finalisation :milestone, crit, cercle_1__finalisation, 2019-12-31") for t in tasks)


# -- options and files --------------------------------------------------------------------------------


def test_output_file_is_written_whole(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    out = tmp_path / "roadmap.ics"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o640)
    result = cli("export", roadmap, "--as-of", DAY, "-F", "ics", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert out.read_bytes() == export(cli, roadmap, "ics").encode("utf-8")
    assert out.stat().st_mode & 0o777 == 0o640  # an existing file keeps its mode
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_output_dash_is_standard_output(cli: Cli, roadmap: str) -> None:
    result = cli("export", roadmap, "--as-of", DAY, "-F", "mermaid", "-o", "-")
    assert result.stdout.startswith("gantt\n")


def test_an_unwritable_output_exits_2_and_leaves_nothing(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    result = cli("export", roadmap, "-F", "csv", "-o", tmp_path / "no" / "such" / "folder.csv")
    assert result.exit_code == 2
    assert "cannot write" in result.stderr
    assert not (tmp_path / "no").exists()


def test_an_invalid_plan_writes_nothing(cli: Cli, write_plan: Callable[..., Path], tmp_path: Path) -> None:
    plan = write_plan('[plan]\ntitle = "x"\n[[project]]\nid = "Bad Id"\ntitle = "x"\n')
    out = tmp_path / "out.json"
    result = cli("export", plan, "-F", "json", "-o", out)
    assert result.exit_code == 2
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-F", "json", "--delimiter", ";"), "csv only"),
        (("-F", "csv", "--delimiter", ";;"), "one character"),
        (("-F", "csv", "--delimiter", '"'), "one character"),
    ],
)
def test_delimiter_misuse_is_a_usage_error(cli: Cli, roadmap: str, args: tuple[str, ...], message: str) -> None:
    result = cli("export", roadmap, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_filters_apply_to_exports(cli: Cli, roadmap: str) -> None:
    text = export(cli, roadmap, "csv", "--project", "cercle-2", "--status", "upcoming")
    refs = [r["ref"] for r in csv.DictReader(io.StringIO(text))]
    assert refs == ["cercle-2/construction", "cercle-2/ouverture"]
    doc = json.loads(export(cli, roadmap, "json", "--owner", "dinsic"))
    assert doc["indicators"] == []


def test_write_atomic_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(CloudplanError, match="cannot write"):
        store.write_atomic(tmp_path, "x")


def test_write_atomic_follows_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    store.write_atomic(link, b"new")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"


def test_icalendar_is_imported_only_for_ics() -> None:
    code = (
        "import sys; from cloudplan.cli import app; from cloudplan.export.formats import PortfolioView, render;"
        "from datetime import date; s = PortfolioView('t', date(2020, 1, 1), (), ());"
        "[render(f, s) for f in ('json', 'csv', 'markdown', 'mermaid')];"
        "assert 'icalendar' not in sys.modules, 'icalendar imported';"
        "render('ics', s); assert 'icalendar' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
