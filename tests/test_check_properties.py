"""Generated plans: valid ones pass `check` and the schema; mutated ones give findings, never a crash (issue 3)."""

from __future__ import annotations

import functools
import itertools
import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cloudplan.base.findings import CODES, Severity
from cloudplan.cli import app
from cloudplan.plan import schema
from tests.test_planschema import as_taplo_sees_it, schema_sees

AS_OF = date(2100, 1, 1)  # after every generated date: no done-in-future, no stale indicator
UNKNOWN = "zzunknown"

# The autouse fixture only pins the environment and the working folder, which every example may share.
# CLOUDPLAN_EXAMPLES=2000 runs a longer hunt by hand.
SETTINGS = settings(
    max_examples=int(os.environ.get("CLOUDPLAN_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
slugs = st.builds(str.__add__, st.sampled_from(_ALNUM), st.text(_ALNUM + "-", max_size=8))
# Any text TOML can hold, including U+2028, U+0085 and control characters (tomli_w escapes them).
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
years = st.integers(2015, 2030)


@st.composite
def periods(draw: st.DrawFn) -> Any:
    """Return a period in any of the file's spellings."""
    y = draw(years)
    form = draw(st.sampled_from(["int", "year", "half", "quarter", "month", "week", "date", "day"]))
    if form == "int":
        return y
    if form == "year":
        return str(y)
    if form == "half":
        return f"{y}-{draw(st.sampled_from('HS'))}{draw(st.integers(1, 2))}"
    if form == "quarter":
        return f"{y}-{draw(st.sampled_from('QT'))}{draw(st.integers(1, 4))}"
    if form == "month":
        return f"{y}-{draw(st.integers(1, 12)):02d}"
    if form == "week":
        return f"{y}-W{draw(st.integers(1, 52)):02d}"
    d = draw(st.dates(date(y, 1, 1), date(y, 12, 31)))
    return d if form == "date" else d.isoformat()


days = st.dates(date(2015, 1, 1), date(2035, 12, 31))
day_values = st.one_of(days, days.map(date.isoformat))


@st.composite
def milestones(draw: st.DrawFn, ids: list[str], earlier: list[str]) -> dict[str, Any]:
    m: dict[str, Any] = {"id": ids[-1], "title": draw(texts)}
    if draw(st.booleans()):
        due = draw(periods())
        m["due"] = due
        if draw(st.booleans()):
            m["start"] = draw(years.filter(lambda y: y <= _year(due)))  # a year that starts before the deadline
        if draw(st.booleans()):
            chain = [*draw(st.lists(periods(), min_size=1, max_size=2)), due]
            m["slip"] = [
                {"from": a, "to": b, "on": draw(day_values), **({"reason": draw(texts)} if draw(st.booleans()) else {})}
                for a, b in itertools.pairwise(chain)
            ]
    closed = draw(st.sampled_from(["open", "done", "cancelled"]))
    if closed != "open":
        m[closed] = draw(day_values)
    if draw(st.booleans()):
        m["owners"] = draw(st.lists(texts, max_size=3))
    if earlier and draw(st.booleans()):
        m["depends_on"] = draw(st.lists(st.sampled_from(earlier), max_size=3, unique=True))
    if draw(st.booleans()):
        m["notes"] = draw(texts)
    return m


def _year(period: Any) -> int:
    return period if isinstance(period, int) else int(str(period)[:4])


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    """Return a valid plan document: unique ids, refs to earlier milestones only (no cycle)."""
    doc: dict[str, Any] = {}
    if draw(st.booleans()):
        doc["version"] = 1
    head: dict[str, Any] = {"title": draw(texts)}
    for key, strategy in (
        ("owner", texts),
        ("timezone", st.sampled_from(["Europe/Paris", "UTC", "America/Cayenne", "Pacific/Noumea"])),
        ("warn_days", st.integers(0, 365)),
    ):
        if draw(st.booleans()):
            head[key] = draw(strategy)
    doc["plan"] = head
    project_ids = draw(st.lists(slugs, max_size=3, unique=True))
    refs: list[str] = []
    projects = []
    for pid in project_ids:
        project: dict[str, Any] = {"id": pid, "title": draw(texts)}
        for key in ("owners", "tags"):
            if draw(st.booleans()):
                project[key] = draw(st.lists(texts, max_size=3))
        if draw(st.booleans()):
            project["description"] = draw(texts)
        mids = draw(st.lists(slugs, min_size=1, max_size=3, unique=True))
        project["milestone"] = []
        for n in range(len(mids)):
            # Bare refs to this project's earlier milestones, full refs to earlier projects'.
            earlier = mids[:n] + refs
            project["milestone"].append(draw(milestones(mids[: n + 1], earlier)))
        refs += [f"{pid}/{m}" for m in mids]
        projects.append(project)
    if projects:
        doc["project"] = projects
    indicators = []
    for iid in draw(st.lists(slugs, max_size=2, unique=True)):
        start = draw(years)
        indicator: dict[str, Any] = {
            "id": iid,
            "title": draw(texts),
            "baseline": {"value": draw(st.integers(0, 1000)), "on": start},
            "target": {"value": draw(st.floats(0, 1000)), "by": str(draw(st.integers(start + 1, 2035)))},
        }
        if project_ids and draw(st.booleans()):
            indicator["project"] = draw(st.sampled_from(project_ids))
        if draw(st.booleans()):
            indicator["unit"] = draw(texts)
        measures = draw(st.lists(st.tuples(day_values, st.integers(0, 1000), texts), max_size=2))
        if measures:
            indicator["measure"] = [{"on": on, "value": v, "note": note} for on, v, note in measures]
        indicators.append(indicator)
    if indicators:
        doc["indicator"] = indicators
    return doc


def check(text: str) -> tuple[int, str]:
    """Run `cloudplan check` on a plan file holding *text*; return the exit code and the output."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.toml"
        path.write_text(text, encoding="utf-8", newline="")
        result = CliRunner().invoke(app, ["check", "--as-of", AS_OF.isoformat(), str(path)], catch_exceptions=False)
        return result.exit_code, result.stdout.replace(str(path), "plan.toml")


@functools.cache
def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema.build(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def schema_valid(doc: dict[str, Any]) -> bool:
    return bool(_validator().is_valid(as_taplo_sees_it(doc)))


FINDING = re.compile(r"plan\.toml:(\d+):(\d+): (error|warning) ([a-z0-9-]+): .*")


def findings(output: str) -> list[tuple[int, str, str]]:
    """Return (line, severity, code) of each finding line; every line must be one."""
    found = []
    for row in output.splitlines():
        match = FINDING.fullmatch(row)
        assert match, f"not a finding line: {row!r}"
        found.append((int(match[1]), match[3], match[4]))
    return found


@SETTINGS
@given(plans())
def test_generated_valid_plans_pass_check_and_the_schema(doc: dict[str, Any]) -> None:
    text = tomli_w.dumps(doc)
    code, output = check(text)
    assert code == 0, output
    assert all(severity == "warning" for _line, severity, _code in findings(output)), output
    assert schema_valid(doc)


# -- mutations ------------------------------------------------------------------------------------------

OTHER_VALUES = ["text", 42, 4.5, True, [1, "a"], {"a": 1}, [], date(2021, 1, 1)]


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Return the path of every key in a document, tables and arrays of tables included."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((*prefix, key))
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, dict):
                found += paths(value, (*prefix, i))
    return found


def parent_of(doc: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    node: Any = doc
    for part in path[:-1]:
        node = node[part]
    return node  # type: ignore[no-any-return]


@SETTINGS
@given(plans(), st.data())
def test_mutated_plans_give_findings_never_a_crash(doc: dict[str, Any], data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(paths(doc)))
    parent, key = parent_of(doc, path), path[-1]
    how = data.draw(st.sampled_from(["delete", "rename", "retype"]))
    new_value = None
    if how == "delete":
        del parent[key]
    elif how == "rename":
        parent[UNKNOWN] = parent.pop(key)
    else:
        old = parent[key]
        new_value = data.draw(st.sampled_from([v for v in OTHER_VALUES if type(v) is not type(old)]))
        parent[key] = new_value
    text = tomli_w.dumps(doc)
    code, output = check(text)
    assert code in (0, 1), output
    found = findings(output)
    lines = text.count("\n") + 1
    for line, severity, finding in found:
        assert finding in CODES, finding
        assert severity == CODES[finding].value
        assert 1 <= line <= lines
    if how == "rename":
        # The unknown key is reported at the line that declares it (a key, or a table header).
        declared = next(
            n
            for n, row in enumerate(text.split("\n"), start=1)
            if re.match(rf"\s*\[+[^\]]*\b{UNKNOWN}\]+", row) or re.search(rf"(^|[{{,])\s*{UNKNOWN}\s*=", row)
        )
        assert (declared, "error", "unknown-key") in found, output
    # The schema never rejects what check accepts: what an editor flags, check flags too.
    errors = {finding for _line, severity, finding in found if severity == Severity.ERROR.value}
    if not schema_valid(doc):
        assert errors, f"the schema rejects a plan that check accepts:\n{text}"
    elif errors & schema_sees() and not isinstance(new_value, date):
        # Taplo sees a TOML date as a string, so a date where a string is wanted escapes the schema only.
        raise AssertionError(f"check finds {errors & schema_sees()} that the schema should see:\n{text}")
