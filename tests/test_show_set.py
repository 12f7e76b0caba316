"""`cloudplan show` (one item in full) and `cloudplan set` (change what done, cancel and reschedule do not)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from tests.test_risk import MESSAGERIE

Cli = Callable[..., Result]


def test_show_a_milestone_at_risk_with_its_chain(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(MESSAGERIE)
    result = cli("show", "messagerie/bilan", "--as-of", "2027-01-15")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("messagerie/bilan  Bilan\n")
    assert "due 2028 (deadline 2028-12-31)" in out
    assert "upcoming, in 716 days  ⚠ at risk" in out
    assert "Depends on\nmessagerie/generalisation  Généralisation  2027-12-31  upcoming ⚠ at risk" in out
    assert "Needed by\nnothing" in out
    chain = "messagerie/bilan → messagerie/generalisation → messagerie/pilote → messagerie/etude: overdue since"
    assert chain in " ".join(out.split())
    doc = json.loads(cli("show", "messagerie/bilan", "--as-of", "2027-01-15", "--format", "json").stdout)
    assert doc["kind"] == "milestone"
    assert doc["blocked_by"] == ["messagerie/etude"]
    assert doc["risk_chains"] == [["messagerie/bilan", "messagerie/generalisation", "messagerie/pilote",
                                   "messagerie/etude"]]  # fmt: skip
    assert doc["dependencies"][0]["ref"] == "messagerie/generalisation"


def test_show_notes_dependants_and_slips(cli: Cli, roadmap: str) -> None:
    cli("reschedule", "cercle-2/construction", "2021-Q1", "--reason", "Recours", "--on", "2020-10-01")
    cli("cancel", "cercle-2/etude", "--on", "2020-01-10", "--reason", "Fusionnée")
    doc = json.loads(cli("show", "cercle-2/etude", "--format", "json", "--as-of", "2020-12-31").stdout)
    assert doc["notes"].endswith("\nAnnulé le 10/01/2020\u202f: Fusionnée")  # the plan speaks French
    assert doc["status"] == "cancelled"
    assert [d["ref"] for d in doc["dependants"]] == ["cercle-2/construction"]
    text = cli("show", "cercle-2/etude", "--as-of", "2020-12-31").stdout
    assert "Annulé le 10/01/2020\u202f: Fusionnée" in text
    construction = json.loads(cli("show", "cercle-2/construction", "--format", "json", "--as-of", "2020-12-31").stdout)
    assert construction["slips"] == [{"from": "2020", "to": "2021-Q1", "on": "2020-10-01", "reason": "Recours"}]
    assert construction["at_risk"] is True
    assert construction["blocked_by"] == ["cercle-2/etude"]
    assert "Recours" in cli("show", "cercle-2/construction", "--as-of", "2020-12-31").stdout


def test_show_a_project_and_an_indicator(cli: Cli, roadmap: str) -> None:
    project = cli("show", "cercle-2", "--as-of", "2020-06-30")
    assert project.exit_code == 0
    assert "cercle-2/ouverture" in project.stdout
    assert "Milestones" in project.stdout
    doc = json.loads(cli("show", "cercle-2", "--format", "json").stdout)
    assert doc["kind"] == "project"
    assert [m["id"] for m in doc["milestones"]] == ["etude", "construction", "ouverture"]
    cli("measure", "applications-cloud", "110", "--on", "2020-06-30", "--note", "Recensement")
    indicator = cli("show", "applications-cloud", "--as-of", "2020-12-31")
    assert "Recensement" in indicator.stdout
    assert "2020-06-30" in indicator.stdout
    doc = json.loads(cli("show", "applications-cloud", "--format", "json").stdout)
    assert doc["kind"] == "indicator"
    assert doc["measures"][0]["value"] == 110


def test_show_unknown_suggests(cli: Cli, roadmap: str) -> None:
    result = cli("show", "cercle")
    assert result.exit_code == 2
    assert "did you mean 'cercle-2'?" in result.stderr
    result = cli("show", "cercle-2/ouvertur")
    assert result.exit_code == 2
    assert "did you mean 'cercle-2/ouverture'?" in result.stderr


def test_set_keeps_the_rest_of_the_file(cli: Cli, write_plan: Callable[..., Path]) -> None:
    path = write_plan("# Le plan de la messagerie\n" + MESSAGERIE.replace('due = "2027-H2"', 'due = "2027-H2"  # S2'))
    before = path.read_text(encoding="utf-8")
    result = cli("set", "messagerie/generalisation", "depends_on=etude", "notes=", "title=Généralisation à tous",
                 "owners=DINUM, Ministère de l'Intérieur", "start=T1 2027")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    after = path.read_text(encoding="utf-8")
    assert "# Le plan de la messagerie" in after
    assert 'due = "2027-H2"  # S2' in after
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert changed == [
        '  title = "Généralisation à tous"',
        '  start = "2027-Q1"',
        '  owners = ["DINUM", "Ministère de l\'Intérieur"]',
    ]  # and depends_on = ["etude"], a line pilote has too
    assert "notes" not in after.split("generalisation", 1)[1].split("[[project.milestone]]")[0]
    doc = json.loads(cli("show", "messagerie/generalisation", "--format", "json").stdout)
    assert doc["depends_on"] == ["messagerie/etude"]
    assert doc["owners"] == ["DINUM", "Ministère de l'Intérieur"]


def test_set_a_project_and_an_indicator(cli: Cli, roadmap: str) -> None:
    assert cli("set", "cercle-2", "tags=infrastructure,souveraineté", "description=Le cercle 2").exit_code == 0
    doc = json.loads(cli("show", "cercle-2", "--format", "json").stdout)
    assert (doc["tags"], doc["description"]) == (["infrastructure", "souveraineté"], "Le cercle 2")
    assert cli("set", "--indicator", "applications-cloud", "unit=apps", "project=cercle-1").exit_code == 0
    doc = json.loads(cli("show", "applications-cloud", "--format", "json").stdout)
    assert (doc["unit"], doc["project"]) == ("apps", "cercle-1")
    assert cli("set", "--indicator", "applications-cloud", "unit=").exit_code == 0
    assert json.loads(cli("show", "applications-cloud", "--format", "json").stdout)["unit"] == ""


def test_set_refuses_what_it_cannot_do_and_writes_nothing(cli: Cli, write_plan: Callable[..., Path]) -> None:
    path = write_plan(MESSAGERIE)
    for args, words in [
        (("messagerie/bilan", "title="), "the title cannot be removed"),
        (("messagerie/bilan", "deu=2020"), "has no key 'deu'"),
        (("messagerie/bilan", "due"), "is not KEY=VALUE"),
        (("messagerie/bilan", "depends_on=bilan"), "cannot depend on itself"),
        (("messagerie/bilan", "depends_on=nothing"), "no such milestone"),
        (("messagerie/etude", "depends_on=bilan"), "dependency cycle"),
        (("messagerie", "unit=x"), "has no key 'unit'"),
        (("--indicator", "nothing", "unit=x"), "no indicator 'nothing'"),
    ]:
        result = cli("set", *args)
        assert result.exit_code == 2, args
        assert words in result.stderr, (args, result.stderr)
    assert path.read_text(encoding="utf-8") == MESSAGERIE


def test_set_in_a_real_git_repo_shows_only_its_lines(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    import os
    import sys

    path = write_plan(MESSAGERIE)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip
    run = lambda *a: subprocess.run(a, cwd=path.parent, env=env, capture_output=True, text=True, check=True)  # noqa: E731
    run("git", "init", "-q")
    run("git", "add", ".")
    run("git", "commit", "-qm", "plan")
    run(sys.executable, "-m", "cloudplan", "set", "messagerie/pilote", "notes=Deux ministères pilotes")
    diff = run("git", "diff", "-U0").stdout
    assert [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        '+  notes = "Deux ministères pilotes"'
    ]
