"""`cloudplan schema KIND`: the JSON Schema of each JSON document cloudplan prints (the gallery validates
every real document against them; see tests/test_gallery.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import FormatChecker
from jsonschema.validators import validator_for
from typer.testing import Result

from cloudplan.cli.check import SCHEMA_KINDS
from cloudplan.export import schemas
from cloudplan.plan import schema as planschema
from tests.test_cli_app import _complete_bash

Cli = Callable[..., Result]
OUTPUTS = [k for k in SCHEMA_KINDS if k not in ("plan", "portfolio")]  # the files' own schemas are draft-07


def schema_of(cli: Cli, kind: str) -> dict[str, Any]:
    result = cli("schema", kind)
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def errors(schema: dict[str, Any], document: object) -> list[str]:
    """Return what jsonschema finds wrong with *document*, formats (days, date-times) checked too."""
    validator = validator_for(schema)(schema, format_checker=FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_every_kind_the_spec_names_has_a_schema() -> None:
    assert set(SCHEMA_KINDS) == {"plan", "portfolio", *schemas.KINDS}
    assert set(schemas.KINDS) == {
        "status", "overdue", "indicators", "show", "history", "trend", "changes", "export", "check", "blame",
    }  # fmt: skip


@pytest.mark.parametrize("kind", OUTPUTS)
def test_each_output_schema_is_draft_2020_12_and_itself_valid(cli: Cli, kind: str) -> None:
    schema = schema_of(cli, kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator_for(schema).check_schema(schema)
    assert schema["title"].startswith("cloudplan ")
    assert schema["$id"] == f"urn:cloudplan:schema:{kind}"


@pytest.mark.parametrize("kind", OUTPUTS)
def test_every_object_lists_its_keys_as_required_and_allows_no_other(cli: Cli, kind: str) -> None:
    # Only with --state; only what was read through a portfolio file (its sources, and where each item came
    # from); only in a git work tree.
    optional = {
        ("overdue", "cleared"),
        *((k, "source") for k in schemas.KINDS),
        *((k, "sources") for k in schemas.KINDS),
        *(("history", k) for k in ("commit", "author", "date")),  # a slip's, in a git work tree only
    }

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node["additionalProperties"] is False, where
                wanted = {k for k in node["properties"] if (kind, k) not in optional}
                assert set(node["required"]) == wanted, where
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(schema_of(cli, kind), kind)


def test_the_plan_schema_is_the_default_and_has_its_own_name(cli: Cli) -> None:
    assert cli("schema").stdout == cli("schema", "plan").stdout == cli("schema", "PLAN").stdout == planschema.dumps()


def test_a_kind_is_written_to_a_file_as_the_plan_schema_is(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "trend.schema.json"
    result = cli("schema", "trend", "-o", target)
    assert (result.exit_code, result.stdout) == (0, "")
    assert target.read_text(encoding="utf-8") == schemas.dumps("trend")


@pytest.mark.parametrize(
    ("kind", "hint"), [("statu", "did you mean 'status'?"), ("overdues", "did you mean 'overdue'?"),
                       ("gitlab", "the schemas: plan, portfolio, status, overdue")],
)  # fmt: skip
def test_an_unknown_kind_is_a_usage_error_with_a_suggestion(cli: Cli, kind: str, hint: str) -> None:
    result = cli("schema", kind)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"no schema is called {kind!r}" in result.stderr
    assert hint in result.stderr


def test_help_names_every_kind(cli: Cli) -> None:
    help_text = " ".join(cli("schema", "--help").stdout.split())
    assert "[KIND]" in help_text
    assert "Which schema: " + ", ".join(SCHEMA_KINDS) + ". Default: plan." in help_text


def test_bash_completes_the_kinds() -> None:
    assert _complete_bash("cloudplan schema ").stdout.split() == list(SCHEMA_KINDS)
    assert _complete_bash("cloudplan schema in").stdout.split() == ["indicators"]


def test_a_schema_rejects_what_the_command_never_prints(cli: Cli) -> None:
    """The control: a document with a key missing, a key too many or a bad day fails its schema."""
    schema = schema_of(cli, "trend")
    good = {
        "as_of": "2021-06-30",
        "milestones": [
            {
                "ref": "cercle-2/ouverture",
                "title": "Ouverture",
                "status": "upcoming",
                "deadlines": [{"since": None, "period": "2021-Q1", "deadline": "2021-03-31"}],
            }
        ],
    }
    assert errors(schema, good) == []
    assert errors(schema, {**good, "extra": 1})
    assert errors(schema, {"milestones": []})
    assert errors(schema, {**good, "as_of": "2021-02-30"})  # no such day
    assert errors(schema, {**good, "as_of": "30/06/2021"})
    bad_period = json.loads(json.dumps(good))
    bad_period["milestones"][0]["deadlines"][0]["period"] = "2021-Q5"
    assert errors(schema, bad_period)


def test_the_schemas_module_is_loaded_only_by_the_schema_command() -> None:
    """Printing a document never pays for building the schemas."""
    import subprocess
    import sys

    code = (
        "import sys\nimport cloudplan.cli, cloudplan.cli.read, cloudplan.cli.check, cloudplan.export.json\n"
        "assert 'cloudplan.export.schemas' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
