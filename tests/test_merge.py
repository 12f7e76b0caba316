"""`cloudplan merge` as git's merge driver, on real repositories: every clean and conflict case, beside plain git.

Each case is two branches made from one base plan by the real edit commands (or a hand edit),
then `git merge`: once in a repository set up with `cloudplan merge --setup`, once with plain
git. A clean merge must be exactly the plan that making both sides' edits one after the other
gives (ours first); a conflict must leave git's markers around the item, named on stderr.
`PLAIN_GIT` records what git alone does with the same branches: the table of docs/merging.md.
"""

from __future__ import annotations

import re
import textwrap
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from cloudplan import store
from tests.gitrepo import Repo

Cli = Callable[..., Result]

BASE = """\
#:schema ./cloudplan.schema.json
# The cloud roadmap, kept by the programme office.
version = 1

[plan]
title = "Feuille de route cloud"
timezone = "Europe/Paris"

# Cercle 2: the State's dedicated cloud.
[[project]]
id = "cercle-2"
title = "Cloud dédié"
owners = ["DINSIC"]

  [[project.milestone]]
  id = "etude"
  title = "Étude"
  due = "2020-Q1"   # decided by the committee

  [[project.milestone]]
  id = "ouverture"
  title = "Ouverture de l'offre"
  due = "2021-Q1"
  depends_on = ["etude"]

  [[project.milestone]]
  id = "bilan"
  title = "Bilan"
  due = "2021-12"

[[project]]
id = "cercle-1"
title = "Cloud interne"
owners = ["DGFiP"]

  [[project.milestone]]
  id = "extension"
  title = "Extension"
  due = "2021"

[[indicator]]
id = "apps-cloud"
title = "Applications hébergées"
baseline = { value = 60, on = "2018" }
target = { value = 200, by = "2022" }

  [[indicator.measure]]
  on = 2020-01-31
  value = 80
"""

Edit = tuple[str, ...]  # a cloudplan edit command's arguments, or ("text", OLD, NEW): a hand edit


@dataclass(frozen=True)
class Case:
    name: str
    ours: tuple[Edit, ...]
    theirs: tuple[Edit, ...]
    conflicts: frozenset[str] = field(default_factory=frozenset)  # the items named; none: a clean merge
    plain: str = "conflict"  # what plain git does: "conflict", "clean" (the right plan) or "wrong" (a clean merge
    # whose plan is not the two sides' edits, or that `check` rejects)


CASES = [
    Case("two milestones added at the end of a project",
         (("add", "milestone", "cercle-2/migration", "--title", "Migration", "--due", "2021-H2"),),
         (("add", "milestone", "cercle-2/recette", "--title", "Recette", "--due", "2021-Q3"),)),
    Case("two projects added",
         (("add", "project", "cercle-3", "--title", "Cloud externe"),),
         (("add", "project", "messagerie", "--title", "Messagerie"),)),
    Case("different keys of one milestone",
         (("set", "cercle-2/ouverture", "title=Ouverture du service"),),
         (("set", "cercle-2/ouverture", "notes=Marché notifié"),), plain="clean"),
    Case("measures on both sides, in date order",
         (("measure", "apps-cloud", "110", "--on", "2020-06-30"),),
         (("measure", "apps-cloud", "95", "--on", "2020-03-31"),)),
    Case("the same measure on both sides",
         (("measure", "apps-cloud", "110", "--on", "2020-06-30"),),
         (("measure", "apps-cloud", "110", "--on", "2020-06-30"),), plain="clean"),
    Case("the same reschedule on both sides",
         (("reschedule", "cercle-2/bilan", "2022-Q1", "--reason", "budget", "--on", "2020-06-15"),),
         (("reschedule", "cercle-2/bilan", "2022-Q1", "--reason", "budget", "--on", "2020-06-15"),), plain="clean"),
    Case("a slip on each side, on different milestones",
         (("reschedule", "cercle-2/bilan", "2022-Q1", "--reason", "budget", "--on", "2020-06-15"),),
         (("reschedule", "cercle-1/extension", "2022", "--reason", "marché", "--on", "2020-06-20"),), plain="clean"),
    Case("a comment on one side, an edit on the other",
         (("done", "cercle-2/etude", "--on", "2020-03-20"),),
         (("text", "# decided by the committee", "# decided by the committee of 12/12/2019"),)),
    Case("a comment above an item, an edit of another",
         (("done", "cercle-2/etude", "--on", "2020-03-20"),),
         (("text", '  [[project.milestone]]\n  id = "bilan"',
           '  # The review goes to the committee.\n  [[project.milestone]]\n  id = "bilan"'),), plain="clean"),
    Case("done on one side, a milestone added on the other",
         (("done", "cercle-1/extension", "--on", "2020-05-04"),),
         (("add", "milestone", "cercle-1/bascule", "--title", "Bascule", "--due", "2022"),), plain="clean"),
    Case("two reschedules of one milestone",
         (("reschedule", "cercle-2/bilan", "2022-Q1", "--reason", "budget", "--on", "2020-06-15"),),
         (("reschedule", "cercle-2/bilan", "2022-Q2", "--reason", "recrutement", "--on", "2020-06-16"),),
         frozenset({"cercle-2/bilan"})),
    Case("two done days",
         (("done", "cercle-2/etude", "--on", "2020-03-20"),),
         (("done", "cercle-2/etude", "--on", "2020-03-25"),), frozenset({"cercle-2/etude"})),
    Case("two titles of one project",
         (("set", "cercle-1", "title=Cloud interne (Pi)"),),
         (("set", "cercle-1", "title=Cloud interne (Nubo)"),), frozenset({"cercle-1"})),
    Case("removed on one side, changed on the other",
         (("remove", "cercle-2/bilan"),),
         (("set", "cercle-2/bilan", "notes=Bilan à présenter au comité"),), frozenset({"cercle-2/bilan"})),
    Case("one new id with two contents",
         (("add", "milestone", "cercle-1/migration", "--title", "Migration des bases", "--due", "2021-H2"),),
         (("add", "milestone", "cercle-1/migration", "--title", "Migration des annuaires", "--due", "2022"),),
         frozenset({"cercle-1/migration"})),
    Case("done on one side, cancelled on the other",
         (("done", "cercle-1/extension", "--on", "2020-05-04"),),
         (("cancel", "cercle-1/extension", "--on", "2020-05-05"),), frozenset({"cercle-1/extension"})),
    Case("a dependency cycle made by the two sides",
         (("set", "cercle-2/etude", "depends_on=bilan"),),
         (("set", "cercle-2/bilan", "depends_on=ouverture"),),
         frozenset({"cercle-2/etude", "cercle-2/bilan"}), plain="wrong"),
    Case("a dependency on a milestone the other side removed",
         (("set", "cercle-1/extension", "depends_on=cercle-2/bilan"),),
         (("remove", "cercle-2/bilan"),), frozenset({"cercle-1/extension", "cercle-2/bilan"}), plain="wrong"),
]  # fmt: skip


def _edit(cli: Cli, plan: Path, edit: Edit, strict: bool = True) -> bool:
    """Make *edit* in *plan*; whether it was made (with *strict*, it must be)."""
    if edit[0] == "text":
        text = plan.read_text(encoding="utf-8")
        assert edit[1] in text
        plan.write_text(text.replace(edit[1], edit[2], 1), encoding="utf-8")
        return True
    args = [*edit, "-f", str(plan)]
    if edit[0] == "remove":
        args.append("--yes")
    result = cli(*args)
    assert result.exit_code == 0 or not strict, result.output
    return result.exit_code == 0


class Merge:
    """A merge of the case's branches: git's exit code, the file as the merge left it, what git and cloudplan said."""

    def __init__(self, repo: Repo, plan: Path, code: int, said: str) -> None:
        self.repo, self.plan, self.code, self.said = repo, plan, code, said
        self.text = plan.read_text(encoding="utf-8")


def _merge(cli: Cli, root: Path, case: Case, driver: bool, style: str = "merge") -> Merge:
    repo = Repo(root)
    plan = root / "plans" / "cloud.toml"
    plan.parent.mkdir()
    plan.write_text(BASE, encoding="utf-8")
    if driver:
        setup = repo.cloudplan("merge", "--setup")
        assert setup.returncode == 0, setup.stderr
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "theirs")
    for edit in case.theirs:
        _edit(cli, plan, edit)
    repo.commit("theirs")
    repo.git("checkout", "-q", "main")
    for edit in case.ours:
        _edit(cli, plan, edit)
    repo.commit("ours")
    done = repo.git("-c", f"merge.conflictStyle={style}", "merge", "--no-edit", "theirs", check=False)
    return Merge(repo, plan, done.returncode, done.stdout + done.stderr)


def _expected(cli: Cli, folder: Path, case: Case) -> str | None:
    """The plan both sides' edits make, one after the other on the base: ours, then theirs (None: they cannot)."""
    plan = folder / "expected.toml"
    folder.mkdir(parents=True, exist_ok=True)
    plan.write_text(BASE, encoding="utf-8")
    if not all(_edit(cli, plan, edit, strict=False) for edit in case.ours + case.theirs):
        return None
    return plan.read_text(encoding="utf-8")


def _model(text: str) -> Any:
    """The plan a text means, whatever its layout: the parsed document, measures in date order."""
    doc = tomllib.loads(text)
    for indicator in doc.get("indicator", []):
        indicator["measure"] = sorted(indicator.get("measure", []), key=lambda m: m["on"])
    return doc


def _valid(text: str) -> bool:
    parsed = store.parse(text.encode("utf-8"), "plan.toml")
    if parsed.plan is None or any(f.severity == "error" for f in parsed.findings):
        return False
    from datetime import date

    from cloudplan.core.model import Portfolio
    from cloudplan.core.validate import validate

    return not any(f.severity == "error" for f in validate(Portfolio((parsed.plan,)), date(2020, 6, 30)))


def _plain_outcome(merge: Merge, expected: str | None) -> str:
    if merge.code != 0:
        return "conflict"
    right = expected is not None and _model(merge.text) == _model(expected)
    return "clean" if _valid(merge.text) and right else "wrong"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_git_merge_with_the_driver_beside_plain_git(cli: Cli, tmp_path: Path, case: Case) -> None:
    expected = _expected(cli, tmp_path / "expected", case)
    merged = _merge(cli, tmp_path / "driver", case, driver=True)
    plain = _merge(cli, tmp_path / "plain", case, driver=False)
    assert _plain_outcome(plain, expected) == case.plain, plain.said
    if not case.conflicts:
        assert merged.code == 0, merged.said
        assert expected is not None
        assert _model(merged.text) == _model(expected)
        assert merged.text.startswith("#:schema ./cloudplan.schema.json\n# The cloud roadmap")
        assert "# decided by the committee" in merged.text  # ours's comments stay
        assert merged.repo.git("status", "--porcelain").stdout == ""
        return
    assert merged.code == 1, merged.said
    named = set(re.findall(r"conflict: ([a-z0-9/-]+)", merged.said))
    assert named == case.conflicts, merged.said
    assert merged.text.count("<<<<<<< ours\n") == len(case.conflicts)
    assert merged.text.count("\n>>>>>>> theirs\n") == len(case.conflicts)
    check = merged.repo.cloudplan("check", "plans")
    assert check.returncode == 1
    assert set(re.findall(r"error (\S+):", check.stdout)) == {"merge-conflict"}


def test_the_table_of_docs_merging_is_what_the_cases_give() -> None:
    """docs/merging.md says how many plain-git conflicts become clean merges, and how many wrong plans are caught."""
    page = Path(__file__).resolve().parent.parent / "docs" / "merging.md"
    text = " ".join(page.read_text(encoding="utf-8").split())
    for case in CASES:
        plain = {"conflict": "conflict", "clean": "clean, right", "wrong": "clean, **wrong plan**"}[case.plain]
        ours = "conflict" if case.conflicts else "clean"
        assert f"| {case.name} | {plain} | {ours} |" in text, case.name
    resolved = sum(1 for c in CASES if c.plain == "conflict" and not c.conflicts)
    caught = sum(1 for c in CASES if c.plain == "wrong" and c.conflicts)
    assert f"{resolved} of the {sum(c.plain == 'conflict' for c in CASES)} conflicts of plain git" in text
    assert f"the {caught} clean merges of plain git that gave a wrong plan are caught" in text


def test_clean_merge_keeps_both_sides_text(cli: Cli, tmp_path: Path) -> None:
    """Ours's bytes outside what theirs changed, theirs's new milestone as theirs wrote it, ours's first."""
    case = CASES[0]
    merged = _merge(cli, tmp_path, case, driver=True)
    assert merged.code == 0
    ours = merged.repo.git("show", "HEAD^1:plans/cloud.toml").stdout
    assert merged.text == ours.replace(
        '  title = "Migration"\n  due = "2021-H2"\n',
        '  title = "Migration"\n  due = "2021-H2"\n\n  [[project.milestone]]\n  id = "recette"\n'
        '  title = "Recette"\n  due = "2021-Q3"\n',
    )


def test_measures_go_in_date_order(cli: Cli, tmp_path: Path) -> None:
    merged = _merge(cli, tmp_path, CASES[3], driver=True)
    days = re.findall(r"on = (\d{4}-\d\d-\d\d)", merged.text)
    assert days == ["2020-01-31", "2020-03-31", "2020-06-30"]


def test_a_comment_of_theirs_comes_along(cli: Cli, tmp_path: Path) -> None:
    for case in (CASES[7], CASES[8]):
        merged = _merge(cli, tmp_path / str(CASES.index(case)), case, driver=True)
        assert merged.code == 0, merged.said
        assert case.theirs[0][2].strip().split("\n")[0] in merged.text
        assert "done = 2020-03-20" in merged.text


def test_a_conflict_is_the_milestone_with_its_slips_between_markers(cli: Cli, tmp_path: Path) -> None:
    merged = _merge(cli, tmp_path, CASES[10], driver=True)
    block = textwrap.dedent("""\
        <<<<<<< ours
          [[project.milestone]]
          id = "bilan"
          title = "Bilan"
          due = "2022-Q1"

            [[project.milestone.slip]]
            from = "2021-12"
            to = "2022-Q1"
            on = 2020-06-15
            reason = "budget"
        =======
          [[project.milestone]]
          id = "bilan"
          title = "Bilan"
          due = "2022-Q2"

            [[project.milestone.slip]]
            from = "2021-12"
            to = "2022-Q2"
            on = 2020-06-16
            reason = "recrutement"
        >>>>>>> theirs
        """)
    assert block in merged.text
    assert 'plans/cloud.toml: conflict: cercle-2/bilan due: ours "2022-Q1", theirs "2022-Q2"' in merged.said
    # Resolving by keeping one side gives a valid plan.
    resolved = re.sub(r"<<<<<<< ours\n(.*?)=======\n.*?>>>>>>> theirs\n", r"\1", merged.text, flags=re.S)
    assert _valid(resolved)


def test_diff3_puts_the_base_between_the_sides(cli: Cli, tmp_path: Path) -> None:
    merged = _merge(cli, tmp_path, CASES[12], driver=True, style="diff3")
    assert merged.code == 1
    assert re.search(
        r'<<<<<<< ours\n.*title = "Cloud interne \(Pi\)".*\n\|\|\|\|\|\|\| base\n.*title = "Cloud interne"\n.*'
        r'=======\n.*title = "Cloud interne \(Nubo\)".*>>>>>>> theirs\n',
        merged.text,
        re.S,
    )
    zealous = _merge(cli, tmp_path / "z", CASES[12], driver=True, style="zdiff3")
    assert "||||||| base\n" in zealous.text


def test_the_marker_size_is_gits(cli: Cli, tmp_path: Path) -> None:
    case = CASES[12]
    merged = _merge(cli, tmp_path, case, driver=True)
    merged.repo.git("merge", "--abort")
    (merged.repo.root / ".gitattributes").write_text(
        "plans/*.toml merge=cloudplan conflict-marker-size=12\n", encoding="utf-8"
    )
    merged.repo.commit("longer markers")
    again = merged.repo.git("merge", "--no-edit", "theirs", check=False)
    assert again.returncode == 1
    assert "<" * 12 + " ours\n" in merged.plan.read_text(encoding="utf-8")


def test_git_mergetool_takes_a_side(cli: Cli, tmp_path: Path) -> None:
    """git keeps the three versions of a conflict in its index: a merge tool picks from them."""
    merged = _merge(cli, tmp_path, CASES[11], driver=True)
    assert merged.code == 1
    tool = merged.repo.git(
        "-c", "mergetool.pick.cmd=cp \"$REMOTE\" \"$MERGED\"", "-c", "mergetool.pick.trustExitCode=true",
        "mergetool", "--tool=pick", "--no-prompt", "plans/cloud.toml",
    )  # fmt: skip
    assert tool.returncode == 0
    assert "done = 2020-03-25" in merged.plan.read_text(encoding="utf-8")
    assert merged.repo.cloudplan("check", "plans").returncode == 0


def test_setup_twice_changes_nothing(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    first = repo.cloudplan("merge", "--setup")
    assert first.returncode == 0, first.stderr
    attributes = (tmp_path / ".gitattributes").read_text(encoding="utf-8")
    assert attributes == "plans/*.toml merge=cloudplan\ncloudplan.toml merge=cloudplan\n"
    assert repo.git("config", "merge.cloudplan.driver").stdout.strip() == (
        "cloudplan merge %O %A %B --name %P --marker-size %L"
    )
    assert repo.git("config", "merge.cloudplan.name").stdout.strip()
    config = (tmp_path / ".git" / "config").read_bytes()
    second = repo.cloudplan("merge", "--setup")
    assert second.returncode == 0
    assert "already set up: nothing to change" in second.stderr
    assert (tmp_path / ".gitattributes").read_text(encoding="utf-8") == attributes
    assert (tmp_path / ".git" / "config").read_bytes() == config
    assert repo.git("check-attr", "merge", "plans/a.toml", "cloudplan.toml").stdout == (
        "plans/a.toml: merge: cloudplan\ncloudplan.toml: merge: cloudplan\n"
    )


def test_setup_keeps_the_attributes_already_there(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    (tmp_path / ".gitattributes").write_text("*.png binary\ncloudplan.toml  merge=cloudplan", encoding="utf-8")
    assert repo.cloudplan("merge", "--setup").returncode == 0
    assert (tmp_path / ".gitattributes").read_text(encoding="utf-8") == (
        "*.png binary\ncloudplan.toml  merge=cloudplan\nplans/*.toml merge=cloudplan\n"
    )


def test_setup_outside_a_work_tree_is_exit_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "cloudplan", "merge", "--setup"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 2
    assert "not in a git work tree" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("broken", "why"),
    [
        ('broken = "\n', "theirs is not valid TOML"),
        ("[[project]]\ntitel = 'x'\n", "theirs is not a valid plan"),
    ],
)
def test_a_side_that_is_not_a_plan_gets_gits_line_merge(cli: Cli, tmp_path: Path, broken: str, why: str) -> None:
    case = Case("broken", (("done", "cercle-2/etude", "--on", "2020-03-20"),), (("text", "\n[[indicator]]", "\n" +
                broken + "\n[[indicator]]"),))  # fmt: skip
    merged = _merge(cli, tmp_path, case, driver=True)
    assert merged.code == 1  # git: the driver failed, the file is in conflict
    assert f"plans/cloud.toml: cannot merge by meaning: {why}" in merged.said
    assert "git's line merge is written instead" in merged.said
    assert "Traceback" not in merged.said
    assert "done = 2020-03-20" in merged.text  # what git's line merge gives, not a lost side
    assert merged.repo.git("status", "--porcelain").stdout.startswith("UU plans/cloud.toml")


def test_the_driver_alone(tmp_path: Path) -> None:
    """As git calls it: three files, the result written to OURS, exit 0, 1 or 2; a usage error without them."""
    import subprocess
    import sys

    base, ours, theirs = (tmp_path / n for n in ("base", "ours", "theirs"))
    base.write_text(BASE, encoding="utf-8")
    ours.write_text(BASE.replace('due = "2021-12"', 'due = "2021-12"\n  notes = "ours"'), encoding="utf-8")
    theirs.write_text(BASE.replace('title = "Bilan"', 'title = "Bilan final"'), encoding="utf-8")
    ours.chmod(0o640)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "cloudplan", "merge", *args], cwd=tmp_path,
                              capture_output=True, text=True, check=False)  # fmt: skip

    done = run("base", "ours", "theirs", "--name", "plans/x.toml")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert 'title = "Bilan final"\n  due = "2021-12"\n  notes = "ours"\n' in ours.read_text(encoding="utf-8")
    assert ours.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    missing = run("base", "ours")
    assert missing.returncode == 2
    assert "give the three versions of the file" in missing.stderr
    nowhere = run("base", "nowhere", "theirs")
    assert nowhere.returncode == 2
    assert "nowhere: cannot read it" in nowhere.stderr


def _merged_text(base: str, ours: str, theirs: str) -> tuple[str, list[Any]]:
    from datetime import date

    from cloudplan.plan.merge import merge_plans

    ours_plan = store.parse(ours.encode("utf-8"), "plan.toml").plan
    assert ours_plan is not None
    merged = merge_plans(base, ours, theirs, name="plan.toml", ours_plan=ours_plan, today=date(2026, 12, 6))
    return merged.text, merged.conflicts


SMALL = (
    'version = 1\n[plan]\ntitle = "P"\n[[project]]\nid = "p0"\ntitle = "A"\n'
    '[[project.milestone]]\nid = "m0"\ntitle = "M"\ndue = "2020"\n'
)


def test_a_unit_both_sides_changed_keeps_ours_spacing() -> None:
    """A project merged from both sides stands where ours had it, with no blank line ours did not write."""
    ours = SMALL.replace('title = "A"', 'title = "Z"')
    theirs = SMALL.replace('title = "M"', 'title = "B"')
    text, conflicts = _merged_text(SMALL, ours, theirs)
    assert conflicts == []
    assert text == SMALL.replace('title = "A"', 'title = "Z"').replace('title = "M"', 'title = "B"')


def test_ours_inline_slips_and_theirs_slip_tables_merge() -> None:
    """Ours writes `slip = []` and retitles; theirs reschedules (its slip as a table): both, slips inline as ours."""
    base = SMALL + "slip = []\n"
    ours = base.replace('title = "M"', 'title = "B"')
    theirs = base.replace(
        'due = "2020"\nslip = []\n',
        'due = "2022"\n\n  [[project.milestone.slip]]\n  from = "2020"\n  to = "2022"\n  on = 2020-01-15\n'
        '  reason = "late"\n',
    )
    text, conflicts = _merged_text(base, ours, theirs)
    assert conflicts == []
    milestone = tomllib.loads(text)["project"][0]["milestone"][0]
    assert milestone["title"] == "B"
    assert milestone["due"] == "2022"
    assert [s["reason"] for s in milestone["slip"]] == ["late"]
    assert 'slip = [{ from = "2020", to = "2022"' in text
