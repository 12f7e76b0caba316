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


# -- on paper ----------------------------------------------------------------------------------

A4_LANDSCAPE = (841.9, 595.3)  # points


def to_pdf(files: list[Path], tmp_path: Path) -> dict[Path, Path]:
    """Print *files* to PDF with LibreOffice headless, as "Export as PDF" does; return each file's PDF.

    Files whose names differ only by their extension (plan.xlsx, plan.ods) would print to one PDF:
    each is converted under a name of its own.
    """
    soffice = require_program(("soffice", "libreoffice"), "the LibreOffice checks of the spreadsheets")
    out, named = tmp_path / "pdf", tmp_path / "to-print"
    named.mkdir(exist_ok=True)
    copies = {f: named / f"{f.stem}-{f.suffix.lstrip('.')}{f.suffix}" for f in files}
    for f, copy in copies.items():
        copy.write_bytes(f.read_bytes())
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, copies.values())],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {f: out / f"{copy.stem}.pdf" for f, copy in copies.items()}


def pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    """Return the width and height, in points, of each page of a PDF LibreOffice wrote (its page objects in
    clear, each with its /MediaBox or its parent's)."""
    import re

    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-"), pdf
    box = rb"/MediaBox\s*\[\s*(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s*\]"
    objects = re.findall(rb"\d+\s+0\s+obj(.*?)endobj", data, re.S)
    parents = [m for o in objects if re.search(rb"/Type\s*/Pages\b", o) and (m := re.search(box, o))]
    pages = []
    for o in objects:
        if re.search(rb"/Type\s*/Page(?!s)\b", o):
            m = re.search(box, o) or parents[0]
            x0, y0, x1, y1 = map(float, m.groups())
            pages.append((round(x1 - x0, 1), round(y1 - y0, 1)))
    return pages


def pdf_text(pdf: Path) -> list[str]:
    """Return the text of each page of *pdf*, laid out as on the page (poppler's pdftotext)."""
    pdftotext = require_program(("pdftotext",), "the checks of the printed spreadsheets")
    done = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout.split("\f")[:-1]


def test_xlsx_prints_landscape_one_page_wide_with_its_header_on_each_page(
    cli: Cli, roadmap: str, tmp_path: Path
) -> None:
    import openpyxl

    book = openpyxl.load_workbook(export(cli, roadmap, "xlsx", tmp_path / "r.xlsx"))
    for ws in book:
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9), ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # One page wide (absent: OOXML's default, 1), as many pages down as it takes (0).
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows == "$1:$1", ws.title  # the header row, repeated on each page
        assert ws.oddFooter.center.text == "&P / &N"


def test_ods_prints_landscape_one_page_wide_with_its_header_on_each_page(
    cli: Cli, roadmap: str, tmp_path: Path
) -> None:
    path = export(cli, roadmap, "ods", tmp_path / "r.ods")
    with zipfile.ZipFile(path) as z:
        styles, content = z.read("styles.xml").decode(), z.read("content.xml").decode()
    style = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
    root = ElementTree.fromstring(styles)
    [page] = root.iter(f"{style}page-layout-properties")
    assert page.get(f"{style}print-orientation") == "landscape"
    assert page.get(f"{style}scale-to-X") == "1"
    assert page.get("{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}page-width") == "29.7cm"
    [master] = root.iter(f"{style}master-page")
    assert master.get(f"{style}name") == "Default"
    assert content.count('style:master-page-name="Default"') == 1  # the one table style every sheet uses
    assert content.count("<table:table-header-rows>") == 5


def test_both_print_landscape_one_page_wide_in_libreoffice(
    cli: Cli, write_plan: Callable[..., Path], tmp_path: Path
) -> None:
    """Printed by LibreOffice: 120 milestones once took 18 portrait pages, columns split across pages. Now
    each sheet is A4 landscape, one page wide, its header row on top of every page."""
    plan = write_plan(_many_milestones(120))
    files = [export(cli, plan, "xlsx", tmp_path / "m.xlsx"), export(cli, plan, "ods", tmp_path / "m.ods")]
    for f, pdf in to_pdf(files, tmp_path).items():
        pages = pdf_pages(pdf)
        assert all(p == pytest.approx(A4_LANDSCAPE, abs=0.5) for p in pages), (f.name, pages)
        texts = pdf_text(pdf)
        assert len(texts) == len(pages)
        milestones = [t for t in texts if "alpha/m" in t]
        assert len(milestones) >= 2, f.name  # 120 rows need more than one page down
        for text in milestones:  # the header row repeated on top of each page, every column on the page
            lines = text.splitlines()
            top = next(i for i, line in enumerate(lines) if line.split()[:1] == ["Ref"])
            assert top < next(i for i, line in enumerate(lines) if "alpha/m" in line), f.name
            assert lines[top].split()[:3] == ["Ref", "Project", "Title"], (f.name, lines[top])
            assert "slipped" in " ".join(lines[top : top + 3]), (f.name, lines[top : top + 3])  # the last column
        assert len(milestones) <= 12, (f.name, len(milestones))  # rows as tall as their text, no more


def test_decimals_are_shown_rounded_and_numbers_have_room(
    cli: Cli, write_plan: Callable[..., Path], tmp_path: Path
) -> None:
    """An expected value (40.410959...) showed all its decimals, and long numbers ran into the next column:
    now each number shows the decimals it was written with, at most two, in a column wide enough for it."""
    import openpyxl

    plan = write_plan(DECIMALS)
    xlsx = export(cli, plan, "xlsx", tmp_path / "d.xlsx", "--as-of", "2026-12-06")
    ods = export(cli, plan, "ods", tmp_path / "d-ods.ods", "--as-of", "2026-12-06")
    book = openpyxl.load_workbook(xlsx)
    ind = book["Indicators"]
    row = dict(zip([c.value for c in ind[1]], ind[2], strict=True))
    assert row["Expected"].value == pytest.approx(40.410959, abs=1e-6)  # the cell keeps every decimal
    assert row["Expected"].number_format == "#,##0.00_)"  # and shows two
    assert row["Latest"].number_format == "#,##0.0_)"  # 2500.5: one, as written
    assert row["Baseline"].number_format == "#,##0_)"
    for ws in book:
        for column in ws.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, int | float):
                    places = cell.number_format.count("0") - 1  # "#,##0.00_)": two
                    text = f"{cell.value:,.{places}f}"
                    width = ws.column_dimensions[cell.column_letter].width
                    assert len(text) + 2 <= width, (ws.title, cell.coordinate, text, width)
    shown = _to_csv([xlsx, ods], tmp_path, as_shown=True)
    for stem in ("d", "d-ods"):
        with (shown / f"{stem}-Indicators.csv").open(encoding="utf-8", newline="") as f:
            [indicator] = list(csv.DictReader(f))
        assert indicator["Expected"].strip() == "40.41", stem
        assert indicator["Latest"].strip() == "2,500.5", stem
        assert all("###" not in path.read_text(encoding="utf-8") for path in shown.glob(f"{stem}-*.csv"))


DECIMALS = """\
[plan]
title = "Décimales"

[[project]]
id = "alpha"
title = "Alpha"

  [[project.milestone]]
  id = "one"
  title = "One"
  due = "2027-Q1"

[[indicator]]
id = "part"
title = "Part des agents"
baseline = { value = 5, on = "2024" }
target = { value = 60, by = "2027" }

  [[indicator.measure]]
  on = 2025-11-01
  value = 2500.5
"""


def _many_milestones(n: int) -> str:
    head = '[plan]\ntitle = "Beaucoup"\n\n[[project]]\nid = "alpha"\ntitle = "Alpha"\nowners = ["DINSIC"]\n'
    item = (
        '\n  [[project.milestone]]\n  id = "m{i}"\n  title = "Un jalon au titre assez long pour passer sur deux '
        'lignes, numéro {i}"\n  due = "2021-{q}"\n'
    )
    return head + "".join(item.format(i=i, q=f"Q{i % 4 + 1}") for i in range(n))


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
