"""An edit that exits 0 wrote exactly its change, as a cold parse reads it; otherwise the file is byte-identical.

Each layout here once made an edit report success and write something else (or crash).
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from cloudplan import store
from cloudplan.store import cache

Cli = Callable[..., Result]

HEAD = '[plan]\ntitle = "P"\n'
INDICATOR = (
    '[[indicator]]\nid = "i"\ntitle = "I"\nbaseline = { value = 1, on = "2018" }\ntarget = { value = 2, by = "2022" }\n'
)


def cold(path: Path) -> dict[str, Any]:
    """The file as tomllib reads it, whole."""
    return tomllib.loads(path.read_bytes().decode("utf-8").removeprefix("\ufeff"))


def status(cli: Cli, path: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = cli("status", str(path), "--format", "json", "--as-of", "2020-06-30", env=env)
    assert result.exit_code in (0, 1), result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def the_cache_holds_a_cold_parse(cli: Cli, path: Path) -> None:
    """What the next read finds in the cache is what a cold parse of the bytes gives."""
    data = path.read_bytes()
    name = str(path)
    (file,) = store.discover([name], {}, Path.cwd())
    warm = store.read_file(file)
    fresh = store.parse(data, file.name)
    assert (warm.plan, warm.findings) == (fresh.plan, fresh.findings)
    assert status(cli, path) == status(cli, path, env={"CLOUDPLAN_NO_CACHE": "1"})
    assert cache.get(cache.folder(os.environ), cache.key(data, file.name)) is not None


def refused(cli: Cli, path: Path, *args: str) -> Result:
    before = path.read_bytes()
    result = cli(*args, "--plan", str(path))
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "internal error" not in result.stderr
    assert path.read_bytes() == before
    return result


def test_a_new_project_does_not_capture_a_milestone_written_after_an_indicator(
    cli: Cli, write_plan: Callable[..., Path]
) -> None:
    text = f'{HEAD}\n[[project]]\nid = "a"\ntitle = "A"\n\n{INDICATOR}\n[[project.milestone]]\nid = "m"\ntitle = "M"\n'
    path = write_plan(text)
    status(cli, path)  # the cache is warm
    result = cli("add", "project", "b", "--title", "B", "--plan", str(path))
    assert result.exit_code == 0, result.stderr
    doc = cold(path)
    assert [p["id"] for p in doc["project"]] == ["a", "b"]
    assert [m["id"] for m in doc["project"][0]["milestone"]] == ["m"]
    assert "milestone" not in doc["project"][1]
    the_cache_holds_a_cold_parse(cli, path)


def test_a_new_indicator_does_not_capture_measures_written_after_a_project(
    cli: Cli, write_plan: Callable[..., Path]
) -> None:
    text = (
        f'{HEAD}\n{INDICATOR}\n[[project]]\nid = "a"\ntitle = "A"\n\n  [[project.milestone]]\n  id = "m"\n'
        '  title = "M"\n\n[[indicator.measure]]\non = 2020-01-01\nvalue = 1\n'
    )
    path = write_plan(text)
    status(cli, path)
    args = ("--baseline", "1", "--baseline-on", "2018", "--target", "2", "--target-by", "2022")
    result = cli("add", "indicator", "j", "--title", "J", *args, "--plan", str(path))
    assert result.exit_code == 0, result.stderr
    doc = cold(path)
    assert [i["id"] for i in doc["indicator"]] == ["i", "j"]
    assert len(doc["indicator"][0]["measure"]) == 1
    assert "measure" not in doc["indicator"][1]
    the_cache_holds_a_cold_parse(cli, path)


def test_remove_on_a_crlf_file_without_a_final_newline_leaves_no_bare_carriage_return(
    cli: Cli, write_plan: Callable[..., Path]
) -> None:
    text = f'{HEAD}\n[[project]]\nid = "p1"\ntitle = "One"\n\n[[project]]\nid = "p0"\ntitle = "Zero"'
    path = write_plan("")
    path.write_bytes(text.replace("\n", "\r\n").encode())
    result = cli("remove", "p0", "--plan", str(path))
    assert result.exit_code == 0, result.stderr
    data = path.read_bytes()
    assert data.count(b"\r") == data.count(b"\r\n")
    assert not data.endswith(b"\r")
    assert [p["id"] for p in cold(path)["project"]] == ["p1"]
    the_cache_holds_a_cold_parse(cli, path)


def test_a_multi_line_string_in_a_multi_line_array_hides_its_fake_headers(
    cli: Cli, write_plan: Callable[..., Path]
) -> None:
    text = (
        f'{HEAD}\n[[project]]\nid = "a"\ntitle = "A"\nowners = [\n"""\n[[project]]\nid = "b"\ntitle = "fake"\n'
        '\n  [[project.milestone]]\n  id = "m"\n  title = "fake"\n""",\n]\n\n  [[project.milestone]]\n  id = "x"\n'
        '  title = "X"\n\n[[project]]\nid = "b"\ntitle = "B"\n\n  [[project.milestone]]\n  id = "m"\n  title = "M"\n'
    )
    path = write_plan(text)
    owners = cold(path)["project"][0]["owners"]
    status(cli, path)
    result = cli("done", "b/m", "--on", "2020-01-01", "--plan", str(path))
    assert result.exit_code == 0, result.stderr
    doc = cold(path)
    assert doc["project"][0]["owners"] == owners
    assert str(doc["project"][1]["milestone"][0]["done"]) == "2020-01-01"
    assert "done" not in doc["project"][0]["milestone"][0]
    the_cache_holds_a_cold_parse(cli, path)


ALL_INLINE = (
    'plan = { title = "P" }\nproject = [{ id = "a", title = "A", milestone = [{ id = "m", title = "M", due = "2020" '
    '}] }]\nindicator = [{ id = "i", title = "I", baseline = { value = 1, on = "2018" }, target = { value = 2, by = '
    '"2022" } }]\n'
)


def test_a_plan_without_header_lines_is_refused_cleanly_by_every_edit(
    cli: Cli, write_plan: Callable[..., Path]
) -> None:
    path = write_plan(ALL_INLINE)
    assert cli("check", str(path)).exit_code == 0
    bounds = ("--baseline", "1", "--baseline-on", "2018", "--target", "2", "--target-by", "2022")
    for args in (
        ("add", "project", "b", "--title", "B"),
        ("add", "milestone", "a/n", "--title", "N"),
        ("add", "indicator", "j", "--title", "J", *bounds),
        ("done", "a/m", "--on", "2020-01-01"),
        ("reopen", "a/m"),
        ("cancel", "a/m", "--on", "2020-01-01"),
        ("reschedule", "a/m", "2021", "--reason", "late", "--on", "2020-01-01"),
        ("remove", "a/m"),
        ("measure", "i", "3", "--on", "2020-01-01"),
    ):
        if args[0] == "reopen":
            continue  # nothing to reopen: not an edit
        result = refused(cli, path, *args)
        assert result.stderr.strip(), args


def test_escaped_keys_are_found_by_check_and_by_edits(cli: Cli, write_plan: Callable[..., Path]) -> None:
    text = (
        f'{HEAD}\n[[project]]\nid = "a"\ntitle = "A"\n\n  [[project."mil\\u0065stone"]]\n  id = "m"\n  title = "M"\n'
        '  "d\\u0075e" = "2020"\n\n  [[project.milestone]]\n  id = "n"\n  title = "N"\n  "d\\u0075e" = "20x0"\n'
    )
    path = write_plan(text)
    assert [m.get("due") for m in cold(path)["project"][0]["milestone"]] == ["2020", "20x0"]
    result = cli("check", str(path))
    assert result.exit_code == 1
    lines = text.split("\n")
    bad = next(i for i, line in enumerate(lines, start=1) if "20x0" in line)
    assert f"{path}:{bad}:3: error" in result.stdout
    path.write_text(text.replace("20x0", "2021"), encoding="utf-8")
    result = cli("reschedule", "a/m", "2021", "--reason", "late", "--on", "2020-01-01", "--plan", str(path))
    assert result.exit_code == 0, result.stderr
    assert cli("done", "a/n", "--on", "2020-02-01", "--plan", str(path)).exit_code == 0
    doc = cold(path)
    first, second = doc["project"][0]["milestone"]
    assert first["due"] == "2021"
    assert first["slip"][0]["from"] == "2020"
    assert str(second["done"]) == "2020-02-01"
    assert path.read_text(encoding="utf-8").count("d\\u0075e") == 2  # the keys keep their spelling
    the_cache_holds_a_cold_parse(cli, path)


def test_a_key_named_twice_in_set_is_a_usage_error(cli: Cli, write_plan: Callable[..., Path]) -> None:
    path = write_plan(f'{HEAD}\n[[project]]\nid = "a"\ntitle = "A"\n\n[[project.milestone]]\nid = "m"\ntitle = "M"\n')
    for pairs in (("notes=x", "notes="), ("notes=x", "notes=y"), ("title=A", " title=B")):
        result = refused(cli, path, "set", "a/m", *pairs)
        assert "bug in cloudplan" not in result.stderr
        assert "notes" in result.stderr or "title" in result.stderr
        assert "more than once" in result.stderr


BOUNDS = ("--baseline", "1", "--baseline-on", "2018", "--target", "2", "--target-by", "2022")


def test_an_empty_inline_array_becomes_tables_when_something_is_added(
    cli: Cli, write_plan: Callable[..., Path]
) -> None:
    milestone = '[[project.milestone]]\nid = "m"\ntitle = "M"\n'
    for text, args, where in (
        (f"version = 1\nproject = []\n\n{HEAD}", ("add", "project", "n1", "--title", "N"), ("project",)),
        (f"version = 1\nindicator = []\n\n{HEAD}", ("add", "indicator", "j", "--title", "J", *BOUNDS), ("indicator",)),
        (f"indicator = []\nproject = []\n{HEAD}", ("add", "project", "n1", "--title", "N"), ("project",)),
        (
            f'{HEAD}\n[[project]]\nid = "a"\ntitle = "A"\nmilestone = []\n',
            ("add", "milestone", "a/n", "--title", "N"),
            ("project", 0, "milestone"),
        ),
        (
            f'{HEAD}\n[[project]]\nid = "a"\ntitle = "A"\n\n{milestone}due = "2020"\nslip = [  ]  # none yet\n',
            ("reschedule", "a/m", "2021", "--reason", "late", "--on", "2020-01-01"),
            ("project", 0, "milestone", 0, "slip"),
        ),
        (
            f"{HEAD}\n{INDICATOR}measure = []\n",
            ("measure", "i", "3", "--on", "2020-01-01"),
            ("indicator", 0, "measure"),
        ),
    ):
        path = write_plan(text)
        status(cli, path)  # the cache is warm
        result = cli(*args, "--plan", str(path))
        assert result.exit_code == 0, (text, result.stderr)
        doc: Any = cold(path)
        for part in where:
            doc = doc[part]
        assert len(doc) == 1, text
        assert f"\n{where[-1]} = [" not in path.read_text(encoding="utf-8")
        the_cache_holds_a_cold_parse(cli, path)


def test_an_inline_array_that_holds_tables_is_refused_with_the_way_out(
    cli: Cli, write_plan: Callable[..., Path]
) -> None:
    for text, args, table in (
        (
            f'version = 1\nproject = [{{ id = "p0", title = "P0" }}]\n\n{HEAD}',
            ("add", "project", "n1", "--title", "N"),
            "[[project]]",
        ),
        (
            'indicator = [{ id = "i", title = "I", baseline = { value = 1, on = "2018" }, target = { value = 2, '
            f'by = "2022" }} }}]\n{HEAD}',
            ("add", "indicator", "j", "--title", "J", *BOUNDS),
            "[[indicator]]",
        ),
        (
            f'{HEAD}\n[[project]]\nid = "a"\ntitle = "A"\nmilestone = [{{ id = "m", title = "M" }}]\n',
            ("add", "milestone", "a/n", "--title", "N"),
            "[[project.milestone]]",
        ),
    ):
        path = write_plan(text)
        status(cli, path)
        result = refused(cli, path, *args)
        assert table in result.stderr, result.stderr
        assert "bug in cloudplan" not in result.stderr
        the_cache_holds_a_cold_parse(cli, path)


def test_a_finding_after_an_edit_is_where_a_cold_check_puts_it(
    cli: Cli, write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_plan(f'version = 1\nproject = [{{ id = "p0", title = "P0" }}]\n\n{HEAD}\n{INDICATOR}')
    monkeypatch.chdir(path.parent)  # the edit and the reads name the file alike: one cache key
    name = path.name
    cold_check = cli("check", name, env={"CLOUDPLAN_NO_CACHE": "1"}).stdout
    assert f"{name}:2:12: warning empty-project" in cold_check
    result = cli("measure", "i", "3", "--on", "2020-01-01", "--plan", name)
    assert result.exit_code == 0, result.stderr
    assert cli("check", name).stdout == cold_check
    the_cache_holds_a_cold_parse(cli, Path(name))


def test_the_proof_refuses_a_new_table_that_an_inline_array_would_reject(
    cli: Cli, write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the text made wrongly (here, `project = []` kept beside a new [[project]]), the proof catches it."""
    from cloudplan.plan.toml import splice

    monkeypatch.setattr(splice._Editor, "inline_array", lambda *_args: None)
    for text, args in (
        (f"version = 1\nproject = []\n\n{HEAD}", ("add", "project", "n1", "--title", "N")),
        (f"version = 1\nindicator = []\n\n{HEAD}", ("add", "indicator", "j", "--title", "J", *BOUNDS)),
    ):
        path = write_plan(text)
        result = refused(cli, path, *args)
        assert "immutable" in result.stderr or "Cannot" in result.stderr, result.stderr


def test_the_unit_proof_gives_way_to_a_whole_parse_when_the_array_is_a_root_key() -> None:
    from cloudplan.plan.toml.splice import Append
    from cloudplan.store import parse as cold_parse
    from cloudplan.store.document import Document, _Proof
    from cloudplan.store.reader import PlanFile

    data = f"version = 1\nproject = []\n\n{HEAD}".encode()
    parsed = cold_parse(data, "p.toml")
    assert parsed.plan is not None
    doc = Document(PlanFile(Path("p.toml"), "p.toml"), data, parsed.plan, parsed.findings, "k")
    new = doc.text + '\n[[project]]\nid = "n"\ntitle = "N"\n'
    assert _Proof(doc, new, [Append((), "project", (("id", "n"), ("title", "N")))]).run() is None
