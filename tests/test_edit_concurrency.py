"""Edits at once, in real processes: they take turns, and none is lost."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from cloudplan import store

N = 20


def test_twenty_processes_each_marking_a_milestone_done(write_plan: Callable[..., Path]) -> None:
    milestones = "".join(
        f'\n  [[project.milestone]]\n  id = "m{i}"\n  title = "Milestone {i}"   # comment {i}\n'
        f'  due = "2020-Q{i % 4 + 1}"\n'
        for i in range(N)
    )
    text = '#:schema ./cloudplan.schema.json\n[plan]\ntitle = "Concurrent"\n\n[[project]]\nid = "p"\ntitle = "P"\n'
    text += milestones
    path = write_plan(text)
    env = {k: v for k, v in os.environ.items() if k != "CLOUDPLAN_PLAN"}
    src = str(Path(store.__file__).parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cloudplan", "done", f"p/m{i}", "--on", f"2020-01-{i + 1:02d}", "-f", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(N)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    new = path.read_text(encoding="utf-8")
    for i in range(N):
        block = f'  id = "m{i}"\n  title = "Milestone {i}"   # comment {i}\n  due = "2020-Q{i % 4 + 1}"\n'
        assert f"{block}  done = 2020-01-{i + 1:02d}\n" in new
    # Only the 20 new lines: the rest of the file is as it was.
    assert [line for line in new.splitlines() if not line.startswith("  done = ")] == text.splitlines()
    loaded = store.load(store.discover([str(path)], {}, path.parent), lambda _tz: date(2020, 6, 30))
    assert not loaded.errors
    assert sum(1 for m in loaded.portfolio.milestones if m.done) == N
