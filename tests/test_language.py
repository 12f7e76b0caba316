"""French and English: how a run picks its language, the catalogue, what changes and what never does."""

from __future__ import annotations

import io
import os
import re
import string
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cloudplan import language
from cloudplan.base import human, translate
from cloudplan.core import periods
from cloudplan.words import statuses
from tests import catalog
from tests.conftest import ROADMAP, ROOT, require_program

AS_OF = "2020-06-30"
Cli = Callable[..., Result]


# -- deciding the language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("fr", "fr"), ("fr_FR.UTF-8", "fr"), ("fr-CA", "fr"), ("fr_BE@euro", "fr"), ("en_GB.UTF-8", "en"),
     ("de_DE.UTF-8", "en"), ("C", None), ("POSIX", None), ("C.UTF-8", None), ("", None)],
)  # fmt: skip
def test_locale_names_map_to_the_two_languages(tag: str, expected: str | None) -> None:
    assert language.from_tag(tag) == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, None),
        ({"LANG": "C"}, None),
        ({"LANG": "C.UTF-8", "LC_ALL": "POSIX"}, None),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "fr_FR.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "fr"),
        ({"LANGUAGE": "de:fr", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LANGUAGE": "de", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANGUAGE": "", "LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "fr"),
        ({"CLOUDPLAN_LANG": "en", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"CLOUDPLAN_LANG": "fr", "LC_ALL": "en_US.UTF-8"}, "fr"),
    ],
)
def test_the_environment_decides_in_order(env: dict[str, str], expected: str | None) -> None:
    assert language.from_environment(env) == expected


def test_lang_is_taken_off_the_command_line_anywhere_before_a_double_dash() -> None:
    assert language.split_option(["--lang", "fr", "status"]) == (["status"], "fr")
    assert language.split_option(["status", "plans", "--lang=EN"]) == (["status", "plans"], "en")
    assert language.split_option(["measure", "x", "--", "--lang", "fr"]) == (
        ["measure", "x", "--", "--lang", "fr"],
        None,
    )
    for bad in (["--lang"], ["--lang", "de"], ["--lang="]):
        with pytest.raises(language.BadLanguage):
            language.split_option(bad)


def test_the_plan_decides_when_nothing_else_does(write_plan: Callable[..., Path], tmp_path: Path) -> None:
    write_plan('[plan]\ntitle = "P"\nlanguage = "fr"\n', name="plans/a.toml")
    work = tmp_path / "work"
    assert language.decide(["status"], {}, work) == (["status"], "fr")
    assert language.decide(["status"], {"LANG": "C"}, work)[1] == "fr"
    assert language.decide(["status"], {"LANG": "en_US.UTF-8"}, work)[1] == "en"
    assert language.decide(["status", "--lang", "en"], {}, work)[1] == "en"
    # Named on the command line, or through $CLOUDPLAN_PLAN, rather than found.
    other = write_plan('[plan]\ntitle = "Q"\nlanguage = "en"\n', name="elsewhere/b.toml")
    assert language.decide(["status", str(other)], {}, work / "plans")[1] == "en"
    assert language.decide(["done", "x/y", "-f", str(other)], {}, work)[1] == "en"
    assert language.decide(["status"], {"CLOUDPLAN_PLAN": str(other)}, work)[1] == "en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[plan]\ntitle = "P"\nlanguage = "fr"\n', "fr"),
        ("# c\n[plan]  # the plan\ntitle = 'P'\n  language = 'en'  # anglais\n", "en"),
        ('[plan]\ntitle = "P"\n[[project]]\nlanguage = "fr"\n', None),  # not in [plan]
        ('[plan]\ntitle = "P"\nlanguage = "de"\n', None),
        ('title = "P"\n', None),
    ],
)
def test_the_peek_reads_only_the_plan_table(tmp_path: Path, text: str, expected: str | None) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    assert language.peek(path) == expected


def test_a_plan_table_far_down_a_large_file_is_still_found(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("# x\n" * 40_000 + '[plan]\ntitle = "P"\n' + "# y\n" * 40_000 + 'language = "fr"\n')
    assert language.peek(path) == "fr"


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "src"), "CLOUDPLAN_NO_CACHE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "cloudplan", *args], env={**base, **env}, cwd=cwd, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("env", "args", "french"),
    [
        ({}, [], True),  # cron: an empty environment speaks the plan's language
        ({"LANG": "C"}, [], True),
        ({"LANG": "C.UTF-8", "LANGUAGE": ""}, [], True),
        ({"LANG": "en_US.UTF-8"}, [], False),
        ({"LANG": "fr_FR.UTF-8"}, ["--lang", "en"], False),
        ({"CLOUDPLAN_LANG": "en"}, [], False),
    ],
)
def test_the_real_command_speaks_the_decided_language(
    roadmap: str, tmp_path: Path, env: dict[str, str], args: list[str], french: bool
) -> None:
    done = _run(["overdue", "--as-of", AS_OF, *args], env, tmp_path / "work")
    assert done.returncode == 1, done.stderr
    assert ("jours de retard" in done.stdout) is french
    assert ("days late" in done.stdout) is not french


def test_locale_french_over_an_english_plan(write_plan: Callable[..., Path], tmp_path: Path) -> None:
    write_plan('[plan]\ntitle = "P"\nlanguage = "en"\n\n[[project]]\nid = "a"\ntitle = "A"\n', name="plans/a.toml")
    done = _run(["status", "--as-of", AS_OF], {"LANG": "fr_FR.UTF-8"}, tmp_path / "work")
    assert "Feuille de route au 30/06/2020" in done.stdout, done.stderr


def test_a_bad_lang_is_a_usage_error(tmp_path: Path) -> None:
    done = _run(["status", "--lang", "de"], {}, tmp_path)
    assert done.returncode == 2
    assert "fr and en" in done.stderr


def test_click_and_typer_speak_french_too(cli: Cli, roadmap: str) -> None:
    result = cli("overdue", roadmap, "--nope", "--lang", "fr")
    assert result.exit_code == 2
    assert "Utilisation\u202f: " in result.output
    assert "Erreur\u202f: Option inconnue\u202f: --nope" in result.output
    assert "Pour l'aide" in result.output
    missing = cli("done", "--lang", "fr")
    assert "Argument manquant\u202f: 'REF'." in missing.output or "Argument manquant\u202f: 'RÉF'." in missing.output
    bad = cli("overdue", roadmap, "--within", "x", "--lang", "fr")
    assert "Valeur incorrecte pour '--within'\u202f: 'x' n'est pas un nombre entier." in bad.output
    helped = cli("overdue", "--help", "--lang", "fr")
    assert "Afficher cette aide et quitter." in helped.output
    assert "Options\u202f:" in helped.output  # the same word in French, with French punctuation
    assert "[par défaut\u202f: text]" in helped.output


def test_english_stays_as_it_was(cli: Cli, roadmap: str) -> None:
    result = cli("overdue", roadmap, "--nope")
    assert "Usage: " in result.output
    assert "Error: No such option: --nope (Possible options: --owner)" in result.output


# -- the catalogue ---------------------------------------------------------------------------


def _fields(text: str) -> set[str]:
    return {f for _t, f, _s, _c in string.Formatter().parse(text) if f is not None}


def _forms(message: object) -> tuple[str, ...]:
    strings = message.string  # type: ignore[attr-defined]
    return (strings,) if isinstance(strings, str) else tuple(strings)


def test_every_message_has_a_french_translation() -> None:
    """A new English message without French fails here: run `python -m tests.catalog` and translate it."""
    po = catalog.keys(catalog.read(catalog.PO))
    template = catalog.keys(catalog.read(catalog.POT))
    missing = [k for k in template if k not in po or not all(_forms(po[k]))]
    fuzzy = [k for k in template if k in po and po[k].fuzzy]  # type: ignore[attr-defined]
    assert not missing, f"no French for: {missing[:5]}"
    assert not fuzzy, f"fuzzy French for: {fuzzy[:5]}"
    assert set(po) == set(template), "the .po holds messages the code no longer says: run `python -m tests.catalog`"


def test_translations_keep_their_placeholders_and_plural_forms() -> None:
    po = catalog.read(catalog.PO)
    assert po.plural_forms == "nplurals=2; plural=n > 1;"  # type: ignore[attr-defined]
    for (_context, msgid, plural), m in catalog.keys(po).items():
        for form in _forms(m):
            assert _fields(form) == _fields(msgid), (msgid, form)
        assert len(_forms(m)) == (1 if plural is None else 2), msgid


def test_the_header_names_the_translator_the_team_and_the_revision() -> None:
    header = dict(catalog.read(catalog.PO).mime_headers)  # type: ignore[attr-defined]
    assert header["Language"] == "fr"
    for field in ("Last-Translator", "Language-Team", "PO-Revision-Date"):
        assert field in header
        assert not re.search(r"FULL NAME|EMAIL@ADDRESS|YEAR-MO-DA|LL@li\.org", header[field]), (field, header[field])


def test_the_template_is_up_to_date() -> None:
    """The .pot is what `pybabel extract -F babel.cfg` finds today (contexts and plurals included)."""
    found = set(catalog.extracted())
    template = set(catalog.keys(catalog.read(catalog.POT)))
    assert found == template, (sorted(found - template, key=str)[:5], sorted(template - found, key=str)[:5])


def test_the_extractor_finds_every_message_of_the_code() -> None:
    """Each literal given to the gate (an AST walk, f-strings included) is in what pybabel extracts.

    Babel's Python extractor does not look inside f-strings (before Python 3.12): a `_()` there
    would be shown to people and never translated. Hoist it out of the f-string.
    """
    found = catalog.extracted()
    missing = [m for m in catalog.code_messages() if m.key not in found]
    assert not missing, missing[:5]


def test_the_extractor_finds_the_help_the_command_line_shows() -> None:
    """Every help text and metavar of the app (docstrings included) is a message of the template, word for word.

    Help is translated when a command is built: a text filled in before (`.format()` at import) would be looked
    up filled in, and stay English when the module was first imported in English.
    """
    ids = {msgid for _c, msgid, _p in catalog.extracted()}
    missing = [m for m in catalog.help_messages() if m.msgid not in ids]
    assert not missing, missing[:5]


def test_french_plurals_make_zero_and_one_singular() -> None:
    language.install("fr")
    assert [translate.ngettext("{n} day late", "{n} days late", n).format(n=n) for n in (0, 1, 2)] == [
        "0 jour de retard", "1 jour de retard", "2 jours de retard"
    ]  # fmt: skip
    language.install("en")
    assert translate.ngettext("{n} day late", "{n} days late", 0).format(n=0) == "0 days late"


def test_one_english_word_meaning_two_things_has_two_translations() -> None:
    """msgctxt: the Projects sheet counts done milestones, the Milestones sheet gives the day each was done."""
    language.install("fr")
    try:
        assert translate.pgettext("count", "Done") == "Réalisés"
        assert translate.pgettext("day", "Done") == "Réalisé le"
        assert translate.npgettext("milestones", "{n} overdue", "{n} overdue", 2) == "{n} en retard"
    finally:
        language.install("en")
    assert translate.pgettext("count", "Done") == "Done"
    assert translate.npgettext("milestones", "{n} overdue", "{n} overdue", 1) == "{n} overdue"


def test_gnu_msgfmt_checks_and_compiles_the_catalogue(tmp_path: Path) -> None:
    """Debian's msgfmt --check (formats, header, plural forms, no message defined twice) accepts the .po, and
    its .mo says the same as Babel's, which the build ships."""
    import gettext

    msgfmt = require_program(("msgfmt",), "GNU gettext's checks of the catalogue")
    done = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", str(tmp_path / "gnu.mo"), str(catalog.PO)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "translated message" in done.stderr
    assert "untranslated" not in done.stderr
    assert "fuzzy" not in done.stderr
    with open(tmp_path / "gnu.mo", "rb") as f:
        gnu = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    ours = gettext.GNUTranslations(io.BytesIO(language.compile_po(catalog.PO)))._catalog  # type: ignore[attr-defined]
    del gnu[""], ours[""]  # the headers: msgfmt leaves POT-Creation-Date out
    assert gnu == ours
    assert len(ours) > 500


@pytest.mark.parametrize(
    "content", [b"", b"\xde\x12\x04\x95\x00\x00", "truncated", None], ids=["empty", "six bytes", "half", "missing"]
)
def test_an_unreadable_catalogue_speaks_english_with_one_warning(tmp_path: Path, content: bytes | str | None) -> None:
    """An empty, truncated or missing .mo (a broken install): English, one warning on stderr, never a traceback.

    English through and through: days and periods too, not French inside English sentences.
    """
    import shutil

    site = tmp_path / "site"
    shutil.copytree(
        ROOT / "src" / "cloudplan", site / "cloudplan", ignore=shutil.ignore_patterns("__pycache__", "*.mo")
    )
    locale = site / "cloudplan" / "locale"
    (locale / "fr" / "LC_MESSAGES" / "cloudplan.po").unlink()  # an installed cloudplan has the .mo alone
    (locale / "cloudplan.pot").unlink()
    whole = language.compile_po(catalog.PO)
    data = whole[: len(whole) // 2] if content == "truncated" else content
    if content is not None:
        (locale / "fr" / "LC_MESSAGES" / "cloudplan.mo").write_bytes(data)  # type: ignore[arg-type]
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(site), "CLOUDPLAN_NO_CACHE": "1", "CLOUDPLAN_LANG": "fr"}
    done = subprocess.run(
        [sys.executable, "-m", "cloudplan", "overdue", str(ROADMAP), "--as-of", AS_OF],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    assert "OVERDUE  cercle-1/finalisation  due 2019 (2019-12-31), 182 days late: Finalisation" in done.stdout
    assert "Traceback" not in done.stderr
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1, done.stderr
    assert "cloudplan.mo" in warnings[0]
    assert "speaking English" in warnings[0]


@pytest.mark.parametrize("babel", [True, False], ids=["with Babel", "without Babel"])
def test_a_source_checkout_reads_its_po_without_a_build(tmp_path: Path, babel: bool) -> None:
    """A checkout has the .po and no .mo: compiled in memory by Babel (the test extra), else English with one
    warning that says how to get French."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(
        ROOT / "src" / "cloudplan", site / "cloudplan", ignore=shutil.ignore_patterns("__pycache__", "*.mo")
    )
    path = [str(site)]
    if not babel:
        (tmp_path / "nobabel" / "babel").mkdir(parents=True)
        (tmp_path / "nobabel" / "babel" / "__init__.py").write_text('raise ImportError("no Babel here")\n')
        path.insert(0, str(tmp_path / "nobabel"))
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": os.pathsep.join(path), "CLOUDPLAN_NO_CACHE": "1",
           "CLOUDPLAN_LANG": "fr"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "cloudplan", "overdue", str(ROADMAP), "--as-of", AS_OF],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    if babel:
        assert "EN RETARD  cercle-1/finalisation  échéance 2019 (31/12/2019), 182 jours de retard" in done.stdout
        assert done.stderr == ""
    else:
        assert "OVERDUE  cercle-1/finalisation  due 2019 (2019-12-31), 182 days late" in done.stdout
        assert done.stderr.count("warning") == 1
        assert "cloudplan.po (Babel is needed to compile it" in done.stderr
    assert not (site / "cloudplan" / "locale" / "fr" / "LC_MESSAGES" / "cloudplan.mo").exists()  # nothing written


# -- French for people, as §6 of the contract spells it --------------------------------------


@pytest.mark.parametrize(
    ("text", "french"),
    [("2019", "2019"), ("2019-H1", "1er semestre 2019"), ("2019-H2", "2e semestre 2019"),
     ("2021-Q1", "1er trimestre 2021"), ("2021-Q2", "2e trimestre 2021"), ("2019-12", "décembre 2019"),
     ("2020-W53", "semaine 53 de 2020"), ("2019-12-31", "31/12/2019")],
)  # fmt: skip
def test_french_periods(text: str, french: str) -> None:
    period = periods.parse_file_value(text)
    with translate.speaking("fr"):
        assert human.period(period) == french
    assert human.period(period) == text


def test_french_numbers_agree_with_cldr() -> None:
    from babel.dates import format_date
    from babel.numbers import format_decimal

    with translate.speaking("fr"):
        assert human.number(112.44) == "112,4"
        assert human.number(12000) == "12\u202f000"
        assert human.number(1234567.44) == format_decimal(1234567.4, locale="fr_FR")
        assert human.number(-3) == "-3"
        assert human.day(date(2019, 12, 31)) == format_date(date(2019, 12, 31), "dd/MM/y", locale="fr_FR")
        for m in range(1, 13):
            assert human.MONTHS[m - 1] == format_date(date(2020, m, 1), "MMMM", locale="fr_FR")
        assert human.period(periods.quarter(2021, 2)) == format_date(date(2021, 4, 1), "QQQQ y", locale="fr_FR")
        assert statuses.label("behind") == "en retard sur la trajectoire"
    assert human.number(12000) == "12000"
    assert statuses.label("behind") == "behind"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [("fin 2020", "2020"), ("fin juin 2027", "2027-06"), ("fin de juin 2027", "2027-06"), ("début 2021", "2021-01-01"),
     ("Début juin 2027", "2027-06-01"), ("+1j", "2020-07-01"), ("+2s", "2020-07-14"), ("+3m", "2020-09-30"),
     ("+1a", "2021-06-30"), ("-1a", "2019-06-30"), ("15-07-2020", "2020-07-15"), ("fin T1 2021", "2021-Q1")],
)  # fmt: skip
def test_french_phrases_on_the_command_line(phrase: str, expected: str) -> None:
    assert periods.parse(phrase, date(2020, 6, 30)).text == expected


def test_debut_is_its_first_day_where_one_day_is_needed() -> None:
    assert periods.parse_day("début 2021", date(2020, 6, 30)) == date(2021, 1, 1)
    assert periods.parse_day("fin 2021", date(2020, 6, 30)) == date(2021, 12, 31)


# -- every command, in French --------------------------------------------------------------------

# English words that French output must never hold (plan text aside: the roadmap is French).
ENGLISH = re.compile(
    r"\b(Usage|Error|Missing|Show this|milestones?|deadline|overdue|due soon|upcoming|unscheduled|"
    r"cancelled|done|progress|project|indicators?|baseline|target|latest|expected|status|Timeline|"
    r"Roadmap|as of|days?|late|Options? for|Try|wrote|nothing|findings?|errors?|warnings?|files?|"
    r"Summary|Slips?|Owners?|Title|Reason|Print|Write|Check|Record|Remove|Cancel|Mark|Clear|Move|Add|"
    r"Draw|List|Export)\b"
)
# Keywords that stay English on purpose: option values, finding codes and severities, the line labels.
KEPT = re.compile(  # command names in help listings, options and their values, codes
    r"^  [a-z]+(?=  )|--[a-z-]+|<[a-z|-]+>|\b[A-Z][A-Z-]+\b|\b(error|warning) [a-z-]+:|cloudplan( [a-z]+)+|"
    r"title, unit, project|"  # the keys that `set` changes
    r"\b(?:plan|status|overdue|indicators|show|history|trend|changes|export|check)(?=[,.])|"  # schema's KINDs
    r"\b(overdue|due-soon|never|table|text|json|csv|markdown|mermaid|ics|auto|month|quarter|year|github|gitlab)\b",
    re.MULTILINE,
)

COMMANDS = [
    ["status"], ["status", "--summary"], ["overdue"], ["overdue", "--within", "400"], ["indicators"], ["timeline"],
    ["check"], ["history", "cercle-2/ouverture"], ["export", "--format", "markdown"],
    ["notify", "--dry-run", "--state", "state.json"], ["show", "cercle-2/ouverture"], ["show", "cercle-2"],
    ["show", "applications-cloud"], ["trend"],
]  # fmt: skip
HELP = [[], ["status"], ["overdue"], ["indicators"], ["timeline"], ["report"], ["export"], ["check"], ["schema"],
        ["init"], ["add"], ["add", "project"], ["add", "milestone"], ["add", "indicator"], ["done"], ["reopen"],
        ["cancel"], ["reschedule"], ["remove"], ["measure"], ["history"], ["notify"], ["show"], ["set"], ["trend"],
        ["changes"]]  # fmt: skip


def _english_in(text: str, plan_text: str) -> list[str]:
    stripped = re.sub(KEPT, " ", text)
    return [m for m in ENGLISH.findall(stripped) if m not in plan_text]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_french_output_holds_no_english(cli: Cli, roadmap: str, args: list[str]) -> None:
    result = (
        cli(*args, *([] if args[0] == "history" else [roadmap]), "--as-of", AS_OF, "--lang", "fr")
        if args[0] not in ("check", "history", "export")
        else cli(*args, roadmap, "--lang", "fr")
    )
    assert result.exit_code in (0, 1), result.output
    assert _english_in(result.output, ROADMAP.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("args", HELP, ids=lambda a: " ".join(a) or "cloudplan")
def test_french_help_holds_no_english(cli: Cli, args: list[str]) -> None:
    result = cli(*args, "--help", "--lang", "fr")
    assert result.exit_code == 0, result.output
    assert _english_in(result.output, "") == []


def test_french_golden_views(cli: Cli, roadmap: str, golden: Callable[[str, str], None]) -> None:
    for name, args in [
        ("fr-status.txt", ["status"]),
        ("fr-overdue.txt", ["overdue", "--within", "200"]),
        ("fr-timeline.txt", ["timeline"]),
        ("fr-indicators.txt", ["indicators"]),
        ("fr-show.txt", ["show", "cercle-2/ouverture"]),
        ("fr-notify.txt", ["notify", "--dry-run", "--state", "state.json"]),
    ]:
        result = cli(*args, roadmap, "--as-of", AS_OF, env={"CLOUDPLAN_LANG": None})  # the roadmap says fr
        golden(name, result.output)


def test_french_report_golden(cli: Cli, roadmap: str, golden: Callable[[str, str], None]) -> None:
    from cloudplan import __version__

    result = cli("report", roadmap, "--as-of", AS_OF, "--html", "fr.html", env={"CLOUDPLAN_LANG": None})
    assert result.exit_code == 0, result.output
    page = Path("fr.html").read_text(encoding="utf-8")
    golden("fr-report.html", page.replace(f"cloudplan {__version__} ", "cloudplan VERSION "))
    # The words follow the language; the stylesheet's classes keep their keywords.
    assert '<span class="status s-overdue">en retard</span>' in page
    for french in ("31/12/2019", "2e semestre 2019", "112,4"):
        assert french in page
    for english in ("2019-12-31", "2019-H2"):
        assert english not in page
    words = re.sub(r"<[^>]*>", " ", re.sub(r"<style>.*?</style>", " ", page, flags=re.DOTALL))  # text, no CSS
    assert _english_in(words, ROADMAP.read_text(encoding="utf-8")) == []


def test_the_french_report_shows_in_chromium(cli: Cli, roadmap: str) -> None:
    from tests import chromium

    chromium.require()
    assert cli("report", roadmap, "--as-of", AS_OF, "--html", "fr.html", "--lang", "fr").exit_code == 0
    seen = chromium.visit(Path("fr.html").resolve())
    assert seen.problems == []
    assert chromium.colours(seen.png) > 50


def test_french_spreadsheet_headers(cli: Cli, roadmap: str) -> None:
    import openpyxl

    assert cli("export", "xlsx", roadmap, "-o", "fr.xlsx", "--lang", "fr").exit_code == 0
    book = openpyxl.load_workbook("fr.xlsx", read_only=True)
    words = list(book.sheetnames)
    for sheet in book.worksheets:
        words += [str(c) for c in next(sheet.iter_rows(max_row=1, values_only=True)) if c is not None]
    for header in ("Jalons", "Échéance", "Mesuré le"):
        assert header in words
    assert _english_in("\n".join(words), "") == []


def test_french_changes_in_a_git_repository(cli: Cli, roadmap: str) -> None:
    def git(*args: str) -> None:
        day = "2020-06-01T10:00:00+02:00"
        env = {**os.environ, "GIT_AUTHOR_DATE": day, "GIT_COMMITTER_DATE": day,
               "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull}  # fmt: skip
        subprocess.run(["git", *args], env=env, capture_output=True, check=True)

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "roadmap")
    moved = cli("reschedule", "cercle-2/etude", "2020-H2", "--on", "2020-06-15", "--reason", "retard", "-f",
                f"{roadmap}/{ROADMAP.name}")  # fmt: skip
    assert moved.exit_code == 0, moved.output
    for fmt in ("table", "markdown"):
        result = cli("changes", roadmap, "--since", "HEAD", "--format", fmt, "--lang", "fr")
        assert result.exit_code in (0, 1), result.output
        assert "Évolutions depuis HEAD" in result.stdout
        if fmt == "markdown":  # the table wraps its cells
            assert (
                "échéance reportée de «\u202f2e semestre 2019\u202f» à «\u202f2e semestre 2020\u202f» "
                "le 15/06/2020\u202f: retard" in result.stdout
            )
            # The commit's time the French way (its zone is the machine's: the hour is not pinned).
            assert re.search(r"\(commit [0-9a-f]{12} du 01/06/2020 \d\d\u202fh\u202f00\)", result.stdout)
        assert _english_in(result.stdout, ROADMAP.read_text(encoding="utf-8")) == []


def test_cancel_writes_its_note_in_the_plans_language(cli: Cli, roadmap: str) -> None:
    plan = Path(roadmap) / ROADMAP.name
    result = cli("cancel", "cercle-2/ouverture", "--on", "2021-01-10", "--reason", "abandon", "-f", str(plan))
    assert result.exit_code == 0, result.output
    assert 'notes = "Annulé le 10/01/2021\u202f: abandon"' in plan.read_text(encoding="utf-8")


def test_init_writes_the_language_it_speaks(cli: Cli) -> None:
    assert cli("init", "fr.toml", "--lang", "fr").exit_code == 0
    text = Path("fr.toml").read_text(encoding="utf-8")
    assert 'title = "Feuille de route"' in text
    assert re.search(r'^language = "fr" ', text, re.MULTILINE)
    assert cli("init", "en.toml").exit_code == 0
    assert re.search(r'^language = "en" ', Path("en.toml").read_text(encoding="utf-8"), re.MULTILINE)
    assert cli("check", "fr.toml", "en.toml").exit_code == 0


# -- what never changes with the language ------------------------------------------------------


MACHINE = [
    ["status", "--format", "json"], ["status", "--format", "csv"], ["overdue", "--format", "json"],
    ["indicators", "--format", "json"], ["export", "json"], ["export", "csv"], ["export", "ics"],
    ["check", "--format", "json"], ["check", "--format", "gitlab"], ["overdue"],
]  # fmt: skip


@pytest.mark.parametrize("args", MACHINE, ids=" ".join)
def test_machine_formats_and_exit_codes_are_the_same_in_both_languages(
    cli: Cli, roadmap: str, write_plan: Callable[..., Path], args: list[str]
) -> None:
    broken = write_plan('[plan]\ntitle = "P"\ntimezon = "x"\n', name="broken.toml")
    target = [str(broken)] if args[0] == "check" else [roadmap, "--as-of", AS_OF]
    en = cli(*args, *target, "--lang", "en")
    fr = cli(*args, *target, "--lang", "fr")
    assert en.exit_code == fr.exit_code
    if args != ["overdue"]:
        assert en.stdout == fr.stdout


def test_the_report_declares_its_language(cli: Cli, roadmap: str) -> None:
    for lang in ("fr", "en"):
        assert cli("report", roadmap, "--html", f"{lang}.html", "--as-of", AS_OF, "--lang", lang).exit_code == 0
        assert f'<html lang="{lang}">' in Path(f"{lang}.html").read_text(encoding="utf-8")
    assert "Synthèse par projet" in Path("fr.html").read_text(encoding="utf-8")


# -- the built wheel -------------------------------------------------------------------------------


def test_the_built_wheel_speaks_french(tmp_path: Path) -> None:
    """The .mo is compiled at build time: a wheel without it would speak English without a word."""
    import shutil

    # From a clean copy of the sources: an in-tree build/ folder could hold files of an older build.
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "*.mo"))
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    out = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(tree), "--no-deps", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("cloudplan-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        assert "cloudplan/locale/fr/LC_MESSAGES/cloudplan.mo" in names
        assert not [n for n in names if n.endswith((".po", ".pot"))]
        z.extractall(tmp_path / "site")
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(tmp_path / "site"), "CLOUDPLAN_NO_CACHE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "cloudplan", "overdue", str(ROADMAP), "--as-of", AS_OF],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    assert "182 jours de retard" in done.stdout


EDITS = [
    ["done", "cercle-2/etude", "--on", "15-01-2020"],
    ["cancel", "cercle-2/etude", "--reason", "abandon"],
    ["reschedule", "cercle-2/ouverture", "fin juin 2021", "--reason", "relance"],
    ["measure", "applications-cloud", "110", "--on", "fin juin 2020"],
    ["add", "project", "nouveau", "--title", "Nouveau"],
    ["add", "milestone", "cercle-2/suite", "--title", "Suite", "--due", "T2 2022"],
    ["remove", "cercle-2/ouverture"],
    ["done", "cercle-2/inconnu"],
]


@pytest.mark.parametrize("args", EDITS, ids=" ".join)
def test_french_edits_say_what_they_did_in_french(cli: Cli, roadmap: str, args: list[str]) -> None:
    result = cli(*args, "-f", str(Path(roadmap) / ROADMAP.name), "--lang", "fr")
    assert result.exit_code in (0, 2), result.output
    assert result.output.strip()
    assert _english_in(result.output, ROADMAP.read_text(encoding="utf-8")) == []


def test_the_help_that_lists_choices_lists_them_all() -> None:
    """Help texts that list the formats or the schemas spell them out (to be translated word for word)."""
    from cloudplan.cli.check import SCHEMA_KINDS
    from cloudplan.export.formats import EXPORTERS

    ids = {msgid for _c, msgid, _p in catalog.extracted()}
    assert f"The format ({', '.join(EXPORTERS)}) unless --format gives it, then plan files or folders." in ids
    assert f"Which schema: {', '.join(SCHEMA_KINDS)}. Default: plan." in ids
