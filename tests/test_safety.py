"""Hostile plan text is shown as text in every output: never Rich markup, never a terminal escape."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from cloudplan.base.inert import inert_text

Cli = Callable[..., Result]

HOSTILE_TITLE = (
    "x [/] [link=http://evil]click[/link] [bold red]red \x1b[2J\x1b]8;;http://evil\x1b\\osc\x07 a\rb \u202eevil"
)
HOSTILE_OWNER = '[/] =HYPERLINK("http://x") | <script>'

HOSTILE_PLAN = f"""\
[plan]
title = "Hostile"

[[project]]
id = "evil"
title = {json.dumps(HOSTILE_TITLE)}
owners = [{json.dumps(HOSTILE_OWNER)}]

  [[project.milestone]]
  id = "m"
  title = {json.dumps(HOSTILE_TITLE)}
  due = "2020-Q1"
  notes = "line one\\nline two"

[[indicator]]
id = "i"
title = {json.dumps(HOSTILE_TITLE)}
unit = "[red]%"
baseline = {{ value = 1, on = "2018" }}
target = {{ value = 2, by = "2022" }}
"""

READ_COMMANDS = [
    ["status"],
    ["status", "--summary"],
    ["status", "--format", "markdown"],
    ["status", "--format", "csv"],
    ["overdue"],
    ["overdue", "--format", "markdown"],
    ["overdue", "--format", "csv"],
    ["indicators"],
    ["indicators", "--format", "markdown"],
    ["indicators", "--format", "csv"],
]


def test_clean_shows_controls_as_symbols() -> None:
    assert inert_text("a\x1b[2Jb") == "a\u241b[2Jb"
    assert inert_text("bell\x07") == "bell\u2407"
    assert inert_text("cr\rlf\n") == "cr\u240dlf\u240a"
    assert inert_text("\u202eevil") == "\ufffdevil"
    assert inert_text("\x9b31m") == "\ufffd31m"
    assert inert_text("plain é ü") == "plain é ü"


@pytest.mark.parametrize("args", READ_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_hostile_text_is_inert(
    args: list[str], terminal: bool, cli: Cli, write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = write_plan(HOSTILE_PLAN)
    env = {"NO_COLOR": ""}
    if terminal:
        # Colours on: Rich itself writes escape sequences, but none may come from the plan.
        env["FORCE_COLOR"] = "1"
    result = cli(*args, "--as-of", "2020-06-30", plan, env=env)
    assert result.exit_code in (0, 1), result.stderr
    out = result.stdout
    assert "\x1b]8;" not in out, "no OSC 8 hyperlink"
    assert "\x1b[2J" not in out
    assert "\x07" not in out
    assert "\r" not in out.replace("\r\n", "")
    assert "\u202e" not in out
    if not terminal:
        assert "\x1b" not in out
    if "markdown" in args:
        assert "<script>" not in out
        # A pipe from the plan never opens a cell: every row has as many cells as its header.
        rows = [line for line in out.splitlines() if line.startswith("|")]
        cells = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
        assert len(cells) == 1, rows
    elif "csv" in args:
        assert "[link=" in out, "CSV keeps the text, only neutralised"
    else:
        # Rich markup was not interpreted: the brackets are still there to read.
        assert "[/]" in out or "[link=" in out or "[red]" in out


def test_json_keeps_the_text_exact(cli: Cli, write_plan: Callable[..., Path]) -> None:
    """JSON is for machines: the text is exact, and JSON escaping makes it inert."""
    plan = write_plan(HOSTILE_PLAN)
    result = cli("status", "--format", "json", "--as-of", "2020-06-30", plan)
    assert "\x1b" not in result.stdout
    doc = json.loads(result.stdout)
    assert doc["projects"][0]["milestones"][0]["title"] == HOSTILE_TITLE


def test_csv_formula_cells_are_inert(cli: Cli, write_plan: Callable[..., Path]) -> None:
    plan = write_plan(HOSTILE_PLAN.replace(json.dumps(HOSTILE_OWNER), json.dumps('=HYPERLINK("http://x")')))
    result = cli("status", "--format", "csv", "--as-of", "2020-06-30", plan)
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["owners"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["days_left"] == "-91", "numbers stay numbers"


def test_overdue_line_neutralises_controls(cli: Cli, write_plan: Callable[..., Path]) -> None:
    plan = write_plan(HOSTILE_PLAN)
    result = cli("overdue", "--as-of", "2020-06-30", plan)
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    assert "\u241b[2J" in result.stdout


# -- crashes turned into clear errors (issue: trust) --------------------------------------------------

SRC = Path(inert_text.__code__.co_filename).resolve().parent.parent.parent


def _process(*args: str, cwd: Path, env: dict[str, str] | None = None, unprivileged: bool = False) -> Any:
    """Run cloudplan as a process; *unprivileged*: without root's right to read any folder (setpriv)."""
    import os
    import shutil
    import subprocess
    import sys

    argv = [sys.executable, "-m", "cloudplan", *args]
    if unprivileged and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to run as root without the right to read every folder"
        drop = "-dac_override,-dac_read_search"
        argv = [setpriv, f"--inh-caps={drop}", f"--bounding-set={drop}", "--", *argv]
    full = {**os.environ, "PYTHONPATH": str(SRC), "NO_COLOR": "1", **(env or {})}
    return subprocess.run(argv, cwd=cwd, env=full, capture_output=True, text=True, timeout=60)


ZONE_PLAN = """\
[plan]
title = "Zones"
timezone = {tz}

[[project]]
id = "p"
title = "P"

  [[project.milestone]]
  id = "m"
  title = "M"
  due = "2020-Q1"
"""


@pytest.mark.parametrize("tz", ["Europe", "a" * 300, "Europe/" + "b" * 300, "zone.tab", "Etc"])
def test_a_zone_database_folder_or_a_huge_name_is_an_unknown_timezone(
    cli: Cli, write_plan: Callable[..., Path], tz: str
) -> None:
    plan = write_plan(ZONE_PLAN.format(tz=json.dumps(tz)))
    check = cli("check", plan)
    assert check.exit_code == 1, check.output
    assert "error unknown-timezone" in check.stdout
    for args in (["status"], ["overdue"], ["export", "--format", "json"], ["indicators"]):
        result = cli(*args, plan)
        assert result.exit_code == 2, (args, result.output)
        assert "unknown-timezone" in result.stderr
        assert "internal error" not in result.stderr


@pytest.mark.parametrize("tz", ["UTC+24", "UTC-24", "XYZ+24:59"])
def test_a_machine_time_zone_out_of_range_falls_back_to_utc_with_one_warning(
    tz: str, write_plan: Callable[..., Path]
) -> None:
    plan = write_plan(ZONE_PLAN.replace("timezone = {tz}\n", ""))
    for args in (["overdue"], ["status", "--format", "json"], ["check"]):
        result = _process(*args, plan.name, cwd=plan.parent, env={"TZ": tz})
        assert result.returncode in (0, 1), result.stderr
        assert "internal error" not in result.stderr
        warnings = [line for line in result.stderr.splitlines() if "warning" in line]
        assert len(warnings) == 1, result.stderr
        assert f"TZ={tz}" in warnings[0]
        assert "UTC" in warnings[0]


@pytest.mark.parametrize("where", ["plans", "plans/a.toml", "outer/plans", "outer/plans/a.toml"])
@pytest.mark.parametrize("command", ["status", "check", "overdue"])
def test_a_plan_under_an_unreadable_folder_is_a_clear_error(tmp_path: Path, where: str, command: str) -> None:
    import os

    work = tmp_path / "w"
    folder = work / "outer" / "plans" if where.startswith("outer") else work / "plans"
    folder.mkdir(parents=True)
    (folder / "a.toml").write_text(ZONE_PLAN.replace("timezone = {tz}\n", ""), encoding="utf-8")
    locked = work / "outer" if where.startswith("outer") else folder
    locked.chmod(0)
    try:
        result = _process(command, where, cwd=work, unprivileged=True)
    finally:
        locked.chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert "internal error" not in result.stderr
    assert "no *.toml plan file" not in result.stderr
    assert "no such file" not in result.stderr
    assert str(locked.relative_to(work)) in result.stderr, "the message names the folder"
    assert os.path.isdir(locked)


LINE_BREAKS = "\u2028\u2029\u0085"
FORGED = "Fine\u2028OVERDUE  fake/forged  due 2020-01-01, 1 day late: Forged\u2029and\u0085more"


def _forging_plan() -> str:
    text = json.dumps(FORGED)
    return f"""\
[plan]
title = {text}

[[project]]
id = "p"
title = {text}
owners = [{text}]
description = {text}

  [[project.milestone]]
  id = "m"
  title = {text}
  due = "2020-Q1"
  notes = {json.dumps("line one" + chr(10) + "line two" + LINE_BREAKS + "three")}

[[indicator]]
id = "i"
title = {text}
unit = {text}
baseline = {{ value = 1, on = "2018" }}
target = {{ value = 2, by = "2022" }}
"""


def test_a_title_cannot_forge_an_overdue_line(cli: Cli, write_plan: Callable[..., Path]) -> None:
    """A consumer splitting lines as Python's str.splitlines does sees one line per milestone."""
    plan = write_plan(_forging_plan())
    for fmt in ("text", "json"):
        result = cli("overdue", "--format", fmt, "--as-of", "2020-06-30", plan)
        assert result.exit_code == 1, result.output
        assert len(result.stdout.splitlines()) == 1, result.stdout


@pytest.mark.parametrize(
    "args",
    [
        *READ_COMMANDS,
        ["status", "--format", "json"],
        ["check"],
        *(["export", "--format", f] for f in ("json", "csv", "ics", "markdown", "mermaid")),
        ["timeline"],
    ],
    ids=" ".join,
)
def test_line_separators_never_reach_an_output(args: list[str], cli: Cli, write_plan: Callable[..., Path]) -> None:
    plan = write_plan(_forging_plan())
    result = cli(*args, "--as-of", "2020-06-30", plan) if args != ["check"] else cli("check", plan)
    assert result.exit_code in (0, 1), result.output
    for char in LINE_BREAKS:
        assert char not in result.stdout, f"{char!r} in {args}"
        assert char not in result.stderr


def test_files_hold_no_line_separators(cli: Cli, write_plan: Callable[..., Path], tmp_path: Path) -> None:
    plan = write_plan(_forging_plan())
    assert cli("report", plan, "--as-of", "2020-06-30", "--html", tmp_path / "r.html").exit_code == 0
    assert cli("timeline", plan, "--as-of", "2020-06-30", "--svg", tmp_path / "t.svg").exit_code == 0
    for name in ("r.html", "t.svg"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert not any(char in text for char in LINE_BREAKS), name


def test_icalendar_escapes_a_notes_line_breaks(cli: Cli, write_plan: Callable[..., Path]) -> None:
    """RFC 5545 3.3.11: a line break in TEXT is written \\n; the note reads as lines in a calendar."""
    from icalendar import Calendar

    plan = write_plan(_forging_plan())
    result = cli("export", "--format", "ics", "--as-of", "2020-06-30", plan)
    assert result.exit_code == 0, result.output
    assert "line one\\nline two\\n\\n\\nthree" in result.stdout.replace("\r\n ", "")
    (event,) = Calendar.from_ical(result.stdout).walk("VEVENT")
    description = str(event["DESCRIPTION"])
    assert description.endswith("line one\nline two\n\n\nthree")
    assert "\u240a" not in description
