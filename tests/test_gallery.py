"""The gallery: every output of cloudplan, drawn from one portfolio that holds every case, checked by
the tools that users' software applies to it.

The portfolio (tests/plans/gallery/) is a programme office's roadmap as of its steering committee's
day, on which every milestone and indicator status, every kind of risk, slips, decimal and thousands
measures and long French titles appear. Once a session, in French and in English, the `gallery`
fixture runs every command on it in a git repository (so that `changes` has a history) and keeps
what each printed or wrote. Then each output meets the tool a user's software would apply:

- terminal views at 60, 80 and 120 columns: no line wider than the terminal, no traceback, no
  escape sequence under NO_COLOR;
- every JSON document: jsonschema, against the schema `cloudplan schema KIND` publishes;
- every SVG (standalone, and each one inline in a page): an XML parser, as a browser opening the
  file does; the pictures as laid out in chromium: no word cut by an edge, covering another or
  crossed by the trend chart's diagonal;
- the report and the timeline page: axe-core (WCAG 2.1 A and AA) in chromium, no violation;
- the report, the timeline page and every SVG: the Nu HTML Checker (vnu.jar), no error;
- the spreadsheets: printed by LibreOffice, A4 landscape, each sheet one page wide;
- CSV, iCalendar, Markdown and Mermaid: read back by their parsers, or their grammar.

Chromium, LibreOffice and Java each start once for the whole gallery, and Nu checks every file
in one run. Without them (a machine with only Python and pip) the checks that need them skip;
in CI (CLOUDPLAN_REQUIRE_BROWSER=1) they fail instead; `.ci/run` installs them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest
from jsonschema import FormatChecker
from jsonschema.validators import validator_for
from rich.cells import cell_len
from typer.testing import CliRunner, Result

from cloudplan import language
from cloudplan.base import translate
from cloudplan.cli import app
from tests import chromium
from tests.conftest import CLI_ENV, ROOT, require_file, require_program

Cli = Callable[..., Result]

GALLERY = Path(__file__).resolve().parent / "plans" / "gallery"
AS_OF = "2026-12-06"  # the steering committee's day: every status appears on it
LANGS = ("fr", "en")
WIDTHS = (60, 80, 120)
TOOLS = ROOT / "tests" / "tools" / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"

MILESTONE_STATUSES = {"overdue", "due-soon", "upcoming", "unscheduled", "done", "done-late", "cancelled"}
INDICATOR_STATUSES = {"no-data", "achieved", "missed", "on-track", "behind"}

# The terminal views: what people read at the terminal, each at every width.
VIEWS: dict[str, tuple[str, ...]] = {
    "status": ("status",),
    "status-summary": ("status", "--summary"),
    "overdue": ("overdue", "--within", "30"),
    "overdue-table": ("overdue", "--within", "30", "--format", "table"),
    "indicators": ("indicators",),
    "timeline": ("timeline",),
    "show-milestone": ("show", "cloud-interne/decommissionnement"),
    "show-project": ("show", "messagerie"),
    "show-indicator": ("show", "cout-hebergement"),
    "trend": ("trend",),
    "history": ("history", "messagerie/generalisation"),
    "changes": ("changes", "--since", "HEAD"),
}
# The JSON documents, each with the schema that describes it.
DOCUMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "status": ("status", ("status",)),
    "overdue": ("overdue", ("overdue", "--within", "30")),
    "indicators": ("indicators", ("indicators",)),
    "show-milestone": ("show", ("show", "cloud-interne/decommissionnement")),
    "show-project": ("show", ("show", "messagerie")),
    "show-indicator": ("show", ("show", "cout-hebergement")),
    "history": ("history", ("history", "messagerie/generalisation")),
    "trend": ("trend", ("trend",)),
    "changes": ("changes", ("changes", "--since", "HEAD")),
    "check": ("check", ("check",)),
    "export": ("export", ("export", "json")),
}
EXPORTS = ("json", "csv", "ics", "markdown", "mermaid", "xlsx", "ods")
# Commands that exit 1 on the gallery because they found something (overdue milestones), as they should.
FOUND = {"overdue", "overdue-table"}


@dataclass
class Gallery:
    """Every output of every command on the gallery, by language."""

    folder: Path
    views: dict[tuple[str, str, int], Result] = field(default_factory=dict)  # (lang, view, width)
    documents: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # -> (schema kind, text)
    files: dict[tuple[str, str], Path] = field(default_factory=dict)  # (lang, what) -> the file written

    def pictures(self) -> list[Path]:
        """Every standalone SVG."""
        return [p for _key, p in sorted(self.files.items()) if p.suffix == ".svg"]

    def pages(self) -> list[Path]:
        """Every HTML page: the report and the timeline page, in each language."""
        return [p for _key, p in sorted(self.files.items()) if p.suffix == ".html"]


# What changed since the last committee, file by file: the roadmap as it was then is the gallery with these
# undone, so that `changes --since HEAD` (and the report's section) has every kind of change to tell.
EARLIER = {
    "feuille-de-route.toml": (
        ("  done = 2026-11-11\n", ""),  # visio: done since
        ('title = "Migration de la première vague (ressources humaines et paie)"', 'title = "Première vague"'),
        ('  owners = ["Secrétariat général", "Archives nationales"]\n', '  owners = ["Secrétariat général"]\n'),
        (
            "  [[indicator.measure]]\n  on = 2026-11-30\n  value = 301\n"
            '  note = "Vague 1 incomplète : la paie reste hors du cloud."\n',
            "",
        ),  # measured since
        (
            "  [[indicator.measure]]\n  on = 2026-10-31\n  value = 142932.75\n"
            '  note = "Hors licences de la messagerie."\n',
            "",
        ),
    ),
    "achats-numeriques.toml": (("  cancelled = 2026-05-20\n", ""),),  # marche-postes: cancelled since
}


def _earlier(name: str, text: str) -> str:
    """Return the gallery's file *name* as the last committee saw it."""
    for old, new in EARLIER[name]:
        assert old in text, old
        text = text.replace(old, new, 1)
    if name == "feuille-de-route.toml":  # a milestone added since
        start = text.index('  [[project.milestone]]\n  id = "formation"')
        text = text[:start] + text[text.index("# --- Indicateurs") :]
    return text


def _git(root: Path, *args: str) -> None:
    when = "2026-10-15T18:00:00+02:00"
    who = "Bureau programme"
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": who,
           "GIT_AUTHOR_EMAIL": "bp@example.org", "GIT_COMMITTER_NAME": who, "GIT_COMMITTER_EMAIL": "bp@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}  # fmt: skip
    subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)


def _repository(root: Path) -> None:
    """A git work tree whose plans/ folder is the gallery, its last commit the roadmap of the last committee."""
    plans = root / "plans"
    plans.mkdir(parents=True)
    for name in EARLIER:
        (plans / name).write_text(_earlier(name, (GALLERY / name).read_text(encoding="utf-8")), encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Comité de pilotage d'octobre")
    for name in EARLIER:
        shutil.copyfile(GALLERY / name, plans / name)


class _Runner:
    """Runs cloudplan as the `cli` fixture does (conftest), for a session: in *folder*, with CLI_ENV."""

    def __init__(self, folder: Path, cache: Path) -> None:
        self.folder, self.cache, self.runner = folder, cache, CliRunner()

    def __call__(self, *args: str | os.PathLike[str], columns: int = 80) -> Result:
        env = {**CLI_ENV, "COLUMNS": str(columns), "XDG_CACHE_HOME": str(self.cache)}
        environ = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
        argv, lang = language.decide([str(a) for a in args], environ, self.folder)
        language.install(lang)
        here = Path.cwd()
        os.chdir(self.folder)
        try:
            return self.runner.invoke(app, argv, env=env, catch_exceptions=False)
        finally:
            os.chdir(here)
            translate.use(translate.DEFAULT)


@pytest.fixture(scope="session")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Gallery:
    """Run every command on the gallery once, in French and in English, and keep what each gave."""
    folder = tmp_path_factory.mktemp("gallery")
    work = folder / "work"
    _repository(work)
    run = _Runner(work, folder / "cache")
    found = Gallery(folder)
    out = folder / "out"
    out.mkdir()
    for lang in LANGS:
        common = ("--lang", lang)
        for view, args in VIEWS.items():
            for width in WIDTHS:
                dated = () if view == "changes" else ("--as-of", AS_OF)
                found.views[lang, view, width] = run(*args, "plans", *dated, *common, columns=width)
        for name, (kind, args) in DOCUMENTS.items():
            dated = () if name in ("changes", "check") else ("--as-of", AS_OF)
            shape = () if name == "export" else ("--format", "json")
            result = run(*args, "plans", *dated, *shape, *common)
            assert result.exit_code in (0, 1), (name, result.output)
            found.documents[lang, name] = (kind, result.stdout)
        # `overdue --state`: a first run in July (the hosting base overdue), then the committee's: what left the list.
        state = out / f"state-{lang}.json"
        run("overdue", "plans", "--within", "30", "--as-of", "2026-07-01", "--state", state, *common)
        result = run("overdue", "plans", "--within", "30", "--as-of", AS_OF, "--state", state, "-F", "json", *common)
        found.documents[lang, "overdue-state"] = ("overdue", result.stdout)
        for fmt in EXPORTS:
            target = out / f"gallery-{lang}.{fmt}"
            result = run("export", fmt, "plans", "--as-of", AS_OF, "-o", target, *common)
            assert result.exit_code == 0, (fmt, result.output)
            found.files[lang, fmt] = target
        pictures = {
            "report": ("report", "plans", "--since", "HEAD", "--html", out / f"report-{lang}.html"),
            "timeline": ("timeline", "plans", "--svg", out / f"timeline-{lang}.svg",
                         "--html", out / f"timeline-{lang}.html"),
            "trend": ("trend", "plans", "--svg", out / f"trend-{lang}.svg"),
        }  # fmt: skip
        for what, args in pictures.items():
            result = run(*args, "--as-of", AS_OF, *common)
            assert result.exit_code == 0, (what, result.output)
        for name in ("report.html", "timeline.svg", "timeline.html", "trend.svg"):
            stem, suffix = name.split(".")
            found.files[lang, f"{stem}-{suffix}"] = out / f"{stem}-{lang}.{suffix}"
    return found


# -- the portfolio ------------------------------------------------------------------------------------------


def test_the_gallery_holds_every_case(cli: Cli) -> None:
    result = cli("status", GALLERY, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    milestones = [m for p in doc["projects"] for m in p["milestones"]]
    assert {m["status"] for m in milestones} == MILESTONE_STATUSES
    assert {i["status"] for i in doc["indicators"]} == INDICATOR_STATUSES
    at_risk = {m["ref"]: m["blocked_by"] for m in milestones if m["at_risk"]}
    # A chain through an overdue milestone (two deep), a cancelled dependency, and a dependency due after.
    assert at_risk["cloud-interne/decommissionnement"] == ["cloud-interne/vague-1"]
    assert "achats-numeriques/marche-postes" in at_risk["poste-de-travail/deploiement"]
    assert at_risk["poste-de-travail/formation"]
    assert sum(m["slipped_days"] > 0 for m in milestones) >= 4
    assert any(m["done"] and m["done"] < m["deadline"][:7] + "-01" for m in milestones), "a milestone done early"
    values = [v["value"] for i in doc["indicators"] for v in i["measures"]]
    assert any(v != int(v) and v > 1000 for v in values), "a decimal measure in the thousands"
    assert len({m["plan"] for m in milestones}) == 2, "a portfolio of two files"
    contacts = (GALLERY / "feuille-de-route.toml").read_text(encoding="utf-8")
    assert 'owner = "*"' in contacts
    assert max(len(m["title"]) for m in milestones) > 120


def test_every_command_ran_on_the_gallery(gallery: Gallery) -> None:
    """The fixture's own control: each view said something, the changes and the cleared items are there."""
    for (lang, view, width), result in gallery.views.items():
        assert result.exit_code == (1 if view in FOUND else 0), (lang, view, width, result.output)
        assert result.stdout.strip(), (lang, view, width)
    changes = json.loads(gallery.documents["en", "changes"][1])["changes"]
    assert {c["kind"] for c in changes} == {"added", "done", "cancelled", "retitled", "owners", "measured"}
    cleared = json.loads(gallery.documents["en", "overdue-state"][1])["cleared"]
    assert cleared, "the state run has milestones that left the list"


# -- terminal views ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", VIEWS)
def test_terminal_views_fit_the_terminal(gallery: Gallery, view: str, lang: str) -> None:
    for width in WIDTHS:
        result = gallery.views[lang, view, width]
        for line in result.stdout.splitlines():
            if view == "overdue":  # one line a milestone, whatever the width: lines for mail and grep
                assert re.match(r"^\S+(?: \S+)*  [a-z0-9-]+/[a-z0-9-]+  ", line), (lang, line)
            else:
                assert cell_len(line) <= width, (lang, view, width, line)
        everything = result.stdout + result.stderr
        assert "Traceback" not in everything
        assert "internal error" not in everything
        assert "\x1b" not in everything, (lang, view, width)  # NO_COLOR: no escape sequence at all


@pytest.mark.parametrize("view", ["status", "status-summary", "indicators", "changes"])
def test_tables_keep_every_value_whole_down_to_60_columns(gallery: Gallery, view: str) -> None:
    """In French at 60 and 80 columns, the days left, the next deadline and an indicator's status ended in "…":
    the narrow layouts now put what does not fit under the row instead."""
    for lang in LANGS:
        for width in WIDTHS:
            cut = [line for line in gallery.views[lang, view, width].stdout.splitlines() if "…" in line]
            assert cut == [], (lang, view, width, cut)
    assert "en retard sur la trajectoire" in gallery.views["fr", "indicators", 80].stdout
    assert "-67" in gallery.views["fr", "status", 60].stdout  # vague-1's days late


def test_show_never_folds_a_word_across_lines(gallery: Gallery) -> None:
    """At 60 columns, `show` once folded the titles of what a milestone depends on into a column of a few
    letters ("départementale" / "s"); in a narrow terminal the title now goes under its row."""
    for width in WIDTHS:
        words = gallery.views["fr", "show-milestone", width].stdout.split()
        assert "interministérielles)" in words, width
        assert "départementales" in words, width


def test_french_views_speak_french(gallery: Gallery) -> None:
    status = gallery.views["fr", "status", 120].stdout
    for word in ("en retard", "échéance proche", "à venir", "non planifié", "réalisé en retard", "annulé"):
        assert word in status, word
    indicators = gallery.views["fr", "indicators", 120].stdout
    for word in ("sans mesure", "atteint", "manqué", "en bonne voie", "142\u202f932,8"):
        assert word in indicators, word


# -- JSON for programs ---------------------------------------------------------------------------------------


def _schema(kind: str) -> dict[str, object]:
    from cloudplan.export import schemas

    return schemas.build(kind)


@pytest.mark.parametrize("lang", LANGS)
def test_every_json_document_meets_its_published_schema(gallery: Gallery, lang: str) -> None:
    names = [name for (language_, name) in gallery.documents if language_ == lang]
    assert len(names) == len(DOCUMENTS) + 1
    for name in names:
        kind, text = gallery.documents[lang, name]
        document = json.loads(text)
        schema = _schema(kind)
        validator = validator_for(schema)(schema, format_checker=FormatChecker())
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]
        assert errors == [], (lang, name, errors[:5])
    exported = json.loads(gallery.files[lang, "json"].read_text(encoding="utf-8"))
    assert not list(validator_for(_schema("export"))(_schema("export")).iter_errors(exported))


def test_the_json_never_changes_with_the_language(gallery: Gallery) -> None:
    for name in DOCUMENTS:
        if name == "check":  # findings' messages are for people: in the language of the run
            continue
        assert gallery.documents["fr", name] == gallery.documents["en", name], name


# -- pictures: XML, layout, accessibility, validity ---------------------------------------------------------------


def inline_svgs(page: str) -> list[str]:
    """Return each outermost <svg> element of an HTML page, as written (nested <svg> elements stay inside)."""
    found, depth, start = [], 0, 0
    for tag in re.finditer(r"<(/?)svg\b[^>]*?(/?)>", page):
        closing, empty = tag.group(1) == "/", tag.group(2) == "/"
        if not closing and not empty:
            if depth == 0:
                start = tag.start()
            depth += 1
        elif closing:
            depth -= 1
            if depth == 0:
                found.append(page[start : tag.end()])
    assert depth == 0, "an <svg> is never closed"
    return found


def test_every_svg_is_well_formed_xml(gallery: Gallery) -> None:
    """Browsers stop drawing a standalone .svg at its first XML error; a page's inline SVG is read leniently,
    so each is parsed on its own here too (a cancelled milestone once wrote fill-opacity twice)."""
    pictures = gallery.pictures()
    assert len(pictures) == 4
    for path in pictures:
        root = ElementTree.fromstring(path.read_bytes())
        assert root.tag == "{http://www.w3.org/2000/svg}svg", path.name
    inline = 0
    for page in gallery.pages():
        for svg in inline_svgs(page.read_text(encoding="utf-8")):
            ElementTree.fromstring(svg)
            inline += 1
    # Each language: the report's timeline, trend and 7 indicator charts, and the timeline page's chart.
    assert inline == 2 * (1 + 1 + 7 + 1)


def test_the_inline_svg_reader_finds_nested_pictures_whole() -> None:
    page = '<p>a</p><svg x="1"><svg y="2"><text>t</text></svg><rect/></svg><svg><circle/></svg>'
    assert inline_svgs(page) == ['<svg x="1"><svg y="2"><text>t</text></svg><rect/></svg>', "<svg><circle/></svg>"]


@pytest.fixture(scope="session")
def browser() -> Iterator[chromium.Browser]:
    """One chromium for every page the gallery shows."""
    chromium.require()
    with chromium.Browser(timeout=120) as b:
        yield b


def test_no_word_of_any_picture_is_cut_covered_or_crossed(gallery: Gallery, browser: chromium.Browser) -> None:
    """As laid out at a 1280-pixel window, and in a narrow one for the pages (where the charts shrink)."""
    for path in [*gallery.pictures(), *gallery.pages()]:
        for width in (1280, 800) if path.suffix == ".html" else (1280,):
            seen = browser.visit(path, width=width, height=1000, script=chromium.PICTURES)
            assert seen.problems == [], (path.name, seen.problems)
            for picture in json.loads(seen.value):
                what = (path.name, width, picture["label"])
                assert picture["cut"] == [], what
                assert picture["over"] == [], what
                assert picture["crossed"] == [], what
                assert picture["width"] > 300, what


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_prints_on_a4_landscape(gallery: Gallery, browser: chromium.Browser, lang: str) -> None:
    seen = browser.visit(gallery.files[lang, "report-html"], pdf=True, media="print", script=chromium.PICTURES)
    pages = chromium.pdf_pages(seen.pdf)
    assert pages
    assert all(p == pytest.approx((841.89, 595.28), abs=1) for p in pages), pages
    for picture in json.loads(seen.value):
        assert (picture["cut"], picture["over"], picture["crossed"]) == ([], [], []), picture["label"]


def test_the_pages_meet_wcag_2_1_aa(gallery: Gallery, browser: chromium.Browser) -> None:
    """axe-core, as the French administration's accessibility audits (RGAA) run it: no violation."""
    axe = require_file(AXE, "axe-core (npm)", "the accessibility checks of the report")
    for page in gallery.pages():
        seen = browser.visit(page, axe=axe)
        assert seen.problems == []
        found = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in seen.violations]
        assert found == [], (page.name, found)


def test_axe_does_catch_what_the_report_once_had(tmp_path: Path, browser: chromium.Browser) -> None:
    """The control: the orange of the at-risk mark and white on the amber badge, as the report had them."""
    axe = require_file(AXE, "axe-core (npm)", "the accessibility checks of the report")
    page = tmp_path / "old.html"
    page.write_text(
        '<!DOCTYPE html><html lang="fr"><head><title>t</title></head><body><main>'
        '<p><span style="color:#e65100">⚠ à risque</span></p>'
        '<p><span style="background:#b26a00;color:#fff">échéance proche</span></p></main></body></html>',
        encoding="utf-8",
    )
    seen = browser.visit(page, axe=axe)
    [violation] = seen.violations
    assert violation["id"] == "color-contrast"
    assert len(violation["nodes"]) == 2


def vnu(files: list[Path]) -> list[dict[str, object]]:
    """Run the Nu HTML Checker once over *files* (HTML, and SVG with --also-check-svg); return its messages."""
    java = require_program(("java",), "the Nu HTML Checker's checks")
    jar = require_file(VNU, "vnu-jar (npm)", "the Nu HTML Checker's checks")
    done = subprocess.run(
        [java, "-jar", str(jar), "--also-check-svg", "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    messages: list[dict[str, object]] = json.loads(done.stderr)["messages"]
    return messages


def test_the_nu_html_checker_finds_no_error(gallery: Gallery, tmp_path: Path) -> None:
    """The report, the timeline page and every SVG, as the W3C's validator checks them; with a control file that
    has the error the timeline once had, so that a silent checker cannot pass."""
    control = tmp_path / "control.svg"
    control.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5" '
        'fill-opacity="0.55" fill-opacity="0.3"/></svg>',
        encoding="utf-8",
    )
    files = [*gallery.pages(), *gallery.pictures()]
    messages = vnu([*files, control])
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    assert {str(m["url"]).rsplit("/", 1)[-1] for m in errors} == {"control.svg"}, errors[:5]


# -- spreadsheets on paper -------------------------------------------------------------------------------------


def test_the_spreadsheets_print_each_sheet_one_page_wide_on_a4_landscape(gallery: Gallery, tmp_path: Path) -> None:
    from tests.test_spreadsheets import A4_LANDSCAPE, pdf_pages, pdf_text, to_pdf

    files = [gallery.files[lang, fmt] for lang in LANGS for fmt in ("xlsx", "ods")]
    for path, pdf in to_pdf(files, tmp_path).items():
        pages = pdf_pages(pdf)
        assert all(p == pytest.approx(A4_LANDSCAPE, abs=0.5) for p in pages), (path.name, pages)
        assert len(pages) == 5, (path.name, len(pages))  # a sheet a page: the gallery's sheets are short
        texts = pdf_text(pdf)
        french = "-fr." in path.name
        # Each sheet's first and last column on its one page: nothing cut off to a page of its own.
        for text, (first, last) in zip(texts, SHEET_EDGES["fr" if french else "en"], strict=True):
            words = " ".join(text.split())
            assert first in words, (path.name, first, words[:300])
            assert last in words, (path.name, last, words[:300])


SHEET_EDGES = {
    "en": [("Id", "Plan"), ("Ref", "slipped"), ("Milestone", "Reason"), ("Id", "Plan"), ("Indicator", "Note")],
    "fr": [("Identifiant", "Plan"), ("Réf.", "Glissement"), ("Jalon", "Motif"), ("Identifiant", "Plan"),
           ("Indicateur", "Commentaire")],
}  # fmt: skip


# -- the other formats, read back ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_csv_ics_markdown_and_mermaid_read_back(gallery: Gallery, lang: str) -> None:
    import icalendar

    rows = list(csv.reader(io.StringIO(gallery.files[lang, "csv"].read_text(encoding="utf-8"), newline="")))
    assert len(rows) == 1 + 15
    assert {len(r) for r in rows} == {len(rows[0])}
    calendar = icalendar.Calendar.from_ical(gallery.files[lang, "ics"].read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 14  # every scheduled milestone (one has no deadline)
    assert len({str(e["UID"]) for e in events}) == 14
    markdown = gallery.files[lang, "markdown"].read_text(encoding="utf-8")
    table = [line for line in markdown.splitlines() if line.startswith("|")]
    cells = {len(re.findall(r"(?<!\\)\|", line)) for line in table}
    assert len(cells) == 1, "every row of a Markdown table has as many cells as its header"
    mermaid = gallery.files[lang, "mermaid"].read_text(encoding="utf-8")
    assert mermaid.startswith("gantt\n")
    assert all(":" in line for line in mermaid.splitlines()[1:] if line.strip() and not line.lstrip().startswith(
        ("title", "dateFormat", "section", "axisFormat", "todayMarker", "%%")))  # fmt: skip
