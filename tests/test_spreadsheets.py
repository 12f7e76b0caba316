"""`export --format xlsx|ods`: read back with independent readers, and converted by LibreOffice."""

from __future__ import annotations

import csv
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import Result

from tests.conftest import AS_OF, require_program

Cli = Callable[..., Result]
DAY = AS_OF.isoformat()
SHEETS = ["Projects", "Milestones", "Slips", "Indicators", "Measures"]

HOSTILE = """\
[plan]
title = "Hostile"

[[project]]
id = "alpha"
title = "=HYPERLINK(\\"http://evil.example\\",\\"click\\")"
owners = ["@SUM(1+1)", "+33 1 23"]

  [[project.milestone]]
  id = "one"
  title = "-2+3 \\u001b[31m red & <b>bold</b>"
  due = "2020-Q1"
  done = 2020-02-15

    [[project.milestone.slip]]
    from = "2019-Q4"
    to = "2020-Q1"
    on = 2019-12-01
    reason = "=1+1"

[[indicator]]
id = "apps"
title = "Apps"
unit = "%"
project = "alpha"
baseline = { value = 60, on = "2018" }
target = { value = 200, by = "2022" }

  [[indicator.measure]]
  on = 2020-06-30
  value = 110.5
  note = "=cmd|' /C calc'!A0"
"""

NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def export(cli: Cli, plan: str | Path, fmt: str, out: Path, *args: str) -> Path:
    result = cli("export", plan, "--as-of", DAY, "--format", fmt, "-o", out, *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    return out


# -- xlsx, read back with openpyxl -------------------------------------------------------------


def test_xlsx_has_five_typed_sheets(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(export(cli, roadmap, "xlsx", tmp_path / "r.xlsx"))
    assert book.sheetnames == SHEETS
    for ws in book:
        assert ws.freeze_panes == "A2", ws.title
        assert str(ws.auto_filter.ref).startswith("A1:"), ws.title
        assert all(ws.column_dimensions[c].width >= 6 for c in "ABC")
        assert ws["A1"].font.b
    ms = book["Milestones"]
    header = [c.value for c in ms[1]]
    assert header[:3] == ["Ref", "Project", "Title"]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in ms.iter_rows(min_row=2, values_only=True)}
    etude = rows["cercle-2/etude"]
    assert etude["Deadline"] == datetime(2019, 12, 31)  # a real date cell, not text
    assert etude["Due"] == "2019-H2"
    assert etude["Status"] == "overdue"
    assert etude["Days left"] == -182
    assert etude["Owners"] == "Ministère des Armées; DINSIC"
    assert len(rows) == 15
    status = next(c for c in ms["J"][1:] if c.value == "overdue")
    assert status.fill.fgColor.rgb.upper().endswith("C62828")  # coloured as the report colours it
    ind = book["Indicators"]
    first = [c.value for c in ind[2]]
    assert first[:2] == ["applications-cloud", "Applications hébergées en mode cloud"]
    assert first[4] == 60
    assert first[6] == 200
    assert ms.column_dimensions["C"].width > ms.column_dimensions["B"].width  # titles get room


def test_xlsx_text_from_the_plan_stays_text(cli: Cli, write_plan: Callable[..., Path], tmp_path: Path) -> None:
    import openpyxl

    plan = write_plan(HOSTILE)
    book = openpyxl.load_workbook(export(cli, plan, "xlsx", tmp_path / "h.xlsx"))
    title = book["Projects"]["B2"]
    assert title.data_type == "s"  # a string cell: openpyxl reads a formula as "f"
    assert title.value == '=HYPERLINK("http://evil.example","click")'
    assert book["Projects"]["C2"].value == "@SUM(1+1); +33 1 23"
    milestone = book["Milestones"]["C2"]
    assert milestone.data_type == "s"
    assert milestone.value == "-2+3 \u241b[31m red & <b>bold</b>"  # ESC shown, not obeyed
    assert book["Slips"]["F2"].data_type == "s"
    assert book["Slips"]["F2"].value == "=1+1"
    assert book["Measures"]["D2"].value == "=cmd|' /C calc'!A0"
    assert book["Measures"]["C2"].value == 110.5
    with zipfile.ZipFile(tmp_path / "h.xlsx") as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s for s in sheets)  # no formula anywhere


def test_xlsx_is_reproducible(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    a = export(cli, roadmap, "xlsx", tmp_path / "a.xlsx").read_bytes()
    b = export(cli, roadmap, "xlsx", tmp_path / "b.xlsx").read_bytes()
    assert a == b


# -- ods, read back with the standard library ---------------------------------------------------


def _ods_tables(path: Path) -> dict[str, list[list[ElementTree.Element]]]:
    with zipfile.ZipFile(path) as z:
        assert z.namelist()[0] == "mimetype"
        assert z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        root = ElementTree.fromstring(z.read("content.xml"))
        ElementTree.fromstring(z.read("settings.xml"))
        ElementTree.fromstring(z.read("styles.xml"))
        ElementTree.fromstring(z.read("META-INF/manifest.xml"))
    tables = {}
    for t in root.iter(f"{{{NS['table']}}}table"):
        rows = [list(r.iter(f"{{{NS['table']}}}table-cell")) for r in t.iter(f"{{{NS['table']}}}table-row")]
        tables[t.get(f"{{{NS['table']}}}name", "")] = rows
    return tables


def _value(cell: ElementTree.Element) -> tuple[str | None, str]:
    kind = cell.get(f"{{{NS['office']}}}value-type")
    text = "".join(cell.itertext())
    if kind == "date":
        return kind, cell.get(f"{{{NS['office']}}}date-value", "")
    if kind in ("float", "percentage"):
        return kind, cell.get(f"{{{NS['office']}}}value", "")
    return kind, text


def test_ods_has_five_typed_sheets(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    path = export(cli, roadmap, "ods", tmp_path / "r.ods")
    tables = _ods_tables(path)
    assert list(tables) == SHEETS
    ms = tables["Milestones"]
    header = ["".join(c.itertext()) for c in ms[0]]
    rows = {"".join(r[0].itertext()): dict(zip(header, map(_value, r), strict=True)) for r in ms[1:]}
    assert len(rows) == 15
    etude = rows["cercle-2/etude"]
    assert etude["Deadline"] == ("date", "2019-12-31")
    assert etude["Days left"] == ("float", "-182")
    assert etude["Status"] == ("string", "overdue")
    assert etude["Owners"] == ("string", "Ministère des Armées; DINSIC")
    content = zipfile.ZipFile(path).read("content.xml").decode()
    assert 'table:display-filter-buttons="true"' in content
    assert 'table:style-name="s-overdue"' in content
    settings = zipfile.ZipFile(path).read("settings.xml").decode()
    assert settings.count('config:name="VerticalSplitPosition" config:type="int">1<') == 5


def test_ods_text_from_the_plan_stays_text(cli: Cli, write_plan: Callable[..., Path], tmp_path: Path) -> None:
    tables = _ods_tables(export(cli, write_plan(HOSTILE), "ods", tmp_path / "h.ods"))
    assert _value(tables["Projects"][1][1]) == ("string", '=HYPERLINK("http://evil.example","click")')
    assert _value(tables["Milestones"][1][2]) == ("string", "-2+3 \u241b[31m red & <b>bold</b>")
    assert _value(tables["Measures"][1][1]) == ("date", "2020-06-30")
    assert _value(tables["Measures"][1][2]) == ("float", "110.5")
    content = zipfile.ZipFile(tmp_path / "h.ods").read("content.xml").decode()
    assert "table:formula" not in content


# -- both through LibreOffice ------------------------------------------------------------------


def _to_csv(files: list[Path], tmp_path: Path, as_shown: bool) -> Path:
    """Convert every sheet of *files* to CSV with LibreOffice headless; return the folder of the CSV files."""
    soffice = require_program(("soffice", "libreoffice"), "the LibreOffice checks of the spreadsheets")
    out = tmp_path / "csv"
    # UTF-8, every sheet to its own file (-1); cells as shown, or numbers and dates as stored.
    shown = "true" if as_shown else "false"
    csv_filter = f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,{shown},false,false,-1"
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", csv_filter,
         "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def test_libreoffice_reads_the_numbers_and_dates_of_both(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    files = [export(cli, roadmap, "xlsx", tmp_path / "x.xlsx"), export(cli, roadmap, "ods", tmp_path / "o.ods")]
    out = _to_csv(files, tmp_path, as_shown=False)
    for stem in ("x", "o"):
        sheets = {}
        for name in SHEETS:
            with (out / f"{stem}-{name}.csv").open(encoding="utf-8", newline="") as f:
                sheets[name] = list(csv.DictReader(f))
        ms = {r["Ref"]: r for r in sheets["Milestones"]}
        assert len(ms) == 15, stem
        assert ms["cercle-2/etude"]["Deadline"] == "2019-12-31", stem
        assert ms["cercle-2/etude"]["Days left"] == "-182", stem
        assert ms["cercle-2/ouverture"]["Deadline"] == "2021-03-31", stem
        assert ms["cercle-2/etude"]["Title"] == "Réaliser une étude technico-économique", stem
        ind = {r["Id"]: r for r in sheets["Indicators"]}
        assert ind["applications-cloud"]["Baseline"] == "60", stem
        assert ind["applications-cloud"]["Target"] == "200", stem
        assert float(ind["applications-cloud"]["Expected"]) == pytest.approx(112.4, abs=0.1), stem
        projects = {r["Id"]: r for r in sheets["Projects"]}
        assert projects["cercle-2"]["Milestones"] == "3", stem


def test_french_statuses_and_dates_in_both(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    """For people, in their language: `en retard`, 31/12/2019; coloured by the status all the same."""
    import openpyxl

    xlsx = export(cli, roadmap, "xlsx", tmp_path / "fr.xlsx", "--lang", "fr")
    ms = openpyxl.load_workbook(xlsx)["Jalons"]
    header = [c.value for c in ms[1]]
    rows = {r[0].value: dict(zip(header, r, strict=True)) for r in ms.iter_rows(min_row=2)}
    etude = rows["cercle-2/etude"]
    assert etude["Statut"].value == "en retard"
    assert etude["Statut"].fill.fgColor.rgb.upper().endswith("C62828")
    assert etude["Limite"].value == datetime(2019, 12, 31)  # still a date cell
    assert etude["Limite"].number_format == "dd/mm/yyyy"
    assert etude["Échéance"].value == "2e semestre 2019"  # a period in French (2019-H2 in the plan)
    assert ms.column_dimensions["J"].width >= len("non planifié")

    ods = export(cli, roadmap, "ods", tmp_path / "fr.ods", "--lang", "fr")
    tables = _ods_tables(ods)
    names = ["".join(c.itertext()) for c in tables["Jalons"][0]]
    cells = {"".join(r[0].itertext()): dict(zip(names, r, strict=True)) for r in tables["Jalons"][1:]}
    status, deadline = cells["cercle-2/etude"]["Statut"], cells["cercle-2/etude"]["Limite"]
    assert "".join(status.itertext()) == "en retard"
    assert status.get(f"{{{NS['table']}}}style-name") == "s-overdue"
    assert _value(deadline) == ("date", "2019-12-31")
    assert "".join(deadline.itertext()) == "31/12/2019"
    styles = zipfile.ZipFile(ods).read("content.xml").decode()
    assert (
        '<number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/>'
        '<number:text>/</number:text><number:year number:style="long"/>'
    ) in styles


def test_libreoffice_shows_french_statuses_and_dates(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    files = [export(cli, roadmap, f, tmp_path / f"fr-{f}.{f}", "--lang", "fr") for f in ("xlsx", "ods")]
    out = _to_csv(files, tmp_path, as_shown=True)
    for stem in ("fr-xlsx", "fr-ods"):
        with (out / f"{stem}-Jalons.csv").open(encoding="utf-8", newline="") as f:
            ms = {r["Réf."]: r for r in csv.DictReader(f)}
        assert ms["cercle-2/etude"]["Statut"] == "en retard", stem
        assert ms["cercle-2/etude"]["Limite"] == "31/12/2019", stem
        assert ms["cercle-2/ouverture"]["Limite"] == "31/03/2021", stem


# -- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("output", [None, "-"])
def test_binary_formats_need_a_file(cli: Cli, roadmap: str, fmt: str, output: str | None) -> None:
    args = ("-o", output) if output else ()
    result = cli("export", roadmap, "--format", fmt, *args)
    assert result.exit_code == 2
    assert "binary file" in result.stderr
    assert "-o FILE" in result.stderr
    assert result.stdout == ""


def test_csv_bom(cli: Cli, roadmap: str, tmp_path: Path) -> None:
    plain = cli("export", roadmap, "--as-of", DAY, "-F", "csv").stdout_bytes
    result = cli("export", roadmap, "--as-of", DAY, "-F", "csv", "--bom", "--delimiter", ";")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfref;project;")
    assert plain.startswith(b"ref,")
    out = tmp_path / "bom.csv"
    assert cli("export", roadmap, "-F", "csv", "--bom", "-o", out).exit_code == 0
    assert out.read_bytes()[:3] == b"\xef\xbb\xbf"
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["ref"] == "cercle-1/industrialisation-offres"
    misuse = cli("export", roadmap, "-F", "json", "--bom")
    assert misuse.exit_code == 2
    assert "csv only" in misuse.stderr


def test_spreadsheet_libraries_are_imported_only_for_their_format() -> None:
    code = (
        "import sys; from cloudplan.cli import app; from cloudplan.export.formats import PortfolioView, render;"
        "from datetime import date; s = PortfolioView('t', date(2020, 1, 1), (), ());"
        "[render(f, s) for f in ('json', 'csv', 'markdown', 'mermaid', 'ods')];"
        "assert 'xlsxwriter' not in sys.modules, 'xlsxwriter imported';"
        "render('xlsx', s); assert 'xlsxwriter' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_overdue_imports_no_spreadsheet_or_git_code(roadmap: str, tmp_path: Path) -> None:
    """The cron path: `python -X importtime` lists every module `overdue` imports."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cloudplan", "overdue", "--as-of", DAY, roadmap],
        capture_output=True, text=True, check=False, cwd=Path.cwd(),
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "cloudplan.core.status" in imported  # the listing is real
    for module in ("xlsxwriter", "cloudplan.export.xlsx", "cloudplan.export.ods", "cloudplan.export.sheets",
                   "zipfile", "cloudplan.core.changes", "cloudplan.store.revisions"):  # fmt: skip
        assert module not in imported, module


def test_empty_snapshot_gives_valid_files() -> None:
    import io

    import openpyxl

    from cloudplan.export.formats import PortfolioView, render

    empty = PortfolioView("t", date(2020, 1, 1), (), ())
    book = openpyxl.load_workbook(io.BytesIO(render("xlsx", empty)))  # type: ignore[arg-type]
    assert book.sheetnames == SHEETS
    data = render("ods", empty)
    assert isinstance(data, bytes)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        ElementTree.fromstring(z.read("content.xml"))
