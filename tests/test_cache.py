"""The parsed-plan cache: the same plan as a fresh parse, and never trusted when damaged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

import cloudplan
from cloudplan import store
from cloudplan.store import cache
from tests.conftest import MINIMAL, ROADMAP

# An entry as someone else would write it: no seal of this cache's key, so checked field by field.
UNSEALED = cache.MAGIC + bytes(cache.SEAL_BYTES)


def _entries(folder: Path) -> list[Path]:
    """The entries of a cache folder: its files but the seal's key (`.seal`)."""
    return [p for p in folder.iterdir() if p.name != cache.SEAL_KEY]


def _load(path: Path, env: dict[str, str]) -> store.Parsed:
    return store.read_file(store.PlanFile(path, path.name), env)


def test_a_cached_plan_equals_a_fresh_parse(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "c")}
    fresh = store.parse(ROADMAP.read_bytes(), ROADMAP.name)
    first = _load(ROADMAP, env)  # a miss: parses and stores
    second = _load(ROADMAP, env)  # a hit
    assert len(_entries(tmp_path / "c" / "cloudplan")) == 1  # one file, no checks across files yet
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
    (entry,) = _entries(tmp_path / "c" / "cloudplan")
    for damage in (b"", b"garbage", UNSEALED + b"\x80\x05not a pickle", entry.read_bytes()[:-20]):
        entry.write_bytes(damage)
        assert _load(ROADMAP, env).plan == store.parse(ROADMAP.read_bytes(), ROADMAP.name).plan


def test_an_entry_under_another_key_is_not_trusted(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    """An entry copied over another file's key (or a hash collision) is refused by the key inside it."""
    env = {"XDG_CACHE_HOME": str(tmp_path / "c")}
    other = write_plan(MINIMAL)
    _load(other, env)
    (entry,) = _entries(tmp_path / "c" / "cloudplan")
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
    assert len(_entries(where)) == 3
    assert cache.get(where, cache.key(b"plan 5", "p.toml")) == 5


def test_loading_through_the_cache_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_plan: Callable[..., Path]
) -> None:
    """Cross-file checks are cached per set of files and day: a new day checks again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    plan = write_plan(MINIMAL.replace('due = "2020-Q1"', 'due = "2020-Q1"\n  done = 2020-05-01'))
    files = store.discover([str(ROADMAP), str(plan)], {}, Path.cwd())
    cold = store.load_with_findings(files, lambda tz: date(2020, 4, 30))
    warm = store.load_with_findings(files, lambda tz: date(2020, 4, 30))
    assert cold == warm
    assert [f.code for f in warm.findings] == ["done-in-future"]
    later = store.load_with_findings(files, lambda tz: date(2020, 5, 2))
    assert later.findings == ()


def test_a_cached_check_is_as_fresh_as_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_plan: Callable[..., Path]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    plan = write_plan(MINIMAL)
    files = store.discover([str(plan)], {}, Path.cwd())
    assert store.load_with_findings(files, lambda tz: date(2020, 1, 1)).findings == ()
    write_plan(MINIMAL.replace('depends_on = ["one"]', 'depends_on = ["nine"]'))
    assert [f.code for f in store.load_with_findings(files, lambda tz: date(2020, 1, 1)).findings] == ["unknown-ref"]


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
    cached = store.read_file(file)
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
    assert store.read_file(file).plan == store.parse(plan.read_bytes(), file.name).plan


def test_every_file_of_the_package_is_part_of_every_key(tmp_path: Path) -> None:
    """A cached plan, or a cached check, must not outlive the code that made it: no module may be left out."""
    import shutil

    package = tmp_path / "cloudplan"
    shutil.copytree(Path(cloudplan.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    files = [p for p in package.rglob("*") if p.is_file()]
    names = {p.relative_to(package).as_posix() for p in files}
    assert {"store/transaction.py", "store/reader.py", "plan/decode.py", "store/cache.py", "core/model.py"} <= names
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
    assert cache._stamp().startswith(cache.code_stamp(Path(cloudplan.__file__).parent)), "the key uses the package run"


# -- a cache that cannot be turned against its user ------------------------------------------------


def _planted_pickle(marker: Path) -> object:
    """Return an object whose unpickling creates *marker*: what another user could plant."""

    class Planted:
        def __reduce__(self) -> tuple[object, ...]:
            return os.system, (f"touch {marker}",)

    return Planted()


def _plant(folder: Path, k: str, value: object) -> None:
    import pickle

    folder.mkdir(parents=True, exist_ok=True)
    (folder / k).write_bytes(UNSEALED + pickle.dumps((k, value), protocol=pickle.HIGHEST_PROTOCOL))


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **env, "PYTHONPATH": str(Path(cloudplan.__file__).parents[1])}
    return subprocess.run(
        [sys.executable, "-m", "cloudplan", *args], env=full, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_a_planted_pickle_runs_no_code(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    """Even in the user's own folder, an entry can only build cloudplan's values: never call os.system."""
    plan = write_plan(MINIMAL)
    where = tmp_path / "c" / "cloudplan"
    where.mkdir(parents=True, mode=0o700)
    marker = tmp_path / "ran"
    _plant(where, cache.key(plan.read_bytes(), plan.name), _planted_pickle(marker))
    result = _run(["status", "--as-of", "2020-06-30", plan.name], {"XDG_CACHE_HOME": str(tmp_path / "c")}, plan.parent)
    assert not marker.exists(), "the planted pickle ran"
    assert result.returncode == 0, result.stderr
    assert "Alpha" in result.stdout, "the plan is read from its file"
    assert "Two" in result.stdout


def _call(module: str, name: str, *args: str | tuple[str, str]) -> bytes:
    """Return a pickle of ("k", module.name(*args)): an argument is a string, or (module, name) of a global."""

    def push(arg: str | tuple[str, str]) -> bytes:
        if isinstance(arg, tuple):
            return b"c" + arg[0].encode() + b"\n" + arg[1].encode() + b"\n"  # GLOBAL
        return b"X" + len(arg.encode()).to_bytes(4, "little") + arg.encode()  # BINUNICODE

    return (
        b"\x80\x02" + push("k") + push((module, name))
        + b"(" + b"".join(push(a) for a in args) + b"tR"  # MARK args TUPLE REDUCE
        + b"\x86."  # TUPLE2 STOP
    )  # fmt: skip


@pytest.mark.parametrize(
    "payload",
    [
        ("os", "system", "true"),
        ("builtins", "eval", "1"),
        ("builtins", "getattr", ("builtins", "tuple"), "__subclasses__"),  # the door to every class loaded
        ("builtins", "getattr", ("cloudplan.base.findings", "Severity"), "__init__"),
        ("builtins", "getattr", ("cloudplan.core.model", "Plan"), "_make"),
        ("cloudplan.store.reader", "read", "x"),  # a function, not a record
        ("cloudplan.core.model", "Plan._make", "x"),
        ("cloudplan.__main__", "main"),
        ("cloudplanx", "Plan"),
        ("copyreg", "_reconstructor", ("builtins", "object"), ("builtins", "object")),
    ],
    ids=lambda p: ".".join(x if isinstance(x, str) else ".".join(x) for x in p[:3]),
)
def test_only_records_dates_and_enum_members_can_be_reached(
    tmp_path: Path, payload: tuple[str, str, *tuple[str | tuple[str, str], ...]]
) -> None:
    where = tmp_path / "c"
    where.mkdir(mode=0o700)
    (where / "k").write_bytes(UNSEALED + _call(*payload))
    assert cache.get(where, "k") is None


def test_records_dates_and_enum_members_are_what_an_entry_holds(tmp_path: Path) -> None:
    from cloudplan.base.findings import Severity

    where = tmp_path / "c"
    entry = (date(2020, 1, 2), Severity.ERROR, store.parse(ROADMAP.read_bytes(), ROADMAP.name).plan, [1, {"a": None}])
    cache.put(where, "k", entry)
    assert cache.get(where, "k") == entry
    assert cache.get(where, "k")[1] is Severity.ERROR


def _build_on(target: tuple[str, str], state: dict[str, str]) -> bytes:
    """Return a pickle of ("k", target) where pickle's BUILD first sets *state* as attributes of target."""
    items = b"".join(
        b"X" + len(k).to_bytes(4, "little") + k.encode() + b"X" + len(v).to_bytes(4, "little") + v.encode()
        for k, v in state.items()
    )
    return (
        b"\x80\x02X\x01\x00\x00\x00k"
        + b"c" + target[0].encode() + b"\n" + target[1].encode() + b"\n"
        + b"N}(" + items + b"u\x86b"  # (None, {slot state}) BUILD
        + b"\x86."
    )  # fmt: skip


def test_an_entry_cannot_rewrite_a_record_class(tmp_path: Path) -> None:
    """pickle's BUILD sets attributes: on the classes an entry may name, it is refused."""
    from cloudplan.base.findings import Finding

    where = tmp_path / "c"
    where.mkdir(mode=0o700)
    before = dict(vars(Finding))
    (where / "k").write_bytes(UNSEALED + _build_on(("cloudplan.base.findings", "Finding"), {"__str__": "forged"}))
    try:
        assert cache.get(where, "k") is None
        assert vars(Finding)["__str__"] is before["__str__"]
    finally:
        for name in set(vars(Finding)) - set(before) - {"__setstate__"}:
            delattr(Finding, name)
        Finding.__str__ = before["__str__"]  # type: ignore[method-assign]


def test_an_entry_cannot_rewrite_an_enum_member(tmp_path: Path) -> None:
    import pickle

    from cloudplan.base.findings import Severity

    class Forged:
        def __reduce__(self) -> tuple[object, ...]:
            return getattr, (Severity, "ERROR"), (None, {"_value_": "warning"})

    where = tmp_path / "c"
    where.mkdir(mode=0o700)
    (where / "k").write_bytes(UNSEALED + pickle.dumps(("k", Forged()), protocol=pickle.HIGHEST_PROTOCOL))
    try:
        assert cache.get(where, "k") is None
        assert Severity.ERROR.value == "error"
    finally:
        Severity.ERROR._value_ = "error"


def _other_uid() -> int:
    """Return the uid of another user, to own what an attacker planted: needs root to chown."""
    if os.geteuid() != 0:
        pytest.fail("this test plants files as another user: run the suite as root, as .ci/run does")
    return 65534  # nobody


def _planted_folder(tmp_path: Path, plan: Path, marker: Path) -> Path:
    """Return a cache home holding cloudplan/ with a planted entry for *plan*."""
    home = tmp_path / "shared"
    (home / "cloudplan").mkdir(parents=True)
    _plant(home / "cloudplan", cache.key(plan.read_bytes(), plan.name), _planted_pickle(marker))
    return home


@pytest.mark.parametrize("how", ["world-writable", "group-writable", "another-user", "a-link"])
def test_a_cache_folder_someone_else_can_write_is_not_used(
    tmp_path: Path, write_plan: Callable[..., Path], how: str
) -> None:
    """As ssh treats ~/.ssh: the cache is used only in a folder the user owns and alone may write."""
    plan = write_plan(MINIMAL)
    marker = tmp_path / "ran"
    home = _planted_folder(tmp_path, plan, marker)
    home.chmod(0o1777)  # a shared XDG_CACHE_HOME, as /tmp
    planted = home / "cloudplan"
    if how == "world-writable":
        planted.chmod(0o777)
    elif how == "group-writable":
        planted.chmod(0o770)
    elif how == "another-user":
        planted.chmod(0o755)
        for path in (planted, *planted.iterdir()):
            os.chown(path, _other_uid(), _other_uid())
    else:
        planted.rename(tmp_path / "elsewhere")
        (tmp_path / "elsewhere").chmod(0o700)
        planted.symlink_to(tmp_path / "elsewhere")
    before = sorted(os.listdir(planted))
    result = _run(["status", "--as-of", "2020-06-30", plan.name], {"XDG_CACHE_HOME": str(home)}, plan.parent)
    assert result.returncode == 0, result.stderr
    assert not marker.exists(), "the planted pickle ran"
    assert sorted(os.listdir(planted)) == before, "nothing is written there either"
    assert "Alpha" in result.stdout


def test_a_new_cache_folder_is_the_users_alone(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    plan = write_plan(MINIMAL)
    home = tmp_path / "home-cache"
    old = os.umask(0)
    try:
        result = _run(["status", plan.name], {"XDG_CACHE_HOME": str(home)}, plan.parent)
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert (home / "cloudplan").stat().st_mode & 0o777 == 0o700
    assert [p.stat().st_mode & 0o777 for p in (home / "cloudplan").iterdir()] == [0o600] * 3  # plan, checks, key


@pytest.mark.parametrize(
    "entry",
    ["text", "none", "project-not-a-record", "milestone-not-a-record", "finding-not-a-finding", "findings-not-a-list"],
)
def test_an_entry_of_another_shape_is_a_miss(
    tmp_path: Path, write_plan: Callable[..., Path], cli: Callable[..., object], entry: str
) -> None:
    """A valid pickle of the wrong shape neither crashes a command nor makes the plan vanish."""
    from cloudplan.base.findings import error

    plan = write_plan(MINIMAL)
    fresh = store.parse(plan.read_bytes(), plan.name).plan
    assert fresh is not None
    project = fresh.projects[0]
    values: dict[str, object] = {
        "text": "a plan",
        "none": (None, []),
        "project-not-a-record": (fresh._replace(projects=("alpha",)), []),
        "milestone-not-a-record": (fresh._replace(projects=(project._replace(milestones=("one",)),)), []),
        "finding-not-a-finding": (fresh, ["wrong"]),
        "findings-not-a-list": (fresh, error(plan.name, (), "x", "y")),
    }
    where = tmp_path / "cache" / "cloudplan"
    where.mkdir(parents=True, mode=0o700)
    k = cache.key(plan.read_bytes(), plan.name)
    _plant(where, k, values[entry])
    result = cli("status", "--format", "json", "--as-of", "2020-06-30", plan.name)  # read under the key planted
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    doc = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert [m["ref"] for p in doc["projects"] for m in p["milestones"]] == ["alpha/one", "alpha/two"]
    assert store.read_file(store.PlanFile(plan, plan.name)).plan == fresh  # and the entry was replaced
    if entry in ("text", "none", "findings-not-a-list"):  # sealed by this cache: its outer shape is checked still
        cache.put(where, k, values[entry])
        assert store.read_file(store.PlanFile(plan, plan.name)).plan == fresh


def test_cached_checks_of_another_shape_are_a_miss(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    plan = write_plan(MINIMAL.replace('depends_on = ["one"]', 'depends_on = ["nine"]'))
    files = store.discover([str(plan)], {}, Path.cwd())
    day = date(2020, 1, 1)
    first = store.load_with_findings(files, lambda tz: day)
    assert [f.code for f in first.findings] == ["unknown-ref"]
    where = cache.folder(os.environ)
    checks = cache.key(
        store.read_file(files[0]).key.encode(), f"validate {day.isoformat()}"
    )  # as the checks across files key them
    assert [f.code for f in cache.get(where, checks)] == ["unknown-ref"]
    for wrong in ([1, 2], "x", None, ("not", "a list")):
        cache.put(where, checks, wrong)
        assert store.load_with_findings(files, lambda tz: day) == first


def test_stale_temporary_entries_are_removed(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    """A killed process or a full disk leaves a partial entry: it must not keep the disk full."""
    import time

    plan = write_plan(MINIMAL)
    where = tmp_path / "c" / "cloudplan"
    where.mkdir(parents=True, mode=0o700)
    stale, fresh = where / f".{'0' * 48}.123.tmp", where / f".{'1' * 48}.456.tmp"
    for path in (stale, fresh):
        path.write_bytes(b"x" * 1000)
    old = time.time() - 3600
    os.utime(stale, (old, old))
    result = _run(["status", plan.name], {"XDG_CACHE_HOME": str(tmp_path / "c")}, plan.parent)
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert fresh.exists(), "another process may still be writing it"


def test_a_full_disk_leaves_no_partial_entry(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    """A real process whose writes fail past 4 KB (RLIMIT_FSIZE, as a full disk): the entry is not left half-written."""
    import resource
    import signal

    plan = write_plan(ROADMAP.read_text(encoding="utf-8"))

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "c"), "PYTHONPATH": str(Path(cloudplan.__file__).parents[1])}
    result = subprocess.run(
        [sys.executable, "-m", "cloudplan", "status", plan.name],
        env=env, cwd=plan.parent, capture_output=True, text=True, timeout=60, preexec_fn=small_disk,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "cercle-1" in result.stdout
    assert [p.name for p in (tmp_path / "c" / "cloudplan").iterdir() if p.name.endswith(".tmp")] == []


def test_the_language_is_part_of_every_key(tmp_path: Path) -> None:
    """Findings are messages for people: a run in another language must not reuse them."""
    script = (
        "import sys; from cloudplan import language; from cloudplan.store import cache; "
        "language.install(sys.argv[1]); print(cache.key(b'x', 'p.toml'))"
    )
    src = str(Path(cloudplan.__file__).parents[1])
    keys = set()
    for lang in ("fr", "en"):
        env = {**os.environ, "PYTHONPATH": src}
        run = subprocess.run([sys.executable, "-c", script, lang], env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        keys.add(run.stdout)
    assert len(keys) == 2


# -- what a parse depends on besides the bytes: the time-zone data -----------------------------------

ZONED = MINIMAL.replace('title = "Test plan"', 'title = "Test plan"\ntimezone = "right/UTC"')


@pytest.fixture
def no_zone_data() -> Callable[[bool], None]:
    """Return a switch between this machine's zone data and none at all (as PYTHONTZPATH=/empty does)."""
    import zoneinfo

    default = zoneinfo.TZPATH

    def switch(empty: bool) -> None:
        zoneinfo.reset_tzpath(to=["/nonexistent/zoneinfo"] if empty else list(default))
        zoneinfo.ZoneInfo.clear_cache()

    yield switch  # type: ignore[misc]
    switch(False)


def _overdue(cli: Callable[..., object], plan: Path) -> tuple[int, str]:
    result = cli("overdue", "--as-of", "2020-06-30", plan)
    return result.exit_code, result.output  # type: ignore[attr-defined]


def _right_utc_known() -> None:
    from cloudplan.base.zones import is_timezone

    if not is_timezone("right/UTC"):
        pytest.fail("this machine has no right/UTC zone (the system's tzdata package installs it)")


def test_a_zone_unknown_to_one_run_is_not_cached_for_the_next(
    cli: Callable[..., object], write_plan: Callable[..., Path], no_zone_data: Callable[[bool], None]
) -> None:
    """A run without zone data must not silence every later run (cron) until the plan's bytes change."""
    _right_utc_known()
    plan = write_plan(ZONED)
    no_zone_data(True)
    code, out = _overdue(cli, plan)
    assert (code, "unknown-timezone" in out) == (2, True)
    no_zone_data(False)
    for _run_again in range(2):  # the first parses again; the second reads what it cached
        code, out = _overdue(cli, plan)
        assert code == 1, out
        assert "OVERDUE  alpha/one" in out
        assert "unknown-timezone" not in out


def test_a_zone_known_to_one_run_is_checked_again_by_the_next(
    cli: Callable[..., object], write_plan: Callable[..., Path], no_zone_data: Callable[[bool], None]
) -> None:
    """The reverse order: a cached zone that this run's data lacks is a clear finding, never an internal error."""
    _right_utc_known()
    plan = write_plan(ZONED)
    assert _overdue(cli, plan)[0] == 1
    no_zone_data(True)
    code, out = _overdue(cli, plan)
    assert code == 2, out
    assert "cloudplan.toml:3:1: error unknown-timezone: unknown time zone 'right/UTC'" in out
    assert "internal error" not in out
    no_zone_data(False)
    code, out = _overdue(cli, plan)
    assert code == 1, out


def test_no_entry_holds_a_zone_found_unknown(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    from cloudplan.store import plancache

    plan = write_plan(MINIMAL.replace('title = "Test plan"', 'title = "Test plan"\ntimezone = "Mars/Olympus"'))
    env = {"XDG_CACHE_HOME": str(tmp_path / "c")}
    parsed = _load(plan, env)
    assert [f.code for f in parsed.findings] == ["unknown-timezone"]
    assert not (tmp_path / "c" / "cloudplan").exists() or not _entries(tmp_path / "c" / "cloudplan")
    where = tmp_path / "c" / "cloudplan"
    plancache.put_entry(where, parsed.key, (parsed.plan, parsed.findings))
    plancache.put_entry(where, parsed.key, plancache.edited_entry("base", parsed.plan, parsed.plan, parsed.findings))
    assert cache.get(where, parsed.key) is None
    cache.put(where, parsed.key, (parsed.plan, parsed.findings))  # planted all the same: still a miss
    assert plancache.get(where, parsed.key) is None
    known = parsed.plan._replace(timezone="Europe/Paris")
    cache.put(where, parsed.key, (known, []))
    assert plancache.get(where, parsed.key) == (known, [])
    cache.put(where, parsed.key, (parsed.plan._replace(timezone="Mars/Olympus"), []))
    assert plancache.get(where, parsed.key) is None


@pytest.mark.parametrize("first", ["without-zone-data", "with-zone-data"])
def test_zone_data_and_the_cache_in_real_runs(tmp_path: Path, write_plan: Callable[..., Path], first: str) -> None:
    """As cron runs it: each run a process, PYTHONTZPATH=/empty for one of them; each answers as a cold run."""
    _right_utc_known()
    plan = write_plan(ZONED)
    env = {"XDG_CACHE_HOME": str(tmp_path / "c"), "CLOUDPLAN_LANG": "en"}
    empty = {**env, "PYTHONTZPATH": "/empty"}
    order = [empty, env, env] if first == "without-zone-data" else [env, empty, env]
    for run_env in order:
        result = _run(["overdue", "--as-of", "2020-06-30", plan.name], run_env, plan.parent)
        if run_env is empty:
            assert result.returncode == 2, result.stderr
            assert "unknown-timezone" in result.stderr
            assert "internal error" not in result.stderr
        else:
            assert result.returncode == 1, result.stderr
            assert "OVERDUE  alpha/one" in result.stdout


# -- entries of the wrong shape, of the wrong field types, or that cost too much to load -----------


def _forged(cls: type, values: tuple[object, ...]) -> object:
    """Return a *cls* record holding *values*, whatever their number (as a pickle can build one)."""
    return tuple.__new__(cls, values)  # type: ignore[call-overload]


def _wrong_fields(plan: object, findings: list[object]) -> dict[str, object]:
    from cloudplan.base.findings import Finding
    from cloudplan.core.model import Milestone, Plan

    assert isinstance(plan, Plan)
    project = plan.projects[0]
    one = project.milestones[0]

    def with_milestone(m: object) -> object:
        return (plan._replace(projects=(project._replace(milestones=(m, *project.milestones[1:])),)), findings)

    finding = Finding("cloudplan.toml", ("plan",), "empty-project", "warning", "x", 1, 1)  # type: ignore[arg-type]
    return {
        "title-an-int": (plan._replace(title=3), findings),
        "due-a-string": with_milestone(one._replace(due="2020-Q1")),
        "due-period-of-strings": with_milestone(one._replace(due=one.due._replace(first="2020-01-01"))),
        "done-a-string": with_milestone(one._replace(done="2020-01-01")),
        "owners-a-string": with_milestone(one._replace(owners="DINSIC")),
        "owners-of-ints": with_milestone(one._replace(owners=(1, 2))),
        "key-a-list": with_milestone(one._replace(key=["project", 0])),
        "slips-of-strings": with_milestone(one._replace(slips=("late",))),
        "milestone-too-short": with_milestone(_forged(Milestone, tuple(one)[:3])),
        "milestone-too-long": with_milestone(_forged(Milestone, (*one, "more"))),
        "plan-too-short": (_forged(Plan, ("cloudplan.toml",)), findings),
        "warn-days-a-string": (plan._replace(warn_days="30"), findings),
        "severity-a-string": (plan, [finding]),
        "finding-line-a-string": (plan, [Finding("cloudplan.toml", (), "x", finding.severity, "m", "1", 1)]),
        "findings-a-tuple": (plan, tuple(findings)),
        "three-items": (plan, findings, findings),
        "edited-base-not-a-string": store.Edited(3, plan, (0,), (), []),  # type: ignore[arg-type]
        "edited-negative-index": store.Edited("k", plan._replace(projects=()), (-1,), (), []),
        "edited-projects-a-list": store.Edited("k", plan._replace(projects=()), [0], (), []),  # type: ignore[arg-type]
        "edited-project-wrong": store.Edited("k", plan._replace(projects=()), (project._replace(title=1),), (), []),
    }


WRONG_FIELDS = [
    "title-an-int", "due-a-string", "due-period-of-strings", "done-a-string", "owners-a-string", "owners-of-ints",
    "key-a-list", "slips-of-strings", "milestone-too-short", "milestone-too-long", "plan-too-short",
    "warn-days-a-string", "severity-a-string", "finding-line-a-string", "findings-a-tuple", "three-items",
    "edited-base-not-a-string", "edited-negative-index", "edited-projects-a-list", "edited-project-wrong",
]  # fmt: skip


@pytest.mark.parametrize("entry", WRONG_FIELDS)
def test_an_entry_with_a_field_of_the_wrong_type_is_a_miss(
    tmp_path: Path, write_plan: Callable[..., Path], cli: Callable[..., object], entry: str
) -> None:
    """Every field of every record is checked: a wrong one is a miss (and replaced), never an internal error."""
    import pickle

    from cloudplan.store import plancache

    plan = write_plan(MINIMAL)
    fresh = store.parse(plan.read_bytes(), plan.name)
    assert fresh.plan is not None
    where = tmp_path / "cache" / "cloudplan"
    where.mkdir(parents=True, mode=0o700)
    k = cache.key(plan.read_bytes(), plan.name)
    # Written as a pickle would hold it, whatever cache.put would refuse to write.
    (where / k).write_bytes(UNSEALED + pickle.dumps((k, _wrong_fields(fresh.plan, fresh.findings)[entry]), 5))
    assert plancache.get(where, k) is None
    result = cli("status", "--format", "json", "--as-of", "2020-06-30", plan.name)  # read under the key planted
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    doc = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert [m["ref"] for p in doc["projects"] for m in p["milestones"]] == ["alpha/one", "alpha/two"]
    cache.get(where, k)
    assert plancache.get(where, k) == (fresh.plan, fresh.findings), "the entry was replaced by a good one"


def test_every_wrong_field_is_tried() -> None:
    plan = store.parse(MINIMAL.encode(), "cloudplan.toml").plan
    assert sorted(_wrong_fields(plan, [])) == sorted(WRONG_FIELDS)


@pytest.mark.parametrize("path", [ROADMAP, *sorted((Path(__file__).parent / "plans").rglob("*.toml"))], ids=str)
def test_every_plan_parsed_is_an_entry_that_fits(path: Path) -> None:
    """No false miss: what a parse gives, of every plan of the tests, passes the check within its budget."""
    import pickle

    from cloudplan.store import plancache

    parsed = store.parse(path.read_bytes(), path.name)
    if parsed.plan is None:
        return
    entry = (parsed.plan, parsed.findings)
    size = len(UNSEALED + pickle.dumps(("k" * 48, entry), protocol=pickle.HIGHEST_PROTOCOL))
    assert plancache.is_entry(entry, cache.BUDGET_PER_BYTE * size)
    assert plancache.are_findings(parsed.findings, cache.BUDGET_PER_BYTE * size)


def test_a_large_plan_fits_its_budget(tmp_path: Path) -> None:
    """A plan of 2,000 milestones with slips, owners and dependencies: a hit, however large."""
    lines = ['[plan]\ntitle = "Big"\ntimezone = "Europe/Paris"\n']
    for p in range(100):
        lines.append(f'[[project]]\nid = "p{p}"\ntitle = "P{p}"\nowners = ["A", "B"]\ntags = ["t"]\n')
        for m in range(20):
            lines.append(
                f'[[project.milestone]]\nid = "m{m}"\ntitle = "M{m}"\ndue = "2021-Q{m % 4 + 1}"\nstart = "2020"\n'
                + (f'depends_on = ["m{m - 1}"]\n' if m else "")
                + '[[project.milestone.slip]]\nfrom = "2020-Q4"\nto = "2021-Q1"\non = 2020-10-01\nreason = "r"\n'
            )
    lines.append('[[indicator]]\nid = "i"\ntitle = "I"\nbaseline = { value = 1, on = "2019" }\n')
    lines.append('target = { value = 2.5, by = "2022" }\n[[indicator.measure]]\non = 2020-01-01\nvalue = 1.5\n')
    path = tmp_path / "big.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "c")}
    cold = _load(path, env)
    assert cold.plan is not None
    assert len(list(cold.plan.projects[99].milestones)) == 20
    from cloudplan.store import plancache

    assert plancache.get(cache.folder(env), cold.key) == (cold.plan, cold.findings)


def _bomb(n: int) -> object:
    """Return a plan of n projects of n milestones that pickles in a few bytes each: one project, one milestone."""
    plan = store.parse(MINIMAL.encode(), "cloudplan.toml").plan
    project = plan.projects[0]
    return (plan._replace(projects=(project._replace(milestones=(project.milestones[0],) * n),) * n), [])


def test_a_memo_bomb_is_a_fast_miss(
    tmp_path: Path, write_plan: Callable[..., Path], cli: Callable[..., object]
) -> None:
    """80 KB that stand for 400 million milestones: refused after visiting a few times its size."""
    import pickle
    import time

    plan = write_plan(MINIMAL)
    where = tmp_path / "cache" / "cloudplan"
    where.mkdir(parents=True, mode=0o700)
    k = cache.key(plan.read_bytes(), plan.name)
    (where / k).write_bytes(UNSEALED + pickle.dumps((k, _bomb(20_000)), protocol=5))
    assert (where / k).stat().st_size < 100_000
    start = time.monotonic()
    result = cli("status", "--format", "json", "--as-of", "2020-06-30", plan.name)  # read under the key planted
    assert time.monotonic() - start < 5
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert len(json.loads(result.stdout)["projects"]) == 1  # type: ignore[attr-defined]


class _Shared:
    """Pickles as tuple.__new__(cls, values), *values* one shared tuple: a record of thousands of fields."""

    def __init__(self, cls: type, values: tuple[object, ...]) -> None:
        self.cls, self.values = cls, values

    def __reduce__(self) -> tuple[object, ...]:
        return tuple.__new__, (self.cls, self.values)


def test_a_record_is_built_only_from_one_value_per_field(tmp_path: Path) -> None:
    """A thousand records each copying one shared tuple of 100,000 values: refused at the first, before any copy."""
    import pickle
    import time

    from cloudplan.core.model import Milestone

    big = ("x",) * 100_000
    where = tmp_path / "c"
    where.mkdir(mode=0o700)
    (where / "k").write_bytes(UNSEALED + pickle.dumps(("k", [_Shared(Milestone, big)] * 1 + [
        _Shared(Milestone, big) for _ in range(1000)]), protocol=5))  # fmt: skip
    assert (where / "k").stat().st_size < 300_000
    start = time.monotonic()
    assert cache.get(where, "k") is None
    assert time.monotonic() - start < 1
    one = Milestone("p", "m", "M", ("project", 0), "s")
    (where / "k").write_bytes(UNSEALED + pickle.dumps(("k", one), protocol=5))
    assert cache.get(where, "k") == one, "a record of its own fields loads"
    (where / "k").write_bytes(UNSEALED + pickle.dumps(("k", _Shared(Milestone, tuple(one)[:4])), protocol=5))
    assert cache.get(where, "k") is None, "nor one field fewer"


@pytest.mark.parametrize(
    "payload",
    [
        # tuple itself, called by NEWOBJ on a shared list: a copy of the list each time
        b"\x80\x05X\x01\x00\x00\x00k\x8c\x08builtins\x8c\x05tuple\x93](K\x01K\x02e\x85\x81\x86.",
        # getattr(Severity, ("error",)): a member looked up by something other than a name
        b"\x80\x05X\x01\x00\x00\x00k\x8c\x08builtins\x8c\x07getattr\x93\x8c\x17cloudplan.base.findings"
        b"\x8c\x08Severity\x93X\x05\x00\x00\x00error\x85\x86R\x86.",
        # the key stored inside the entry is not a string
        b"\x80\x05K\x01N\x86.",
    ],
    ids=["tuple-called", "member-not-by-name", "key-not-a-string"],
)
def test_what_an_entry_may_not_call(tmp_path: Path, payload: bytes) -> None:
    import pickletools

    pickletools.dis(payload)  # a well-formed pickle: refused for what it does, not for a typo
    where = tmp_path / "c"
    where.mkdir(mode=0o700)
    (where / "k").write_bytes(UNSEALED + payload)
    assert cache.get(where, "k") is None


def test_an_entry_too_large_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    where = tmp_path / "c"
    cache.put(where, "k", "v" * 100)
    size = (where / "k").stat().st_size
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", size)
    assert cache.get(where, "k") == "v" * 100
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", size - 1)
    assert cache.get(where, "k") is None


def test_the_budget_is_a_multiple_of_the_entry_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    budgets: list[int] = []
    where = tmp_path / "c"
    cache.put(where, "k", "v")
    size = (where / "k").stat().st_size
    assert cache.get(where, "k", lambda value, budget: budgets.append(budget) or True) == "v"
    assert budgets == [cache.BUDGET_PER_BYTE * size]
    assert cache.BUDGET_PER_BYTE >= 4, "a parsed plan visits about one value per byte: keep a margin"


def test_the_budget_is_spent_by_every_column() -> None:
    from cloudplan.core.model import Plan
    from cloudplan.store import plancache

    plan = store.parse(ROADMAP.read_bytes(), ROADMAP.name).plan
    left = [10**9]
    assert plancache.fits(Plan, [plan], left)
    visited = 10**9 - left[0]
    assert plancache.fits(Plan, [plan], [visited])
    assert not plancache.fits(Plan, [plan], [visited - 1])
    assert not plancache.is_entry((plan, []), visited - 1)


def test_an_entry_this_cache_sealed_skips_the_field_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """cloudplan's own entries carry its key's seal: read without visiting every field; others are checked whole."""
    from cloudplan.store import plancache

    where = tmp_path / "sealed" / "cloudplan"
    plan = store.parse(ROADMAP.read_bytes(), ROADMAP.name).plan
    assert plan is not None
    k = cache.key(ROADMAP.read_bytes(), ROADMAP.name)
    plancache.put(where, k, plan, [])
    key_file = where / cache.SEAL_KEY
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_bytes()) == cache.SEAL_BYTES
    visited: list[int] = []
    real_fits = plancache.fits

    def counted(cls: type, column: list[object], budget: list[int]) -> bool:
        visited.append(len(column))
        return real_fits(cls, column, budget)

    monkeypatch.setattr(plancache, "fits", counted)
    assert plancache.get(where, k) == (plan, [])
    assert visited == []  # sealed: its outer shape only
    entry = where / k
    raw = bytearray(entry.read_bytes())
    raw[len(cache.MAGIC)] ^= 0xFF  # a seal that does not hold (a damaged or copied entry)
    entry.write_bytes(bytes(raw))
    assert plancache.get(where, k) == (plan, [])  # still used, once every field was checked
    assert visited != []


def test_an_entry_sealed_by_another_cache_is_checked_whole(tmp_path: Path) -> None:
    """Copied from another cache folder, an entry's seal is another key's: a wrong field in it is a miss."""
    from cloudplan.store import plancache

    plan = store.parse(ROADMAP.read_bytes(), ROADMAP.name).plan
    assert plan is not None
    k = cache.key(ROADMAP.read_bytes(), ROADMAP.name)
    elsewhere, here = tmp_path / "a" / "cloudplan", tmp_path / "b" / "cloudplan"
    plancache.put(elsewhere, k, plan._replace(title=42), [])  # type: ignore[arg-type]
    assert plancache.get(elsewhere, k) is not None  # its own cache trusts what it wrote
    here.mkdir(parents=True, mode=0o700)
    (here / k).write_bytes((elsewhere / k).read_bytes())
    assert plancache.get(here, k) is None


def test_a_seal_key_others_may_read_is_not_used(tmp_path: Path) -> None:
    """A key file that is not the user's alone (or not a file of 32 bytes) seals nothing: no entry is written."""
    from cloudplan.store import plancache

    where = tmp_path / "cloudplan"
    where.mkdir(mode=0o700)
    (where / cache.SEAL_KEY).write_bytes(bytes(cache.SEAL_BYTES))
    (where / cache.SEAL_KEY).chmod(0o644)
    plan = store.parse(ROADMAP.read_bytes(), ROADMAP.name).plan
    assert plan is not None
    plancache.put(where, "k", plan, [])
    assert _entries(where) == []
