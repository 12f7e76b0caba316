"""French to the last character: typography, days and periods inside messages, wording, labels for people.

The views are drawn from the gallery portfolio (tests/plans/gallery: every status, risk, slip and kind
of number) as of its committee's day, with the plan's own text typed in French typography too, so that
whatever the check finds is cloudplan's own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import Result

from cloudplan.base import human, translate
from tests import catalog
from tests.conftest import ROOT
from tests.typography import NNBSP, french_plan_text, problems

Cli = Callable[..., Result]
GALLERY = ROOT / "tests" / "plans" / "gallery"
DAY = "2026-12-06"


@pytest.fixture
def gallery(tmp_path: Path) -> Path:
    """The gallery's plan files in a folder of their own, their text in French typography."""
    folder = tmp_path / "work" / "plans"
    folder.mkdir(parents=True)
    for path in GALLERY.glob("*.toml"):
        (folder / path.name).write_text(french_plan_text(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def _refs(folder: Path) -> tuple[list[str], list[str], list[str]]:
    """Return the projects, milestone refs and indicator ids of the plans in *folder*."""
    import tomllib

    projects, milestones, indicators = [], [], []
    for path in sorted(folder.glob("*.toml")):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        for p in doc.get("project", []):
            projects.append(p["id"])
            milestones += [f"{p['id']}/{m['id']}" for m in p.get("milestone", [])]
        indicators += [i["id"] for i in doc.get("indicator", [])]
    return projects, milestones, indicators


# -- the check itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Erreur : x", "Erreur: x", "(33 %)", "(33%)", "vraiment ?", "« Webconf »", "«\u202fWebconf »", "échéance\n: x",
     "le 2026-12-06", "échéance 2027-Q1", "au 2e semestre (2026-H2)", "pour aide ; voir"],
)  # fmt: skip
def test_the_check_finds_what_french_typography_forbids(text: str) -> None:
    assert problems(text)


@pytest.mark.parametrize(
    "text",
    [f"Erreur{NNBSP}: x", f"(33{NNBSP}%)", f"«{NNBSP}Webconf{NNBSP}»", "18:00", "https://x.gouv.fr/a?b=c",
     "Séparateur (par défaut ',' ; ';' pour Excel)".replace(" ;", f"{NNBSP};"), "{name!r}: {why}".replace(":", ""),
     "cloudplan: aucun jalon", "plan.toml:12:5: warning due-before-dependency: x", "2025-2027", "x>=0"],
)  # fmt: skip
def test_the_check_lets_french_typography_and_code_pass(text: str) -> None:
    assert problems(text) == []


# -- the catalogue --------------------------------------------------------------------------------


def test_every_translation_is_french_typography() -> None:
    """A narrow no-break space before : ; ! ? % and inside « », in every msgstr and each plural form."""
    found = []
    for (_context, msgid, _plural), message in catalog.keys(catalog.read(catalog.PO)).items():
        strings = message.string  # type: ignore[attr-defined]
        for form in (strings,) if isinstance(strings, str) else strings:
            found += [f"{msgid[:40]!r}: {p}" for p in problems(form, iso=False)]
    assert found == [], "\n".join(found[:20])


# -- the views, at the widths people use ----------------------------------------------------------


@pytest.mark.parametrize("width", ["60", "80", "120"])
def test_french_views_pass_the_typography_check(cli: Cli, gallery: Path, width: str) -> None:
    """status, overdue, indicators, show and history, in French at 60, 80 and 120 columns: no breakable space
    before : ; ! ? %, no line starting with one, no ISO day or period in French text."""
    projects, milestones, indicators = _refs(gallery)
    runs = [["status"], ["overdue", "--within", "400"], ["overdue", "--format", "table", "--within", "400"],
            ["indicators"], ["status", "--format", "text"]]  # fmt: skip
    runs += [["show", ref] for ref in [*projects, *milestones, *indicators]]
    runs += [["history", ref] for ref in milestones]
    found = []
    for args in runs:
        result = cli(*args, gallery, "--as-of", DAY, "--lang", "fr", env={"COLUMNS": width})
        assert result.exit_code in (0, 1), (args, result.output)
        assert result.output.strip(), args
        found += [f"{' '.join(args)}: {p}" for p in problems(result.output)]
    assert found == [], "\n".join(found[:20])


def test_rich_keeps_a_narrow_no_break_space_with_its_word(cli: Cli, gallery: Path) -> None:
    """At 60 columns the title « Webconf de l'État » wraps in its cell, and never right after « or before »."""
    out = cli("show", "messagerie", gallery, "--as-of", DAY, "--lang", "fr", env={"COLUMNS": "60"}).output
    assert f"«{NNBSP}Webconf" in out
    assert not re.search(r"«\s*\n", out)
    status = cli("status", gallery, "--as-of", DAY, "--lang", "fr", env={"COLUMNS": "60"}).output
    assert f"(40{NNBSP}%)" in status


def test_french_numbers_in_tables_and_summaries(cli: Cli, gallery: Path) -> None:
    out = cli("status", gallery, "--as-of", DAY, "--lang", "fr", env={"COLUMNS": "120"}).output
    assert f"2/5 réalisés (40{NNBSP}%)" in out
    assert f"2 échéances proches, 1 non planifié{NNBSP}; 4 ⚠ à risque" in re.sub(r"[ \n]+", " ", out)
    shown = cli("show", "teletravail", gallery, "--as-of", DAY, "--lang", "fr").output
    assert f"33,5{NNBSP}%" in shown  # a number and its unit stay together
    english = cli("status", gallery, "--as-of", DAY, "--lang", "en", env={"COLUMNS": "120"}).output
    assert "2/5 done (40 %)" in english


# -- the overdue lines: for people, so French from their first word --------------------------------


def test_overdue_lines_are_french_in_french_and_json_never_changes(cli: Cli, gallery: Path, tmp_path: Path) -> None:
    fr = cli("overdue", gallery, "--within", "30", "--as-of", DAY, "--lang", "fr").output.splitlines()
    assert [line.split("  ")[0] for line in fr] == ["EN RETARD", "ÉCHÉANCE PROCHE", "ÉCHÉANCE PROCHE"]
    assert fr[0].startswith(
        f"EN RETARD  cloud-interne/vague-1  échéance 3e trimestre 2026 (30/09/2026), 67 jours de retard{NNBSP}: "
    )
    en = cli("overdue", gallery, "--within", "30", "--as-of", DAY, "--lang", "en").output.splitlines()
    assert [line.split("  ")[0] for line in en] == ["OVERDUE", "DUE-SOON", "DUE-SOON"]
    jsons = [
        cli("overdue", gallery, "--within", "30", "--as-of", DAY, "--format", "json", "--lang", lang).output
        for lang in ("fr", "en")
    ]
    assert jsons[0] == jsons[1]
    assert json.loads(jsons[0])["items"][0]["status"] == "overdue"
    # A milestone that leaves the list: LEVÉE.
    state = tmp_path / "state.json"
    cli("overdue", gallery, "--as-of", DAY, "--state", state, "--lang", "fr")
    cli("done", "cloud-interne/vague-1", "--on", DAY, "-f", gallery / "feuille-de-route.toml")
    cleared = cli("overdue", gallery, "--as-of", DAY, "--state", state, "--lang", "fr").output
    assert cleared.startswith(f"LEVÉE  cloud-interne/vague-1  réalisé le 06/12/2026, auparavant en retard{NNBSP}: ")


def test_due_today_is_said_once(cli: Cli, gallery: Path) -> None:
    out = cli("overdue", gallery, "--within", "7", "--as-of", "2026-12-13", "--lang", "fr").output
    assert "échéance semaine 50 de 2026 (13/12/2026), aujourd'hui" in out
    assert "échéance aujourd'hui" not in out


# -- days, periods and numbers inside messages ------------------------------------------------------


def _edit(cli: Cli, plan: Path, *args: str) -> Result:
    return cli(*args, "-f", plan, "--lang", "fr")


def test_edits_and_warnings_spell_days_periods_and_numbers_in_french(cli: Cli, gallery: Path) -> None:
    plan = gallery / "feuille-de-route.toml"
    done = _edit(cli, plan, "done", "poste-de-travail/homologation", "--on", "2099-02-10")
    assert "réalisé le 10/02/2099" in done.stderr
    assert re.search(r"réalisé le 10/02/2099, date postérieure à aujourd'hui \(\d\d/\d\d/\d{4}\)", done.stderr)
    measured = _edit(cli, plan, "measure", "teletravail", "22,5", "--on", DAY)
    assert f"teletravail{NNBSP}: mesure 22,5 du 06/12/2026 enregistrée" in measured.stderr
    again = _edit(cli, plan, "measure", "teletravail", "1234,56", "--on", DAY)
    assert f"vaut désormais 1{NNBSP}234,56 (au lieu de 22,5)" in again.stderr
    started = _edit(cli, plan, "set", "cloud-interne/decommissionnement", "start=2027-Q2")
    assert f"cloud-interne/decommissionnement{NNBSP}: start=2e trimestre 2027" in started.stderr
    refused = _edit(cli, plan, "set", "cloud-interne/decommissionnement", "start=2028-H2")
    assert refused.exit_code == 2
    assert "commence (2e semestre 2028) après son échéance (décembre 2027)" in refused.stderr
    past = _edit(cli, plan, "reschedule", "cloud-interne/vague-1", "2026-11-15", "--reason", "x")
    assert "la nouvelle échéance 15/11/2026 est déjà passée" in past.stderr
    for result in (done, measured, again, started, refused, past):
        assert problems(result.stderr) == [], result.stderr


def test_findings_spell_days_and_periods_in_french(cli: Cli, gallery: Path) -> None:
    plan = gallery / "feuille-de-route.toml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace('  due = "2027-12"\n', "  due = 2027-03-15\n", 1), encoding="utf-8")
    out = cli("check", gallery, "--as-of", DAY, "--lang", "fr").output
    assert (
        "cloud-interne/decommissionnement a pour échéance 15/03/2027, avant cloud-interne/vague-2 dont il dépend, "
        "d'échéance 2e trimestre 2027 (30/06/2027)"
    ) in out
    assert "2027-03-15" not in out
    assert problems(out) == []
    english = cli("check", gallery, "--as-of", DAY, "--lang", "en").output
    assert "2027-03-15" in english


def test_the_error_for_an_unreadable_date_lists_the_french_forms(cli: Cli, gallery: Path) -> None:
    result = _edit(cli, gallery / "feuille-de-route.toml", "done", "cloud-interne/vague-1", "--on", "xyz")
    assert result.exit_code == 2
    assert "aujourd'hui, hier, demain, +10j" in result.stderr
    assert "'15 mars 2021'" in result.stderr
    for english in ("today", "yesterday", "tomorrow", "March", "+10d", "also"):
        assert english not in result.stderr
    calendar = _edit(cli, gallery / "feuille-de-route.toml", "done", "cloud-interne/vague-1", "--on", "30/02/2021")
    assert f"ce jour n'existe pas au calendrier{NNBSP}: le mois 2 de 2021 compte 28 jours" in calendar.stderr
    assert "out of range" not in calendar.stderr


def test_a_timeline_error_spells_its_days_in_french(cli: Cli, gallery: Path) -> None:
    result = cli("timeline", gallery, "--from", "2028", "--to", "2027", "--lang", "fr")
    assert result.exit_code == 2
    assert "finit (31/12/2027) avant de commencer (01/01/2028)" in result.stderr


def test_a_time_of_day_is_french() -> None:
    moment = datetime(2026, 10, 20, 18, 0)
    with translate.speaking("fr"):
        assert human.time(moment) == f"18{NNBSP}h{NNBSP}00"
    assert human.time(moment) == "18:00"


def test_removal_refusals_agree_in_number(cli: Cli, gallery: Path) -> None:
    plan = gallery / "feuille-de-route.toml"
    one = _edit(cli, plan, "remove", "cloud-interne/vague-1")
    assert f"cloud-interne/vague-1 ne peut pas être supprimé{NNBSP}: cloud-interne/vague-2 en dépend" in one.stderr
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace('depends_on = ["vague-2"]', 'depends_on = ["vague-1", "vague-2"]', 1), "utf-8")
    two = _edit(cli, plan, "remove", "cloud-interne/vague-1")
    assert "cloud-interne/vague-2, cloud-interne/decommissionnement en dépendent" in two.stderr


# -- help --------------------------------------------------------------------------------------------


def test_french_help_defaults_and_required(cli: Cli) -> None:
    out = cli("notify", "--help", "--lang", "fr").output
    assert f"[par défaut{NNBSP}: 7{NNBSP}; x>=0]" in re.sub(r" *\n *", " ", out)
    assert "Obligatoire." not in out
    assert "[obligatoire]" in out
    assert f"Options{NNBSP}:" in out
    assert problems(out, iso=False) == []
    shown = cli("show", "--help", "--lang", "fr", env={"COLUMNS": "200"}).output
    assert "Afficher tout ce qui concerne un jalon, un projet ou un indicateur" in shown


def test_show_says_when_nothing_depends(cli: Cli, gallery: Path) -> None:
    out = cli("show", "messagerie/archivage", gallery, "--as-of", DAY, "--lang", "fr").output
    assert "Nécessaire à\naucun jalon" in out
    assert "rien" not in out


# -- spreadsheets: periods for people, dates that stay dates --------------------------------------


def test_french_spreadsheets_spell_periods_and_keep_dates(cli: Cli, gallery: Path, tmp_path: Path) -> None:
    import zipfile
    from xml.etree import ElementTree

    import openpyxl

    xlsx = tmp_path / "fr.xlsx"
    assert cli("export", gallery, "--as-of", DAY, "--format", "xlsx", "-o", xlsx, "--lang", "fr").exit_code == 0
    book = openpyxl.load_workbook(xlsx)
    ms = book["Jalons"]
    header = [c.value for c in ms[1]]
    rows = {r[0].value: dict(zip(header, r, strict=True)) for r in ms.iter_rows(min_row=2)}
    assert rows["cloud-interne/vague-2"]["Échéance"].value == "2e trimestre 2027"
    assert rows["poste-de-travail/deploiement"]["Échéance"].value == "2e semestre 2027"
    assert rows["cloud-interne/vague-2"]["Limite"].value == datetime(2027, 6, 30)  # a date cell still
    ind = book["Indicateurs"]
    header = [c.value for c in ind[1]]
    rows = {r[0].value: dict(zip(header, r, strict=True)) for r in ind.iter_rows(min_row=2)}
    assert rows["disponibilite-messagerie"]["Date cible"].value == "1er semestre 2026"

    ods = tmp_path / "fr.ods"
    assert cli("export", gallery, "--as-of", DAY, "--format", "ods", "-o", ods, "--lang", "fr").exit_code == 0
    content = zipfile.ZipFile(ods).read("content.xml").decode("utf-8")
    ElementTree.fromstring(content)
    assert ">2e trimestre 2027<" in content
    assert ">2e semestre 2027<" in content
    assert ">1er semestre 2026<" in content
    assert "2027-Q2" not in content

    en = tmp_path / "en.xlsx"
    assert cli("export", gallery, "--as-of", DAY, "--format", "xlsx", "-o", en, "--lang", "en").exit_code == 0
    rows = {r[0].value: r for r in openpyxl.load_workbook(en)["Milestones"].iter_rows(min_row=2)}
    assert "2027-Q2" in [c.value for c in rows["cloud-interne/vague-2"]]


def test_rich_still_reads_its_word_pattern_where_cloudplan_sets_it() -> None:
    """Rich's private `rich._wrap.re_word` is the one name of Rich that cloudplan touches (cli.common)."""
    from rich import _wrap
    from rich.console import Console
    from rich.text import Text

    from cloudplan.cli.framework import RICH_WORD, rich_keeps_no_break_spaces

    assert hasattr(_wrap, "re_word"), (
        "Rich no longer has rich._wrap.re_word: see cli.framework.rich_keeps_no_break_spaces"
    )
    rich_keeps_no_break_spaces()
    assert _wrap.re_word.pattern == RICH_WORD
    console = Console(width=19, no_color=True, highlight=False)
    with console.capture() as captured:
        console.print(Text(f"abcdefghij klmnopq{NNBSP}: rien"))
    assert not captured.get().splitlines()[1].lstrip().startswith(":"), captured.get()


def test_every_french_help_passes_the_typography_check(cli: Cli) -> None:
    """Every command's help and the list of commands, whose short help Click makes by splitting the help at every
    Unicode space (which lost the narrow no-break spaces: `jalons : en...`)."""
    from cloudplan.cli import COMMANDS

    found = []
    for args in [[], *([name] for name in COMMANDS), ["add", "project"], ["add", "milestone"], ["add", "indicator"]]:
        result = cli(*args, "--help", "--lang", "fr")
        assert result.exit_code == 0, (args, result.output)
        found += [f"{' '.join(args) or 'cloudplan'}: {p}" for p in problems(result.output, iso=False)]
    assert found == [], "\n".join(found[:20])
