"""Outputs the user names (-o, --svg, --html, --state, schema -o, init): only regular files or new names.

Run as users run cloudplan where it matters: real processes, real devices, FIFOs and links.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from cloudplan import store
from tests.conftest import MINIMAL

Cli = Callable[..., Result]
SRC = Path(store.__file__).resolve().parent.parent.parent


def run(*args: str | os.PathLike[str], cwd: Path, limit_memory: bool = False) -> subprocess.CompletedProcess[str]:
    """Run cloudplan as a process, with a timeout: an output that hangs fails the test instead of the suite."""

    def bounded() -> None:
        if limit_memory:  # so that reading /dev/zero to the end fails fast instead of taking the machine's memory
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    env = {**os.environ, "PYTHONPATH": str(SRC), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "cloudplan", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=60, preexec_fn=bounded,
    )  # fmt: skip


def other_uid() -> int:
    """Return another user's uid, to own what an attacker planted: making it needs root."""
    if os.geteuid() != 0:
        pytest.fail("this test plants files as another user: run the suite as root, as .ci/run does")
    return 65534  # nobody


def device(tmp_path: Path, name: str, minor: int) -> Path:
    """Return a character device node like /dev/null (minor 3) or /dev/zero (5); the real one when not root."""
    if os.geteuid() != 0:
        return Path("/dev") / name  # an ordinary user cannot replace it anyway
    path = tmp_path / name
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    return path


OUTPUTS = [
    ("export", "--format", "json", "-o"),
    ("timeline", "--svg"),
    ("timeline", "--html"),
    ("report", "--html"),
    ("schema", "-o"),
]


def _argv(command: tuple[str, ...], target: str | os.PathLike[str], plan: Path | None) -> list[str]:
    *head, option = command
    plans = [] if head[0] == "schema" or plan is None else [str(plan)]
    return [*head, *plans, option, str(target)]


@pytest.mark.parametrize("command", OUTPUTS, ids=" ".join)
def test_a_file_is_written_and_confirmed(cli: Cli, write_plan: Callable[..., Path], command: tuple[str, ...]) -> None:
    plan = write_plan(MINIMAL)
    result = cli(*_argv(command, "out.file", plan))
    assert result.exit_code == 0, result.output
    assert Path("out.file").stat().st_size > 0
    assert result.stderr == "cloudplan: wrote out.file\n"


@pytest.mark.parametrize("command", OUTPUTS, ids=" ".join)
def test_dash_is_standard_output(cli: Cli, write_plan: Callable[..., Path], command: tuple[str, ...]) -> None:
    plan = write_plan(MINIMAL)
    result = cli(*_argv(command, "-", plan))
    assert result.exit_code == 0, result.output
    assert not Path("-").exists(), "no file named '-'"
    assert result.stdout.strip()
    assert result.stderr == ""


@pytest.mark.parametrize("command", OUTPUTS, ids=" ".join)
def test_a_device_is_never_replaced(tmp_path: Path, write_plan: Callable[..., Path], command: tuple[str, ...]) -> None:
    """As root, `-o /dev/null` used to rename a regular file over the system's /dev/null."""
    plan = write_plan(MINIMAL)
    null = device(tmp_path, "null", 3)
    result = run(*_argv(command, null, plan), cwd=plan.parent)
    assert result.returncode == 2, result.stderr
    assert "not a regular file" in result.stderr
    assert "`-`" in result.stderr, "the hint says how to write there: standard output, redirected"
    assert stat.S_ISCHR(os.stat(null).st_mode)


@pytest.mark.parametrize("command", OUTPUTS, ids=" ".join)
def test_a_fifo_is_refused_without_hanging(
    tmp_path: Path, write_plan: Callable[..., Path], command: tuple[str, ...]
) -> None:
    plan = write_plan(MINIMAL)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = run(*_argv(command, fifo, plan), cwd=plan.parent)
    assert result.returncode == 2, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_folder_is_refused(cli: Cli, write_plan: Callable[..., Path]) -> None:
    plan = write_plan(MINIMAL)
    Path("out").mkdir()
    result = cli("export", "--format", "json", plan, "-o", "out")
    assert result.exit_code == 2
    assert "Is a directory" in result.stderr


@pytest.mark.parametrize("spelling", ["same", "link", "hard-link", "absolute"])
def test_an_input_plan_is_never_overwritten(cli: Cli, write_plan: Callable[..., Path], spelling: str) -> None:
    plan = write_plan(MINIMAL)
    target = {"same": Path(plan.name), "absolute": plan.resolve(), "link": Path("link.toml"), "hard-link": Path("hard")}
    if spelling == "link":
        Path("link.toml").symlink_to(plan.name)
    elif spelling == "hard-link":
        os.link(plan, "hard")
    for argv in (
        ["export", "--format", "json", plan.name, "-o", str(target[spelling])],
        ["timeline", plan.name, "--svg", str(target[spelling])],
        ["report", plan.name, "--html", str(target[spelling])],
    ):
        result = cli(*argv)
        assert result.exit_code == 2, (argv, result.output)
        assert "is a plan this command reads" in result.stderr
        assert plan.read_text(encoding="utf-8") == MINIMAL


def test_a_plan_an_edit_replaced_no_longer_shields_its_old_inode(write_plan: Callable[..., Path]) -> None:
    """The inode of a plan replaced since it was read may be given to any new file: an output there is no plan.

    (It made `report --html` after `reschedule` in one process fail now and then, when the
    page was given the inode the edit had freed.)
    """
    from cloudplan.store import reader

    plan = write_plan(MINIMAL)
    reader.read_file(reader.PlanFile(plan, plan.name))
    before = os.stat(plan)
    assert reader.was_read(before)
    fresh = plan.with_name("fresh.toml")
    fresh.write_text(MINIMAL, encoding="utf-8")
    os.replace(fresh, plan)  # as an edit replaces a plan
    assert not reader.was_read(before), "the old inode is no plan any more"
    assert reader.was_read(os.stat(plan)) is False, "a plan this process did not read or write"


def test_the_plan_an_edit_wrote_is_an_input_too(cli: Cli, write_plan: Callable[..., Path]) -> None:
    """The file an edit renamed over the plan is the plan now: no output of the same run may go over it."""
    from cloudplan.store import reader

    plan = write_plan(MINIMAL)
    moved = cli("reschedule", "alpha/one", "2020-Q2", "--reason", "r", "--on", "2020-01-10", "-f", plan.name)
    assert moved.exit_code == 0, moved.output
    assert reader.was_read(os.stat(plan))


def test_another_plan_of_the_folder_is_an_input_too(cli: Cli, write_plan: Callable[..., Path]) -> None:
    write_plan(MINIMAL, "plans/a.toml")
    other = write_plan(MINIMAL.replace("alpha", "beta"), "plans/b.toml")
    result = cli("export", "--format", "csv", "plans", "-o", "plans/b.toml")
    assert result.exit_code == 2
    assert "beta" in other.read_text(encoding="utf-8")


def test_a_link_another_user_planted_in_a_shared_folder_is_not_followed(
    tmp_path: Path, write_plan: Callable[..., Path]
) -> None:
    """As the kernel's protected_symlinks: in a sticky folder anyone writes, only one's own links are followed."""
    plan = write_plan(MINIMAL)
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o1777)
    shared.chmod(0o1777)
    victim = tmp_path / "victim.conf"
    victim.write_text("root's file\n")
    planted = shared / "report.html"
    planted.symlink_to(victim)
    os.chown(planted, other_uid(), other_uid(), follow_symlinks=False)
    result = run("report", plan.name, "--html", planted, cwd=plan.parent)
    assert result.returncode == 2, result.stderr
    assert "another user" in result.stderr
    assert victim.read_text() == "root's file\n"
    assert planted.is_symlink()


def test_ones_own_link_is_followed(cli: Cli, tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    plan = write_plan(MINIMAL)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    real = tmp_path / "real.json"
    real.write_text("old")
    (shared / "out.json").symlink_to(real)
    result = cli("export", "--format", "json", plan, "-o", shared / "out.json")
    assert result.exit_code == 0, result.output
    assert real.read_text(encoding="utf-8").startswith("{")
    assert (shared / "out.json").is_symlink()


@pytest.mark.parametrize("force", [False, True])
def test_init_never_writes_through_a_dangling_link(
    cli: Cli, tmp_path: Path, force: bool, write_plan: Callable[..., Path]
) -> None:
    elsewhere = tmp_path / "elsewhere.toml"
    Path("cloudplan.toml").symlink_to(elsewhere)
    result = cli("init", *(["--force"] if force else []))
    assert result.exit_code == 2
    assert not elsewhere.exists()
    assert "does not exist" in result.stderr or "already exists" in result.stderr


def test_init_over_a_device_is_refused_even_with_force(tmp_path: Path) -> None:
    null = device(tmp_path, "null", 3)
    result = run("init", "--force", null, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert stat.S_ISCHR(os.stat(null).st_mode)


def test_a_planted_lock_link_creates_nothing_elsewhere(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    plan = write_plan(MINIMAL)
    target = tmp_path / "etc" / "created-by-cloudplan"
    target.parent.mkdir()
    (plan.parent / store.LOCK_NAME).symlink_to(target)
    result = run("done", "alpha/one", "--on", "2020-03-01", cwd=plan.parent)
    assert result.returncode == 2, result.stderr
    assert "symbolic link" in result.stderr
    assert not target.exists()
    assert plan.read_text(encoding="utf-8") == MINIMAL


def test_a_fifo_as_lock_file_does_not_hang(write_plan: Callable[..., Path]) -> None:
    plan = write_plan(MINIMAL)
    os.mkfifo(plan.parent / store.LOCK_NAME)
    result = run("done", "alpha/one", "--on", "2020-03-01", cwd=plan.parent)
    assert result.returncode == 2, result.stderr
    assert plan.read_text(encoding="utf-8") == MINIMAL


# -- overdue --state ----------------------------------------------------------------------------------


def test_a_fifo_as_state_file_is_refused_without_hanging(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    plan = write_plan(MINIMAL)
    fifo = tmp_path / "state"
    os.mkfifo(fifo)
    result = run("overdue", "--as-of", "2020-06-30", "--state", fifo, cwd=plan.parent)
    assert result.returncode == 2, result.stderr
    assert "not a regular file" in result.stderr
    assert "delete it" not in result.stderr, "deleting a FIFO someone made is not the way out"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.parametrize(("name", "minor"), [("zero", 5), ("null", 3)])
def test_a_device_as_state_file_is_refused(
    tmp_path: Path, write_plan: Callable[..., Path], name: str, minor: int
) -> None:
    plan = write_plan(MINIMAL)
    dev = device(tmp_path, name, minor)
    result = run("overdue", "--as-of", "2020-06-30", "--state", dev, cwd=plan.parent, limit_memory=True)
    assert result.returncode == 2, result.stderr
    assert "not a regular file" in result.stderr
    assert "delete it" not in result.stderr
    assert stat.S_ISCHR(os.stat(dev).st_mode)


def test_a_huge_state_file_is_refused_unread(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    plan = write_plan(MINIMAL)
    state = tmp_path / "state.json"
    with state.open("wb") as f:
        f.truncate(store.writer.MAX_STATE_BYTES + 1)  # sparse: no disk used
    result = run("overdue", "--as-of", "2020-06-30", "--state", state, cwd=plan.parent, limit_memory=True)
    assert result.returncode == 2, result.stderr
    assert "MB" in result.stderr
    assert "delete it" in result.stderr, "a regular file: deleting it starts afresh"


def test_a_state_file_is_written_without_a_confirmation(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    """Under cron any line on stderr is a mail: the state file is updated silently."""
    plan = write_plan(MINIMAL)
    state = tmp_path / "state.json"
    result = run("overdue", "--as-of", "2020-06-30", "--state", state, cwd=plan.parent)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert state.is_file()


def test_a_fifo_or_a_device_named_as_a_plan_is_refused_unread(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.toml"
    os.mkfifo(fifo)
    for plan in (fifo, device(tmp_path, "zero", 5)):
        result = run("status", plan, cwd=tmp_path, limit_memory=True)
        assert result.returncode == 2, result.stderr
        assert "not a plan file" in result.stderr


def test_another_users_file_in_a_shared_folder_is_not_replaced(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    """As the kernel's protected_regular: in /tmp, a file someone else made stays theirs."""
    plan = write_plan(MINIMAL)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    theirs = shared / "report.html"
    theirs.write_text("theirs\n")
    os.chown(theirs, other_uid(), other_uid())
    result = run("report", plan.name, "--html", theirs, cwd=plan.parent)
    assert result.returncode == 2, result.stderr
    assert "another user" in result.stderr
    assert theirs.read_text() == "theirs\n"
    assert theirs.stat().st_uid == other_uid()
