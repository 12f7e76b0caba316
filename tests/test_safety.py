"""Hostile plan text is shown as text in every output: never Rich markup, never a terminal escape."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from cloudplan.safe import clean

Cli = Callable[..., Result]

HOSTILE_TITLE = "x [/] [link=http://evil]click[/link] [bold red]red \x1b[2J\x1b]8;;http://evil\x1b\\osc\x07 a\rb \u202eevil"
HOSTILE_OWNER = "[/] =HYPERLINK(\"http://x\") | <script>"

HOSTILE_PLAN = f'''\
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
'''

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
    assert clean("a\x1b[2Jb") == "a\u241b[2Jb"
    assert clean("bell\x07") == "bell\u2407"
    assert clean("cr\rlf\n") == "cr\u240dlf\u240a"
    assert clean("\u202eevil") == "\ufffdevil"
    assert clean("\x9b31m") == "\ufffd31m"
    assert clean("plain é ü") == "plain é ü"


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
    assert "\x07" not in out and "\r" not in out.replace("\r\n", "")
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
    assert rows[0]["owners"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["days_left"] == "-91", "numbers stay numbers"


def test_overdue_line_neutralises_controls(cli: Cli, write_plan: Callable[..., Path]) -> None:
    plan = write_plan(HOSTILE_PLAN)
    result = cli("overdue", "--as-of", "2020-06-30", plan)
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    assert "\u241b[2J" in result.stdout
