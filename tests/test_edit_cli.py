"""The edit commands on commented plans: exactly the lines each one changes, and nothing on bad input."""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cloudplan import store
from cloudplan.plan import edits
from cloudplan.store import cache
from tests.conftest import MINIMAL, ROADMAP

Cli = Callable[..., Result]

ROADMAP_TEXT = ROADMAP.read_text(encoding="utf-8")


def diff(before: str, after: str) -> list[str]:
    """The lines removed (-) and added (+), in order, without context."""
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]


@pytest.fixture
def roadmap(write_plan: Callable[..., Path]) -> Path:
    """The shipped roadmap, where read and edit commands find it by default: plans/cloud-etat.toml."""
    return write_plan(ROADMAP_TEXT, "plans/cloud-etat.toml")


def edited(cli: Cli, path: Path, *args: str) -> list[str]:
    """Run an edit command that must succeed; return the lines it changed."""
    before = path.read_text(encoding="utf-8")
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    after = path.read_text(encoding="utf-8")
    plans = path.parent if path.parent.name == "plans" else path
    loaded = store.load(store.discover([str(plans)], {}, path.parent), lambda _tz: date(2020, 6, 30))
    assert not loaded.errors
    return diff(before, after)


# -- each command on the shipped roadmap: exactly its lines ------------------------------------


def test_done_adds_one_line(cli: Cli, roadmap: Path) -> None:
    assert edited(cli, roadmap, "done", "cercle-1/finalisation", "--on", "2019-12-10") == ["+  done = 2019-12-10"]
    lines = roadmap.read_text(encoding="utf-8").splitlines()
    assert (
        lines[lines.index('  due = "2019"              # art. L29: "Finalisation 2019"') + 1] == "  done = 2019-12-10"
    )


def test_done_reads_every_command_line_form(cli: Cli, roadmap: Path) -> None:
    assert edited(cli, roadmap, "done", "cercle-2/etude", "--on", "15 mars 2020") == ["+  done = 2020-03-15"]
    assert edited(cli, roadmap, "done", "cercle-2/etude", "--on", "T1 2020") == [
        "-  done = 2020-03-15",
        "+  done = 2020-03-31",
    ]


def test_done_twice_on_the_same_day_changes_nothing(cli: Cli, roadmap: Path) -> None:
    edited(cli, roadmap, "done", "cercle-2/etude", "--on", "2019-12-01")
    before = roadmap.read_bytes()
    result = cli("done", "cercle-2/etude", "--on", "01/12/2019")
    assert result.exit_code == 0
    assert "nothing to change" in result.stderr
    assert roadmap.read_bytes() == before


def test_reopen_removes_the_done_line(cli: Cli, roadmap: Path) -> None:
    edited(cli, roadmap, "done", "cercle-1/extension", "--on", "2020-06-01")
    assert edited(cli, roadmap, "reopen", "cercle-1/extension") == ["-  done = 2020-06-01"]
    assert roadmap.read_text(encoding="utf-8") == ROADMAP_TEXT


def test_cancel_with_a_reason_adds_it_to_the_notes(cli: Cli, roadmap: Path) -> None:
    # The note is written in the plan's language (the roadmap says fr), whatever the user speaks.
    assert edited(cli, roadmap, "cancel", "cercle-1/partenariats", "--on", "2020-01-10", "--reason", "Abandonné") == [
        "+  cancelled = 2020-01-10",
        '+  notes = "Annulé le 10/01/2020\u202f: Abandonné"',
    ]
    # Existing notes keep their text; the reason goes on a new line of them.
    changed = edited(cli, roadmap, "cancel", "cercle-2/etude", "--on", "2020-01-10", "--reason", "Fusionnée")
    assert len(changed) == 3
    assert "+  cancelled = 2020-01-10" in changed
    assert any(line.startswith('-  notes = "Capgemni, SoftwareONE') for line in changed)
    assert any(line.endswith('(art. L34, L23).\\nAnnulé le 10/01/2020\u202f: Fusionnée"') for line in changed)


def test_reschedule_moves_due_keeps_its_comment_and_records_a_slip(cli: Cli, roadmap: Path) -> None:
    args = ("reschedule", "cercle-2/ouverture", "1er trimestre 2022", "--reason", "Appel d'offres relancé")
    assert edited(cli, roadmap, *args, "--on", "2020-09-01") == [
        '-  due = "2021-Q1"           # art. L36: "Ouverture 1er trimestre 2021"',
        '+  due = "2022-Q1"           # art. L36: "Ouverture 1er trimestre 2021"',
        "+",
        "+    [[project.milestone.slip]]",
        '+    from = "2021-Q1"',
        '+    to = "2022-Q1"',
        "+    on = 2020-09-01",
        '+    reason = "Appel d\'offres relancé"',
    ]


def test_reschedule_an_unscheduled_milestone_sets_its_due(cli: Cli, roadmap: Path) -> None:
    changed = edited(cli, roadmap, "reschedule", "saas-agents/tchap", "2020-05-15", "--reason", "planned")
    assert changed == ["+  due = 2020-05-15"]


def test_add_milestone_goes_after_the_last_of_its_project(cli: Cli, roadmap: Path) -> None:
    args = ("add", "milestone", "cercle-1/bilan", "--title", "Bilan", "--due", "2nd semestre 2021")
    more = ("--depends-on", "extension", "--depends-on", "cercle-2/ouverture", "--owner", "DINUM", "--start", "2021")
    assert edited(cli, roadmap, *args, *more) == [
        "+",
        "+  [[project.milestone]]",
        '+  id = "bilan"',
        '+  title = "Bilan"',
        '+  start = "2021"',
        '+  due = "2021-H2"',
        '+  owners = ["DINUM"]',
        '+  depends_on = ["extension", "cercle-2/ouverture"]',
    ]
    text = roadmap.read_text(encoding="utf-8")
    assert text.index('id = "bilan"') < text.index("# --- Cercle 2")


def test_add_project_goes_after_the_last_project(cli: Cli, roadmap: Path) -> None:
    args = ("add", "project", "cercle-3", "--title", "Cloud externe", "--owner", "DINSIC", "--tag", "infrastructure")
    assert edited(cli, roadmap, *args, "--description", "Offres du marché") == [
        "+[[project]]",
        '+id = "cercle-3"',
        '+title = "Cloud externe"',
        '+description = "Offres du marché"',
        '+owners = ["DINSIC"]',
        '+tags = ["infrastructure"]',
        "+",
    ]
    text = roadmap.read_text(encoding="utf-8")
    assert text.index('id = "cercle-3"') < text.index("# --- Indicateurs")


def test_add_indicator_goes_after_the_last_indicator(cli: Cli, roadmap: Path) -> None:
    args = ("add", "indicator", "ministeres", "--title", "Ministères raccordés", "--unit", "ministères")
    more = (
        "--baseline",
        "2",
        "--baseline-on",
        "2019",
        "--target",
        "12,5",
        "--target-by",
        "T4 2022",
        "--project",
        "cercle-2",
    )
    assert edited(cli, roadmap, *args, *more) == [
        "+",
        "+[[indicator]]",
        '+id = "ministeres"',
        '+title = "Ministères raccordés"',
        '+unit = "ministères"',
        '+project = "cercle-2"',
        '+baseline = { value = 2, on = "2019" }',
        '+target = { value = 12.5, by = "2022-Q4" }',
    ]


def test_measure_appends_to_its_indicator_and_replaces_the_same_day(cli: Cli, roadmap: Path) -> None:
    args = ("measure", "applications-cloud", "110", "--on", "30/06/2020", "--note", "Bilan DINSIC")
    assert edited(cli, roadmap, *args) == [
        "+  [[indicator.measure]]",
        "+  on = 2020-06-30",
        "+  value = 110",
        '+  note = "Bilan DINSIC"',
        "+",
    ]
    assert edited(cli, roadmap, "measure", "applications-cloud", "112", "--on", "2020-06-30") == [
        "-  value = 110",
        "+  value = 112",
    ]


def test_measure_reads_french_numbers(cli: Cli, roadmap: Path) -> None:
    changed = edited(cli, roadmap, "measure", "applications-cloud", "1 000,5", "--on", "2020-06-30")
    assert "+  value = 1000.5" in changed


def test_after_an_edit_the_next_read_finds_the_plan_in_the_cache(cli: Cli, roadmap: Path) -> None:
    assert cli("done", "cercle-1/finalisation", "--on", "2019-12-10").exit_code == 0
    data = roadmap.read_bytes()
    (file,) = store.discover([], {}, Path.cwd())
    entry = cache.get(cache.folder(os.environ), cache.key(data, file.name))
    assert isinstance(entry, store.Edited)  # stored by the edit: the next read does not parse
    read = store.read_file(file)
    cold = store.parse(data, file.name)
    assert (read.plan, read.findings) == (cold.plan, cold.findings)
    result = cli("status", "--format", "json", "--as-of", "2020-01-01")
    assert result.exit_code == 0, result.stderr
    done = {m["ref"]: m["done"] for p in json.loads(result.stdout)["projects"] for m in p["milestones"]}
    assert done["cercle-1/finalisation"] == "2019-12-10"


def test_measure_takes_a_negative_value(cli: Cli, write_plan: Callable[..., Path]) -> None:
    path = write_plan(
        ROADMAP_TEXT.replace("value = 5, on", "value = 0, on").replace("value = 25, by", "value = -10, by")
    )
    assert edited(cli, path, "measure", "agents-mobilite", "-2.5", "--on", "2020-01-01") == [
        "+",
        "+  [[indicator.measure]]",
        "+  on = 2020-01-01",
        "+  value = -2.5",
    ]


def test_remove_a_milestone_takes_its_lines_and_keeps_the_section_comments(cli: Cli, roadmap: Path) -> None:
    changed = edited(cli, roadmap, "remove", "cercle-1/extension")
    assert [line for line in changed if line.strip("+- ")] == [
        "-  [[project.milestone]]",
        '-  id = "extension"',
        '-  title = "Extension"',
        '-  due = "2020"              # art. L30: "Extension 2020"',
        '-  depends_on = ["finalisation"]',
    ]
    assert "# --- Cercle 2 ---" in roadmap.read_text(encoding="utf-8")


def test_remove_a_project_needs_yes_when_it_has_milestones(cli: Cli, roadmap: Path) -> None:
    result = cli("remove", "saas-agents")
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert roadmap.read_text(encoding="utf-8") == ROADMAP_TEXT
    changed = edited(cli, roadmap, "remove", "saas-agents", "--yes")
    assert len([line for line in changed if line.strip("+- ")]) == 28
    text = roadmap.read_text(encoding="utf-8")
    assert "saas-agents" not in text
    assert "# --- Outils SaaS pour les agents" in text  # the section comment is not the project's to take


def test_every_edit_then_its_undo_gives_back_the_file(cli: Cli, roadmap: Path) -> None:
    edited(cli, roadmap, "add", "project", "tmp", "--title", "Temporary")
    edited(cli, roadmap, "add", "milestone", "tmp/m", "--title", "M")
    edited(cli, roadmap, "remove", "tmp", "--yes")
    edited(cli, roadmap, "cancel", "cercle-1/finalisation", "--on", "2020-01-01")
    edited(cli, roadmap, "reopen", "cercle-1/finalisation")
    assert roadmap.read_text(encoding="utf-8") == ROADMAP_TEXT


def test_remove_a_milestone_takes_its_slips(cli: Cli, roadmap: Path) -> None:
    edited(cli, roadmap, "reschedule", "cercle-2/ouverture", "2022", "--reason", "late", "--on", "2020-09-01")
    edited(cli, roadmap, "remove", "cercle-2/ouverture")
    text = roadmap.read_text(encoding="utf-8")
    assert "ouverture" not in text
    assert "slip" not in text
    assert text == ROADMAP_TEXT.replace(
        """  [[project.milestone]]
  id = "ouverture"
  title = "Déployer l'offre de service (État, collectivités territoriales)"
  due = "2021-Q1"           # art. L36: "Ouverture 1er trimestre 2021"
  depends_on = ["construction"]

""",
        "",
    )


def test_a_read_only_plan_is_not_edited(cli: Cli, roadmap: Path) -> None:
    roadmap.chmod(0o444)
    result = cli("done", "cercle-1/finalisation")
    assert result.exit_code == 2
    assert "read-only" in result.stderr
    assert roadmap.read_text(encoding="utf-8") == ROADMAP_TEXT


# -- the file as its authors wrote it --------------------------------------------------------------


def test_crlf_and_byte_order_mark_are_kept(cli: Cli, write_plan: Callable[..., Path]) -> None:
    path = write_plan("")
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode())
    assert cli("done", "alpha/one", "--on", "2020-02-01").exit_code == 0
    assert cli("reschedule", "alpha/two", "2021", "--reason", "x", "--on", "2020-02-01").exit_code == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf[plan]\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert b"  done = 2020-02-01\r\n" in data


def test_a_plan_with_triple_quoted_strings_is_edited_at_the_right_lines(
    cli: Cli, write_plan: Callable[..., Path]
) -> None:
    text = MINIMAL.replace('  title = "One"\n', '  title = "One"\n  notes = """\n[[project]]\nid = "fake"\n"""\n')
    path = write_plan(text)
    assert edited(cli, path, "done", "alpha/two", "--on", "2020-02-01") == ["+  done = 2020-02-01"]


def test_among_several_files_the_one_holding_the_project_is_edited(cli: Cli, write_plan: Callable[..., Path]) -> None:
    a = write_plan(MINIMAL, "plans/a.toml")
    b = write_plan(
        '[plan]\ntitle = "B"\n\n[[project]]\nid = "beta"\ntitle = "Beta"\n\n  [[project.milestone]]\n'
        '  id = "x"\n  title = "X"\n  depends_on = ["alpha/two"]\n',
        "plans/b.toml",
    )
    before = a.read_bytes()
    assert edited(cli, b, "done", "beta/x", "--on", "2020-01-01") == ["+  done = 2020-01-01"]
    assert a.read_bytes() == before
    # A ref across files is checked across files too.
    result = cli("remove", "alpha/two")
    assert result.exit_code == 2
    assert "beta/x" in result.stderr
    result = cli("add", "project", "gamma", "--title", "G")
    assert result.exit_code == 2
    assert "--plan FILE" in result.stderr
    # --plan names the file to edit; it is checked with the other files of the portfolio.
    assert edited(cli, b, "add", "project", "gamma", "--title", "G", "--plan", str(b))[:2] == ["+", "+[[project]]"]
    result = cli("done", "alpha/one", "--plan", str(b))
    assert result.exit_code == 2
    assert "that is in plans/a.toml, not in plans/b.toml" in result.stderr
    assert a.read_bytes() == before


def test_the_plan_option_and_the_environment(cli: Cli, write_plan: Callable[..., Path], tmp_path: Path) -> None:
    path = write_plan(MINIMAL, "elsewhere/my.toml")
    assert cli("done", "alpha/one", "-f", str(path), "--on", "2020-01-01").exit_code == 0
    assert cli("reopen", "alpha/one", env={"CLOUDPLAN_PLAN": str(path)}).exit_code == 0
    assert path.read_text(encoding="utf-8") == MINIMAL


# -- init ---------------------------------------------------------------------------------------------------


def test_init_writes_a_valid_commented_skeleton(cli: Cli) -> None:
    result = cli("init", "--title", "Feuille de route « cloud »")
    assert result.exit_code == 0, result.stderr
    path = Path("cloudplan.toml")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#:schema ")
    assert 'title = "Feuille de route « cloud »"' in text
    loaded = store.load(store.discover([], {}, Path.cwd()), lambda _tz: date(2020, 6, 30))
    assert not loaded.findings
    # It is ready for the add commands.
    assert cli("add", "project", "cercle-2", "--title", "Cercle 2").exit_code == 0
    assert cli("add", "milestone", "cercle-2/ouverture", "--title", "Ouverture", "--due", "T1 2021").exit_code == 0
    assert cli("done", "cercle-2/ouverture", "--on", "2021-03-15").exit_code == 0
    new = path.read_text(encoding="utf-8")
    assert new.startswith(text)
    assert new[len(text) :] == (
        '\n[[project]]\nid = "cercle-2"\ntitle = "Cercle 2"\n\n  [[project.milestone]]\n  id = "ouverture"\n'
        '  title = "Ouverture"\n  due = "2021-Q1"\n  done = 2021-03-15\n'
    )


def test_init_example_writes_the_roadmap(cli: Cli) -> None:
    assert cli("init", "--example", "nowhere/plan.toml").exit_code == 2  # no such folder: nothing written
    Path("plans").mkdir()
    result = cli("init", "--example", "plans")
    assert result.exit_code == 0, result.stderr
    written = Path("plans/cloudplan.toml").read_text(encoding="utf-8")
    # The roadmap as shipped, but for its first line, which names the schema written beside it.
    assert written.splitlines()[0] == "#:schema ./cloudplan.schema.json"
    assert written.partition("\n")[2] == ROADMAP_TEXT.partition("\n")[2]


def test_init_never_overwrites_without_force(cli: Cli, write_plan: Callable[..., Path]) -> None:
    path = write_plan(MINIMAL)
    result = cli("init")
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert path.read_text(encoding="utf-8") == MINIMAL
    assert cli("init", "--force").exit_code == 0
    assert path.read_text(encoding="utf-8").startswith("#:schema")


def _schema_named_by(plan: Path) -> Path:
    """The file a plan's `#:schema` line points to, resolved as Taplo does: relative to the plan."""
    first = plan.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#:schema ")
    return plan.parent / first.removeprefix("#:schema ").strip()


@pytest.mark.parametrize("args", [(), ("plans/x.toml",), ("--example", "plans/x.toml"), ("--example", "plans")])
def test_init_writes_the_schema_its_first_line_names(cli: Cli, args: tuple[str, ...]) -> None:
    import tomllib

    import jsonschema

    Path("plans").mkdir()
    result = cli("init", *args)
    assert result.exit_code == 0, result.stderr
    plan = Path(args[-1]) if args else Path("cloudplan.toml")
    plan = plan / "cloudplan.toml" if plan.is_dir() else plan
    schema = _schema_named_by(plan)
    assert schema.resolve() == (plan.parent / "cloudplan.schema.json").resolve()
    assert schema.read_text(encoding="utf-8") == cli("schema").stdout
    assert f"wrote {plan}" in result.stderr
    assert f"wrote {schema.parent / schema.name}" in result.stderr
    # The editor's check passes on the new plan.
    document = tomllib.loads(plan.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(json.loads(schema.read_text(encoding="utf-8"))).validate(document)


def test_init_keeps_a_schema_already_there(cli: Cli) -> None:
    Path("cloudplan.schema.json").write_text("{}", encoding="utf-8")
    result = cli("init")
    assert result.exit_code == 0, result.stderr
    assert Path("cloudplan.schema.json").read_text(encoding="utf-8") == "{}"
    assert "schema" not in result.stderr
    # A second plan in the same folder finds the schema there and writes only itself.
    assert cli("init", "other.toml").stderr == "cloudplan: wrote other.toml\n"


def test_init_that_writes_no_plan_writes_no_schema(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(MINIMAL)
    assert cli("init").exit_code == 2
    assert not Path("cloudplan.schema.json").exists()


def test_the_shipped_roadmap_names_the_repository_schema() -> None:
    assert _schema_named_by(ROADMAP).read_bytes() == (ROADMAP.parent.parent / "cloudplan.schema.json").read_bytes()


# -- bad input: exit 2, a clear message, the file unchanged ---------------------------------------------

BAD = [
    (("done", "cercle-1/finalisaton"), "did you mean 'cercle-1/finalisation'"),
    (("done", "cercle1"), "not a milestone ref"),
    (("done", "Cercle-1/Finalisation"), "not a milestone ref"),
    (("done", "cercle-9/x"), "no project 'cercle-9'"),
    (("done", "cercle-1/finalisation", "--on", "31/02/2020"), "not a day of the calendar"),
    (("done", "cercle-1/finalisation", "--on", "someday"), "cannot read 'someday'"),
    (("reopen", "cercle-1/finalisaton"), "did you mean"),
    (("reopen", "x"), "not a milestone ref"),
    (("cancel", "cercle-2/etud", "--reason", "x"), "did you mean 'cercle-2/etude'"),
    (("cancel", "cercle-2/etude", "--on", "2020-13-01"), "cannot read"),
    (("reschedule", "cercle-2/ouverture", "T5 2021", "--reason", "x"), "cannot read 'T5 2021'"),
    (("reschedule", "cercle-2/ouverture", "2022", "--reason", " "), "needs a reason"),
    (("reschedule", "cercle-2/ouvertur", "2022", "--reason", "x"), "did you mean"),
    (("reschedule", "saas-agents/industrialisation", "2019", "--reason", "x"), "starts (2020) after its deadline"),
    (("remove", "cercle-1/finalisation"), "it is a dependency of cercle-1/extension"),
    (("remove", "cercle-2"), "has 3 milestones"),
    (("remove", "nowhere"), "no project 'nowhere'"),
    (("remove", "Bad Id"), "not valid"),
    (("add", "project", "cercle-1", "--title", "Again"), "already used"),
    (("add", "project", "Cercle 4", "--title", "Bad"), "not valid"),
    (("add", "project", "cercle-4", "--title", " "), "title is empty"),
    (("add", "milestone", "cercle-1/finalisation", "--title", "Twice"), "already has a milestone"),
    (("add", "milestone", "cercle-9/x", "--title", "X"), "no project"),
    (("add", "milestone", "cercle-1/x", "--title", "X", "--depends-on", "cercle-2/nothing"), "no such milestone"),
    (("add", "milestone", "cercle-1/x", "--title", "X", "--depends-on", "Not A Ref"), "not a ref"),
    (("add", "milestone", "cercle-1/x", "--title", "X", "--depends-on", "x"), "itself"),
    (("add", "milestone", "cercle-1/x", "--title", "X", "--due", "2020", "--start", "2021"), "after its deadline"),
    (("add", "milestone", "cercle-1/x", "--title", "X", "--due", "Q5 2020"), "cannot read"),
    (("add", "indicator", "applications-cloud", "--title", "Again"), "already used"),
    (("add", "indicator", "new", "--title", "New"), "needs a baseline and a target"),
    (
        (
            "add",
            "indicator",
            "new",
            "--title",
            "N",
            "--baseline",
            "x",
            "--baseline-on",
            "2018",
            "--target",
            "2",
            "--target-by",
            "2022",
        ),
        "not a number",
    ),
    (
        (
            "add",
            "indicator",
            "new",
            "--title",
            "N",
            "--baseline",
            "1",
            "--baseline-on",
            "2022",
            "--target",
            "2",
            "--target-by",
            "2018",
        ),
        "must come after",
    ),
    (
        (
            "add",
            "indicator",
            "new",
            "--title",
            "N",
            "--baseline",
            "1",
            "--baseline-on",
            "2018",
            "--target",
            "2",
            "--target-by",
            "2022",
            "--project",
            "cercle-9",
        ),
        "no project",
    ),
    (("measure", "applications-clou", "110"), "did you mean 'applications-cloud'"),
    (("measure", "applications-cloud", "beaucoup"), "not a number"),
    (("measure", "applications-cloud", "nan"), "not a number"),
    (("measure", "applications-cloud", "110", "--on", "hier soir"), "cannot read"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _m in BAD])
def test_bad_input_exits_2_and_leaves_the_file_byte_identical(
    cli: Cli, roadmap: Path, args: tuple[str, ...], message: str
) -> None:
    before = roadmap.read_bytes()
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert roadmap.read_bytes() == before
    assert [p.name for p in roadmap.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_each_edit_command_has_a_bad_input_test() -> None:
    tested = {args[0] if args[0] != "add" else f"add {args[1]}" for args, _m in BAD}
    assert tested >= {
        "done", "reopen", "cancel", "reschedule", "remove", "measure", "add project", "add milestone", "add indicator",
    }  # fmt: skip


def test_a_project_that_an_indicator_names_is_not_removed(cli: Cli, write_plan: Callable[..., Path]) -> None:
    path = write_plan(
        MINIMAL + '\n[[indicator]]\nid = "i"\ntitle = "I"\nproject = "alpha"\n'
        'baseline = { value = 1, on = "2018" }\ntarget = { value = 2, by = "2022" }\n'
    )
    before = path.read_bytes()
    result = cli("remove", "alpha", "--yes")
    assert result.exit_code == 2
    assert "the project of the indicator i" in result.stderr
    assert path.read_bytes() == before


def test_an_invalid_plan_is_not_edited(cli: Cli, write_plan: Callable[..., Path]) -> None:
    path = write_plan(MINIMAL.replace('due = "2020-Q1"', 'deu = "2020-Q1"'))
    before = path.read_bytes()
    result = cli("done", "alpha/one")
    assert result.exit_code == 2
    assert "unknown key 'deu'" in result.stderr
    assert "not edited" in result.stderr
    assert path.read_bytes() == before


def test_a_done_date_in_the_future_is_written_with_a_warning(cli: Cli, write_plan: Callable[..., Path]) -> None:
    path = write_plan(MINIMAL)
    result = cli("done", "alpha/one", "--on", "+10d")
    assert result.exit_code == 0
    assert "warning done-in-future" in result.stderr
    assert "done = " in path.read_text(encoding="utf-8")


# -- status --slipped and history -------------------------------------------------------------------------


def _two_slips(cli: Cli) -> None:
    cli("reschedule", "cercle-2/ouverture", "T2 2021", "--reason", "Appel d'offres relancé", "--on", "2020-09-01")
    cli("reschedule", "cercle-2/ouverture", "S2 2021", "--reason", "Recours", "--on", "2021-02-01")


def test_history(cli: Cli, roadmap: Path) -> None:
    _two_slips(cli)
    result = cli("history", "cercle-2/ouverture")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[lines.index("From     To       On          Why") - 1 :] == [
        "",
        "From     To       On          Why",
        "2021-Q1  2021-Q2  2020-09-01  Appel d'offres relancé",
        "2021-Q2  2021-H2  2021-02-01  Recours",
    ]
    assert "+275 days from the first deadline, in 2 moves" in result.stdout
    doc = json.loads(cli("history", "cercle-2/ouverture", "--format", "json").stdout)
    assert doc["slips"][1] == {"from": "2021-Q2", "to": "2021-H2", "on": "2021-02-01", "reason": "Recours"}
    assert doc["slipped_days"] == 275
    assert "never slipped" in cli("history", "cercle-2/etude").stdout
    result = cli("history", "cercle-2/ouvertur")
    assert result.exit_code == 2
    assert "did you mean" in result.stderr


# -- the check of an edit parses only the edited project or indicator --------------------------------------

EDITS = [
    lambda p, t: edits.done(p, "cercle-1/finalisation", "2019-12-10", t),
    lambda p, t: edits.cancel(p, "saas-agents/tchap", "2020-01-01", None, t),
    lambda p, t: edits.cancel(p, "cercle-2/etude", "2020-01-10", "Fusionnée", t),
    lambda p, t: edits.reschedule(p, "cercle-2/ouverture", "T2 2021", "Recours", "2020-09-01", t),
    lambda p, t: edits.reschedule(p, "saas-agents/tchap", "2021", "planned", None, t),
    lambda p, t: edits.add_milestone(p, "cercle-1/bilan", "Bilan", t, due="2021", depends_on=["extension"]),
    lambda p, t: edits.add_project(p, "cercle-3", "Cercle 3", owners=["DINSIC"]),
    lambda p, t: edits.add_indicator(p, "x", "X", t, baseline="1", baseline_on="2018", target="2", target_by="2022"),
    lambda p, t: edits.measure(p, "applications-cloud", "110", "2020-06-30", "note", t),
    lambda p, t: edits.remove(p, "cercle-1/extension", False),
    lambda p, t: edits.remove(p, "cercle-2/ouverture", False),
    lambda p, t: edits.remove(p, "saas-agents", True),
    lambda p, t: edits.remove(p, "cloud-souverain", True),
]


@pytest.mark.parametrize("make", EDITS)
def test_an_edit_within_one_unit_is_proved_without_a_whole_parse(make: Callable[..., object], roadmap: Path) -> None:
    files = store.discover([str(roadmap.parent)], {}, roadmap.parent)
    plans = store.open_for_edit(files, lambda _tz: date(2020, 6, 30))
    edit = make(plans.loaded.portfolio, plans.loaded.today)
    assert isinstance(edit, edits.Edit)
    document = plans.apply(edit.source, edit.changes).document
    assert document.proof == "unit"  # the fast proof held: no fallback to parsing it all
    cold = store.parse(document.data, edit.source)
    assert (document.plan, document.findings) == (cold.plan, cold.findings)


def test_a_layout_the_unit_proof_does_not_cover_is_proved_by_a_whole_parse(write_plan: Callable[..., Path]) -> None:
    # The milestone of project a comes after an indicator: the project is not in one piece.
    path = write_plan(
        MINIMAL + '\n[[indicator]]\nid = "i"\ntitle = "I"\nbaseline = { value = 1, on = "2018" }\n'
        'target = { value = 2, by = "2022" }\n\n  [[project.milestone]]\n  id = "three"\n  title = "Three"\n'
    )
    plans = store.open_for_edit(store.discover([str(path)], {}, path.parent), lambda _tz: date(2020, 6, 30))
    edit = edits.done(plans.loaded.portfolio, "alpha/one", "2020-01-01", plans.loaded.today)
    document = plans.apply(edit.source, edit.changes).document
    assert document.proof == "whole"
    cold = store.parse(document.data, edit.source)
    assert (document.plan, document.findings) == (cold.plan, cold.findings)


def test_status_shows_slips_and_filters_on_them(cli: Cli, roadmap: Path) -> None:
    _two_slips(cli)
    result = cli("status", "--slipped", "--as-of", "2021-03-01")
    assert result.exit_code == 0
    assert "cercle-2/ouverture" in result.stdout
    assert "slip +275" in result.stdout
    assert "cercle-1" not in result.stdout
    doc = json.loads(cli("status", "--slipped", "--format", "json", "--as-of", "2021-03-01").stdout)
    assert [m["ref"] for p in doc["projects"] for m in p["milestones"]] == ["cercle-2/ouverture"]
    assert doc["projects"][0]["milestones"][0]["slipped_days"] == 275
    # On 2021-01-01 the second slip (2021-02-01) had not happened yet.
    assert "slip +91" in cli("status", "--slipped", "--as-of", "2021-01-01").stdout
    assert doc["indicators"] == []
    assert "cercle-1/finalisation" in cli("status", "--as-of", "2021-01-01").stdout
