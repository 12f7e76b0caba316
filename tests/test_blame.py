"""`cloudplan blame` and `history` in a git work tree: who set each key, from real repositories, signed or not."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cloudplan.export.schemas import build
from tests.conftest import require_program
from tests.gitrepo import Repo, git_env
from tests.test_merge import BASE

PLAN = "plans/cloud.toml"


def _blame(repo: Repo, ref: str) -> dict[str, Any]:
    done = repo.cloudplan("blame", ref, "--format", "json")
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    jsonschema.Draft202012Validator(build("blame")).validate(document)
    return document


def _fields(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["key"] if f["key"] != "slip" else f"slip {f['value']['on']}": f for f in document["fields"]}


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A plan with a history: created by Alice, rescheduled by Bruno, retitled by Chloé, reworded by Alice."""
    repo = Repo(tmp_path / "repo")
    plan = repo.root / PLAN
    plan.parent.mkdir()
    plan.write_text(BASE, encoding="utf-8")
    repo.commit("the roadmap", when="2020-01-10T09:00:00+01:00", who="Alice Martin")
    assert repo.cloudplan("reschedule", "cercle-2/bilan", "2022-Q1", "--reason", "budget", "--on",
                          "2020-02-03").returncode == 0  # fmt: skip
    repo.commit("bilan moved", when="2020-02-03T10:00:00+01:00", who="Bruno Leroy")
    assert repo.cloudplan("set", "cercle-2/bilan", "title=Bilan du cercle 2").returncode == 0
    repo.commit("bilan renamed", when="2020-03-04T11:00:00+01:00", who="Chloé Petit")
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace('due = "2022-Q1"', 'due = "2022-T1"   # the same quarter, in French'), "utf-8")
    repo.commit("reworded", when="2020-04-05T12:00:00+02:00", who="Alice Martin")
    return repo


def test_each_key_goes_to_the_commit_that_set_it(repo: Repo) -> None:
    log = repo.git("log", "--format=%H %s").stdout.split("\n")
    commit = {line.split(" ", 1)[1]: line.split(" ", 1)[0] for line in log if line}
    found = _fields(_blame(repo, "cercle-2/bilan"))
    assert list(found) == ["title", "due", "slip 2020-02-03"]
    assert (found["title"]["value"], found["title"]["commit"]) == ("Bilan du cercle 2", commit["bilan renamed"])
    assert found["title"]["author"] == "Chloé Petit <chloé@example.org>"
    assert found["title"]["date"] == "2020-03-04T11:00:00+01:00"
    # "2022-T1" is "2022-Q1" spelled another way: the reword set nothing.
    assert (found["due"]["value"], found["due"]["commit"]) == ("2022-T1", commit["bilan moved"])
    assert found["slip 2020-02-03"]["value"] == {"from": "2021-12", "to": "2022-Q1", "on": "2020-02-03",
                                                 "reason": "budget"}  # fmt: skip
    assert found["slip 2020-02-03"]["commit"] == commit["bilan moved"]
    assert {f["signature"] for f in found.values()} == {"none"}
    other = _fields(_blame(repo, "cercle-2/ouverture"))
    assert {k: f["commit"] for k, f in other.items()} == {
        "title": commit["the roadmap"], "due": commit["the roadmap"], "depends_on": commit["the roadmap"]
    }  # fmt: skip


def test_the_text_view(repo: Repo) -> None:
    done = repo.cloudplan("blame", "cercle-2/bilan")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "cercle-2/bilan  Bilan du cercle 2"
    assert lines[2].split() == ["Key", "Value", "Commit", "Author", "Date", "Signature"]
    assert any(line.startswith("title ") and "Chloé Petit" in line and "2020-03-04" in line for line in lines)
    french = subprocess.run(
        ["python", "-m", "cloudplan", "blame", "cercle-2/bilan", "--lang", "fr"], cwd=repo.root,
        env={**git_env(), "PATH": git_env()["PATH"]}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert french.returncode == 0, french.stderr
    assert "Clé" in french.stdout
    assert "04/03/2020" in french.stdout
    assert "non signé" in french.stdout


def test_a_change_not_committed_yet_and_a_key_removed(repo: Repo) -> None:
    assert repo.cloudplan("done", "cercle-2/etude", "--on", "2020-03-20").returncode == 0
    repo.commit("etude done", when="2020-05-01T10:00:00+02:00", who="Bruno Leroy")
    assert repo.cloudplan("reopen", "cercle-2/etude").returncode == 0
    repo.commit("etude reopened", when="2020-05-02T10:00:00+02:00", who="Chloé Petit")
    assert repo.cloudplan("set", "cercle-2/etude", "notes=En cours").returncode == 0  # not committed
    found = _fields(_blame(repo, "cercle-2/etude"))
    reopened = repo.git("rev-parse", "HEAD").stdout.strip()
    assert (found["done"]["value"], found["done"]["commit"]) == (None, reopened)
    assert found["notes"]["value"] == "En cours"
    assert (found["notes"]["commit"], found["notes"]["author"], found["notes"]["signature"]) == (None, None, "none")
    text = repo.cloudplan("blame", "cercle-2/etude").stdout
    assert "not committed yet" in text
    assert "(removed)" in text


def test_a_merge_gives_each_key_to_the_branch_commit_that_set_it(repo: Repo) -> None:
    assert repo.cloudplan("merge", "--setup").returncode == 0
    repo.commit("merge driver")
    repo.git("checkout", "-q", "-b", "notes")
    assert repo.cloudplan("set", "cercle-1/extension", "notes=Marché passé").returncode == 0
    on_branch = repo.commit("notes", when="2020-06-01T10:00:00+02:00", who="Bruno Leroy")
    repo.git("checkout", "-q", "main")
    assert repo.cloudplan("set", "cercle-1/extension", "title=Extension du cloud interne").returncode == 0
    on_main = repo.commit("title", when="2020-06-02T10:00:00+02:00", who="Chloé Petit")
    repo.git("merge", "--no-edit", "notes")
    found = _fields(_blame(repo, "cercle-1/extension"))
    assert found["notes"]["commit"] == on_branch
    assert found["title"]["commit"] == on_main
    assert repo.git("log", "-1", "--format=%P").stdout.split() == [on_main, on_branch]


def test_signatures_good_bad_and_none(tmp_path: Path) -> None:
    keygen = require_program(("ssh-keygen",), "the signed-commit checks of blame")
    repo = Repo(tmp_path / "repo")
    keys = tmp_path / "keys"
    keys.mkdir()
    for name in ("alice", "mallory"):
        subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(keys / name)], check=True)
    signers = keys / "allowed_signers"
    signers.write_text(f"alice@example.org {(keys / 'alice.pub').read_text()}", encoding="utf-8")
    repo.git("config", "gpg.format", "ssh")
    repo.git("config", "gpg.ssh.allowedSignersFile", str(signers))
    plan = repo.root / PLAN
    plan.parent.mkdir()
    plan.write_text(BASE, encoding="utf-8")
    repo.commit("unsigned")

    def signed(key: str, edit: tuple[str, ...], message: str) -> str:
        assert repo.cloudplan(*edit).returncode == 0
        repo.git("add", "-A")
        repo.git("-c", f"user.signingkey={keys / key}", "commit", "-q", "-S", "-m", message)
        return repo.git("rev-parse", "HEAD").stdout.strip()

    good = signed("alice", ("set", "cercle-2/bilan", "title=Bilan signé"), "signed by alice")
    unknown = signed("mallory", ("set", "cercle-2/bilan", "notes=Par un inconnu"), "signed by mallory")
    forged = _forge(repo, signed("alice", ("done", "cercle-2/etude", "--on", "2020-03-20"), "etude done"))
    found = _fields(_blame(repo, "cercle-2/bilan"))
    assert (found["title"]["commit"], found["title"]["signature"]) == (good, "good")
    assert (found["notes"]["commit"], found["notes"]["signature"]) == (unknown, "bad")
    assert (found["due"]["commit"], found["due"]["signature"]) != (good, "good")
    assert found["due"]["signature"] == "none"
    etude = _fields(_blame(repo, "cercle-2/etude"))
    assert (etude["done"]["commit"], etude["done"]["signature"]) == (forged, "bad")
    # Without an allowed-signers file git cannot check an ssh signature: that is not "none".
    repo.git("config", "--unset", "gpg.ssh.allowedSignersFile")
    assert _fields(_blame(repo, "cercle-2/bilan"))["title"]["signature"] == "bad"


def _forge(repo: Repo, commit: str) -> str:
    """Replace the signed commit *commit* (HEAD) by the same commit with another message: a bad signature."""
    raw = repo.git("cat-file", "commit", commit).stdout.replace("etude done", "etude done, said someone else")
    done = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo.root, input=raw,
                          env=git_env(), capture_output=True, text=True, check=True)  # fmt: skip
    forged = done.stdout.strip()
    repo.git("update-ref", "refs/heads/main", forged)
    return forged


def test_history_says_who_recorded_each_slip(repo: Repo) -> None:
    moved = repo.git("log", "--format=%H", "-1", "--skip=2").stdout.strip()
    done = repo.cloudplan("history", "cercle-2/bilan", "--format", "json")
    slip = json.loads(done.stdout)["slips"][0]
    assert slip == {"from": "2021-12", "to": "2022-Q1", "on": "2020-02-03", "reason": "budget", "commit": moved,
                    "author": "Bruno Leroy <bruno@example.org>", "date": "2020-02-03T10:00:00+01:00"}  # fmt: skip
    text = repo.cloudplan("history", "cercle-2/bilan").stdout
    assert "Recorded by" in text
    assert f"Bruno Leroy ({moved[:10]})" in text


def test_history_outside_git_is_as_it_was(tmp_path: Path) -> None:
    plan = tmp_path / "cloudplan.toml"
    plan.write_text(BASE.replace('due = "2021-12"', 'due = "2022-Q1"\n\n    [[project.milestone.slip]]\n'
                    '    from = "2021-12"\n    to = "2022-Q1"\n    on = 2020-02-03\n    reason = "budget"'),
                    encoding="utf-8")  # fmt: skip
    done = subprocess.run(["python", "-m", "cloudplan", "history", "cercle-2/bilan", "--format", "json"],
                          cwd=tmp_path, env=git_env(), capture_output=True, text=True, check=False)  # fmt: skip
    assert json.loads(done.stdout)["slips"] == [{"from": "2021-12", "to": "2022-Q1", "on": "2020-02-03",
                                                  "reason": "budget"}]  # fmt: skip
    assert "Recorded by" not in subprocess.run(
        ["python", "-m", "cloudplan", "history", "cercle-2/bilan"], cwd=tmp_path, env=git_env(), capture_output=True,
        text=True, check=False,
    ).stdout  # fmt: skip


def test_blame_outside_git_and_of_an_unknown_ref(tmp_path: Path, repo: Repo) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(repo.root / PLAN, outside / "cloudplan.toml")
    done = subprocess.run(["python", "-m", "cloudplan", "blame", "cercle-2/bilan"], cwd=outside, env=git_env(),
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 2
    assert "is not in a git work tree" in done.stderr
    assert "Traceback" not in done.stderr
    unknown = repo.cloudplan("blame", "cercle-2/bilann")
    assert unknown.returncode == 2
    assert "did you mean 'cercle-2/bilan'?" in unknown.stderr


def test_blame_walks_hundreds_of_commits(tmp_path: Path) -> None:
    """A plan with 300 commits (made at once by git fast-import): every key found in its commit."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import run as bench

    bench.BLAME_COMMITS = 300
    root, ref = bench.blame_repository(tmp_path / "many")
    repo = Repo.__new__(Repo)
    repo.root = root
    found = _fields(_blame(repo, ref))
    count = int(repo.git("rev-list", "--count", "HEAD").stdout)
    assert count == 300
    last = repo.git("rev-parse", "HEAD").stdout.strip()
    assert found["due"]["commit"] == last
    assert found["title"]["commit"] == repo.git("rev-list", "--max-parents=0", "HEAD").stdout.strip()
