"""Time cloudplan as cron and CI run it: whole processes, against its floor and against Taskwarrior; stdlib only.

    python bench/run.py            # everything: about ten minutes on 2 cores
    python bench/run.py --quick    # fewer runs, no 100,000-milestone portfolio

Each command runs as a whole process (interpreter start-up and imports included),
stdout and stderr to pipes that are drained and dropped, as under cron. After one
warm-up run, which is also where answers are checked, the commands of a group run
in turn, round after round, each round in a rotated order (A B C, B C A, ...), so
that a slow spell of the shared host hits every command alike. A ratio is taken
pair by pair (A and B of the same round) and its median is what a bar is judged on.
Peak memory is each process's own maximum resident set size (os.wait4).

cloudplan is the one of the interpreter running this script (the console script
beside sys.executable). XDG_CACHE_HOME points at bench/out/cache, so a cache of
parsed plans, if cloudplan has one, is warm in the timed runs; one run with the
cache emptied is reported apart as "cold". Taskwarrior runs with TZ set to the plans'
time zone, so that both tools answer for the same today.

Exit status: 0 when every bar that could be measured holds, 1 when one fails, 2 when
the benchmark could not run or the tools gave different answers.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import gen  # noqa: E402 - the generator beside this script

BAR_STARTUP = 1.25  # cloudplan overdue on the roadmap / the floor Typer app
BAR_COMPLETION = 1.1  # cloudplan overdue on the roadmap / the same without shell completion support
BAR_TASKWARRIOR = 1.0  # cloudplan overdue --format json / task +OVERDUE export, at 10,000
BAR_DONE = 2.0  # cloudplan done / cloudplan overdue, on the 10,000-milestone file
BAR_GROWTH = 10.5  # overdue --format json at 100,000 / at 10,000
BAR_NOTIFY = 1.5  # notify --dry-run / overdue --format json, on the 10,000 portfolio with a contact per owner
BAR_MEMORY = 10**9  # bytes: peak resident memory at 100,000, under 1 GB
BAR_FRENCH = 1.05  # cloudplan overdue on the roadmap in French (the plan's language) / in English
BAR_CHANGES = 3.0  # cloudplan changes --since HEAD / overdue --format json, at 10,000 with ~1 % changed
BAR_XLSX = 4.0  # cloudplan export --format xlsx / export --format json, at 10,000
CHANGED_EVERY = 100  # changes: one milestone in this many is retitled since HEAD (~1 %)
BAR_STATUS_RISK = 1.1  # status --format json with at-risk / the same command before it, at 10,000
BAR_TREND = 1.5  # trend --format json / overdue --format json, at 10,000
BAR_COLD_CHECK = 1.5  # cloudplan check with no cache (CI) / tomllib reading the same files alone, at 10,000
BAR_MERGE = 3.0  # merge of two 10,000-milestone versions, 100 changes a side / overdue --format json on one of them
MERGE_CHANGES = 100  # milestones retitled on each side, none on both
BAR_BLAME_SECONDS = 2.0  # cloudplan blame REF on a plan file with BLAME_COMMITS commits, whole process, median
BLAME_COMMITS = 500
# status --format json / overdue --format json at 10,000 before at-risk existed (CPU time, medians of ten
# alternated runs of commit 6ac174b, 2026-11-30: 470 / 299 ms): the bar's reference when no --baseline
# checkout is given to run the old code itself (--baseline is the better measure: overdue --format json
# now works out risk too, which makes this fallback lenient).
STATUS_OVER_OVERDUE_BEFORE = 1.57
BAR_SOURCES = 1.5  # overdue --format json through a portfolio of 100 sources / the same 100 plans as local files
BAR_FETCH = 10.0  # seconds: cloudplan fetch of 100 sources that did not change, served by a local git daemon
SOURCES, SOURCE_SIZE = 100, 1_000  # the portfolio of sources: 100 repositories of 1,000 milestones each
BAR_SIZE, GROWTH_SIZE = 10_000, 100_000
DEPENDS_UP_TO = 10_000  # Taskwarrior with dependencies is timed once up to this size (quadratic beyond)
RUN_TIMEOUT = 900  # seconds; a run that takes longer is killed and the benchmark stops

TASKRC = """\
# Written by bench/run.py: Taskwarrior as quiet and lean as it goes, for timing.
confirmation=off
verbose=nothing
gc=off
hooks=off
recurrence=off
color=off
news.version=2.6.2
dateformat=Y-M-D
"""


# -- running one process ----------------------------------------------------------------------


# A process's peak RSS as Linux reports it (ru_maxrss) starts at the peak RSS of the process
# that spawned it: exec records the old address space's high-water mark, and subprocess's
# vfork shares the parent's. This script grows when it reads big outputs, so the timed
# processes are spawned by a small helper that never does: their figures start at its own
# few MiB (reported as the floor), not at this script's.
SPAWNER = r"""
import json, os, selectors, subprocess, sys, time
out = sys.stdout

def own_peak():
    # VmHWM: this address space's own high-water mark (getrusage would include the parent's at exec).
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

for line in sys.stdin:
    req = json.loads(line)
    stdout = open(req["stdout"], "wb") if req["stdout"] else subprocess.PIPE
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(req["argv"], stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE,
                                env=req["env"], cwd=req["cwd"])
    except OSError as e:
        out.write(json.dumps({"error": str(e)}) + "\n"); out.flush(); continue
    if req["stdout"]:
        stdout.close()
    err = b""
    sel = selectors.DefaultSelector()
    pipes = [f for f in (proc.stdout, proc.stderr) if f is not None]
    for f in pipes:
        sel.register(f, selectors.EVENT_READ)
    deadline = start + req["timeout"]
    timed_out = False
    while sel.get_map():
        events = sel.select(timeout=max(0.0, deadline - time.perf_counter()))
        if not events:
            proc.kill(); timed_out = True
            break
        for key, _ in events:
            chunk = os.read(key.fd, 1 << 20)
            if not chunk:
                sel.unregister(key.fileobj)
            elif key.fileobj is proc.stderr:
                err = (err + chunk)[-4096:]
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    sel.close()
    for f in pipes:
        f.close()
    out.write(json.dumps({"seconds": seconds, "maxrss": usage.ru_maxrss, "rc": os.waitstatus_to_exitcode(status),
                          "err": err.decode("utf-8", "replace"), "timed_out": timed_out,
                          "self": own_peak()}) + "\n")
    out.flush()
"""


@dataclass
class Run:
    seconds: float
    maxrss: int  # bytes
    rc: int
    out: bytes = b""
    err: str = ""


class Spawner:
    """Runs commands to their end from a small helper process; see SPAWNER."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", SPAWNER],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={"PATH": os.environ.get("PATH", "")},
        )  # fmt: skip
        self.floor = 0  # the helper's own peak RSS, bytes: the least any timed process can report

    def run(self, argv: Sequence[str], env: dict[str, str], cwd: Path, keep: bool = False) -> Run:
        """Run *argv* to its end: wall time, its own peak RSS, exit code (and its output if *keep*)."""
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        program = shutil.which(argv[0], path=env.get("PATH")) or argv[0]
        target = self.scratch / "stdout.bin" if keep else None
        request = {"argv": [program, *argv[1:]], "env": env, "cwd": str(cwd), "timeout": RUN_TIMEOUT,
                   "stdout": str(target) if target else None}  # fmt: skip
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline() or '{"error": "the spawner died"}')
        if "error" in reply:
            raise RuntimeError(f"cannot run {' '.join(argv)}: {reply['error']}")
        if reply["timed_out"]:
            raise RuntimeError(f"timed out after {RUN_TIMEOUT} s: {' '.join(argv)}")
        unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
        self.floor = max(self.floor, reply["self"] * unit)
        out = target.read_bytes() if target else b""
        return Run(reply["seconds"], reply["maxrss"] * unit, reply["rc"], out, reply["err"])

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()


_spawner: Spawner | None = None


def run_once(argv: Sequence[str], env: dict[str, str], cwd: Path, keep: bool = False) -> Run:
    """Run *argv* from the spawner (started by main)."""
    assert _spawner is not None
    return _spawner.run(argv, env, cwd, keep)


# -- commands and their figures ---------------------------------------------------------------


@dataclass
class Command:
    key: str  # stable name, e.g. "cp-overdue-json"
    label: str  # what the table shows
    argv: list[str]
    cwd: Path
    env: dict[str, str]
    ok: frozenset[int] = frozenset({0})  # expected exit codes
    prepare: Callable[[], None] | None = None  # untimed, before every run
    check: Callable[[Run], str | None] | None = None  # on the warm-up run: None if the answer is right
    cloudplan: bool = False  # has a cache run (cold) worth reporting
    runs: list[Run] = field(default_factory=list)
    cold: Run | None = None
    note: str = ""

    def once(self, keep: bool = False) -> Run:
        if self.prepare is not None:
            self.prepare()
        run = run_once(self.argv, self.env, self.cwd, keep)
        if run.rc not in self.ok:
            tail = run.err.strip().splitlines()[-5:]
            raise RuntimeError(f"{self.label}: exit {run.rc} (expected {sorted(self.ok)})\n    " + "\n    ".join(tail))
        return run

    @property
    def times(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak(self) -> int:
        return max(r.maxrss for r in self.runs)


@dataclass
class Group:
    name: str
    commands: list[Command]
    rounds: int
    problems: list[str] = field(default_factory=list)


def measure(group: Group, cache: Path | None, log: Callable[[str], None]) -> None:
    """Warm up and check each command, then time them round after round in rotated order."""
    for c in group.commands:
        t = time.perf_counter()
        run = c.once(keep=c.check is not None)
        if c.check is not None:
            problem = c.check(run)
            if problem:
                group.problems.append(f"{c.label}: {problem}")
        log(f"  warm-up {c.label}: {run.seconds * 1000:.0f} ms ({time.perf_counter() - t:.1f} s)")
    n = len(group.commands)
    for r in range(group.rounds):
        for i in range(n):
            c = group.commands[(i + r) % n]
            c.runs.append(c.once())
        log(
            f"  round {r + 1}/{group.rounds}: "
            + ", ".join(f"{c.key} {c.runs[-1].seconds * 1000:.0f}" for c in group.commands)
        )
    # A cold run only means something where cloudplan keeps a cache; that run fills it again.
    if cache is not None and cache.exists():
        for c in group.commands:
            if c.cloudplan:
                shutil.rmtree(cache, ignore_errors=True)
                c.cold = c.once()


def paired(a: Command, b: Command) -> tuple[float, float, float]:
    """Median, min and max of a/b taken round by round."""
    ratios = [x / y for x, y in zip(a.times, b.times, strict=True)]
    return statistics.median(ratios), min(ratios), max(ratios)


# -- the set-up -------------------------------------------------------------------------------


def cloudplan_argv() -> list[str]:
    """The cloudplan of this interpreter: its console script if installed, else `python -m cloudplan`."""
    script = Path(sys.executable).parent / ("cloudplan.exe" if os.name == "nt" else "cloudplan")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cloudplan"]


def child_env(out: Path) -> dict[str, str]:
    """The environment of every timed process: a user's, minus what would skew or redirect it."""
    env = dict(os.environ)
    for name in (
        "CLOUDPLAN_PLAN", "CLOUDPLAN_DEBUG", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED",
        "PYTHONPROFILEIMPORTTIME", "PYTHONSTARTUP", "PYTHONDEVMODE", "PYTHONTRACEMALLOC", "PYTHONASYNCIODEBUG",
        "TASKRC", "TASKDATA", "FORCE_COLOR",
    ):  # fmt: skip
        env.pop(name, None)
    env.update({"XDG_CACHE_HOME": str(out / "cache"), "TZ": gen.TIMEZONE, "COLUMNS": "80", "NO_COLOR": "1"})
    return env


def has_command(cp: list[str], name: str, env: dict[str, str]) -> bool:
    """Whether this cloudplan has the command *name* (it answers its --help)."""
    return run_once([*cp, name, "--help"], env, ROOT).rc == 0


def precompile(env: dict[str, str]) -> None:
    """Write cloudplan's bytecode once, and its catalogue's .mo, as `pip install` does: an editable install of a
    source checkout may have neither (then every French run would compile the .po with Babel)."""
    import importlib.util

    spec = importlib.util.find_spec("cloudplan")
    if spec is not None and spec.origin:
        package = Path(spec.origin).parent
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], env=env, check=False)
        po = package / "locale" / "fr" / "LC_MESSAGES" / "cloudplan.po"
        if po.exists():
            compile_mo = (
                "from cloudplan import language as lang; "
                "lang.catalog_path('fr').write_bytes(lang.compile_po(lang.catalog_path('fr', '.po')))"
            )
            subprocess.run([sys.executable, "-c", compile_mo], env=env, check=True)


def ensure_portfolios(
    sizes: list[int], single: set[int], out: Path, log: Callable[[str], None]
) -> dict[int, dict[str, Any]]:
    """Generate what is missing or stale (another day, another generator); return the manifests."""
    today = gen.today_in(gen.TIMEZONE)
    manifests = {}
    for size in sizes:
        path = out / f"portfolio-{size}.manifest.json"
        manifest = json.loads(path.read_text()) if path.exists() else {}
        fresh = (
            manifest.get("generator") == gen.GENERATOR_VERSION
            and manifest.get("today") == today.isoformat()
            and manifest.get("seed") == gen.DEFAULT_SEED
            and (size not in single or "single" in manifest)
            and (out / manifest.get("folder", "-")).is_dir()
        )
        if not fresh:
            t = time.perf_counter()
            manifest = gen.generate(
                size, out, files=gen.DEFAULT_FILES, seed=gen.DEFAULT_SEED, today=today, single=size in single
            )
            log(f"generated portfolio-{size} ({manifest['bytes']:,} bytes) in {time.perf_counter() - t:.1f} s")
        manifests[size] = manifest
    return manifests


def taskwarrior() -> tuple[str | None, str]:
    """The `task` program and its version, or None and why not."""
    task = shutil.which("task")
    if task is None:
        return None, "Taskwarrior is not installed (apt-get install -y taskwarrior): its comparisons are skipped"
    version = subprocess.run([task, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    return task, version


def ensure_taskdata(
    task: str,
    size: int,
    manifest: dict[str, Any],
    out: Path,
    env: dict[str, str],
    log: Callable[[str], None],
    *,
    depends: bool,
) -> dict[str, str]:
    """Import the portfolio's tasks once into their own TASKDATA; re-import when the tasks changed.

    Without *depends*, the tasks lose their dependencies: Taskwarrior 2.6 works out which
    tasks are blocked on every command, in time that grows with the square of the tasks
    (10,000 tasks with the portfolio's dependencies: about 13 s a query, against 0.4 s
    without). The bars compare cloudplan with Taskwarrior at its best, as the research
    baselines did; the tasks with their dependencies get one informational run.
    """
    tw = out / "tw"
    tw.mkdir(parents=True, exist_ok=True)
    rc = tw / "taskrc"
    rc.write_text(TASKRC)
    tasks = json.loads((out / manifest["tasks"]).read_text(encoding="utf-8"))
    if not depends:
        for item in tasks:
            item.pop("depends", None)
    suffix = "-depends" if depends else ""
    source = tw / f"tasks-{size}{suffix}.json"
    source.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    digest = hashlib.sha256(source.read_bytes() + TASKRC.encode()).hexdigest()
    data = tw / f"data-{size}{suffix}"
    stamp = data / ".imported"
    twenv = {**env, "TASKRC": str(rc), "TASKDATA": str(data)}
    if not (stamp.exists() and stamp.read_text() == digest):
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        t = time.perf_counter()
        done = subprocess.run([task, "import", str(source)], env=twenv, capture_output=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"task import {source.name} failed: {done.stderr.decode(errors='replace')[-500:]}")
        stamp.write_text(digest)
        log(f"imported {size:,} tasks{' with their dependencies' if depends else ''} into {data} "
            f"in {time.perf_counter() - t:.1f} s")  # fmt: skip
    return twenv


# -- checks of the answers (warm-up run) ------------------------------------------------------


def expect_overdue_json(n: int) -> Callable[[Run], str | None]:
    def check(run: Run) -> str | None:
        got = len(json.loads(run.out)["items"])
        return None if got == n else f"{got} overdue milestones listed, the generator made {n}"

    return check


def expect_status_json(n: int) -> Callable[[Run], str | None]:
    def check(run: Run) -> str | None:
        got = sum(len(p["milestones"]) for p in json.loads(run.out)["projects"])
        return None if got == n else f"{got} milestones listed, the portfolio holds {n}"

    return check


def expect_count(n: int) -> Callable[[Run], str | None]:
    def check(run: Run) -> str | None:
        got = int(run.out.decode().strip() or 0)
        return None if got == n else f"counts {got} overdue, the generator made {n}"

    return check


def expect_export(n: int) -> Callable[[Run], str | None]:
    def check(run: Run) -> str | None:
        got = len(json.loads(run.out))
        return None if got == n else f"exports {got} overdue tasks, the generator made {n}"

    return check


def expect_clean_check(run: Run) -> str | None:
    """No finding on a generated portfolio; lines that are not findings (a summary) are let be."""
    import re

    finding = re.compile(r":\d+:\d+: (error|warning)\b")
    findings = [line for line in run.out.decode("utf-8", "replace").splitlines() if finding.search(line)]
    return None if not findings else f"{len(findings)} findings on a generated portfolio, e.g. {findings[0]}"


# -- the report -------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 2**20:.0f} GiB"
    return f"{os.cpu_count()} CPU {cpu}{mem}, {platform.system()} {platform.release()}"


def loadavg() -> str:
    with contextlib.suppress(OSError, AttributeError):
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    return "?"


def table(groups: list[Group]) -> list[str]:
    rows = [("group", "command", "runs", "median ms", "min-max ms", "peak MiB", "cold ms")]
    for g in groups:
        for c in g.commands:
            rows.append((
                g.name, c.label, str(len(c.runs)), ms(c.median), f"{ms(min(c.times))}-{ms(max(c.times))}",
                f"{c.peak / 2**20:,.1f}", ms(c.cold.seconds) if c.cold else "",
            ))  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    right = {2, 3, 4, 5, 6}
    lines = []
    for k, r in enumerate(rows):
        lines.append(
            "  ".join(
                v.rjust(w) if i in right else v.ljust(w) for i, (v, w) in enumerate(zip(r, widths, strict=True))
            ).rstrip()
        )
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


@dataclass
class Bar:
    name: str
    ratio: float | None
    limit: float
    detail: str
    skipped: str = ""

    @property
    def verdict(self) -> str:
        if self.ratio is None:
            return "SKIP"
        return "PASS" if self.ratio <= self.limit else "FAIL"

    def line(self) -> str:
        if self.ratio is None:
            return f"SKIP  {self.name}: {self.skipped}"
        return f"{self.verdict}  {self.name}: {self.ratio:.2f} (limit {self.limit:g}); {self.detail}"


# -- the groups -------------------------------------------------------------------------------


@dataclass
class Bench:
    """What every group needs: the programs, the environment, where things go, how many runs."""

    cp: list[str]
    task: str | None
    env: dict[str, str]
    out: Path
    cache: Path
    runs: int
    large_runs: int
    log: Callable[[str], None]
    groups: list[Group] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)

    def measure(self, group: Group, cache: bool = True) -> Group:
        self.log(f"{group.name} group")
        measure(group, self.cache if cache else None, self.log)
        self.groups.append(group)
        return group


def find(group: Group | None, key: str) -> Command | None:
    return next((c for c in group.commands if c.key == key), None) if group else None


def startup(b: Bench) -> None:
    """`cloudplan overdue` on the shipped roadmap, against the framework's floor and bare Python."""
    python = sys.executable
    floor_app = [python, str(HERE / "floor_app.py"), "overdue"]
    group = b.measure(
        Group(
            "start-up",
            [
                Command("cp-overdue-roadmap", "cloudplan overdue (plans/, the shipped roadmap)", [*b.cp, "overdue"],
                        ROOT, b.env, ok=frozenset({0, 1}), cloudplan=True),
                Command("floor", "floor: Typer app, one command doing nothing", floor_app, ROOT, b.env),
                Command("python", "python -c pass", [python, "-c", "pass"], ROOT, b.env),
            ],
            rounds=2 * b.runs,
        )
    )  # fmt: skip
    cp, floor, bare = group.commands
    r, lo, hi = paired(cp, floor)
    detail = (
        f"pairs {lo:.2f}-{hi:.2f}; {ms(cp.median)} vs {ms(floor.median)} ms; "
        f"floor / python -c pass {paired(floor, bare)[0]:.2f}, cloudplan / python -c pass {paired(cp, bare)[0]:.2f}"
    )
    b.bars.append(Bar("start-up: cloudplan overdue (roadmap) / floor Typer app", r, BAR_STARTUP, detail))


def completion(b: Bench) -> None:
    """`cloudplan overdue` on the shipped roadmap with its shell completion support, against the same without it.

    Completion must not slow an ordinary run: both go through bench/completion_off.py,
    which takes the completion options and the $_CLOUDPLAN_COMPLETE check off the app.
    """
    name = "completion: cloudplan overdue (roadmap) / the same without completion support"
    script = HERE / "completion_off.py"
    if not (ROOT / "src" / "cloudplan" / "cli" / "completion.py").exists():
        b.bars.append(Bar(name, None, BAR_COMPLETION, "", "this checkout has no shell completion"))
        return
    python = sys.executable
    group = b.measure(
        Group(
            "completion",
            [
                Command("cp-with-completion", "cloudplan overdue (plans/), with completion support",
                        [python, str(script), "with", "overdue"], ROOT, b.env, ok=frozenset({0, 1}), cloudplan=True),
                Command("cp-without-completion", "cloudplan overdue (plans/), completion taken off",
                        [python, str(script), "without", "overdue"], ROOT, b.env, ok=frozenset({0, 1}),
                        cloudplan=True),
            ],
            rounds=2 * b.runs,
        )
    )  # fmt: skip
    with_, without = group.commands
    r, lo, hi = paired(with_, without)
    detail = f"pairs {lo:.2f}-{hi:.2f}; {ms(with_.median)} vs {ms(without.median)} ms"
    b.bars.append(Bar(name, r, BAR_COMPLETION, detail))


def portfolios(b: Bench, sizes: list[int], manifests: dict[int, dict[str, Any]], has_check: bool) -> dict[int, Group]:
    """cloudplan's read commands on each portfolio, against Taskwarrior answering the same question."""
    by_size: dict[int, Group] = {}
    for size in sizes:
        m = manifests[size]
        n, folder, out, env = m["counts"]["overdue"], m["folder"], b.out, b.env
        json_ = ["--format", "json"]
        commands = [
            Command("cp-overdue-json", "cloudplan overdue --format json", [*b.cp, "overdue", *json_, folder],
                    out, env, ok=frozenset({1}), check=expect_overdue_json(n), cloudplan=True),
            Command("cp-status-json", "cloudplan status --format json", [*b.cp, "status", *json_, folder],
                    out, env, check=expect_status_json(size), cloudplan=True),
        ]  # fmt: skip
        if has_check:
            commands.append(
                Command("cp-check", "cloudplan check", [*b.cp, "check", folder], out, env, check=expect_clean_check,
                        cloudplan=True)
            )  # fmt: skip
        if b.task is not None:
            tw = ensure_taskdata(b.task, size, m, out, env, b.log, depends=False)
            commands += [
                Command("tw-count", "task +OVERDUE count", [b.task, "+OVERDUE", "count"], out, tw,
                        check=expect_count(n)),
                Command("tw-export", "task +OVERDUE export", [b.task, "+OVERDUE", "export"], out, tw,
                        check=expect_export(n)),
            ]  # fmt: skip
        rounds = b.large_runs if size >= GROWTH_SIZE else b.runs
        by_size[size] = b.measure(Group(f"{size:,}", commands, rounds))
        if b.task is not None and size <= DEPENDS_UP_TO:
            tw = ensure_taskdata(b.task, size, m, out, env, b.log, depends=True)
            info = Command("tw-count-depends", "task +OVERDUE count, tasks with dependencies (info)",
                           [b.task, "+OVERDUE", "count"], out, tw, check=expect_count(n))  # fmt: skip
            b.measure(Group(f"{size:,}", [info], rounds=1), cache=False)

    cp, export = find(by_size.get(BAR_SIZE), "cp-overdue-json"), find(by_size.get(BAR_SIZE), "tw-export")
    name = f"{BAR_SIZE:,} milestones: cloudplan overdue --format json / task +OVERDUE export"
    if cp and export:
        r, lo, hi = paired(cp, export)
        detail = f"pairs {lo:.2f}-{hi:.2f}; {ms(cp.median)} vs {ms(export.median)} ms"
        b.bars.append(Bar(name, r, BAR_TASKWARRIOR, detail))
    else:
        why = "Taskwarrior is absent" if b.task is None else f"the {BAR_SIZE:,} portfolio was not run (--sizes)"
        b.bars.append(Bar(name, None, BAR_TASKWARRIOR, "", why))
    return by_size


def done(b: Bench, manifest: dict[str, Any] | None) -> None:
    """`cloudplan done` on the one-file portfolio, against `overdue` on the same file; each run on a fresh copy."""
    name = f"cloudplan done / cloudplan overdue, on one {BAR_SIZE:,}-milestone file"
    if manifest is None:
        b.bars.append(Bar(name, None, BAR_DONE, "", "`cloudplan done` does not exist in this checkout"))
        return
    pristine = b.out / manifest["single"]
    work = b.out / f"work-{manifest['single']}"

    def restore() -> None:
        shutil.copyfile(pristine, work)

    def kept_comments(run: Run) -> str | None:
        """The edit adds one `done` line and leaves every other byte as it was."""
        before = pristine.read_bytes().splitlines(keepends=True)
        after = work.read_bytes().splitlines(keepends=True)
        i = next(
            (k for k, (x, y) in enumerate(zip(before, after, strict=False)) if x != y), min(len(before), len(after))
        )
        if len(after) == len(before) + 1 and after[i + 1 :] == before[i:] and after[i].strip().startswith(b"done"):
            return None
        return (
            f"the file differs from line {i + 1} on ({len(before)} lines before, {len(after)} after); "
            "expected one added `done` line and every other byte kept"
        )

    # Edit commands take --plan FILE (docs/editing.md); $CLOUDPLAN_PLAN is the same default.
    takes_plan = "--plan" in run_once([*b.cp, "done", "--help"], b.env, ROOT, keep=True).out.decode()
    plan = ["--plan", work.name] if takes_plan else []
    env = b.env if takes_plan else {**b.env, "CLOUDPLAN_PLAN": work.name}
    argv = [*b.cp, "done", manifest["done_ref"], "--on", "today", *plan]
    group = b.measure(
        Group(
            "done",
            [
                Command("cp-done", f"cloudplan done REF --on today ({pristine.name})", argv, b.out, env,
                        prepare=restore, check=kept_comments, cloudplan=True),
                Command("cp-overdue-single", f"cloudplan overdue ({pristine.name})", [*b.cp, "overdue", work.name],
                        b.out, b.env, ok=frozenset({0, 1}), prepare=restore, cloudplan=True),
            ],
            rounds=b.runs,
        )
    )  # fmt: skip
    d, o = group.commands
    r, lo, hi = paired(d, o)
    b.bars.append(Bar(name, r, BAR_DONE, f"pairs {lo:.2f}-{hi:.2f}; {ms(d.median)} vs {ms(o.median)} ms"))


def growth(b: Bench, by_size: dict[int, Group]) -> None:
    """The 100,000-milestone time over the 10,000 one, and peak memory at 100,000."""
    big, small = find(by_size.get(GROWTH_SIZE), "cp-overdue-json"), find(by_size.get(BAR_SIZE), "cp-overdue-json")
    name = f"growth: overdue --format json at {GROWTH_SIZE:,} / at {BAR_SIZE:,}"
    if big and small:
        detail = f"medians {ms(big.median)} vs {ms(small.median)} ms"
        b.bars.append(Bar(name, big.median / small.median, BAR_GROWTH, detail))
    else:
        b.bars.append(Bar(name, None, BAR_GROWTH, "", f"needs --sizes with {BAR_SIZE} and {GROWTH_SIZE}"))
    name = f"memory: overdue --format json at {GROWTH_SIZE:,}, peak RSS / 1 GB"
    if big:
        worst = max((c for c in by_size[GROWTH_SIZE].commands if c.cloudplan), key=lambda c: c.peak)
        detail = (
            f"{big.peak / 2**20:,.0f} MiB; the most of any cloudplan command there: "
            f"{worst.label} {worst.peak / 2**20:,.0f} MiB"
        )
        b.bars.append(Bar(name, big.peak / BAR_MEMORY, 1.0, detail))
    else:
        b.bars.append(Bar(name, None, 1.0, "", f"needs --sizes with {GROWTH_SIZE}"))


def contacts_portfolio(out: Path, manifest: dict[str, Any]) -> Path:
    """Return a folder with the portfolio's plan files (linked) and a contacts file: one contact per owner."""
    import tomllib

    source = out / manifest["folder"]
    folder = out / f"{manifest['folder']}-contacts"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    owners: set[str] = set()
    for plan in sorted(source.glob("*.toml")):
        (folder / plan.name).symlink_to(plan.resolve())
        doc = tomllib.loads(plan.read_text(encoding="utf-8"))
        owners.add(doc["plan"].get("owner", ""))
        for project in doc.get("project", []):
            owners.update(project.get("owners", []))
            for m in project.get("milestone", []):
                owners.update(m.get("owners", []))
    lines = ["# Written by bench/run.py: one contact per owner, as a programme office would keep them.",
             "[plan]", 'title = "Contacts"', ""]  # fmt: skip
    for i, owner in enumerate(sorted(o for o in owners if o)):
        lines += ["[[contact]]", f"owner = {json.dumps(owner, ensure_ascii=False)}",
                  f'email = ["owner-{i}@ministere.example"]', ""]  # fmt: skip
    (folder / "zz-contacts.toml").write_text("\n".join(lines), encoding="utf-8")
    return folder


def notify(b: Bench, manifest: dict[str, Any] | None, has_notify: bool) -> None:
    """`notify --dry-run` (a first run: every alert) against `overdue --format json`, on the same files."""
    name = f"{BAR_SIZE:,} milestones, a contact per owner: notify --dry-run / overdue --format json"
    if manifest is None or not has_notify:
        why = "`cloudplan notify` does not exist in this checkout" if not has_notify else "needs --sizes with 10000"
        b.bars.append(Bar(name, None, BAR_NOTIFY, "", why))
        return
    folder = contacts_portfolio(b.out, manifest)
    state = b.out / "notify-state-never-written.json"

    def dry_run_sent_nothing(run: Run) -> str | None:
        if state.exists():
            return "--dry-run wrote the state file"
        if not run.out.startswith(b"To: mailto:"):
            return "no message printed"
        return None

    group = b.measure(
        Group(
            "notify",
            [
                Command("cp-notify-dry", "cloudplan notify --dry-run (portfolio + contacts)",
                        [*b.cp, "notify", "--dry-run", "--state", str(state), folder.name], b.out, b.env,
                        check=dry_run_sent_nothing, cloudplan=True),
                Command("cp-overdue-contacts", "cloudplan overdue --format json (portfolio + contacts)",
                        [*b.cp, "overdue", "--format", "json", folder.name], b.out, b.env, ok=frozenset({1}),
                        check=expect_overdue_json(manifest["counts"]["overdue"]), cloudplan=True),
            ],
            rounds=b.runs,
        )
    )  # fmt: skip
    n, o = group.commands
    r, lo, hi = paired(n, o)
    b.bars.append(Bar(name, r, BAR_NOTIFY, f"pairs {lo:.2f}-{hi:.2f}; {ms(n.median)} vs {ms(o.median)} ms"))


def git_portfolio(b: Bench, manifest: dict[str, Any]) -> tuple[Path, int]:
    """Commit a copy of the portfolio to a new git repository, then retitle ~1 % of its milestones.

    Returns the repository and how many milestones changed since HEAD.
    """
    repo = b.out / f"git-{BAR_SIZE}"
    shutil.rmtree(repo, ignore_errors=True)
    shutil.copytree(b.out / manifest["folder"], repo / "plans")
    env = {**b.env, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "bench",
           "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "bench@example.org"}  # fmt: skip
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "the plans before the committee"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    changed = seen = 0
    for plan in sorted((repo / "plans").glob("*.toml")):
        lines = plan.read_text(encoding="utf-8").splitlines(keepends=True)
        pending = False
        for i, line in enumerate(lines):
            if line.strip() == "[[project.milestone]]":
                seen += 1
                pending = seen % CHANGED_EVERY == 0
            elif pending and line.lstrip().startswith('title = "'):
                lines[i] = line.replace('title = "', 'title = "Revu : ', 1)
                changed += 1
                pending = False
        plan.write_text("".join(lines), encoding="utf-8")
    return repo, changed


def committee(b: Bench, manifests: dict[int, dict[str, Any]]) -> None:
    """`changes --since HEAD` against `overdue`, and `export --format xlsx` against `export --format json`."""
    name_changes = f"{BAR_SIZE:,} milestones, ~1 % changed: changes --since HEAD / overdue --format json"
    name_xlsx = f"{BAR_SIZE:,} milestones: export --format xlsx / export --format json"
    if BAR_SIZE not in manifests or not has_command(b.cp, "changes", b.env) or shutil.which("git") is None:
        why = f"needs --sizes with {BAR_SIZE}, `cloudplan changes` and git"
        b.bars += [Bar(name_changes, None, BAR_CHANGES, "", why), Bar(name_xlsx, None, BAR_XLSX, "", why)]
        return
    repo, n = git_portfolio(b, manifests[BAR_SIZE])

    def expect_changes(run: Run) -> str | None:
        got = json.loads(run.out)["changes"]
        kinds = {c["kind"] for c in got}
        return None if len(got) == n and kinds == {"retitled"} else f"{len(got)} changes ({kinds}), made {n}"

    def expect_xlsx(run: Run) -> str | None:
        data = (b.out / "export.xlsx").read_bytes()
        return None if data.startswith(b"PK") and len(data) > 100_000 else f"not an xlsx file ({len(data)} bytes)"

    plans, json_ = "plans", ["--format", "json"]
    group = b.measure(
        Group(
            "committee",
            [
                Command("cp-overdue-git", "cloudplan overdue --format json (git copy)",
                        [*b.cp, "overdue", *json_, plans], repo, b.env, ok=frozenset({1}), cloudplan=True),
                Command("cp-changes", f"cloudplan changes --since HEAD --format json ({n} changed)",
                        [*b.cp, "changes", "--since", "HEAD", *json_, plans], repo, b.env, check=expect_changes,
                        cloudplan=True),
                Command("cp-export-json", "cloudplan export --format json", [*b.cp, "export", *json_, plans],
                        repo, b.env, cloudplan=True),
                Command("cp-export-xlsx", "cloudplan export --format xlsx -o FILE",
                        [*b.cp, "export", "--format", "xlsx", "-o", str(b.out / "export.xlsx"), plans], repo,
                        b.env, check=expect_xlsx, cloudplan=True),
                Command("cp-export-ods", "cloudplan export --format ods -o FILE (info)",
                        [*b.cp, "export", "--format", "ods", "-o", str(b.out / "export.ods"), plans], repo,
                        b.env, cloudplan=True),
            ],
            rounds=b.runs,
        )
    )  # fmt: skip
    overdue, changes, ejson, xlsx = group.commands[:4]
    r, lo, hi = paired(changes, overdue)
    b.bars.append(Bar(name_changes, r, BAR_CHANGES,
                      f"pairs {lo:.2f}-{hi:.2f}; {ms(changes.median)} vs {ms(overdue.median)} ms"))  # fmt: skip
    r, lo, hi = paired(xlsx, ejson)
    b.bars.append(Bar(name_xlsx, r, BAR_XLSX, f"pairs {lo:.2f}-{hi:.2f}; {ms(xlsx.median)} vs {ms(ejson.median)} ms"))


def french(b: Bench) -> None:
    """`cloudplan overdue` on the roadmap in French over the same in English, paired.

    French as a cron job gets it: no locale in the environment, so the plan's `language = "fr"` is
    peeked at; English through CLOUDPLAN_LANG=en. Both through `python -m cloudplan` (the entry
    point that decides the language), with the catalogue compiled to its .mo as a build does.
    """
    # The .mo an installed cloudplan has was compiled by precompile, before any run was timed.
    quiet = {k: v for k, v in b.env.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "CLOUDPLAN_LANG")}
    argv = [sys.executable, "-m", "cloudplan", "overdue", str(ROOT / "plans")]
    group = b.measure(
        Group(
            "language",
            [
                Command("cp-overdue-fr", "cloudplan overdue (roadmap), French: the plan's language", argv, ROOT,
                        quiet, ok=frozenset({0, 1}), check=lambda r: None if "jours de retard" in r.out.decode()
                        else "not French"),
                Command("cp-overdue-en", "cloudplan overdue (roadmap), English: CLOUDPLAN_LANG=en", argv, ROOT,
                        {**quiet, "CLOUDPLAN_LANG": "en"}, ok=frozenset({0, 1}),
                        check=lambda r: None if "days late" in r.out.decode() else "not English"),
            ],
            rounds=2 * b.runs,
        )
    )  # fmt: skip
    fr, en = group.commands
    r, lo, hi = paired(fr, en)
    detail = f"pairs {lo:.2f}-{hi:.2f}; {ms(fr.median)} vs {ms(en.median)} ms"
    b.bars.append(Bar("language: cloudplan overdue (roadmap) in French / in English", r, BAR_FRENCH, detail))


def views13(b: Bench, manifest: dict[str, Any] | None, baseline: Path | None) -> None:
    """At 10,000 milestones with dependencies: status --format json (which now marks milestones at risk)
    against the same command before that work, and trend --format json against overdue --format json.

    The code before is the `src` folder of *baseline* (a checkout of an earlier commit), run by the same
    interpreter; without it, status is judged against overdue, by the ratio the two had before.
    """
    status_name = f"status --format json with at-risk / before, at {BAR_SIZE:,}"
    trend_name = f"trend --format json / overdue --format json, at {BAR_SIZE:,}"
    if manifest is None or not has_command(b.cp, "trend", b.env):
        why = "needs --sizes with 10000 and `cloudplan trend`"
        b.bars += [Bar(status_name, None, BAR_STATUS_RISK, "", why), Bar(trend_name, None, BAR_TREND, "", why)]
        return
    folder, n, json_ = manifest["folder"], manifest["counts"]["overdue"], ["--format", "json"]
    commands = [
        Command("cp-overdue-json-13", "cloudplan overdue --format json", [*b.cp, "overdue", *json_, folder],
                b.out, b.env, ok=frozenset({1}), check=expect_overdue_json(n), cloudplan=True),
        Command("cp-status-json-13", "cloudplan status --format json (at risk)", [*b.cp, "status", *json_, folder],
                b.out, b.env, check=expect_status_json(BAR_SIZE), cloudplan=True),
        Command("cp-trend-json", "cloudplan trend --format json", [*b.cp, "trend", *json_, folder], b.out, b.env,
                check=expect_trend_json, cloudplan=True),
    ]  # fmt: skip
    if baseline is not None:
        old_env = {**b.env, "PYTHONPATH": str(baseline / "src"), "XDG_CACHE_HOME": str(b.out / "cache-baseline")}
        commands.append(
            Command("cp-status-json-before", f"cloudplan status --format json (before: {baseline})",
                    [sys.executable, "-m", "cloudplan", "status", *json_, folder], b.out, old_env,
                    check=expect_status_json(BAR_SIZE), cloudplan=True)
        )  # fmt: skip
    group = b.measure(Group(f"{BAR_SIZE:,} (at risk, trend)", commands, b.runs))
    overdue, status, trend = group.commands[:3]
    r, lo, hi = paired(trend, overdue)
    b.bars.append(
        Bar(trend_name, r, BAR_TREND, f"pairs {lo:.2f}-{hi:.2f}; {ms(trend.median)} vs {ms(overdue.median)} ms")
    )
    if baseline is not None:
        before = group.commands[3]
        r, lo, hi = paired(status, before)
        detail = f"pairs {lo:.2f}-{hi:.2f}; {ms(status.median)} vs {ms(before.median)} ms"
        b.bars.append(Bar(status_name, r, BAR_STATUS_RISK, detail))
    else:
        r, lo, hi = paired(status, overdue)
        detail = (
            f"status/overdue {r:.2f} now vs {STATUS_OVER_OVERDUE_BEFORE:.2f} before (pairs {lo:.2f}-{hi:.2f}); "
            "--baseline DIR runs the old code itself"
        )
        b.bars.append(Bar(status_name, r / STATUS_OVER_OVERDUE_BEFORE, BAR_STATUS_RISK, detail))


# Python reading the plan files with tomllib and nothing else: what any TOML tool pays for them.
TOMLLIB_ALONE = (
    "import sys, tomllib\nfor name in sys.argv[1:]:\n    with open(name, 'rb') as f:\n        tomllib.load(f)"
)


def cold_check(b: Bench, manifest: dict[str, Any] | None) -> None:
    """`cloudplan check` as CI runs it, on a fresh machine with no cache, against tomllib reading the same files.

    The cache is emptied before every timed check (untimed), so each run parses and validates
    every file and writes its cache entries, as a CI job does.
    """
    name = f"cold check: cloudplan check, no cache / tomllib reading the files alone, at {BAR_SIZE:,} (10 files)"
    if manifest is None:
        b.bars.append(Bar(name, None, BAR_COLD_CHECK, "", f"needs --sizes with {BAR_SIZE}"))
        return
    folder = b.out / manifest["folder"]
    files = [str(p) for p in sorted(folder.glob("*.toml"))]
    cold = b.out / "cache-cold"

    def empty() -> None:
        shutil.rmtree(cold, ignore_errors=True)

    group = b.measure(
        Group(
            f"{BAR_SIZE:,} (cold check)",
            [
                Command("cp-check-cold", "cloudplan check, no cache (as in CI)", [*b.cp, "check", str(folder)],
                        b.out, {**b.env, "XDG_CACHE_HOME": str(cold)}, prepare=empty, check=expect_clean_check),
                Command("py-tomllib", "python: tomllib reads the same files", [sys.executable, "-c", TOMLLIB_ALONE,
                        *files], b.out, b.env),
            ],
            b.runs,
        ),
        cache=False,
    )  # fmt: skip
    check, tomllib_ = group.commands
    r, lo, hi = paired(check, tomllib_)
    detail = f"pairs {lo:.2f}-{hi:.2f}; {ms(check.median)} vs {ms(tomllib_.median)} ms"
    b.bars.append(Bar(name, r, BAR_COLD_CHECK, detail))


def source_repositories(b: Bench) -> tuple[Path, dict[str, Any]]:
    """Generate 100 plans of 1,000 milestones and commit each to a repository of its own; return where, and
    the manifest. Remade when the generator's portfolio is stale (another day)."""
    base = b.out / "sources"
    base.mkdir(parents=True, exist_ok=True)
    size = SOURCES * SOURCE_SIZE
    today = gen.today_in(gen.TIMEZONE)
    path = base / f"portfolio-{size}.manifest.json"
    manifest = json.loads(path.read_text()) if path.exists() else {}
    if (manifest.get("generator"), manifest.get("today"), manifest.get("files")) != (
        gen.GENERATOR_VERSION,
        today.isoformat(),
        SOURCES,
    ):
        t = time.perf_counter()
        manifest = gen.generate(size, base, files=SOURCES, seed=gen.DEFAULT_SEED, today=today, single=False)
        b.log(f"generated {SOURCES} plans of {SOURCE_SIZE:,} milestones in {time.perf_counter() - t:.1f} s")
    repos = base / "repos"
    stamp = repos / ".made"
    if stamp.exists() and stamp.read_text() == manifest["today"]:
        return repos, manifest
    shutil.rmtree(repos, ignore_errors=True)
    repos.mkdir(parents=True)
    env = {**b.env, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "bench",
           "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "bench@example.org"}  # fmt: skip
    t = time.perf_counter()
    for plan in sorted((base / manifest["folder"]).glob("*.toml")):
        repo = repos / plan.stem
        (repo / "plans").mkdir(parents=True)
        shutil.copyfile(plan, repo / "plans" / plan.name)
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "the ministry's plan"]):
            subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    stamp.write_text(manifest["today"])
    b.log(f"committed {SOURCES} plans to {SOURCES} repositories in {time.perf_counter() - t:.1f} s")
    return repos, manifest


@contextlib.contextmanager
def git_daemon(base: Path) -> Iterator[int]:
    """Serve the repositories under *base* read-only over git:// on 127.0.0.1; yield the port."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    daemon = subprocess.Popen(
        ["git", "daemon", "--export-all", f"--base-path={base}", f"--port={port}", "--listen=127.0.0.1",
         "--reuseaddr", str(base)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or daemon.poll() is not None:
                    raise RuntimeError("git daemon did not start") from None
                time.sleep(0.05)
        yield port
    finally:
        daemon.terminate()
        daemon.wait()


def sources(b: Bench) -> None:
    """A portfolio of 100 sources of 1,000 milestones, fetched from a git daemon: reading it warm against the
    same plans as local files, and a fetch of the 100 sources when none changed."""
    name_read = f"{SOURCES} sources of {SOURCE_SIZE:,}: overdue --format json (portfolio) / (the same plans, local)"
    name_fetch = f"cloudplan fetch, {SOURCES} sources that did not change (git daemon): seconds / {BAR_FETCH:g} s"
    if not has_command(b.cp, "fetch", b.env) or shutil.which("git") is None:
        why = "needs `cloudplan fetch` and git"
        b.bars += [Bar(name_read, None, BAR_SOURCES, "", why), Bar(name_fetch, None, 1.0, "", why)]
        return
    repos, manifest = source_repositories(b)
    local = f"sources/{manifest['folder']}"
    n = manifest["counts"]["overdue"]
    with git_daemon(repos) as port:
        lines = ["# Written by bench/run.py: every ministry's roadmap, from its own repository.", "[portfolio]",
                 'title = "Feuille de route interministérielle"', ""]  # fmt: skip
        for repo in sorted(p for p in repos.iterdir() if p.is_dir()):
            lines += ["[[source]]", f'name = "{repo.name}"', f'git = "git://127.0.0.1:{port}/{repo.name}"', ""]
        portfolio = b.out / "sources" / "portfolio.toml"
        portfolio.write_text("\n".join(lines), encoding="utf-8")
        fetch = [*b.cp, "fetch", str(portfolio)]
        first = run_once(fetch, b.env, b.out)  # makes the mirrors: the timed runs find nothing new
        if first.rc != 0:
            raise RuntimeError(f"cloudplan fetch of the sources failed: {first.err.strip()[-500:]}")
        json_ = ["--format", "json"]
        group = b.measure(
            Group(
                f"{SOURCES} sources",
                [
                    Command("cp-overdue-sources", f"cloudplan overdue --format json (portfolio of {SOURCES} sources)",
                            [*b.cp, "overdue", *json_, str(portfolio)], b.out, b.env, ok=frozenset({1}),
                            check=expect_overdue_json(n), cloudplan=True),
                    Command("cp-overdue-local", f"cloudplan overdue --format json (the {SOURCES} plans, local)",
                            [*b.cp, "overdue", *json_, local], b.out, b.env, ok=frozenset({1}),
                            check=expect_overdue_json(n), cloudplan=True),
                    Command("cp-fetch-sources", f"cloudplan fetch ({SOURCES} sources, unchanged)", fetch, b.out,
                            b.env),
                ],
                rounds=b.runs,
            )
        )  # fmt: skip
    through, alone, fetched = group.commands
    r, lo, hi = paired(through, alone)
    detail = f"pairs {lo:.2f}-{hi:.2f}; {ms(through.median)} vs {ms(alone.median)} ms"
    b.bars.append(Bar(name_read, r, BAR_SOURCES, detail))
    detail = f"median {ms(fetched.median)} ms, {ms(min(fetched.times))}-{ms(max(fetched.times))} ms"
    b.bars.append(Bar(name_fetch, fetched.median / BAR_FETCH, 1.0, detail))


def merge_versions(folder: Path, pristine: Path) -> tuple[Path, Path, Path]:
    """The base (the one-file portfolio) and two versions each retitling MERGE_CHANGES milestones of its own."""
    import random

    folder.mkdir(parents=True, exist_ok=True)
    text = pristine.read_text(encoding="utf-8")
    lines = text.split("\n")
    heads = [i for i, line in enumerate(lines) if line.strip() == "[[project.milestone]]"]
    picked = random.Random(22).sample(heads, 2 * MERGE_CHANGES)

    def retitled(chosen: list[int], word: str) -> str:
        out = list(lines)
        for head in chosen:
            at = next(j for j in range(head + 1, len(out)) if out[j].lstrip().startswith('title = "'))
            out[at] = out[at].replace('title = "', f'title = "{word} ', 1)
        return "\n".join(out)

    paths = folder / "base.toml", folder / "ours.toml", folder / "theirs.toml"
    for path, content in zip(paths, (text, retitled(picked[:MERGE_CHANGES], "Revu :"),
                                     retitled(picked[MERGE_CHANGES:], "Validé :")), strict=True):  # fmt: skip
        path.write_text(content, encoding="utf-8")
    return paths


def merging(b: Bench, manifest: dict[str, Any] | None) -> None:
    """`cloudplan merge` (git's driver) of two versions of the one-file portfolio against `overdue` on ours."""
    name = f"merge of two {BAR_SIZE:,}-milestone versions, {MERGE_CHANGES} changes a side / overdue --format json"
    if manifest is None or "single" not in manifest or not has_command(b.cp, "merge", b.env):
        b.bars.append(Bar(name, None, BAR_MERGE, "", f"needs --sizes with {BAR_SIZE} and `cloudplan merge`"))
        return
    base, ours, theirs = merge_versions(b.out / "merge", b.out / manifest["single"])
    work = ours.with_name("work.toml")  # git's %A: the driver writes the merge there

    def restore() -> None:
        shutil.copyfile(ours, work)

    def merged_both(run: Run) -> str | None:
        text = work.read_text(encoding="utf-8")
        found = text.count('title = "Revu : '), text.count('title = "Validé : ')
        if found != (MERGE_CHANGES, MERGE_CHANGES) or "<<<<<<<" in text:
            return f"the merge holds {found} of the {MERGE_CHANGES} changes of each side"
        return None

    argv = [*b.cp, "merge", base.name, work.name, theirs.name, "--name", "plans/portfolio.toml", "--marker-size", "7"]
    group = b.measure(
        Group(
            "merge",
            [
                Command("cp-merge", f"cloudplan merge BASE OURS THEIRS ({MERGE_CHANGES} changes a side)", argv,
                        ours.parent, b.env, prepare=restore, check=merged_both, cloudplan=True),
                Command("cp-overdue-ours", "cloudplan overdue --format json (ours)",
                        [*b.cp, "overdue", "--format", "json", ours.name], ours.parent, b.env, ok=frozenset({0, 1}),
                        cloudplan=True),
            ],
            rounds=b.runs,
        )
    )  # fmt: skip
    m, o = group.commands
    r, lo, hi = paired(m, o)
    b.bars.append(Bar(name, r, BAR_MERGE, f"pairs {lo:.2f}-{hi:.2f}; {ms(m.median)} vs {ms(o.median)} ms"))


def blame_repository(folder: Path) -> tuple[Path, str]:
    """A git repository whose plan (the shipped roadmap) has BLAME_COMMITS commits, made at once by `git fast-import`.

    Each commit reschedules one milestone in turn (its `due` and a slip); returns the repository and the ref of
    the milestone moved last.
    """
    import re

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=folder, env=env, check=True, capture_output=True)
    lines = (ROOT / "plans" / "cloud-etat.toml").read_text(encoding="utf-8").split("\n")
    dues = [i for i, line in enumerate(lines) if re.match(r'  due = "\d{4}', line)]
    stream = bytearray()
    for n in range(BLAME_COMMITS):
        lines[dues[n % len(dues)]] = f'  due = "{2030 + n // len(dues)}"'
        data = "\n".join(lines).encode("utf-8")
        who = ("Alice Martin", "Bruno Leroy", "Chloé Petit")[n % 3]
        stamp = 1_600_000_000 + n * 3600
        stream += (
            f"commit refs/heads/main\ncommitter {who} <{who.split()[0].lower()}@example.org> {stamp} +0200\n"
            f"data 4\nstep\nM 644 inline plans/cloud-etat.toml\ndata {len(data)}\n"
        ).encode()
        stream += data + b"\n"
    subprocess.run(["git", "fast-import", "--quiet"], cwd=folder, env=env, input=bytes(stream), check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run(["git", "checkout", "-q", "main"], cwd=folder, env=env, check=True, capture_output=True)
    above = "\n".join(lines[: dues[(BLAME_COMMITS - 1) % len(dues)]])
    pid = re.findall(r'(?m)^id = "([^"]+)"', above)[-1]
    mid = re.findall(r'(?m)^  id = "([^"]+)"', above)[-1]
    return folder, f"{pid}/{mid}"


def blaming(b: Bench) -> None:
    """`cloudplan blame` on the shipped roadmap with BLAME_COMMITS commits: its median time against two seconds."""
    name = f"blame REF on a plan file with {BLAME_COMMITS} commits: median seconds / {BAR_BLAME_SECONDS:g} s"
    if shutil.which("git") is None or not has_command(b.cp, "blame", b.env):
        b.bars.append(Bar(name, None, 1.0, "", "needs git and `cloudplan blame`"))
        return
    repo, ref = blame_repository(b.out / "blame")

    def expect_blame(run: Run) -> str | None:
        fields = json.loads(run.out)["fields"]
        due = next((f for f in fields if f["key"] == "due"), None)
        return None if due and due["commit"] else f"no commit found for the due day of {ref}"

    group = b.measure(
        Group("blame", [Command("cp-blame", f"cloudplan blame {ref} ({BLAME_COMMITS} commits)",
                                [*b.cp, "blame", ref, "plans", "--format", "json"], repo, b.env, check=expect_blame,
                                cloudplan=True)], rounds=b.runs)
    )  # fmt: skip
    command = group.commands[0]
    detail = f"median {ms(command.median)} ms, slowest {ms(max(command.times))} ms"
    b.bars.append(Bar(name, command.median / BAR_BLAME_SECONDS, 1.0, detail))


def expect_trend_json(run: Run) -> str | None:
    """A trend document that draws milestones (the generated portfolio has slips)."""
    try:
        doc = json.loads(run.out)
    except ValueError:
        return "trend --format json did not print JSON"
    if not doc.get("milestones") or not all(m["deadlines"] for m in doc["milestones"]):
        return "trend --format json drew no milestone, or one without deadlines"
    return None


def against_taskwarrior(by_size: dict[int, Group]) -> list[str]:
    """Every cloudplan command over Taskwarrior's export, size by size (paired medians)."""
    lines = []
    for size, group in by_size.items():
        tw, count = find(group, "tw-export"), find(group, "tw-count")
        if tw is None or count is None:
            continue
        parts = [f"{c.key} {paired(c, tw)[0]:.2f}" for c in group.commands if c.cloudplan]
        lines.append(f"  {size:>7,}: " + ", ".join(parts) + f"; task count / export {paired(count, tw)[0]:.2f}")
    return lines


# -- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 runs, and no 100,000-milestone portfolio")
    parser.add_argument(
        "--sizes", help="portfolio sizes, comma-separated (default 1000,10000,100000; --quick 1000,10000)"
    )
    parser.add_argument(
        "--runs", type=int, help="timed runs per command (default 10, --quick 3; start-up twice as many)"
    )
    parser.add_argument(
        "--large-runs", type=int, default=3, help="timed runs at 100,000 milestones and more (default 3)"
    )
    parser.add_argument("--out", type=Path, default=gen.OUT, help="where portfolios, Taskwarrior data and results go")
    parser.add_argument("--cloudplan", help="the cloudplan program to time (default: the one beside this interpreter)")
    parser.add_argument(
        "--baseline", type=Path, help="a checkout of cloudplan before at-risk: its status is the bar's reference"
    )
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 10)
    sizes = [int(x) for x in (args.sizes or ("1000,10000" if args.quick else "1000,10000,100000")).split(",") if x]
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = datetime.now().astimezone()
    report: list[str] = []

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def say(text: str = "") -> None:
        print(text, flush=True)
        report.append(text)

    global _spawner
    _spawner = Spawner(out)
    env = child_env(out)
    cache = out / "cache" / "cloudplan"
    shutil.rmtree(cache, ignore_errors=True)  # so that its existence later means this cloudplan wrote it
    cp = [str(Path(args.cloudplan).resolve())] if args.cloudplan else cloudplan_argv()
    precompile(env)
    version = run_once([*cp, "--version"], env, ROOT, keep=True).out.decode().strip()
    import importlib.metadata

    typer_version = importlib.metadata.version("typer")
    task, task_version = taskwarrior()
    notes = [] if task else [task_version]
    has_check, has_done = has_command(cp, "check", env), has_command(cp, "done", env)
    has_notify = has_command(cp, "notify", env)
    if not has_check:
        notes.append("`cloudplan check` does not exist in this checkout yet: its rows are skipped")
    if not has_done:
        notes.append("`cloudplan done` does not exist in this checkout yet: its bar is skipped")
    single = {BAR_SIZE} if has_done else set()
    manifests = ensure_portfolios(sorted(set(sizes) | single), single, out, log)
    today = next(iter(manifests.values()))["today"] if manifests else "?"

    say(f"cloudplan benchmark, {started:%Y-%m-%d %H:%M %Z}")
    say(f"machine: {machine()}; load average at start {loadavg()}")
    say(f"{version} (typer {typer_version}), Python {platform.python_version()} at {sys.executable}")
    say(f"Taskwarrior: {task_version if task else 'absent'}; today ({gen.TIMEZONE}) {today}")
    say(
        f"runs: {runs} timed after 1 warm-up (start-up: {2 * runs}; {GROWTH_SIZE:,}+ milestones: {args.large_runs}); "
        "medians; ratios are medians of round-by-round ratios"
    )
    for note in notes:
        say(f"note: {note}")
    say()

    b = Bench(cp, task, env, out, cache, runs, args.large_runs, log)
    startup(b)
    by_size = portfolios(b, sizes, manifests, has_check)
    done(b, manifests[BAR_SIZE] if has_done else None)
    growth(b, by_size)
    completion(b)
    notify(b, manifests.get(BAR_SIZE), has_notify)
    committee(b, manifests)
    french(b)
    views13(b, manifests.get(BAR_SIZE), args.baseline.resolve() if args.baseline else None)
    cold_check(b, manifests.get(BAR_SIZE) if has_check else None)
    sources(b)
    merging(b, manifests.get(BAR_SIZE))
    blaming(b)

    for line in table(b.groups):
        say(line)
    if any(c.cold for g in b.groups for c in g.commands):
        say("(cold: one run with $XDG_CACHE_HOME/cloudplan emptied first; the other columns are warm-cache runs)")
    else:
        say("(no cold runs: this cloudplan wrote nothing under $XDG_CACHE_HOME/cloudplan: no cache to empty)")
    say(
        f"(peak MiB: each process's own maximum RSS; the spawner's {_spawner.floor / 2**20:.1f} MiB is the least shown)"
    )
    context = against_taskwarrior(by_size)
    if context:
        say()
        say("ratios to `task +OVERDUE export` (paired medians):")
        for line in context:
            say(line)
    say()
    for bar in b.bars:
        say(bar.line())
    problems = [p for g in b.groups for p in g.problems]
    for p in problems:
        say(f"WRONG ANSWER  {p}")
    minutes = (datetime.now().astimezone() - started).total_seconds() / 60
    say(f"load average at end {loadavg()}; took {minutes:.1f} min")
    _spawner.close()

    results = out / "results"
    results.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    (results / f"{stamp}.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    record = {
        "started": started.isoformat(), "machine": machine(), "cloudplan": version, "typer": typer_version,
        "python": platform.python_version(), "taskwarrior": task_version if task else None, "today": today,
        "groups": [
            {"name": g.name, "commands": [
                {"key": c.key, "label": c.label, "argv": c.argv, "seconds": c.times,
                 "maxrss": [r.maxrss for r in c.runs], "cold": c.cold.seconds if c.cold else None}
                for c in g.commands]}
            for g in b.groups
        ],
        "bars": [
            {"name": x.name, "ratio": x.ratio, "limit": x.limit, "verdict": x.verdict, "detail": x.detail or x.skipped}
            for x in b.bars
        ],
        "problems": problems,
    }  # fmt: skip
    (results / f"{stamp}.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    log(f"results: {results / stamp}.txt and .json")
    if problems:
        return 2
    return 1 if any(x.verdict == "FAIL" for x in b.bars) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError) as e:
        print(f"bench: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
