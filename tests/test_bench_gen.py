"""The benchmark's generator makes valid plans, and the same milestones as Taskwarrior tasks."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import Result

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-29"
SIZE = 150


def generate(out: Path) -> dict[str, Any]:
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen.py"), "--sizes", str(SIZE), "--files", "3", "--single", str(SIZE),
         "--today", TODAY, "--out", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    manifest: dict[str, Any] = json.loads((out / f"portfolio-{SIZE}.manifest.json").read_text())
    return manifest


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("bench-out")
    return out, generate(out)


def test_the_portfolio_is_spread_over_files_and_mixes_statuses(portfolio: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = portfolio
    assert len(list((out / manifest["folder"]).glob("*.toml"))) == 3
    assert manifest["milestones"] == SIZE
    assert all(n > 0 for n in manifest["counts"].values()), manifest["counts"]


def test_the_plans_are_valid_and_hold_every_milestone(
    portfolio: tuple[Path, dict[str, Any]], cli: Callable[..., Result]
) -> None:
    out, manifest = portfolio
    for plan in (out / manifest["folder"], out / manifest["single"]):
        result = cli("status", "--format", "json", "--as-of", TODAY, plan)
        assert result.exit_code == 0, result.output
        projects = json.loads(result.stdout)["projects"]
        assert sum(len(p["milestones"]) for p in projects) == SIZE


def test_cloudplan_finds_the_overdue_milestones_the_generator_made(
    portfolio: tuple[Path, dict[str, Any]], cli: Callable[..., Result]
) -> None:
    out, manifest = portfolio
    result = cli("overdue", "--format", "json", "--as-of", TODAY, out / manifest["folder"])
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)["items"]) == manifest["counts"]["overdue"]


def test_the_taskwarrior_tasks_are_the_same_milestones(portfolio: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = portfolio
    tasks = json.loads((out / manifest["tasks"]).read_text(encoding="utf-8"))
    statuses = Counter(t["status"] for t in tasks)
    assert len(tasks) == SIZE
    assert statuses["pending"] == manifest["open"]
    assert statuses["completed"] == manifest["counts"]["done"]
    assert statuses["deleted"] == manifest["counts"]["cancelled"]
    # Taskwarrior's +OVERDUE: pending, due before the start of today (local midnight in the plans' time zone).
    day = date.fromisoformat(TODAY)
    midnight = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(manifest["timezone"])).astimezone(UTC)
    overdue = [
        t for t in tasks if t["status"] == "pending" and "due" in t and t["due"] < midnight.strftime("%Y%m%dT%H%M%SZ")
    ]
    assert len(overdue) == manifest["counts"]["overdue"]
    uuids = {t["uuid"] for t in tasks}
    assert all(d in uuids for t in tasks for d in t.get("depends", "").split(",") if d)


def test_the_same_seed_and_day_give_the_same_bytes(portfolio: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    out, manifest = portfolio
    again = generate(tmp_path / "again")
    assert again == manifest
    for name in sorted(p.name for p in (out / manifest["folder"]).glob("*.toml")):
        assert (tmp_path / "again" / manifest["folder"] / name).read_bytes() == (
            out / manifest["folder"] / name
        ).read_bytes()
    assert (tmp_path / "again" / manifest["tasks"]).read_bytes() == (out / manifest["tasks"]).read_bytes()
