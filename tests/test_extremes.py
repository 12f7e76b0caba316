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
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import Result

from cloudplan.core import periods, routing
from cloudplan.core.alerts import Memo
from cloudplan.core.model import Indicator, Level, Measure, Milestone
from cloudplan.core.status import expected_value, indicator_state, milestone_state
from tests.conftest import MINIMAL
from tests.gitrepo import Repo
from tests.test_schemas import errors, schema_of

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

[[indicator]]
id = "steep"
title = "A share of the way too large for a percentage"
unit = "%"
baseline = { value = 0, on = "1000" }
target = { value = 1e-7, by = "9998" }

  [[indicator.measure]]
  on = 2000-01-01
  value = 1e301

  [[indicator.measure]]
  on = 3000-01-01
  value = 9223372036854775807
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
        ("show", "steep"),
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
    for kind, args in (
        ("status", ("status", "-F", "json")),
        ("overdue", ("overdue", "-F", "json")),
        ("indicators", ("indicators", "-F", "json")),
        ("export", ("export", "json")),
        ("trend", ("trend", "-F", "json")),
        ("check", ("check", "-F", "json")),
    ):
        full = (*args, str(extreme), "--as-of", as_of)
        result = cli(*full)
        _ok(result, full)
        assert errors(schema_of(cli, kind), _strict_json(result.stdout)) == [], full
    for ref in ("early/slipped", "late/weeks", "huge", "tiny", "steep", "early"):
        full = ("show", ref, str(extreme), "-F", "json", "--as-of", as_of)
        result = cli(*full)
        _ok(result, full)
        assert errors(schema_of(cli, "show"), _strict_json(result.stdout)) == [], full
    full = ("history", "early/slipped", str(extreme), "-F", "json", "--as-of", as_of)
    result = cli(*full)
    _ok(result, full)
    assert errors(schema_of(cli, "history"), _strict_json(result.stdout)) == [], full


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


# -- the helpers, one behaviour each --------------------------------------------------------------


def test_the_expected_value_of_the_largest_numbers_stays_finite() -> None:
    top = 1.7976931348623157e308
    indicator = _indicator(-top, top)
    assert expected_value(indicator, date(2020, 1, 1)) == -top
    assert expected_value(indicator, date(2022, 12, 31)) == top
    assert expected_value(indicator, date(2021, 12, 31)) == 0.0  # halfway from the end of 2020 to the end of 2022
    quarter = expected_value(indicator, date(2021, 7, 2))  # 183 days of 730
    assert quarter is not None
    assert math.isfinite(quarter)
    assert quarter == pytest.approx(-top + top * (2 * 183 / 730), rel=1e-12)
    # The weighted mean gives what the straight line gives on ordinary numbers.
    plain = _indicator(60, 200)
    assert expected_value(plain, date(2021, 12, 31)) == pytest.approx(130)
    assert expected_value(plain, date(2021, 7, 2)) == pytest.approx(60 + 140 * 183 / 730)


def test_progress_of_the_largest_numbers_is_a_share_or_nothing() -> None:
    top = 1.7976931348623157e308
    state = indicator_state(_indicator(-top, top, (date(2021, 6, 30), top)), date(2022, 1, 1))
    assert state.progress == 1.0
    state = indicator_state(_indicator(-top, top, (date(2021, 6, 30), 0.0)), date(2022, 1, 1))
    assert state.progress == 0.5
    state = indicator_state(_indicator(top, -top, (date(2021, 6, 30), top / 2)), date(2022, 1, 1))
    assert state.progress == 0.25
    # A step of the smallest float toward a target as close: the share is too large for a float.
    state = indicator_state(_indicator(0.0, 5e-324, (date(2021, 6, 30), top)), date(2022, 1, 1))
    assert state.progress is None
    state = indicator_state(_indicator(60, 200, (date(2021, 6, 30), 130)), date(2022, 1, 1))
    assert state.progress == 0.5


def _indicator(base: float, target: float, *measures: tuple[date, float]) -> Indicator:
    return Indicator(
        id="i",
        title="I",
        key=("indicator", 0),
        source="p.toml",
        baseline=Level(base, periods.year(2020)),
        target=Level(target, periods.year(2022)),
        measures=tuple(
            Measure(on=on, value=value, key=("indicator", 0, "measure", i)) for i, (on, value) in enumerate(measures)
        ),
    )


def test_the_calendar_event_of_the_last_day_has_no_end(cli: Cli, write_plan: Callable[..., Path]) -> None:
    plan = write_plan(
        '[plan]\ntitle = "P"\n\n[[project]]\nid = "p"\ntitle = "P"\n\n'
        '  [[project.milestone]]\n  id = "last"\n  title = "L"\n  due = 9999-12-31\n\n'
        '  [[project.milestone]]\n  id = "eve"\n  title = "E"\n  due = 9999-12-30\n'
    )
    result = cli("export", "ics", str(plan), "--as-of", "2020-01-01")
    assert result.exit_code == 0, result.output
    events = result.stdout.split("BEGIN:VEVENT")[1:]
    by_uid = {("last" if "DTSTART;VALUE=DATE:99991231" in e else "eve"): e for e in events}
    assert "DTEND" not in by_uid["last"]
    assert "DTEND;VALUE=DATE:99991231" in by_uid["eve"]


@pytest.mark.parametrize(
    ("as_of", "stamp"),
    [("2108-01-01", (2107, 12, 31, 0, 0, 0)), ("9999-12-31", (2107, 12, 31, 0, 0, 0)),
     ("2107-12-31", (2107, 12, 31, 0, 0, 0)), ("2020-06-30", (2020, 6, 30, 0, 0, 0)),
     ("1980-01-01", (1980, 1, 1, 0, 0, 0)), ("1979-12-31", (1980, 1, 1, 0, 0, 0)),
     ("0001-01-01", (1980, 1, 1, 0, 0, 0))],
)  # fmt: skip
def test_the_spreadsheets_zip_time_is_held_to_what_a_zip_stores(
    cli: Cli, write_plan: Callable[..., Path], tmp_path: Path, as_of: str, stamp: tuple[int, ...]
) -> None:
    plan = write_plan(MINIMAL)
    out = tmp_path / "out.ods"
    result = cli("export", "ods", "-o", str(out), str(plan), "--as-of", as_of)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        assert {info.date_time for info in archive.infolist()} == {stamp}


@pytest.mark.parametrize(
    ("sent", "as_of", "again"),
    [("9999-12-30", date(9999, 12, 31), False), ("9999-12-24", date(9999, 12, 31), True),
     ("2020-01-01", date(2020, 1, 7), False), ("2020-01-01", date(2020, 1, 8), True)],
)  # fmt: skip
def test_the_overdue_reminder_counts_days_up_to_the_calendars_end(sent: str, as_of: date, again: bool) -> None:
    """notify --repeat 7: remind a week after the last alert, a day before 9999-12-31 included."""
    milestone = Milestone("p", "m", "M", ("project", 0, "milestone", 0), "p.toml", due=periods.year(2019))
    state = milestone_state(milestone, as_of, 30)
    memo = Memo("overdue", "2019-12-31", None, sent)
    alert, after = routing._one(state, memo, as_of, [], 7, ("A",))
    assert (alert is not None) is again
    assert after == (memo._replace(sent=as_of.isoformat()) if again else memo)


@pytest.mark.parametrize("since", ["0001-01-01", "1969-12-31", "1970-01-01", "2099-12-31", "2100-01-01", "9999-12-31"])
def test_changes_since_any_day(cli: Cli, tmp_path: Path, since: str) -> None:
    """git reads days from 1970 to 2099: before, no commit can be; after, the last commit is the one."""
    repo = Repo(tmp_path / "work")
    plan = repo.root / "extreme.toml"
    plan.write_text(EXTREME, encoding="utf-8")
    repo.commit("plan")
    plan.write_text(EXTREME.replace('title = "Last day"', 'title = "The last day"'), encoding="utf-8")
    for fmt in ("json", "table", "markdown"):
        result = cli("changes", "--since", since, "-F", fmt, str(plan))
        assert "internal error" not in result.output
        if since < "2020-06-01":
            assert result.exit_code == 2
            assert f"no commit on or before {since}" in result.output
        else:
            assert result.exit_code == 0, result.output
            if fmt == "json":
                document = _strict_json(result.stdout)
                assert errors(schema_of(cli, "changes"), document) == []
                assert isinstance(document, dict)
                assert [c["ref"] for c in document["changes"]] == ["late/last"]


@pytest.mark.parametrize(
    ("value", "why"),
    [("9223372036854775808", "is too large for a TOML integer (64 bits): write it as a float, such as 9.223e+18"),
     ("-9223372036854775809", "is too large for a TOML integer (64 bits): write it as a float, such as 9.223e+18"),
     ("1" + "0" * 400, "is beyond the largest number cloudplan holds (about 1.8e308)")],
)  # fmt: skip
def test_an_integer_beyond_toml_is_a_finding(cli: Cli, write_plan: Callable[..., Path], value: str, why: str) -> None:
    """tomllib reads integers of any size; TOML's are 64-bit, and a float holds none beyond 1.8e308."""
    plan = write_plan(
        '[plan]\ntitle = "P"\n\n[[indicator]]\nid = "i"\ntitle = "I"\n'
        f'baseline = {{ value = 0, on = "2018" }}\ntarget = {{ value = {value}, by = "2022" }}\n'
    )
    result = cli("check", str(plan))
    assert result.exit_code == 1, result.output
    assert f"{plan}:8:12: error wrong-type: 'value' {why}" in result.output


@pytest.mark.parametrize("value", ["9223372036854775807", "-9223372036854775808", "1.7976931348623157e308"])
def test_the_largest_numbers_toml_writes_are_valid(cli: Cli, write_plan: Callable[..., Path], value: str) -> None:
    plan = write_plan(
        '[plan]\ntitle = "P"\n\n[[indicator]]\nid = "i"\ntitle = "I"\n'
        f'baseline = {{ value = 0, on = "2018" }}\ntarget = {{ value = {value}, by = "2022" }}\n'
    )
    result = cli("check", str(plan))
    assert result.exit_code == 0, result.output
