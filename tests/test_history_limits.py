"""An earlier version of a plan, read from git, is held to the limits of a work-tree file: size, keys, nesting."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import Result

from cloudplan.store import reader, revisions
from tests.test_changes import PLAN, Cli, Repo


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo(tmp_path / "work")
    r.write(PLAN)
    r.commit("2020-06-01T10:00:00+02:00", "first")
    return r


def since(cli: Cli, rev: str = "HEAD~1") -> Result:
    return cli("changes", "--since", rev)  # type: ignore[no-any-return]


def test_a_version_over_the_size_limit_is_not_read(cli: Cli, repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """An 80 MB blob in history was parsed whole; now it is refused as a file of the work tree is, unread."""
    big = PLAN + "# " + "x" * 4000 + "\n"
    repo.write(big)
    first = repo.commit("2020-06-02T10:00:00+02:00", "big")
    repo.write(PLAN)
    repo.commit("2020-06-03T10:00:00+02:00", "small again")
    monkeypatch.setattr(reader, "MAX_BYTES", len(PLAN) + 100)
    parsed: list[int] = []
    real = reader.parse_cached
    monkeypatch.setattr(reader, "parse_cached", lambda data, *a, **k: parsed.append(len(data)) or real(data, *a, **k))
    result = since(cli)
    assert result.exit_code == 2, result.output
    assert f"plans/plan.toml at {first[:12]} cannot be read: the file is 0 MB; plan files are limited to 0 MB" in (
        result.stderr
    )
    assert "choose another revision" in result.stderr
    assert parsed == [len(PLAN)], "the work tree's file is parsed, the version too large is not"


def test_read_at_says_the_size_of_what_it_does_not_read(repo: Repo) -> None:
    (repo.root / "plans" / "folder.toml").mkdir()
    (repo.root / "plans" / "folder.toml" / "x").write_text("x")
    repo.write("a" * 50, "plans/exact.toml")
    repo.write("b" * 51, "plans/over.toml")
    commit = repo.commit("2020-06-02T10:00:00+02:00", "sizes")
    folder = repo.root / "plans"
    names = ["exact.toml", "over.toml", "missing.toml", "folder.toml", "plan.toml"]
    found = revisions.read_at(commit, [folder / n for n in names], limit=50)
    assert found == [b"a" * 50, revisions.TooLarge(51), None, None, revisions.TooLarge(len(PLAN))]
    assert revisions.read_at(commit, [folder / "over.toml"]) == [b"b" * 51], "the limit of plan files by default"
    assert revisions.read_at(commit, [folder / "over.toml", folder / "exact.toml"], limit=10) == [
        revisions.TooLarge(51),
        revisions.TooLarge(50),
    ]


@pytest.mark.parametrize(
    ("shape", "says"),
    [
        ("[" + ".".join(["a"] * 50_000) + "]\n", "a key or table header of 50000 parts"),
        ("notes = " + "[" * 50_000 + "]" * 50_000 + "\n", "arrays or inline tables nested more than 32 deep"),
    ],
    ids=["long-header", "deep-nesting"],
)
def test_a_version_beyond_the_limits_of_shape_is_refused(cli: Cli, repo: Repo, shape: str, says: str) -> None:
    repo.write(PLAN + "\n" + shape)
    first = repo.commit("2020-06-02T10:00:00+02:00", "hostile")
    repo.write(PLAN)
    repo.commit("2020-06-03T10:00:00+02:00", "fixed")
    result = since(cli)
    assert result.exit_code == 2, result.output
    assert f"plans/plan.toml at {first[:12]} cannot be read: {says}" in " ".join(result.stderr.split())
