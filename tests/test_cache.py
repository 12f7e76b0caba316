"""The parsed-plan cache: the same plan as a fresh parse, and never trusted when damaged."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from cloudplan import cache, store
from tests.conftest import MINIMAL, ROADMAP


def _load(path: Path, env: dict[str, str]) -> store.Parsed:
    return store.read(store.PlanFile(path, path.name), env)


def test_a_cached_plan_equals_a_fresh_parse(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "c")}
    fresh = store.parse(ROADMAP.read_bytes(), ROADMAP.name)
    first = _load(ROADMAP, env)  # a miss: parses and stores
    second = _load(ROADMAP, env)  # a hit
    assert len(os.listdir(tmp_path / "c" / "cloudplan")) == 1  # one file, no checks across files yet
    assert first.plan == second.plan == fresh.plan
    assert first.findings == second.findings == fresh.findings


def test_findings_are_cached_located(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "c")}
    plan = write_plan(MINIMAL.replace("due =", "deu ="))
    miss, hit = _load(plan, env), _load(plan, env)
    assert miss.findings == hit.findings
    assert [(f.code, f.line) for f in hit.findings] == [("unknown-key", 12), ("unknown-key", 17)]


def test_a_corrupt_entry_is_ignored_and_replaced(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "c")}
    _load(ROADMAP, env)
    (entry,) = (tmp_path / "c" / "cloudplan").iterdir()
    for damage in (b"", b"garbage", cache.MAGIC + b"\x80\x05not a pickle", entry.read_bytes()[:-20]):
        entry.write_bytes(damage)
        assert _load(ROADMAP, env).plan == store.parse(ROADMAP.read_bytes(), ROADMAP.name).plan


def test_an_entry_under_another_key_is_not_trusted(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    """An entry copied over another file's key (or a hash collision) is refused by the key inside it."""
    env = {"XDG_CACHE_HOME": str(tmp_path / "c")}
    other = write_plan(MINIMAL)
    _load(other, env)
    (entry,) = (tmp_path / "c" / "cloudplan").iterdir()
    forged = tmp_path / "c" / "cloudplan" / cache.key(ROADMAP.read_bytes(), ROADMAP.name)
    forged.write_bytes(entry.read_bytes())
    assert _load(ROADMAP, env).plan.title == "Feuille de route de l'État sur le cloud"


def test_the_name_is_part_of_the_key(tmp_path: Path) -> None:
    """The same bytes read under another name must say that name in findings and JSON."""
    assert cache.key(b"x", "a.toml") != cache.key(b"x", "b.toml")


def test_an_unwritable_cache_is_skipped(tmp_path: Path) -> None:
    blocker = tmp_path / "c"
    blocker.write_text("a file where the folder should be")
    parsed = _load(ROADMAP, {"XDG_CACHE_HOME": str(blocker)})
    assert parsed.plan is not None


@pytest.mark.parametrize(
    "env",
    [{"CLOUDPLAN_NO_CACHE": "1", "XDG_CACHE_HOME": "/tmp/x"}, {"XDG_CACHE_HOME": "relative"}, {}],
    ids=["off", "relative", "no-home"],
)
def test_no_cache_folder(env: dict[str, str]) -> None:
    assert cache.folder(env) is None


def test_default_folder_is_under_home_never_beside_the_plan() -> None:
    assert cache.folder({"HOME": "/home/agent"}) == Path("/home/agent/.cache/cloudplan")


def test_old_entries_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    where = tmp_path / "c"
    for i in range(6):
        cache.put(where, cache.key(f"plan {i}".encode(), "p.toml"), i)
    assert len(list(where.iterdir())) == 3
    assert cache.get(where, cache.key(b"plan 5", "p.toml")) == 5


def test_load_all_through_the_cache_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_plan: Callable[..., Path]
) -> None:
    """Cross-file checks are cached per set of files and day: a new day checks again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    plan = write_plan(MINIMAL.replace('due = "2020-Q1"', 'due = "2020-Q1"\n  done = 2020-05-01'))
    files = store.discover([str(ROADMAP), str(plan)], {}, Path.cwd())
    cold = store.load_all(files, lambda tz: date(2020, 4, 30))
    warm = store.load_all(files, lambda tz: date(2020, 4, 30))
    assert cold == warm
    assert [f.code for f in warm.findings] == ["done-in-future"]
    later = store.load_all(files, lambda tz: date(2020, 5, 2))
    assert later.findings == ()


def test_a_cached_check_is_as_fresh_as_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_plan: Callable[..., Path]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    plan = write_plan(MINIMAL)
    files = store.discover([str(plan)], {}, Path.cwd())
    assert store.load_all(files, lambda tz: date(2020, 1, 1)).findings == ()
    write_plan(MINIMAL.replace('depends_on = ["one"]', 'depends_on = ["nine"]'))
    assert [f.code for f in store.load_all(files, lambda tz: date(2020, 1, 1)).findings] == ["unknown-ref"]


def test_an_edit_caches_only_what_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_plan: Callable[..., Path]
) -> None:
    """After edits, the cached plan equals a fresh parse, though each entry holds only the change."""
    from typer.testing import CliRunner

    from cloudplan.cli import app

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    plan = write_plan(ROADMAP.read_text(encoding="utf-8"))
    runner = CliRunner()
    for args in (
        ["done", "cercle-1/finalisation", "--on", "2019-12-10"],
        ["add", "project", "vide", "--title", "Vide"],  # a project without milestones: a warning
        ["reschedule", "cercle-2/ouverture", "2021-Q3", "--reason", "Appel d'offres relancé", "--on", "2021-01-15"],
        ["remove", "saas-agents/tchap"],
    ):
        result = runner.invoke(app, [*args, "-f", str(plan)])
        assert result.exit_code == 0, result.stderr
    data = plan.read_bytes()
    (file,) = store.discover([], {}, Path.cwd())  # as the edits named it: cloudplan.toml
    entry = cache.get(cache.folder({"XDG_CACHE_HOME": str(tmp_path / "c")}), cache.key(data, file.name))
    assert isinstance(entry, store.Edited)
    assert sum(not isinstance(i, int) for i in entry.projects) == 1, "only the edited project is stored"
    cached = store.read(file)
    fresh = store.parse(data, file.name)
    assert cached.plan == fresh.plan
    located = store.locate(cached.findings, {file.name: data.decode()})
    assert [(f.code, f.line) for f in located] == [(f.code, f.line) for f in fresh.findings]
    assert [f.code for f in fresh.findings] == ["empty-project"]


def test_an_edit_entry_without_its_base_is_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_plan: Callable[..., Path]
) -> None:
    from typer.testing import CliRunner

    from cloudplan.cli import app

    where = tmp_path / "c"
    monkeypatch.setenv("XDG_CACHE_HOME", str(where))
    plan = write_plan(ROADMAP.read_text(encoding="utf-8"))
    (file,) = store.discover([], {}, Path.cwd())
    base = cache.key(plan.read_bytes(), file.name)
    assert CliRunner().invoke(app, ["done", "cercle-1/finalisation"]).exit_code == 0
    (where / "cloudplan" / base).unlink()
    assert isinstance(cache.get(where / "cloudplan", cache.key(plan.read_bytes(), file.name)), store.Edited)
    assert store.read(file).plan == store.parse(plan.read_bytes(), file.name).plan


def test_every_file_of_the_package_is_part_of_every_key(tmp_path: Path) -> None:
    """A cached plan, or a cached check, must not outlive the code that made it: no module may be left out."""
    import shutil

    package = tmp_path / "cloudplan"
    shutil.copytree(Path(cache.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    files = [p for p in package.rglob("*") if p.is_file()]
    names = {p.relative_to(package).as_posix() for p in files}
    assert {"store/editor.py", "store/reader.py", "build.py", "cache.py", "model.py"} <= names
    for path in files:
        base = cache.code_stamp(package)
        path.write_bytes(path.read_bytes() + b"\n")
        assert cache.code_stamp(package) != base, f"{path.relative_to(package)} is not part of the cache key"
        base = cache.code_stamp(package)
        os.utime(path, ns=(0, 0))  # an edit that keeps the size
        assert cache.code_stamp(package) != base, path
    base = cache.code_stamp(package)
    (package / "store" / "new_module.py").write_text("")
    assert cache.code_stamp(package) != base
    assert cache._stamp() == cache.code_stamp(Path(cache.__file__).parent), "the key uses the installed package"
