"""Where cloudplan's time goes: imports at start-up, then the phases of one command; stdlib only.

    python bench/hotspots.py                  # start-up imports, then overdue --format json at 10,000
    python bench/hotspots.py --size 100000 --command "status --format json"
    python bench/hotspots.py --plan plans --command overdue   # the start-up bar's case

(Not named profile.py: that would shadow the standard library's profile, which cProfile imports.)

1. Start-up: `python -X importtime` on `cloudplan overdue` (the shipped roadmap), median
   over --runs, less what bare `python -c pass` imports: each top-level import with its
   cumulative cost, then the self time of every module summed by package.
2. Phases: the command on the generated portfolio, in a fresh process per run, with a
   timer around each step of cloudplan's own code (read, parse, build, validate, status,
   export, write), found by name; a step the code no longer has shows as "n/a". Medians.
3. cProfile of one run: the functions with the most time of their own. cProfile slows
   pure-Python code such as tomllib by about 2x, so read it for ranks, not totals.

Run bench/run.py (or bench/gen.py) first so that bench/out/portfolio-N exists.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

# (label, module, attribute, parent label): the steps of a read command, outermost first.
PHASES = [
    ("discover files", "cloudplan.store.reader", "discover", None),
    ("read files", "cloudplan.store.reader", "read_files", None),
    ("cache: read and unpickle an entry", "cloudplan.store.cache", "get", "read files"),
    ("parse (decode, TOML, build)", "cloudplan.store.reader", "parse", "read files"),
    ("tomllib.loads", "tomllib", "loads", "parse (decode, TOML, build)"),
    ("decode.build (dicts -> model)", "cloudplan.plan.decode", "build", "parse (decode, TOML, build)"),
    ("validate (refs, cycles, slips)", "cloudplan.core.validate", "validate", "read files"),
    ("locate findings", "cloudplan.store.reader", "locate", None),
    ("status: project_state", "cloudplan.core.status", "project_state", None),
    ("risk: at-risk walk and marks", "cloudplan.core.risk", "with_risks", None),
    ("status: indicator_state", "cloudplan.core.status", "indicator_state", None),
    ("export json.overdue", "cloudplan.export.json", "overdue", None),
    ("export json.status", "cloudplan.export.json", "status", None),
    ("write to stdout", "cloudplan.cli.common", "write", None),
]


def child(result: Path, args: list[str]) -> None:
    """Run cloudplan with timers around its steps; write the times to *result*."""
    import importlib

    t0 = time.perf_counter()
    from cloudplan.cli import main

    t1 = time.perf_counter()
    totals: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    found = []
    for label, module_name, attr, _parent in PHASES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        original = getattr(module, attr, None)
        if not callable(original):
            continue
        found.append(label)

        def timed(*a: object, __f=original, __label=label, **k: object) -> object:  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return __f(*a, **k)
            finally:
                totals[__label] += time.perf_counter() - start
                calls[__label] += 1

        setattr(module, attr, timed)
    t2 = time.perf_counter()
    sys.argv = ["cloudplan", *args]
    import cloudplan.cli

    # main() leaves with os._exit; here it must come back, to write the times down.
    cloudplan.cli._exit = sys.exit  # type: ignore[assignment]
    with contextlib.suppress(SystemExit):
        main()
    t3 = time.perf_counter()
    result.write_text(json.dumps({
        "import cloudplan.cli (Typer app)": t1 - t0,
        "import the command's modules": t2 - t1,
        "main()": t3 - t2,
        "phases": totals, "calls": calls, "found": found,
    }))  # fmt: skip


def cloudplan_script() -> str:
    script = Path(sys.executable).parent / "cloudplan"
    return str(script) if script.exists() else ""


def importtime(runs: int, env: dict[str, str]) -> list[str]:
    """Median -X importtime of `cloudplan overdue` on the roadmap, less bare start-up's imports."""
    import statistics
    import subprocess

    def sample(argv: list[str]) -> list[list[tuple[int, int, int, str]]]:
        # One run first, not counted: it fills the parsed-plan cache, as a cron job's earlier runs
        # have (a cold run imports the parser, which would otherwise show as a start-up cost).
        subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, check=False)
        out = []
        for _ in range(runs):
            err = subprocess.run([sys.executable, "-X", "importtime", *argv], cwd=ROOT, env=env, capture_output=True,
                                 text=True, check=False).stderr  # fmt: skip
            rows = []
            for line in err.splitlines():
                if not line.startswith("import time:") or "self [us]" in line:
                    continue
                self_us, cum_us, name = line.split(":", 1)[1].split("|", 2)
                level = (len(name) - len(name.lstrip())) // 2
                rows.append((int(self_us), int(cum_us), level, name.strip()))
            out.append(rows)
        return out

    bare = {name for rows in sample(["-c", "pass"]) for _, _, _, name in rows}
    script = cloudplan_script()
    runs_rows = sample([script, "overdue"] if script else ["-m", "cloudplan", "overdue"])
    top: dict[str, list[int]] = defaultdict(list)
    anywhere: dict[str, list[int]] = defaultdict(list)
    by_package: dict[str, list[int]] = defaultdict(list)
    totals = []
    stdlib = sys.stdlib_module_names
    for rows in runs_rows:
        mine = [r for r in rows if r[3] not in bare]
        base = min((r[2] for r in mine), default=0)
        totals.append(sum(r[1] for r in mine if r[2] == base))
        packages: dict[str, int] = defaultdict(int)
        for self_us, cum_us, level, name in mine:
            if level == base:
                top[name].append(cum_us)
            anywhere[name].append(cum_us)
            root = name.split(".")[0]
            group = root if root in ("cloudplan", "typer", "click", "rich", "dateutil", "pydantic", "tomli_w") else (
                "stdlib" if root.lstrip("_") in stdlib or root in stdlib else "other: " + root)  # fmt: skip
            packages[group] += self_us
        for group, us in packages.items():
            by_package[group].append(us)
    lines = [
        f"Imports of `cloudplan overdue` beyond bare `python -c pass` (median of {runs} runs of -X importtime):",
        f"  total {statistics.median(totals) / 1000:.1f} ms",
        "",
        "  top-level imports, cumulative ms:",
    ]
    ranked = sorted(top.items(), key=lambda kv: -statistics.median(kv[1]))
    for name, values in ranked[:15]:
        lines.append(f"    {statistics.median(values) / 1000:7.1f}  {name}")
    lines += ["", "  the heaviest imports at any depth, cumulative ms (nested ones are counted in their parents):"]
    for name, values in sorted(anywhere.items(), key=lambda kv: -statistics.median(kv[1]))[:25]:
        lines.append(f"    {statistics.median(values) / 1000:7.1f}  {name}")
    lines += ["", "  self time summed by package, ms:"]
    for group, values in sorted(by_package.items(), key=lambda kv: -statistics.median(kv[1]))[:12]:
        lines.append(f"    {statistics.median(values) / 1000:7.1f}  {group}")

    # Beyond the framework: what cloudplan imports that the floor Typer app does not.
    floor = {name for rows in sample([str(HERE / "floor_app.py"), "overdue"]) for _, _, _, name in rows}
    extra_self: list[int] = []
    roots: dict[str, list[int]] = defaultdict(list)
    for rows in runs_rows:
        extra_self.append(sum(r[0] for r in rows if r[3] not in floor))
        parents = _parents(rows)
        sums: dict[str, int] = defaultdict(int)
        for i, (self_us, _cum, _level, module) in enumerate(rows):
            if module in floor:
                continue
            outer = i
            parent = parents[outer]
            while parent is not None and rows[parent][3] not in floor:
                outer, parent = parent, parents[parent]
            sums[rows[outer][3]] += self_us
        for module, us in sums.items():
            roots[module].append(us)
    extra_ms = statistics.median(extra_self) / 1000
    lines += ["", f"  beyond the floor Typer app (bench/floor_app.py): {extra_ms:.1f} ms of "
              "self time in modules it does not import,", "  by the outermost of them (the self time of its subtree "
              "of such modules, ms):"]  # fmt: skip
    for name, values in sorted(roots.items(), key=lambda kv: -statistics.median(kv[1]))[:15]:
        lines.append(f"    {statistics.median(values) / 1000:7.1f}  {name}")
    return lines


def _parents(rows: list[tuple[int, int, int, str]]) -> list[int | None]:
    """The row of the module that imported each row: -X importtime prints children first, one level deeper."""
    parents: list[int | None] = [None] * len(rows)
    pending: dict[int, list[int]] = defaultdict(list)  # level -> rows waiting for their parent
    for i, (_s, _c, level, _name) in enumerate(rows):
        for child in pending.pop(level + 1, []):
            parents[child] = i
        pending[level].append(i)
    return parents


def phases(runs: int, env: dict[str, str], cwd: Path, args: list[str]) -> list[str]:
    """Median time of each step of the command, each run in a fresh process."""
    import statistics
    import subprocess
    import tempfile

    samples: list[dict[str, Any]] = []
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "phases.json"
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--child", str(result), "--", *args], cwd=cwd, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # fmt: skip
            walls.append(time.perf_counter() - start)
            samples.append(json.loads(result.read_text()))

    def med(get: Callable[[dict[str, Any]], float]) -> float:
        return float(statistics.median(get(s) for s in samples)) * 1000

    def phase(label: str) -> float:
        return med(lambda s: float(s["phases"].get(label, 0.0)))

    wall = statistics.median(walls) * 1000
    found = samples[0]["found"]
    lines = [f"Phases of `cloudplan {' '.join(args)}` (median of {runs} fresh processes, ms):",
             f"  {wall:8.1f}  whole process, timed from outside", ]  # fmt: skip
    startup = wall - med(
        lambda s: s["import cloudplan.cli (Typer app)"] + s["import the command's modules"] + s["main()"]
    )
    lines.append(f"  {startup:8.1f}    interpreter start-up and exit, freeing included (whole process less the rest)")
    lines.append(
        f"  {med(lambda s: s['import cloudplan.cli (Typer app)']):8.1f}    import cloudplan.cli (Typer, the app)"
    )
    modules = med(lambda s: s["import the command's modules"])
    lines.append(f"  {modules:8.1f}    import the command's modules (store, schema, status, export...)")
    main_ms = med(lambda s: s["main()"])
    lines.append(f"  {main_ms:8.1f}    main(): the command")
    outer = 0.0
    for label, _module, _attr, parent in PHASES:
        if label not in found:
            continue
        value = phase(label)
        count = statistics.median(s["calls"].get(label, 0) for s in samples)
        if count == 0:
            continue
        depth = 0 if parent is None else (1 if next(p for p in PHASES if p[0] == parent)[3] is None else 2)
        if depth == 0:
            outer += value
        lines.append(f"  {value:8.1f}    {'  ' * (depth + 1)}{label}  ({count:.0f} calls)")
        if label == "read files":
            parse = phase("parse (decode, TOML, build)")
            lines.append(f"  {value - parse:8.1f}        of which reading bytes (read less parse)")
        if label == "parse (decode, TOML, build)":
            rest = value - med(
                lambda s: s["phases"].get("tomllib.loads", 0.0) + s["phases"].get("decode.build (dicts -> model)", 0.0)
            )
            lines.append(f"  {rest:8.1f}          of which decode and the rest (parse less tomllib and build)")
    lines.append(f"  {main_ms - outer:8.1f}      the rest of main(): Typer parsing, filters, sort, exit")
    missing = [label for label, *_ in PHASES if label not in found]
    if missing:
        lines.append(f"  (not in this checkout: {', '.join(missing)})")
    return lines


def cprofile(env: dict[str, str], cwd: Path, args: list[str], top: int) -> list[str]:
    """cProfile of one run: the functions with the most time of their own."""
    import pstats
    import re
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        prof = Path(tmp) / "run.prof"
        # main() leaves with os._exit, which would skip writing the profile: make it come back.
        code = (
            "import cProfile, sys, cloudplan.cli as cli; cli._exit = sys.exit; "
            f"sys.argv = ['cloudplan', *{args!r}]; cProfile.run('cli.main()', {str(prof)!r})"
        )
        subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # fmt: skip
        stats = pstats.Stats(str(prof))
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(ct for _cc, _nc, _tt, ct, _callers in entries.values())
    rows = sorted(entries.items(), key=lambda kv: -kv[1][2])[:top]
    lines = [f"cProfile of `cloudplan {' '.join(args)}` (one run; {total * 1000:.0f} ms under the profiler):",
             "    tottime ms  cumtime ms     calls  function"]  # fmt: skip
    for (file, line, name), (_cc, nc, tt, ct, _callers) in rows:
        where = re.sub(r"^.*?(site-packages/|/src/|lib/python3\.\d+/)", "", file)
        lines.append(f"    {tt * 1000:10.1f}  {ct * 1000:10.1f}  {nc:8d}  {name} ({where}:{line})")
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child(Path(argv[1]), argv[3:])
        return 0
    import argparse

    import gen
    import run

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="the portfolio to profile (default 10000)")
    parser.add_argument("--plan", type=Path, help="profile on this plan file or folder instead (e.g. plans/)")
    parser.add_argument("--command", default="overdue --format json", help="the cloudplan command and its options")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=25, help="functions to list from cProfile")
    parser.add_argument("--out", type=Path, default=gen.OUT)
    args = parser.parse_args(argv)
    out = args.out.resolve()
    target = args.plan.resolve() if args.plan else out / f"portfolio-{args.size}"
    if not target.exists():
        print(f"hotspots: {target} is missing; run `python bench/gen.py --sizes {args.size}` first", file=sys.stderr)
        return 2
    env = run.child_env(out)
    run.precompile(env)
    command = [*args.command.split(), target.name]
    cwd = target.parent
    for block in (
        importtime(args.runs, env),
        phases(args.runs, env, cwd, command),
        cprofile(env, cwd, command, args.top),
    ):
        print("\n".join(block))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
