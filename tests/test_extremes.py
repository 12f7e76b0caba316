"""The extreme days and numbers a plan may hold, through every command and every format.

TOML writes every day from 0001-01-01 to 9999-12-31; a plan may hold any of them as a deadline, a done
day, a slip's day or a measure's day, and ``--as-of`` may name any of them too. Every command must
answer with 0 or 1 (never 2, an internal error) and write outputs that parse. The numbers are the
largest and the smallest a float holds: no computation may overflow into ``Infinity`` or ``NaN``.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import Result

Cli = Callable[..., Result]

EXTREME = """\
[plan]
title = "Extremes"

# Periods are years 1000 to 9998 (four digits, and room for ISO week 53); days are every day TOML writes.

[[project]]
id = "early"
title = "Early"
owners = ["A"]

  [[project.milestone]]
  id = "first"
  title = "First day"
  start = 0001-01-01
  due = 0001-01-01
  done = 0001-01-01

  [[project.milestone]]
  id = "slipped"
  title = "Slipped from the first year to the last"
  start = "1000"
  due = "9999-12-31"
  depends_on = ["first"]

    [[project.milestone.slip]]
    from = "0001-01-01"
    to = "9999-12-31"
    on = 0001-01-01
    reason = "a long way"

  [[project.milestone]]
  id = "late-done"
  title = "Done on the last day"
  due = "1000-W01"
  done = 9999-12-31

[[project]]
id = "late"
title = "Late"

  [[project.milestone]]
  id = "last"
  title = "Last day"
  start = "9998-H2"
  due = 9999-12-31
  depends_on = ["early/slipped"]

  [[project.milestone]]
  id = "weeks"
  title = "Last ISO week"
  start = "1000-W01"
  due = "9998-W52"

    [[project.milestone.slip]]
    from = "9998-Q4"
    to = "9998-W52"
    on = 9999-12-31

  [[project.milestone]]
  id = "cancelled"
  title = "Cancelled on the first day"
  due = "1000-12"
  cancelled = 0001-01-01

[[indicator]]
id = "huge"
title = "Largest numbers"
project = "early"
baseline = { value = -1.7976931348623157e308, on = "1000" }
target = { value = 1.7976931348623157e308, by = "9998" }

  [[indicator.measure]]
  on = 0001-01-01
  value = 1.7976931348623157e308

  [[indicator.measure]]
  on = 9999-12-31
  value = -1.7976931348623157e308

[[indicator]]
id = "tiny"
title = "Smallest numbers"
baseline = { value = 5e-324, on = "0001-01-01" }
target = { value = -5e-324, by = "9999-12-31" }

  [[indicator.measure]]
  on = 5000-06-15
  value = 1e308
"""

AS_OF = ("0001-01-01", "0001-01-02", "2020-06-30", "2107-12-31", "2108-01-01", "9999-12-30", "9999-12-31")


def _finite(value: object) -> None:
    """Fail on a float that JSON cannot hold, anywhere in *value*."""
    if isinstance(value, float):
        assert math.isfinite(value), value
    elif isinstance(value, dict):
        for item in value.values():
            _finite(item)
    elif isinstance(value, list):
        for item in value:
            _finite(item)


def _strict_json(text: str) -> object:
    def refuse(name: str) -> object:
        raise AssertionError(f"{name} is not JSON")

    document = json.loads(text, parse_constant=refuse)
    _finite(document)
    return document


# Ten thousand years do not fit a terminal nor a picture: the timeline says so (exit 2) and how to narrow it.
TOO_WIDE = "narrow it with --from and --to"


def _ok(result: Result, args: tuple[str, ...], refusal: str | None = None) -> None:
    assert "internal error" not in result.output, (args, result.output)
    assert "Traceback" not in result.output, (args, result.output)
    if refusal is not None and result.exit_code == 2:
        assert refusal in result.output, (args, result.output)
        return
    assert result.exit_code in (0, 1), (args, result.exit_code, result.output)


@pytest.fixture
def extreme(write_plan: Callable[..., Path]) -> Path:
    return write_plan(EXTREME, "extreme.toml")


@pytest.mark.parametrize("as_of", AS_OF)
def test_every_view_answers_on_every_day(cli: Cli, extreme: Path, as_of: str) -> None:
    views: list[tuple[str, ...]] = [
        ("status",),
        ("status", "--summary"),
        ("status", "--slipped"),
        *[("status", "-F", f) for f in ("text", "csv", "markdown")],
        *[("overdue", "-F", f) for f in ("text", "table", "csv", "markdown")],
        ("overdue", "--within", "100000"),
        *[("indicators", "-F", f) for f in ("table", "csv", "markdown")],
        ("timeline",),
        *[("timeline", "--scale", s) for s in ("month", "quarter", "year")],
        ("timeline", "--from", "1000", "--to", "9998"),
        ("timeline", "--from", "2020", "--to", "2021"),
        ("timeline", "--from", "0001-01-01", "--to", "0001-12-31"),
        ("timeline", "--from", "9999-01-01", "--to", "9999-12-31"),
        ("trend",),
        ("show", "early/slipped"),
        ("show", "late/last"),
        ("show", "huge"),
        ("history", "early/slipped"),
        ("check",),
        ("check", "--strict"),
        *[("export", f) for f in ("csv", "ics", "markdown", "mermaid")],
    ]
    for args in views:
        full = (*args, str(extreme), "--as-of", as_of)
        _ok(cli(*full), full, TOO_WIDE if args[0] == "timeline" else None)


@pytest.mark.parametrize("as_of", AS_OF)
def test_every_json_output_is_json_on_every_day(cli: Cli, extreme: Path, as_of: str) -> None:
    for args in (
        ("status", "-F", "json"),
        ("overdue", "-F", "json"),
        ("indicators", "-F", "json"),
        ("export", "json"),
        ("trend", "-F", "json"),
        ("check", "-F", "json"),
    ):
        full = (*args, str(extreme), "--as-of", as_of)
        result = cli(*full)
        _ok(result, full)
        _strict_json(result.stdout)
    for ref in ("early/slipped", "late/weeks", "huge", "tiny", "early"):
        full = ("show", ref, str(extreme), "-F", "json", "--as-of", as_of)
        result = cli(*full)
        _ok(result, full)
        _strict_json(result.stdout)
    full = ("history", "early/slipped", str(extreme), "-F", "json", "--as-of", as_of)
    result = cli(*full)
    _ok(result, full)
    _strict_json(result.stdout)


@pytest.mark.parametrize("as_of", AS_OF)
def test_every_file_output_parses_on_every_day(cli: Cli, extreme: Path, tmp_path: Path, as_of: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name, args in (
        ("t.svg", ("timeline", "--from", "2020", "--to", "2021", "--svg")),
        ("t0.svg", ("timeline", "--from", "0001-01-01", "--to", "0001-03-31", "--svg")),
        ("t9.svg", ("timeline", "--from", "9999-10-01", "--to", "9999-12-31", "--svg")),
        ("t.html", ("timeline", "--from", "9998", "--to", "9999-12-31", "--html")),
        ("r.html", ("report", "--html")),
        ("trend.svg", ("trend", "--svg")),
        ("e.xlsx", ("export", "xlsx", "-o")),
        ("e.ods", ("export", "ods", "-o")),
        ("e.ics", ("export", "ics", "-o")),
    ):
        target = out / name
        full = (*args, str(target), str(extreme), "--as-of", as_of)
        _ok(cli(*full), full)
        assert target.stat().st_size > 0, full
        if name.endswith(".svg"):
            ElementTree.parse(target)
            text = target.read_text(encoding="utf-8")
            assert "nan" not in text.lower().replace("nanum", ""), full
            assert "inf" not in text.replace("Infobox", ""), full
        elif name.endswith((".xlsx", ".ods")):
            with zipfile.ZipFile(target) as archive:
                assert archive.testzip() is None
                for member in archive.namelist():
                    if member.endswith(".xml"):
                        body = archive.read(member).decode("utf-8")
                        ElementTree.fromstring(body)
                        assert 'value="nan"' not in body, (full, member)
                        assert 'value="inf"' not in body, (full, member)
        elif name.endswith(".ics"):
            text = target.read_text(encoding="utf-8")
            assert text.startswith("BEGIN:VCALENDAR"), full
