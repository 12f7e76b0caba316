"""Portfolios across repositories: the portfolio file, `cloudplan fetch`, and every read command through it.

Against real parts: repositories on disk, a git daemon and an HTTPS git server started here, ssh keys
made by ssh-keygen and commits signed with them, a source that would create a file if anything of it ran.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from typer.testing import Result

from tests.conftest import require_program
from tests.forge import GIT_ENV, Source, allowed_signers, arm, git_daemon, https_forge, plan, portfolio, ssh_key

Cli = Callable[..., Result]


@pytest.fixture(autouse=True)
def _git() -> None:
    require_program(("git",), "the portfolio tests (real repositories)")


@pytest.fixture
def forge(tmp_path: Path) -> Path:
    root = tmp_path / "forge"
    root.mkdir()
    return root


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return tmp_path / "work"


def mirrors(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "cloudplan-mirrors"


def two(forge: Path) -> tuple[Source, Source]:
    armees, culture = Source(forge, "armees"), Source(forge, "culture")
    armees.commit(plan("armees-cloud", "Cloud des armées"))
    culture.commit(plan("culture-cloud", "Cloud de la culture", due="2030-Q2"))
    return armees, culture


# -- the portfolio file ----------------------------------------------------------------------------------


def test_a_portfolio_file_is_decoded_into_its_sources() -> None:
    from cloudplan.plan import portfolio as decode

    doc = tomllib.loads(
        '[portfolio]\ntitle = "Interministériel"\nlanguage = "fr"\n\n'
        '[[source]]\nname = "armees"\ngit = "https://forge.example/armees/feuille.git"\nref = "main"\n'
        'path = "./roadmap/"\nverify = "ssh"\nallowed_signers = "signers"\n\n'
        '[[source]]\nname = "culture"\ngit = "git@forge.example:culture/plans.git"\n'
    )
    found, findings = decode.build(doc, "portfolio.toml")
    assert findings == []
    assert (found.title, found.language) == ("Interministériel", "fr")
    armees, culture = found.sources
    assert (armees.name, armees.ref, armees.path, armees.verify, armees.allowed_signers) == (
        "armees", "main", "roadmap", "ssh", "signers"
    )  # fmt: skip
    assert (culture.ref, culture.path, culture.verify) == (None, None, None)
    assert decode.kind(culture.git) == "scp"
    assert decode.kind(armees.git) == "url"
    assert decode.kind("../x") == "path"


BAD = """\
[portfolio]
titel = "x"

[[source]]
name = "Armees"
git = "ext::sh -c touch% /tmp/pwned"

[[source]]
name = "b"
git = "https://office:s3cret@forge.example/b.git"
ref = "-main"
path = "../../etc"
verify = "gpg"

[[source]]
name = "c"
git = "http://forge.example/c.git"
allowed_signers = "signers"

[[source]]
name = "c"
git = "-oProxyCommand=touch"
"""


def test_check_reports_every_problem_of_a_portfolio_file_on_its_line(cli: Cli, work: Path) -> None:
    (work / "portfolio.toml").write_text(BAD, encoding="utf-8")
    result = cli("check", "portfolio.toml")
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    expected = [
        ("portfolio.toml:1:1:", "missing-key", "'title'"),
        ("portfolio.toml:2:1:", "unknown-key", "did you mean 'title'"),
        ("portfolio.toml:5:1:", "bad-slug", "'Armees'"),
        ("portfolio.toml:6:1:", "bad-source", "remote helper"),
        ("portfolio.toml:10:1:", "bad-source", "holds a password"),
        ("portfolio.toml:11:1:", "bad-source", "'-main'"),
        ("portfolio.toml:12:1:", "bad-source", "'../../etc'"),
        ("portfolio.toml:13:1:", "bad-source", "ssh signatures only"),
        ("portfolio.toml:17:1:", "bad-source", "not http"),
        ("portfolio.toml:18:1:", "bad-source", "allowed_signers is read only with verify"),
        ("portfolio.toml:22:1:", "bad-source", "must not start with '-'"),
    ]
    for where, code, words in expected:
        assert any(line.startswith(where) and code in line and words in line for line in lines), (where, lines)
    assert "s3cret" not in result.stdout  # a finding never repeats a password
    # Any read command refuses it (exit 2) and names the first problem; nothing is fetched.
    for args in (("status", "portfolio.toml"), ("fetch", "portfolio.toml")):
        refused = cli(*args)
        assert refused.exit_code == 2, refused.output
        assert "portfolio.toml:1:1: error missing-key" in refused.stderr
        assert "cloudplan check portfolio.toml" in refused.stderr


def test_check_json_of_a_portfolio_file_is_a_list_of_findings(cli: Cli, work: Path) -> None:
    (work / "portfolio.toml").write_text(BAD, encoding="utf-8")
    result = cli("check", "--format", "json", "portfolio.toml", "--lang", "fr")
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert {f["code"] for f in found} == {"bad-source", "bad-slug", "unknown-key", "missing-key"}
    assert {f["path"] for f in found} == {"portfolio.toml"}
    assert "remote helper" in next(f["message"] for f in found if f["line"] == 6)  # English, whatever --lang


def test_the_portfolio_schema_is_valid_and_the_examples_meet_it(cli: Cli) -> None:
    import jsonschema

    result = cli("schema", "portfolio")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["required"] == ["portfolio", "source"]
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    good = tomllib.loads(
        '[portfolio]\ntitle = "T"\n[[source]]\nname = "a"\ngit = "https://f.example/a.git"\nverify = "ssh"\n'
        'allowed_signers = "s"\n'
    )
    assert list(validator(schema).iter_errors(good)) == []
    for bad in (
        '[portfolio]\ntitle = "T"\n[[source]]\nname = "A"\ngit = "x"\n',
        '[portfolio]\ntitle = "T"\n[[source]]\nname = "a"\ngit = "ext::sh"\n',
        '[portfolio]\ntitle = "T"\n[[source]]\nname = "a"\ngit = "x"\nverify = "ssh"\n',
        '[portfolio]\ntitle = "T"\n[[source]]\nname = "a"\ngit = "x"\ndeu = 1\n',
        '[portfolio]\ntitle = "T"\n',
    ):
        assert list(validator(schema).iter_errors(tomllib.loads(bad))), bad
    assert cli("schema", "plan").stdout == cli("schema").stdout
    assert cli("schema", "nothing").exit_code == 2


# -- fetch, then read ------------------------------------------------------------------------------------


def test_fetch_over_a_git_daemon_then_every_read_command_reads_the_sources(
    cli: Cli, forge: Path, work: Path, tmp_path: Path
) -> None:
    _armees, culture = two(forge)
    contact = '\n[[contact]]\nowner = "*"\nemail = ["pmo@dinum.example"]\n'
    commit = culture.commit(plan("culture-cloud", "Cloud de la culture", due="2030-Q2", extra=contact))
    with git_daemon(forge) as port:
        portfolio(work, [("armees", f"git://127.0.0.1:{port}/armees"), ("culture", f"git://127.0.0.1:{port}/culture")])
        fetched = cli("fetch", "portfolio.toml")
    assert fetched.exit_code == 0, fetched.output
    assert fetched.stdout == ""
    assert fetched.stderr == ""
    # Read with the daemon gone: the mirrors hold everything.
    status = json.loads(cli("status", "portfolio.toml", "--format", "json", "--as-of", "2020-06-30").stdout)
    assert [s["name"] for s in status["sources"]] == ["armees", "culture"]
    assert status["sources"][1]["commit"] == commit
    assert status["sources"][0]["fetched"].endswith("Z")
    milestones = [m for p in status["projects"] for m in p["milestones"]]
    assert {(m["ref"], m["source"], m["plan"]) for m in milestones} >= {
        ("armees-cloud/etude", "armees", "armees:plans/roadmap.toml"),
        ("culture-cloud/etude", "culture", "culture:plans/roadmap.toml"),
    }
    assert all(p["source"] in ("armees", "culture") for p in status["projects"])
    overdue = cli("overdue", "portfolio.toml", "--format", "json", "--as-of", "2020-06-30")
    assert overdue.exit_code == 1
    assert [(i["ref"], i["source"]) for i in json.loads(overdue.stdout)["items"]] == [("armees-cloud/etude", "armees")]
    assert json.loads(cli("export", "json", "portfolio.toml").stdout)["sources"] == status["sources"]
    shown = json.loads(cli("show", "culture-cloud/etude", "portfolio.toml", "--format", "json").stdout)
    assert shown["source"] == "culture"
    # Every JSON document read through the portfolio meets its published schema, `source` and `sources` included.
    documents = {
        "status": status,
        "overdue": json.loads(overdue.stdout),
        "export": json.loads(cli("export", "json", "portfolio.toml").stdout),
        "show": shown,
        "indicators": json.loads(cli("indicators", "portfolio.toml", "--format", "json").stdout),
    }
    for kind, document in documents.items():
        schema = json.loads(cli("schema", kind).stdout)
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(document)]
        assert not errors, (kind, errors[:3])
    # People's views name each source and how old its data is.
    table = cli("status", "portfolio.toml", "--as-of", "2020-06-30").stdout
    assert "(source armees)" in table
    assert "Sources" in table
    assert f"culture  commit {commit[:12]}, fetched just now · git://127.0.0.1:{port}/culture" in table
    for args in (("status", "--summary"), ("timeline",), ("indicators",), ("trend",), ("show", "armees-cloud")):
        out = cli(*args, "portfolio.toml")
        assert out.exit_code == 0, (args, out.output)
        assert "Sources" in out.stdout, args
        assert "armees" in out.stdout, args
    assert cli("check", "portfolio.toml").exit_code == 0
    report = cli("report", "--html", "report.html", "portfolio.toml")
    assert report.exit_code == 0, report.output
    page = (work / "report.html").read_text(encoding="utf-8")
    assert '<section id="sources">' in page
    assert f'title="{commit}"' in page
    assert "just now" in page
    assert "Interministériel" in page  # the portfolio's title
    # notify: the contact in a source's plan receives the alerts of every source.
    dry = cli("notify", "portfolio.toml", "--state", str(tmp_path / "state.json"), "--dry-run", "--as-of", "2020-06-30")
    assert dry.exit_code == 0, dry.output
    assert "To: mailto:pmo@dinum.example" in dry.stdout
    assert "armees-cloud/etude" in dry.stdout


def test_a_source_is_read_at_its_fetched_commit_until_the_next_fetch(cli: Cli, forge: Path, work: Path) -> None:
    armees, _culture = two(forge)
    portfolio(work, [("armees", str(armees.root)), ("culture", "../forge/culture")])  # a path: from the file
    env = {"CLOUDPLAN_PLAN": str(work / "portfolio.toml")}
    assert cli("fetch", env=env).exit_code == 0  # $CLOUDPLAN_PLAN names the portfolio, as it names plans
    armees.commit(plan("armees-cloud", "Cloud des armées, revu"))
    assert "Cloud des armées, revu" not in cli("status", env=env).stdout
    assert cli("fetch", env=env).exit_code == 0
    assert "Cloud des armées, revu" in cli("status", env=env).stdout
    # Found as plans are: a cloudplan.toml that is a portfolio file.
    (work / "portfolio.toml").rename(work / "cloudplan.toml")
    assert "Cloud des armées, revu" in cli("status").stdout


def test_no_portfolio_file_to_fetch_is_an_error(cli: Cli, work: Path, write_plan: Callable[..., Path]) -> None:
    write_plan(plan("local"))
    result = cli("fetch")
    assert result.exit_code == 2
    assert "no portfolio file" in result.stderr


def test_a_source_never_fetched_is_an_error_that_says_run_fetch(cli: Cli, forge: Path, work: Path) -> None:
    armees, culture = two(forge)
    portfolio(work, [("armees", str(armees.root))])
    for args in (("status",), ("overdue",), ("check",), ("changes", "--since", "HEAD")):
        result = cli(*args, "portfolio.toml")
        assert result.exit_code == 2, (args, result.output)
        assert "run cloudplan fetch" in result.stderr, args
    assert cli("fetch", "portfolio.toml").exit_code == 0
    portfolio(work, [("armees", str(armees.root)), ("culture", str(culture.root))])  # a source added since
    result = cli("status", "portfolio.toml")
    assert result.exit_code == 2
    assert "source 'culture' of portfolio.toml was never fetched" in result.stderr
    assert "run cloudplan fetch" in result.stderr


def test_an_unreachable_source_fails_alone_and_the_others_are_updated(cli: Cli, forge: Path, work: Path) -> None:
    from tests.servers import free_port

    armees, culture = two(forge)
    closed = free_port()
    portfolio(work, [("armees", str(armees.root)), ("lost", f"git://127.0.0.1:{closed}/lost"),
                     ("culture", str(culture.root)), ("gone", str(forge / "nowhere"))])  # fmt: skip
    result = cli("fetch", "portfolio.toml")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith("cloudplan: lost: unable to connect to 127.0.0.1") and "refused" in line
               for line in lines), lines  # fmt: skip
    assert any(line.startswith("cloudplan: gone: ") and "does not appear to be a git repository" in line
               for line in lines), lines  # fmt: skip
    assert len(lines) == 2, lines
    # The two that answered are there; the others were never fetched.
    fetched = [p.name.split("-")[0] for p in mirrors(work.parent).iterdir() if (p / "cloudplan-source.json").exists()]
    assert sorted(fetched) == ["armees", "culture"]


def test_an_ext_url_is_refused_by_the_check_and_by_git(cli: Cli, forge: Path, work: Path, tmp_path: Path) -> None:
    from cloudplan.store import mirror

    marker = tmp_path / "ext-ran"
    portfolio(work, [("evil", f"ext::sh -c touch% {marker}")])
    result = cli("fetch", "portfolio.toml")
    assert result.exit_code == 2
    assert "remote helper" in result.stderr
    # Were it to reach git, git itself refuses the transport.
    repo = mirror.Mirror(tmp_path / "m.git")
    repo.create()
    with pytest.raises(mirror.FetchFailed, match="transport 'ext' not allowed"):
        repo.fetch(f"ext::sh -c touch% {marker}", None, datetime.now(UTC))
    assert not marker.exists()


@pytest.mark.parametrize("served", ["path", "daemon"])
def test_nothing_of_a_hostile_source_runs(cli: Cli, forge: Path, work: Path, tmp_path: Path, served: str) -> None:
    marker = tmp_path / "hostile-ran"
    evil = Source(forge, "evil")
    evil.commit(plan("evil-cloud"), when="2020-05-01T10:00:00+02:00")
    evil.commit(plan("evil-cloud", "Cloud, revu"), when="2020-07-01T10:00:00+02:00")
    arm(evil, marker)
    with git_daemon(forge) as port:
        location = str(evil.root) if served == "path" else f"git://127.0.0.1:{port}/evil"
        portfolio(work, [("evil", location)])
        fetched = cli("fetch", "portfolio.toml")
        assert fetched.exit_code == 0, fetched.output
        assert cli("fetch", "portfolio.toml").exit_code == 0
    for args in (("status",), ("overdue",), ("check",), ("report", "--html", "r.html"),
                 ("changes", "--since", "2020-06-01"), ("show", "evil-cloud")):  # fmt: skip
        result = cli(*args, "portfolio.toml")
        assert result.exit_code in (0, 1), (args, result.output)
    assert "Cloud, revu" in cli("status", "portfolio.toml").stdout
    assert not marker.exists()
    (mirror,) = mirrors(tmp_path).iterdir()
    assert not (mirror / "hooks").exists()  # made without templates
    assert "hooksPath" not in (mirror / "config").read_text()
    assert "fsmonitor" not in (mirror / "config").read_text()
    assert (mirror.stat().st_mode & 0o777) == 0o700
    assert (mirrors(tmp_path).stat().st_mode & 0o777) == 0o700


def test_signed_sources_only_move_to_a_commit_an_allowed_key_signed(
    cli: Cli, forge: Path, work: Path, tmp_path: Path
) -> None:
    require_program(("ssh-keygen",), "the signature tests")
    keys = tmp_path / "keys"
    keys.mkdir()
    good, other = ssh_key(keys, "good"), ssh_key(keys, "other")
    allowed_signers(work / "allowed_signers", good)
    armees = Source(forge, "armees")
    first = armees.commit(plan("armees-cloud", "Signé"), sign=good)
    portfolio(work, [("armees", str(armees.root))])
    with (work / "portfolio.toml").open("a") as f:
        f.write('verify = "ssh"\nallowed_signers = "allowed_signers"\n')

    def title() -> str:
        doc = json.loads(cli("status", "portfolio.toml", "--format", "json").stdout)
        assert doc["sources"][0]["commit"] in commits
        return str(doc["projects"][0]["title"])

    commits = [first]
    assert cli("fetch", "portfolio.toml").exit_code == 0
    assert title() == "Signé"
    # A commit signed by a key that allowed_signers does not list: refused, named, the last verified one stays.
    commits.append(armees.commit(plan("armees-cloud", "Clé inconnue"), sign=other))
    refused = cli("fetch", "portfolio.toml")
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"cloudplan: armees: refused: commit {commits[-1][:12]} is signed by a key")
    assert "still reading the last verified commit" in refused.stderr
    assert title() == "Signé"
    # Unsigned: refused too.
    commits.append(armees.commit(plan("armees-cloud", "Pas signé")))
    refused = cli("fetch", "portfolio.toml")
    assert refused.exit_code == 1
    assert f"commit {commits[-1][:12]} is not signed" in refused.stderr
    assert title() == "Signé"
    # Signed by the allowed key again: read.
    commits.append(armees.commit(plan("armees-cloud", "Signé encore"), sign=good))
    assert cli("fetch", "portfolio.toml").exit_code == 0
    assert title() == "Signé encore"
    (mirror,) = mirrors(tmp_path).iterdir()
    state = json.loads((mirror / "cloudplan-source.json").read_text())
    assert (state["commit"], state["verified"]) == (commits[-1], True)


def test_a_missing_allowed_signers_file_is_a_finding(cli: Cli, work: Path) -> None:
    portfolio(work, [("armees", "https://forge.example/armees.git")])
    with (work / "portfolio.toml").open("a") as f:
        f.write('verify = "ssh"\nallowed_signers = "nowhere"\n')
    result = cli("check", "portfolio.toml")
    assert result.exit_code == 1
    assert "portfolio.toml:10:1: error bad-source: no allowed-signers file nowhere" in result.stdout


def test_a_project_id_in_two_sources_is_an_error_naming_both(cli: Cli, forge: Path, work: Path) -> None:
    armees, culture = Source(forge, "armees"), Source(forge, "culture")
    armees.commit(plan("cloud"))
    culture.commit(plan("cloud"))
    portfolio(work, [("armees", str(armees.root)), ("culture", str(culture.root))])
    assert cli("fetch", "portfolio.toml").exit_code == 0
    result = cli("status", "portfolio.toml")
    assert result.exit_code == 2
    assert (
        "culture:plans/roadmap.toml:6:1: error duplicate-id: project id 'cloud' is used twice, by source 'armees' "
        "(armees:plans/roadmap.toml) and by source 'culture' (culture:plans/roadmap.toml)"
    ) in result.stderr
    assert "ask one of them to rename it" in result.stderr


def test_edit_commands_refuse_a_portfolio_and_say_where_the_plan_lives(
    cli: Cli, forge: Path, work: Path, tmp_path: Path
) -> None:
    armees, culture = two(forge)
    portfolio(work, [("armees", str(armees.root)), ("culture", str(culture.root))])
    assert cli("fetch", "portfolio.toml").exit_code == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and ".git" not in p.parts}
    result = cli("done", "culture-cloud/etude", "--plan", "portfolio.toml")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"cloudplan: culture-cloud/etude is in source 'culture' of portfolio.toml: its plan lives in {culture.root} "
        "(plans/roadmap.toml), which cloudplan never writes"
    )
    edits = [
        ("add", "project", "neuf", "--title", "Neuf"),
        ("measure", "apps", "3"),
        ("reschedule", "armees-cloud/etude", "2031", "--reason", "x"),
        ("set", "armees-cloud", "title=x"),
    ]
    for args in edits:
        refused = cli(*args, env={"CLOUDPLAN_PLAN": "portfolio.toml"})
        assert refused.exit_code == 2, (args, refused.output)
        assert "which cloudplan never writes" in refused.stderr, args
    assert (
        "its plans live in their sources' repositories (armees: "
        in cli("add", "project", "neuf", "--title", "Neuf", "--plan", "portfolio.toml").stderr
    )
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert {p for p in after if after[p] != before.get(p) and "cloudplan-mirrors" not in p.parts} <= {
        p for p in after if "cache" in p.parts
    }  # nothing written but the plan cache


def test_a_local_plan_is_edited_beside_a_portfolio_in_cloudplan_plan(
    cli: Cli, forge: Path, work: Path, write_plan: Callable[..., Path]
) -> None:
    armees, _culture = two(forge)
    portfolio(work, [("armees", str(armees.root))])
    write_plan(plan("dinum"), "office.toml")
    env = {"CLOUDPLAN_PLAN": "portfolio.toml:office.toml"}
    assert cli("fetch", env=env).exit_code == 0
    done = cli("done", "dinum/etude", "--on", "2020-05-01", "--plan", "office.toml", env=env)
    assert done.exit_code == 0, done.output
    status = json.loads(cli("status", "--format", "json", env=env).stdout)
    sources = {p["id"]: p.get("source") for p in status["projects"]}
    assert sources == {"armees-cloud": "armees", "dinum": None}


def test_changes_since_a_day_compare_each_source_with_its_own_history(cli: Cli, forge: Path, work: Path) -> None:
    armees, culture = Source(forge, "armees"), Source(forge, "culture")
    first = armees.commit(plan("armees-cloud"), when="2020-05-01T10:00:00+02:00")
    slip = '\n    [[project.milestone.slip]]\n    from = "2020-Q1"\n    to = "2020-Q4"\n    on = 2020-08-01\n'
    moved = plan("armees-cloud", due="2020-Q4").replace('  due = "2020-Q4"\n', '  due = "2020-Q4"\n' + slip, 1)
    armees.commit(moved, when="2020-08-02T10:00:00+02:00")
    culture.commit(plan("culture-cloud"), when="2020-09-01T10:00:00+02:00")  # its history starts later
    portfolio(work, [("armees", str(armees.root)), ("culture", str(culture.root))])
    assert cli("fetch", "portfolio.toml").exit_code == 0
    result = cli("changes", "--since", "2020-07-01", "portfolio.toml", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["since"] == {"rev": "2020-07-01", "commit": None, "date": None}
    assert doc["sources"][0] == {"name": "armees", "read": doc["sources"][0]["read"], "commit": first,
                                 "date": "2020-05-01T10:00:00+02:00"}  # fmt: skip
    assert doc["sources"][1]["commit"] is None
    kinds = {(c["kind"], c["ref"], c.get("source")) for c in doc["changes"]}
    assert ("rescheduled", "armees-cloud/etude", "armees") in kinds
    assert ("added", "culture-cloud", "culture") in kinds
    schema = json.loads(cli("schema", "changes").stdout)
    assert not [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)]
    table = cli("changes", "--since", "2020-07-01", "portfolio.toml").stdout
    assert "source armees: since commit " + first[:12] in table
    assert "source culture: everything is new" in table
    # A revision: HEAD stands for the commit read in each source; one that a source lacks is named.
    assert cli("changes", "--since", "HEAD", "portfolio.toml").stdout == ""  # nothing changed since itself
    lacking = cli("changes", "--since", "HEAD~1", "portfolio.toml")
    assert lacking.exit_code == 2
    assert "'HEAD~1' names no commit in the history of source 'culture'" in lacking.stderr
    report = cli("report", "--html", "r.html", "--since", "2020-07-01", "portfolio.toml")
    assert report.exit_code == 0
    assert "source armees: since commit" in (work / "r.html").read_text(encoding="utf-8")


def test_private_forges_answer_through_the_users_credential_helper(
    cli: Cli, forge: Path, work: Path, tmp_path: Path
) -> None:
    require_program(("openssl",), "the HTTPS forge test")
    armees = Source(forge, "armees")
    armees.commit(plan("armees-cloud"))
    home = tmp_path / "home"
    home.mkdir()
    with https_forge(forge, "office", "s3cret", tmp_path) as (port, cert):
        portfolio(work, [("armees", f"https://127.0.0.1:{port}/armees")])
        env = {"HOME": str(home), "GIT_SSL_CAINFO": str(cert)}
        # No credential helper: git may not ask (no terminal prompt), so it fails at once, with its reason.
        refused = cli("fetch", "portfolio.toml", env=env)
        assert refused.exit_code == 1
        assert "cloudplan: armees: " in refused.stderr
        assert "s3cret" not in refused.stderr
        # The helper in the user's own git configuration answers; nothing else of that configuration applies.
        helper = "!f() { echo username=office; echo password=s3cret; }; f"
        marker = tmp_path / "hook-ran"
        (home / ".gitconfig").write_text(
            f'[credential]\n\thelper = "{helper}"\n[core]\n\thooksPath = {tmp_path / "hooks"}\n'
            f"\tfsmonitor = touch {marker}\n",
            encoding="utf-8",
        )
        (tmp_path / "hooks").mkdir()
        fetched = cli("fetch", "portfolio.toml", env=env)
        assert fetched.exit_code == 0, fetched.output
    assert "armees-cloud" in cli("status", "portfolio.toml").stdout
    assert not marker.exists()
    assert "s3cret" not in (work / "portfolio.toml").read_text()


def test_only_credential_settings_are_taken_from_the_users_git_configuration(tmp_path: Path) -> None:
    from cloudplan.store import mirror

    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        '[credential]\n\thelper = store\n[credential "https://forge.example"]\n\tusername = office\n'
        '[core]\n\tsshCommand = evil\n[url "ext::sh -c x"]\n\tinsteadOf = https://\n',
        encoding="utf-8",
    )
    found = mirror.credential_config({"HOME": str(home), "PATH": os.environ["PATH"]})
    assert found == [("credential.helper", "store"), ("credential.https://forge.example.username", "office")]
    env = mirror.environment({"PATH": "/bin", "GIT_DIR": "/elsewhere", "GIT_CONFIG_PARAMETERS": "'x=y'",
                              "SSH_ASKPASS": "/bin/ask", "GIT_SSL_CAINFO": "/ca.pem"}, found)  # fmt: skip
    assert "GIT_DIR" not in env
    assert "GIT_CONFIG_PARAMETERS" not in env
    assert "SSH_ASKPASS" not in env
    assert env["GIT_SSL_CAINFO"] == "/ca.pem"
    assert (env["GIT_CONFIG_NOSYSTEM"], env["GIT_CONFIG_GLOBAL"], env["GIT_TERMINAL_PROMPT"]) == ("1", os.devnull, "0")
    settings = {env[f"GIT_CONFIG_KEY_{i}"]: env[f"GIT_CONFIG_VALUE_{i}"] for i in range(int(env["GIT_CONFIG_COUNT"]))}
    assert settings["core.hooksPath"] == os.devnull
    assert settings["protocol.allow"] == "never"
    assert {k for k, v in settings.items() if k.startswith("protocol.") and v == "always"} == {
        "protocol.https.allow", "protocol.ssh.allow", "protocol.git.allow", "protocol.file.allow"
    }  # fmt: skip
    assert settings["credential.helper"] == "store"
    assert env["GIT_SSH_COMMAND"] == "ssh -o BatchMode=yes"


@pytest.mark.parametrize("how", ["writable", "link"])
def test_a_mirrors_folder_that_is_not_yours_alone_is_not_used(
    cli: Cli, forge: Path, work: Path, tmp_path: Path, how: str
) -> None:
    armees, _culture = two(forge)
    portfolio(work, [("armees", str(armees.root))])
    folder = mirrors(tmp_path)
    folder.parent.mkdir(parents=True, exist_ok=True)
    if how == "writable":
        folder.mkdir(mode=0o700)
        folder.chmod(0o777)
    else:
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir(mode=0o700)
        folder.symlink_to(elsewhere)
    for args in (("fetch",), ("status",)):
        result = cli(*args, "portfolio.toml")
        assert result.exit_code == 2, result.output
        assert "is not a folder of yours alone" in result.stderr
    assert [p.name for p in folder.iterdir()] == []  # nothing was made there


def test_local_plans_keep_their_json_without_sources(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(plan("local"))
    doc = json.loads(cli("status", "--format", "json").stdout)
    assert list(doc) == ["as_of", "projects", "indicators"]
    assert "source" not in doc["projects"][0]
    assert "source" not in doc["projects"][0]["milestones"][0]


def test_the_portfolio_speaks_its_language_when_nothing_else_says(cli: Cli, forge: Path, work: Path) -> None:
    armees, _culture = two(forge)
    path = portfolio(work, [("armees", str(armees.root))])
    path.write_text(path.read_text().replace("[portfolio]\n", '[portfolio]\nlanguage = "fr"\n'), encoding="utf-8")
    assert cli("fetch", "portfolio.toml").exit_code == 0
    out = cli("status", "portfolio.toml", env={"CLOUDPLAN_LANG": None})
    assert "Sources" in out.stdout
    assert "récupéré" in out.stdout


def test_a_progress_line_on_a_terminal_and_nothing_when_not(forge: Path, work: Path, tmp_path: Path) -> None:
    import pty

    armees, culture = two(forge)
    portfolio(work, [("armees", str(armees.root)), ("culture", str(culture.root))])
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "CLOUDPLAN_LANG": "en", **GIT_ENV}
    env.pop("_TYPER_FORCE_DISABLE_TERMINAL", None)
    env["TERM"] = "xterm"  # a dumb terminal gets no progress line
    piped = subprocess.run([sys.executable, "-m", "cloudplan", "fetch", "portfolio.toml"], cwd=work, env=env,
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert (piped.returncode, piped.stdout, piped.stderr) == (0, "", "")
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "cloudplan", "fetch", "portfolio.toml"], cwd=work,
                              env={**env, "COLUMNS": "100"}, stdout=subprocess.PIPE, stderr=follower,
                              check=False)  # fmt: skip
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0
    assert done.stdout == b""
    assert b"Fetching" in seen  # the progress line
    assert b"fetched 2 sources (0 changed)" in seen


def test_a_sources_path_is_a_folder_a_file_the_top_or_the_default(cli: Cli, forge: Path, work: Path) -> None:
    named = Source(forge, "named")
    (named.root / "roadmap").mkdir()
    (named.root / "roadmap" / "README.md").write_text("not a plan\n")
    named.commit(plan("named-one"), name="roadmap/cloud.toml")
    fallback = Source(forge, "fallback")  # no plans/: its cloudplan.toml, as in a work tree
    fallback.commit(plan("fallback-one"), name="cloudplan.toml")
    top = Source(forge, "top")
    top.commit(plan("top-one"), name="top.toml")
    linked = Source(forge, "linked")  # a link is never followed out of the repository
    (linked.root / "plans" / "outside.toml").symlink_to("/etc/hostname")
    linked.commit(plan("linked-one"), name="plans/real.toml")
    path = portfolio(work, [("named", str(named.root)), ("fallback", str(fallback.root)), ("top", str(top.root)),
                            ("linked", str(linked.root))])  # fmt: skip
    text = path.read_text()
    text = text.replace(f'git = "{named.root}"\n', f'git = "{named.root}"\npath = "roadmap/cloud.toml"\n')
    text = text.replace(f'git = "{top.root}"\n', f'git = "{top.root}"\npath = "."\n')
    path.write_text(text)
    assert cli("fetch", "portfolio.toml").exit_code == 0
    doc = json.loads(cli("status", "portfolio.toml", "--format", "json").stdout)
    assert {p["id"]: p["plan"] for p in doc["projects"]} == {
        "named-one": "named:roadmap/cloud.toml",
        "fallback-one": "fallback:cloudplan.toml",
        "top-one": "top:top.toml",
        "linked-one": "linked:plans/real.toml",
    }
    assert "slips" in cli("history", "top-one/etude", "portfolio.toml", "--format", "json").stdout
    # A path that names nothing there, or names a link, is an error that says where it looked.
    path.write_text(text.replace('path = "."', 'path = "plans/outside.toml"').replace(
        f'git = "{top.root}"', f'git = "{linked.root}"'))  # fmt: skip
    assert cli("fetch", "portfolio.toml").exit_code == 0
    result = cli("status", "portfolio.toml")
    assert result.exit_code == 2
    assert "no plans/outside.toml at commit" in result.stderr
    assert "of source 'top'" in result.stderr


def test_check_places_a_sources_findings_on_their_lines_from_a_warm_cache_too(
    cli: Cli, forge: Path, work: Path
) -> None:
    armees = Source(forge, "armees")
    armees.commit(plan("armees-cloud").replace('depends_on = ["etude"]', 'depends_on = ["culture-cloud/nulle"]'))
    culture = Source(forge, "culture")
    culture.commit(plan("culture-cloud") + '\n[[project]]\nid = "vide"\ntitle = "Sans jalon"\n')
    portfolio(work, [("armees", str(armees.root)), ("culture", str(culture.root))])
    assert cli("fetch", "portfolio.toml").exit_code == 0
    expected = [
        "armees:plans/roadmap.toml:19:3: error unknown-ref: ",
        "culture:plans/roadmap.toml:21:1: warning empty-project: ",
    ]
    for _run in ("cold", "warm"):
        result = cli("check", "portfolio.toml")
        assert result.exit_code == 1
        lines = result.stdout.splitlines()
        assert [line[: len(e)] for line, e in zip(lines, expected, strict=True)] == expected, lines


def test_a_portfolio_file_is_told_from_a_plan_by_its_tables(cli: Cli, forge: Path, work: Path) -> None:
    from cloudplan.store.sources import peek

    (work / "plan.toml").write_text(plan("local"), encoding="utf-8")
    notes = 'title = "Étude"\n  notes = """\nportfolio = "a word at the start of a line"\n[portfolio]\n"""'
    (work / "tricky.toml").write_text(plan("tricky").replace('title = "Étude"', notes), encoding="utf-8")
    armees = Source(forge, "armees")
    armees.commit(plan("armees-cloud"))
    (work / "sources-first.toml").write_text(
        f'[[source]]\nname = "armees"\ngit = "{armees.root}"\n\n[portfolio]\ntitle = "T"\n', encoding="utf-8"
    )
    assert peek(work / "plan.toml") is None
    assert peek(work / "tricky.toml") is None
    assert peek(work / "sources-first.toml") is not None
    assert cli("check", "tricky.toml").exit_code == 0
    assert cli("fetch", "sources-first.toml").exit_code == 0
    doc = json.loads(cli("status", "--format", "json", "plan.toml", "sources-first.toml").stdout)
    assert [(p["id"], p.get("source")) for p in doc["projects"]] == [("local", None), ("armees-cloud", "armees")]


def test_two_portfolio_files_read_together_name_each_source_once(cli: Cli, forge: Path, work: Path) -> None:
    armees, culture = two(forge)
    portfolio(work, [("armees", str(armees.root))]).rename(work / "one.toml")
    portfolio(work, [("armees", str(culture.root))]).rename(work / "two.toml")
    assert cli("fetch", "one.toml", "two.toml").exit_code == 0
    result = cli("status", "one.toml", "two.toml")
    assert result.exit_code == 2
    assert "source 'armees' is named in one.toml and in two.toml" in result.stderr
