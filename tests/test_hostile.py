"""A hostile plan is inert in every view and every export format (README, Safety; docs/files.md)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import Result

import cloudplan
from cloudplan.export.formats import BINARY, EXPORTERS

Cli = Callable[..., Result]

# Rich markup, ESC and OSC 8 hyperlinks, a spreadsheet formula, Markdown pipes, HTML, newlines,
# Mermaid syntax, bidi overrides and C1 controls: in every string a plan may hold.
EVIL = (
    r"[/] [link=http://x]l[/link] [bold red]b "
    r"\u001b]8;;http://evil\u001b\\click\u001b]8;;\u001b\\ \u001b[2J "
    r"<script>alert(1)</script> | a|b \n second: line; #1 %% end "
    r"\u202eevil\u202c \u009b31m"
)

HOSTILE = f"""\
[plan]
title = "{EVIL}"

[[project]]
id = "evil"
title = "=HYPERLINK(\\"http://x\\") {EVIL}"
description = "{EVIL}"
owners = ["@SUM(1+1)", "{EVIL}"]
tags = ["t"]

  [[project.milestone]]
  id = "m1"
  title = "{EVIL}"
  due = "2020-H1"
  notes = "{EVIL}"
  owners = ["+cmd|' /C calc'!A0"]

    [[project.milestone.slip]]
    from = "2019-Q4"
    to = "2020-H1"
    on = 2019-11-02
    reason = "{EVIL}"

  [[project.milestone]]
  id = "m2"
  title = "=HYPERLINK(\\"http://x\\")"
  start = "2019"
  due = "2020-Q4"

  [[project.milestone]]
  id = "m3"
  title = "section click call evil"

  [[project.milestone]]
  id = "m4"
  title = "-2+3"
  due = "2021"
  done = 2020-01-15

[[indicator]]
id = "ind"
title = "{EVIL}"
unit = "{EVIL}"
project = "evil"
baseline = {{ value = 1, on = "2018" }}
target = {{ value = 2, by = "2022" }}

  [[indicator.measure]]
  on = 2019-06-30
  value = 1.5
  note = "</title><script>alert(1)</script>{EVIL}"
"""

DAY = "2020-06-30"
RAW = ("\x1b", "\x9b", "\u202e", "\x07")


def assert_inert_text(text: str) -> None:
    """No control sequence or bidi override reaches a terminal or a file."""
    for char in RAW:
        assert char not in text, f"raw {char!r} in output"


@pytest.fixture
def hostile(write_plan: Callable[..., Path], cli: Cli) -> Path:
    plan = write_plan(HOSTILE, "hostile.toml")
    check = cli("status", plan, "--as-of", DAY)
    assert check.exit_code == 0, check.output  # the plan is valid: the attack is in its text
    return plan


@pytest.mark.parametrize("width", ["80", "200"])
@pytest.mark.parametrize("command", ["timeline", "indicators", "status"])
def test_terminal_views_show_the_text_and_obey_none_of_it(cli: Cli, hostile: Path, command: str, width: str) -> None:
    result = cli(command, hostile, "--as-of", DAY, env={"COLUMNS": width})
    assert result.exit_code == 0, result.output
    assert_inert_text(result.output)
    if command == "timeline" and width == "200":
        assert "[/] [link=http://x]l[/link]" in result.stdout  # shown as written, not read as markup


def test_timeline_pictures_are_inert(cli: Cli, hostile: Path, tmp_path: Path) -> None:
    svg, page = tmp_path / "t.svg", tmp_path / "t.html"
    result = cli("timeline", hostile, "--as-of", DAY, "--svg", svg, "--html", page, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for path in (svg, page):
        text = path.read_text(encoding="utf-8")
        assert_inert_text(text)
        assert "<script" not in text.lower()
        assert "script&gt;alert(1)" in text  # shown, escaped


class Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.handlers += [k for k, _v in attrs if k.startswith("on")]


def test_report_is_inert(cli: Cli, hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = cli("report", hostile, "--as-of", DAY, "--html", out)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert_inert_text(page)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    parsed = Structure()
    parsed.feed(page)
    assert "script" not in parsed.tags
    assert "img" not in parsed.tags
    assert parsed.handlers == []


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_every_export_format_is_inert(cli: Cli, hostile: Path, fmt: str, tmp_path: Path) -> None:
    if fmt in BINARY:  # a zip of XML parts: the XML is what a spreadsheet program reads
        import zipfile

        out = tmp_path / f"hostile.{fmt}"
        result = cli("export", hostile, "--as-of", DAY, "--format", fmt, "-o", out)
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(out) as z:
            text = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    else:
        result = cli("export", hostile, "--as-of", DAY, "--format", fmt)
        assert result.exit_code == 0, result.output
        text = result.stdout_bytes.decode("utf-8")
    assert_inert_text(text)
    CHECKS[fmt](text)


def _json(text: str) -> None:
    import json

    doc = json.loads(text)
    # The data is kept whole for programs; only its spelling is escaped.
    assert doc["projects"][0]["milestones"][0]["title"].startswith("[/] [link=http://x]")
    assert "\x1b]8;;http://evil" in doc["projects"][0]["milestones"][0]["title"]
    assert "\\u001b" in text
    assert "\\u202e" in text


_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _csv(text: str) -> None:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 1 + 4  # the header and one row per milestone: newlines never split a row
    for row in rows[1:]:
        for cell in row:
            if _NUMBER.fullmatch(cell):
                continue  # days_left: a negative number is data, not a formula
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), cell
    assert '\'=HYPERLINK("http://x")' in text.replace('""', '"')


def _ics(text: str) -> None:
    from icalendar import Calendar

    events = list(Calendar.from_ical(text).walk("VEVENT"))
    assert len(events) == 3  # the scheduled milestones
    for event in events:
        assert "\n" not in str(event["SUMMARY"])


def _markdown(text: str) -> None:
    for line in text.splitlines():
        if line.startswith("|"):
            # Seven cells: eight pipes that are not escaped, whatever the titles hold.
            assert len(re.findall(r"(?<!\\)\|", line)) == 8, line
    assert "<script>" not in text
    assert "\\[link=http://x\\]" in text


def _mermaid(text: str) -> None:
    lines = text.splitlines()
    assert lines[0] == "gantt"
    for line in lines[1:]:
        keyword, _sep, rest = line.strip().partition(" ")
        if keyword in ("title", "section"):
            assert not re.search(r"[:;#%<>]", rest), line
        elif ":milestone," in line:
            label, data = line.split(" :milestone, ")
            assert not re.search(r"[:;#%<>]", label), line
            assert re.fullmatch(r"(?:(?:done|crit|active), )?[A-Za-z0-9_]+, \d{4}-\d\d-\d\d, 0d", data), line
            assert label.strip().split()[0].casefold() not in ("section", "click", "call", "title")
        else:
            assert keyword in ("dateFormat", "axisFormat"), line


def _xlsx(text: str) -> None:
    assert "<f>" not in text  # no formula cell: "=HYPERLINK(...)" is a shared string
    assert "=HYPERLINK(&quot;http://x&quot;)" in text or '=HYPERLINK("http://x")' in text
    assert "<script>" not in text


def _ods(text: str) -> None:
    assert "table:formula" not in text
    assert 'office:value-type="string"><text:p>=HYPERLINK("http://x")' in text
    assert "<script>" not in text


CHECKS: dict[str, Callable[[str], None]] = {
    "json": _json,
    "csv": _csv,
    "ics": _ics,
    "markdown": _markdown,
    "mermaid": _mermaid,
    "xlsx": _xlsx,
    "ods": _ods,
}


def test_every_format_has_a_hostile_check() -> None:
    assert set(CHECKS) == set(EXPORTERS)


# -- shapes that cost minutes and gigabytes: run as cron would, under a hard memory and time bound ----------

MEMORY = 1024**3  # bytes of address space the whole process may map (RLIMIT_AS)
SECONDS = 20

SMALL = '[plan]\ntitle = "P"\n\n[[project]]\nid = "a"\ntitle = "A"\n\n'
SMALL += '  [[project.milestone]]\n  id = "m"\n  title = "M"\n'


def bounded(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run cloudplan in a process that may map at most MEMORY bytes and must end within SECONDS."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    full = {**os.environ, "PYTHONPATH": str(Path(cloudplan.__file__).parents[1]), "CLOUDPLAN_LANG": "en", **(env or {})}
    try:
        return subprocess.run(
            [sys.executable, "-m", "cloudplan", *args],
            cwd=cwd, env=full, capture_output=True, text=True, timeout=SECONDS, preexec_fn=limit,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"cloudplan {' '.join(args)} took more than {SECONDS} s")


def test_the_bound_is_a_real_one(tmp_path: Path) -> None:
    """The bound catches what goes over it: a process that maps 2 GB fails."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    done = subprocess.run([sys.executable, "-c", "b = bytearray(2 * 1024**3)"], capture_output=True, text=True,
                          preexec_fn=limit, timeout=SECONDS)  # fmt: skip
    assert done.returncode != 0
    assert "MemoryError" in done.stderr


@pytest.mark.parametrize(
    ("body", "where", "says"),
    [
        ("[" + ".".join(["a"] * 50_000) + "]\nx = 1\n", "12:1", "a key or table header of 50000 parts"),
        (".".join(["a"] * 50_000) + " = 1\n", "12:1", "a key or table header of 50000 parts"),
        ("notes = " + "[" * 50_000 + "]" * 50_000 + "\n", "12:41", "arrays or inline tables nested more than 32"),
        ("x = { " + ".".join(["a"] * 50_000) + " = 1 }\n", "12:7", "a key or table header of 50000 parts"),
    ],
    ids=["header-of-50000-parts", "dotted-key-of-50000-parts", "arrays-50000-deep", "inline-key-of-50000-parts"],
)
@pytest.mark.parametrize("command", ["check", "status"])
def test_a_hostile_shape_is_a_clear_finding_within_bounds(
    tmp_path: Path, write_plan: Callable[..., Path], body: str, where: str, says: str, command: str
) -> None:
    """100 KB that took check 72 s and 9.8 GB (the header), 102 s and 14.7 GB (the dotted key)."""
    plan = write_plan(SMALL + "\n" + body, "hostile.toml")
    done = bounded([command, "hostile.toml"], plan.parent, {"CLOUDPLAN_NO_CACHE": "1"})
    assert done.returncode == (1 if command == "check" else 2), done.stderr
    out = done.stdout + done.stderr
    assert f"hostile.toml:{where}: error too-deep: {says}" in out
    assert "internal error" not in out
    assert "Traceback" not in out


def test_a_memo_bomb_in_the_cache_is_a_miss_within_bounds(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    """81 KB in the user's own cache folder that stand for 400 million milestones hung status for minutes."""
    import pickle

    from cloudplan import store
    from cloudplan.store import cache

    plan = write_plan(SMALL.replace('title = "M"\n', 'title = "M"\n  due = "2020-Q1"\n'), "p.toml")
    parsed = store.parse(plan.read_bytes(), "p.toml").plan
    assert parsed is not None
    project = parsed.projects[0]
    bomb = parsed._replace(projects=(project._replace(milestones=(project.milestones[0],) * 20_000),) * 20_000)
    where = tmp_path / "c" / "cloudplan"
    where.mkdir(parents=True, mode=0o700)
    done = bounded(["status", "--format", "json", "p.toml"], plan.parent, {"XDG_CACHE_HOME": str(tmp_path / "c")})
    assert done.returncode == 0, done.stderr
    # The run left two entries: the plan's (plan, findings), and the checks across files' (a list).
    (entry,) = [
        name for name in os.listdir(where) if name != cache.SEAL_KEY and isinstance(cache.get(where, name), tuple)
    ]
    (where / entry).write_bytes(cache.MAGIC + bytes(cache.SEAL_BYTES) + pickle.dumps((entry, (bomb, [])), protocol=5))
    assert (where / entry).stat().st_size < 100_000
    done = bounded(["status", "--format", "json", "p.toml"], plan.parent, {"XDG_CACHE_HOME": str(tmp_path / "c")})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["projects"][0]["milestones"][0]["ref"] == "a/m"
    assert len(json.loads(done.stdout)["projects"]) == 1


def test_a_big_blob_in_history_is_refused_within_bounds(tmp_path: Path) -> None:
    """An 80 MB version in history was read and parsed whole by `changes --since`."""
    from tests.test_changes import PLAN, Repo

    repo = Repo(tmp_path / "repo")
    with (repo.root / "plans" / "plan.toml").open("w", encoding="utf-8") as f:
        f.write(PLAN)
        f.write("# " + "x" * (80 * 2**20) + "\n")
    first = repo.commit("2020-06-01T10:00:00+02:00", "big")
    repo.write(PLAN)
    repo.commit("2020-06-02T10:00:00+02:00", "small")
    done = bounded(["changes", "--since", "HEAD~1"], repo.root, {"CLOUDPLAN_NO_CACHE": "1"})
    assert done.returncode == 2, done.stderr
    assert f"plans/plan.toml at {first[:12]} cannot be read: the file is 80 MB; plan files are limited to 64 MB" in (
        done.stderr
    )
